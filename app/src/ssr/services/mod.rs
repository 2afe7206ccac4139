//! Business operations. Server functions and the CLI call these; they know
//! nothing about HTTP.
pub mod accounts;
pub mod audit;
pub mod members;
pub mod passwords;
pub mod secrets;
pub mod sessions;
pub mod setup;
pub mod workspaces;
