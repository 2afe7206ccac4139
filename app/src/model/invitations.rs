//! What inviting someone from the Invite tab came to.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteOutcome {
    pub email: String,
    pub kind: InviteOutcomeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteOutcomeKind {
    Invited {
        invitation_id: i32,
    },
    AlreadyMember,
    /// An invitation is pending: offer "Resend" instead.
    AlreadyInvited {
        invitation_id: i32,
    },
}
