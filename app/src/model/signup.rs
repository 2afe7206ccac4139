//! The sign-up page behind an invitation link.
use serde::{Deserialize, Serialize};

/// Why a link does not work. Each gets its own page; none reveals whether an account exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkProblem {
    Expired,
    Used,
    Revoked,
    Unknown,
}

impl LinkProblem {
    pub fn heading(self) -> &'static str {
        match self {
            LinkProblem::Expired => "This invitation has expired",
            LinkProblem::Used => "This invitation has already been used",
            LinkProblem::Revoked => "This invitation was withdrawn",
            LinkProblem::Unknown => "This invitation link does not work",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub workspace_name: String,
    pub email: String,
    pub display_name: String,
    /// The invitee already has a Muster account: they log in to join.
    pub has_account: bool,
    /// Someone else is signed in in this browser: joining signs them in as
    /// the invited address instead, so the page says so first.
    pub signed_in_as: Option<String>,
}
