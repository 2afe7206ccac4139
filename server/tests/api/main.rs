//! Integration tests: the real router on a fresh database per test, over HTTP.
//! Every test runs on SQLite, and on PostgreSQL when MUSTER_TEST_POSTGRES_URL is set.
mod support;

mod authorization;
mod health;
mod login;
mod setup;
