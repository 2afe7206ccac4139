//! Domain types that validate on construction: once you hold one, it is valid.
mod dates;
mod delivery;
mod email;
mod expiry;
mod group_name;
mod message;
mod metadata;
pub mod password;
mod person_name;
mod person_status;
mod role;
mod slug;

pub use dates::{format_date, format_date_time, format_day_month, format_short_date};
pub use delivery::{DeliveryState, MailKind};
pub use email::Email;
pub use expiry::{lifetime_label, ExpiryDays};
pub use group_name::GroupName;
pub use message::PersonalMessage;
pub use metadata::Metadata;
pub use password::Password;
pub use person_name::{DisplayName, WorkspaceName};
pub use person_status::{InvitationState, PersonStatus};
pub use role::{MembershipStatus, Role};
pub use slug::Slug;

/// A value refused by a domain constructor, with a message fit to show the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// Text in Unicode NFC. Most text (all ASCII, most precomposed names) already
/// is, and the quick check says so without building a second copy.
pub(crate) fn nfc(text: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
}

impl Invalid {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}
