//! Integration tests: the real router on a fresh database per test, over HTTP.
//! Every test runs on SQLite, and on PostgreSQL when MUSTER_TEST_POSTGRES_URL is set.
mod smtp_sink;
mod support;

mod activity;
mod adversarial;
mod api_v1;
mod authorization;
mod avatars;
mod bulk;
mod cli;
mod cli_import;
mod column_choices;
mod delivery;
mod faults;
mod groups;
mod health;
mod import_jobs;
mod import_undo;
mod imports;
mod index_property;
mod instances;
mod invitations;
mod login;
mod logs;
mod member_updates;
mod members;
mod operations;
mod people;
mod rate_limits;
mod reminders;
mod request_tracing;
mod security;
mod setup;
mod workspace_settings;
