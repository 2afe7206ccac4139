//! Server functions. Each one: authenticate, authorize, one service call, map
//! the result with `respond`. Arguments are plain input types, never entities.
pub mod activity;
pub mod api_tokens;
pub mod auth;
pub mod bulk;
pub mod column_choices;
pub mod groups;
pub mod imports;
pub mod invitations;
pub mod members;
pub mod setup;
pub mod signup;
pub mod users;
pub mod workspace;
