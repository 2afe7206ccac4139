pub mod audit_log;
pub mod membership;
pub mod session;
pub mod setup_token;
pub mod user;
pub mod workspace;
