//! The types server functions and services exchange, and the browser shows:
//! one module below both, so that services (`ssr`) never reach up into `api`.
pub mod activity;
pub mod api_tokens;
pub mod bulk;
pub mod column_choices;
pub mod groups;
pub mod import_jobs;
pub mod imports;
pub mod invitations;
pub mod member_updates;
pub mod members;
pub mod setup;
pub mod signup;
pub mod users;
pub mod workspace;
