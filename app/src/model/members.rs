//! The changes an admin asks for on a member.
use serde::{Deserialize, Serialize};

/// The change an admin asks for. `role` is used with `ChangeRole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberAction {
    ChangeRole,
    Archive,
    Unarchive,
    Remove,
}
