//! Integration tests: the real router on a fresh database per test, over HTTP.
//! Every test runs on SQLite, and on PostgreSQL when MUSTER_TEST_POSTGRES_URL is set.
mod smtp_sink;
mod support;

mod authorization;
mod cli;
mod health;
mod invitations;
mod login;
mod members;
mod people;
mod setup;
