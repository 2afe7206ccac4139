//! Business operations. Server functions and the CLI call these; they know
//! nothing about HTTP.
pub mod acceptance;
pub mod accounts;
pub mod activity;
pub mod api_tokens;
pub mod audit;
pub mod avatars;
pub mod bulk;
pub mod column_choices;
pub mod common_passwords;
pub mod groups;
pub mod import_commit;
pub mod import_jobs;
pub mod import_undo;
pub mod imports;
pub mod invitations;
pub mod link_signer;
pub mod mailer;
pub mod member_updates;
pub mod members;
pub mod metrics;
pub mod outbox;
pub mod passwords;
pub mod people;
pub mod rate_limits;
pub mod secrets;
pub mod sessions;
pub mod setup;
pub mod smtp_pool;
pub mod workspace_settings;
pub mod workspaces;

/// Who is acting, in which workspace. `user_id` is None for an operator at
/// the command line.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub workspace_id: i32,
    pub user_id: Option<i32>,
}
