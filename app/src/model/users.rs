//! The Users table: its rows, pages and order.
use crate::domain::{DeliveryState, PersonStatus, Role};
use serde::{Deserialize, Serialize};

/// A row of the Users table: a member, or an invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub id: PersonId,
    pub name: String,
    pub email: String,
    pub role: Role,
    /// Group names, alphabetical.
    pub groups: Vec<String>,
    /// Where the person's picture is, if they uploaded one.
    pub avatar: Option<String>,
    pub status: PersonStatus,
    pub invited_by: Option<String>,
    pub invited_at: Option<i64>,
    pub expires_at: Option<i64>,
    /// For invitations: where their mail stands.
    pub delivery: Option<DeliveryState>,
    /// For invitations: when their reminder went out.
    pub reminded_at: Option<i64>,
    /// For invitations whose mail bounced or failed: the server's last reply
    /// (one line, at most 200 characters).
    pub mail_problem: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PersonId {
    Member(i32),
    Invitation(i32),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub rows: Vec<PersonRow>,
    pub total: usize,
    pub page: usize,
    pub page_size: usize,
    /// No SMTP relay: mail goes to files, so admins should copy links instead.
    pub mail_to_files: bool,
}

pub const PAGE_SIZE: usize = 50;

/// How the Users table is ordered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PeopleSort {
    #[default]
    Name,
    Email,
    Status,
    Newest,
}

impl PeopleSort {
    pub const ALL: [PeopleSort; 4] = [
        PeopleSort::Name,
        PeopleSort::Email,
        PeopleSort::Status,
        PeopleSort::Newest,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PeopleSort::Name => "Name",
            PeopleSort::Email => "Email",
            PeopleSort::Status => "Status",
            PeopleSort::Newest => "Newest first",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            PeopleSort::Name => "name",
            PeopleSort::Email => "email",
            PeopleSort::Status => "status",
            PeopleSort::Newest => "newest",
        }
    }

    pub fn from_key(key: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .unwrap_or_default()
    }
}

/// The Users table's status filter: one `PersonStatus`, by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusFilter {
    Invited,
    Expired,
    Active,
    Archived,
    Revoked,
    /// Open invitations whose mail bounced or failed for good.
    MailProblems,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 6] = [
        StatusFilter::Invited,
        StatusFilter::Expired,
        StatusFilter::Active,
        StatusFilter::Archived,
        StatusFilter::Revoked,
        StatusFilter::MailProblems,
    ];

    /// The same key as `PersonStatus::key`, and `mail_problems`.
    pub fn key(self) -> &'static str {
        match self {
            StatusFilter::Invited => "invited",
            StatusFilter::Expired => "expired",
            StatusFilter::Active => "active",
            StatusFilter::Archived => "archived",
            StatusFilter::Revoked => "revoked",
            StatusFilter::MailProblems => "mail_problems",
        }
    }

    /// "" is no filter; anything else must be a key.
    pub fn parse(key: &str) -> Result<Option<Self>, crate::domain::Invalid> {
        if key.is_empty() {
            return Ok(None);
        }
        Self::ALL
            .into_iter()
            .find(|f| f.key() == key)
            .map(Some)
            .ok_or_else(|| {
                crate::domain::Invalid::new(format!(
                    "{key:?} is not a status. Use invited, expired, active, archived, revoked or mail_problems."
                ))
            })
    }
}
