//! Domain types that validate on construction: once you hold one, it is valid.
mod email;
pub mod password;
mod person_name;
mod role;
mod slug;

pub use email::Email;
pub use password::Password;
pub use person_name::{DisplayName, WorkspaceName};
pub use role::{MembershipStatus, Role};
pub use slug::Slug;

/// A value refused by a domain constructor, with a message fit to show the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
