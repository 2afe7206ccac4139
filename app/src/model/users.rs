//! The Users table: its rows, pages and order.
use crate::domain::{format_day_month, DeliveryState, PersonStatus, Role};
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

/// A row's status badge and the one line beside it: "Invited" · "no account
/// yet · expires in 5 days", "Bounced" · "bounced: 550 5.1.1 User unknown".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusLine {
    /// For the badge's colour: a `PersonStatus::key`, or "bounced".
    pub key: &'static str,
    pub label: &'static str,
    pub detail: Option<String>,
}

const DAY_MILLIS: i64 = 86_400_000;

impl PersonRow {
    /// The name to call the person by: their name, else their address.
    pub fn display_name(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.email
        } else {
            &self.name
        }
    }

    pub fn status_line(&self, now: i64) -> StatusLine {
        let status = self.status;
        let open = matches!(status, PersonStatus::Invited { .. } | PersonStatus::Expired);
        let delivery = self.delivery.filter(|_| open);
        let problem = self.mail_problem.as_deref().filter(|p| !p.is_empty());
        if delivery == Some(DeliveryState::Bounced) {
            return StatusLine {
                key: "bounced",
                label: "Bounced",
                detail: Some(match problem {
                    Some(reply) => format!("bounced: {reply}"),
                    None => "the receiving server refused the mail".to_owned(),
                }),
            };
        }
        let mut parts: Vec<String> = Vec::new();
        if let Some(account) = status.detail() {
            parts.push(account.to_owned());
        }
        match delivery {
            Some(DeliveryState::Failed) => parts.push(match problem {
                Some(reason) => format!("mail failed: {reason}"),
                None => "mail failed".to_owned(),
            }),
            Some(DeliveryState::NotSent) => parts.push("not mailed".to_owned()),
            _ => {}
        }
        if let (true, Some(at)) = (open, self.reminded_at) {
            parts.push(format!("reminded {}", format_day_month(at)));
        }
        match (status, self.expires_at) {
            (PersonStatus::Invited { .. }, Some(at)) => parts.push(expires_in(at, now)),
            (PersonStatus::Expired, Some(at)) => {
                parts.push(format!("expired {}", format_day_month(at)))
            }
            _ => {}
        }
        StatusLine {
            key: status.key(),
            label: status.label(),
            detail: (!parts.is_empty()).then(|| parts.join(" · ")),
        }
    }
}

/// "expires in 5 days", "expires in a day", "expires in 3 hours": to the
/// nearest day or hour, so a link made a minute ago for 7 days says 7.
fn expires_in(at: i64, now: i64) -> String {
    const HOUR_MILLIS: i64 = 3_600_000;
    let left = (at - now).max(0);
    let nearest = |unit: i64| (left + unit / 2) / unit;
    if left < HOUR_MILLIS {
        "expires within the hour".to_owned()
    } else if left < DAY_MILLIS - HOUR_MILLIS / 2 {
        match nearest(HOUR_MILLIS) {
            1 => "expires in an hour".to_owned(),
            hours => format!("expires in {hours} hours"),
        }
    } else {
        match nearest(DAY_MILLIS) {
            1 => "expires in a day".to_owned(),
            days => format!("expires in {days} days"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
    /// Where the next page starts (give it back as `after` with page + 1),
    /// when there is one and the order allows it.
    pub next: Option<String>,
    /// No SMTP relay: mail goes to files, so admins should copy links instead.
    pub mail_to_files: bool,
    /// The server's time when it read the page: what "expires in 5 days" is
    /// counted from, the same in the server's render and in the browser.
    pub now: i64,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// 4 December 2026, 12:00 UTC.
    const NOW: i64 = 1_796_385_600_000;

    fn invited() -> PersonRow {
        PersonRow {
            id: PersonId::Invitation(1),
            name: String::new(),
            email: "eve@example.com".into(),
            role: Role::Member,
            groups: Vec::new(),
            avatar: None,
            status: PersonStatus::Invited { has_account: false },
            invited_by: None,
            invited_at: Some(NOW),
            expires_at: Some(NOW + 5 * DAY_MILLIS + 3_600_000),
            delivery: Some(DeliveryState::Sent),
            reminded_at: None,
            mail_problem: None,
        }
    }

    #[test]
    fn expiry_is_told_to_the_nearest_day_or_hour() {
        const HOUR: i64 = 3_600_000;
        assert_eq!(
            expires_in(NOW + 7 * DAY_MILLIS - 60_000, NOW),
            "expires in 7 days"
        );
        assert_eq!(
            expires_in(NOW + 6 * DAY_MILLIS + 11 * HOUR, NOW),
            "expires in 6 days"
        );
        assert_eq!(
            expires_in(NOW + DAY_MILLIS + 2 * HOUR, NOW),
            "expires in a day"
        );
        assert_eq!(
            expires_in(NOW + 23 * HOUR + 40 * 60_000, NOW),
            "expires in a day"
        );
        assert_eq!(expires_in(NOW + 5 * HOUR, NOW), "expires in 5 hours");
        assert_eq!(expires_in(NOW + 80 * 60_000, NOW), "expires in an hour");
        assert_eq!(
            expires_in(NOW + 59 * 60_000, NOW),
            "expires within the hour"
        );
    }

    #[test]
    fn an_open_invitation_says_when_it_expires_and_whether_it_was_reminded() {
        let line = invited().status_line(NOW);
        assert_eq!((line.key, line.label), ("invited", "Invited"));
        assert_eq!(
            line.detail.as_deref(),
            Some("no account yet · expires in 5 days")
        );
        let reminded = PersonRow {
            reminded_at: Some(NOW),
            expires_at: Some(NOW + DAY_MILLIS + 1),
            ..invited()
        };
        assert_eq!(
            reminded.status_line(NOW).detail.as_deref(),
            Some("no account yet · reminded 4 Dec · expires in a day")
        );
    }

    #[test]
    fn a_bounce_is_the_status_with_the_servers_reply() {
        let bounced = PersonRow {
            delivery: Some(DeliveryState::Bounced),
            mail_problem: Some("550 5.1.1 User unknown".into()),
            ..invited()
        };
        let line = bounced.status_line(NOW);
        assert_eq!((line.key, line.label), ("bounced", "Bounced"));
        assert_eq!(
            line.detail.as_deref(),
            Some("bounced: 550 5.1.1 User unknown")
        );
    }

    #[test]
    fn expired_failed_and_unmailed_invitations_say_so() {
        let expired = PersonRow {
            status: PersonStatus::Expired,
            expires_at: Some(NOW - DAY_MILLIS),
            delivery: Some(DeliveryState::Failed),
            mail_problem: Some("connection refused".into()),
            ..invited()
        };
        let line = expired.status_line(NOW);
        assert_eq!(line.label, "Expired");
        assert_eq!(
            line.detail.as_deref(),
            Some("mail failed: connection refused · expired 3 Dec")
        );
        let unmailed = PersonRow {
            delivery: Some(DeliveryState::NotSent),
            status: PersonStatus::Invited { has_account: true },
            ..invited()
        };
        assert_eq!(
            unmailed.status_line(NOW).detail.as_deref(),
            Some("has an account · not mailed · expires in 5 days")
        );
    }

    #[test]
    fn members_and_revoked_invitations_have_no_detail() {
        for status in [
            PersonStatus::Active,
            PersonStatus::Archived,
            PersonStatus::Revoked,
        ] {
            let row = PersonRow {
                status,
                ..invited()
            };
            assert_eq!(row.status_line(NOW).detail, None, "{status:?}");
        }
    }
}
