use serde::{Deserialize, Serialize};

/// Where an invitation stands. Derived, never stored: whether it has expired
/// depends on the time it is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationState {
    /// The link works.
    Open,
    Expired,
    Revoked,
    Accepted,
}

impl InvitationState {
    pub fn of(accepted: bool, revoked: bool, expires_at: i64, now: i64) -> Self {
        if accepted {
            InvitationState::Accepted
        } else if revoked {
            InvitationState::Revoked
        } else if expires_at <= now {
            InvitationState::Expired
        } else {
            InvitationState::Open
        }
    }
}

/// What the Users table says about a person or a pending invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PersonStatus {
    /// Invited and the link still works; `has_account` when they already have a Muster account.
    Invited {
        has_account: bool,
    },
    Active,
    Archived,
    Expired,
    Revoked,
}

impl PersonStatus {
    /// The status of an invitation that has not been accepted.
    pub fn of_invitation(revoked: bool, expires_at: i64, now: i64, has_account: bool) -> Self {
        match InvitationState::of(false, revoked, expires_at, now) {
            InvitationState::Revoked => PersonStatus::Revoked,
            InvitationState::Expired => PersonStatus::Expired,
            InvitationState::Open | InvitationState::Accepted => {
                PersonStatus::Invited { has_account }
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PersonStatus::Invited { .. } => "Invited",
            PersonStatus::Active => "Active",
            PersonStatus::Archived => "Archived",
            PersonStatus::Expired => "Expired",
            PersonStatus::Revoked => "Revoked",
        }
    }

    pub fn detail(self) -> Option<&'static str> {
        match self {
            PersonStatus::Invited { has_account: true } => Some("has an account"),
            PersonStatus::Invited { has_account: false } => Some("no account yet"),
            _ => None,
        }
    }

    /// A stable name for filters and CSS classes.
    pub fn key(self) -> &'static str {
        match self {
            PersonStatus::Invited { .. } => "invited",
            PersonStatus::Active => "active",
            PersonStatus::Archived => "archived",
            PersonStatus::Expired => "expired",
            PersonStatus::Revoked => "revoked",
        }
    }

    /// An invitation row (rather than a member row).
    pub fn is_invitation(self) -> bool {
        matches!(
            self,
            PersonStatus::Invited { .. } | PersonStatus::Expired | PersonStatus::Revoked
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_expires_at_its_expiry_time() {
        assert_eq!(
            PersonStatus::of_invitation(false, 1000, 999, false),
            PersonStatus::Invited { has_account: false }
        );
        assert_eq!(
            PersonStatus::of_invitation(false, 1000, 1000, false),
            PersonStatus::Expired
        );
        assert_eq!(
            PersonStatus::of_invitation(true, 1000, 0, true),
            PersonStatus::Revoked
        );
        assert_eq!(
            PersonStatus::Invited { has_account: true }.detail(),
            Some("has an account")
        );
    }
}
