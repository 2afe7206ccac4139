//! Business operations. Server functions and the CLI call these; they know
//! nothing about HTTP.
pub mod acceptance;
pub mod accounts;
pub mod audit;
pub mod common_passwords;
pub mod invitations;
pub mod link_signer;
pub mod mailer;
pub mod members;
pub mod outbox;
pub mod passwords;
pub mod people;
pub mod secrets;
pub mod sessions;
pub mod setup;
pub mod workspaces;
