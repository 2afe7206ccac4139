pub mod audit_log;
pub mod invitation;
pub mod membership;
pub mod outbox;
pub mod session;
pub mod setup_token;
pub mod user;
pub mod workspace;
