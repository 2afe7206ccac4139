//! Bulk import on the wire: the rows the browser sends, what became of each, and the batches.
use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// One row as the browser sends it, after its own checks.
/// Rows per chunk: the browser sends a file's ready rows this many at a
/// time, and the server commits a whole file (command line, JSON API, import
/// jobs) in chunks of the same size, each in its own transaction. Half as
/// many requests and transactions as chunks of 1,000 (measured, 100,000 rows
/// over HTTP: SQLite 3.0–3.3 s → 2.8 s, PostgreSQL 4.9–5.2 s → 4.8–4.9 s),
/// and still fifty steps of progress for such a file.
pub const CHUNK_ROWS: usize = 2_000;
/// Chunks the browser keeps in flight: while the database writes one, the
/// server reads and checks the next (measured: 100,000 rows on PostgreSQL
/// 10.9 s with one, 7.4 s with two, 6.7 s with three).
pub const CHUNKS_IN_FLIGHT: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The row number in the file (for the report and for idempotency).
    pub row: usize,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
    /// The file's Role cell was empty, so `role` is the default: a new
    /// invitation takes it, an update of a member keeps their role.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub role_defaulted: bool,
    pub groups: Vec<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

impl From<&crate::import::Candidate> for ImportRow {
    /// A checked row as it is sent to be committed.
    fn from(c: &crate::import::Candidate) -> Self {
        ImportRow {
            row: c.row,
            email: c.email.clone(),
            name: c.name.clone(),
            role: c.role,
            role_defaulted: c.role_defaulted,
            groups: c.groups.clone(),
            metadata: c.metadata_map(),
        }
    }
}

/// What became of one row, with the reason when it was skipped or failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcomeKind {
    /// A new invitation, or an expired one renewed.
    Invited,
    /// A pending invitation got a new link and mail (when asked for).
    Resent,
    /// A member's role, groups or metadata changed, as described.
    Updated(String),
    Skipped(String),
    Failed(String),
}

/// The kind of a row's outcome, without its reason: what is stored for the
/// row and what is counted. Stored as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum Outcome {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "invited"))]
    Invited,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "resent"))]
    Resent,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "updated"))]
    Updated,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "skipped"))]
    Skipped,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
}

impl Outcome {
    /// The stable name stored and shown in reports ("resent", …).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Invited => "invited",
            Outcome::Resent => "resent",
            Outcome::Updated => "updated",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "failed",
        }
    }
}

impl RowOutcomeKind {
    pub fn outcome(&self) -> Outcome {
        match self {
            RowOutcomeKind::Invited => Outcome::Invited,
            RowOutcomeKind::Resent => Outcome::Resent,
            RowOutcomeKind::Updated(_) => Outcome::Updated,
            RowOutcomeKind::Skipped(_) => Outcome::Skipped,
            RowOutcomeKind::Failed(_) => Outcome::Failed,
        }
    }

    /// Why the row was skipped or failed.
    pub fn reason(&self) -> Option<&str> {
        match self {
            RowOutcomeKind::Updated(why)
            | RowOutcomeKind::Skipped(why)
            | RowOutcomeKind::Failed(why) => Some(why),
            RowOutcomeKind::Invited | RowOutcomeKind::Resent => None,
        }
    }

    /// From what was stored for the row.
    pub fn stored(outcome: Outcome, reason: Option<String>) -> Self {
        let why = reason.unwrap_or_default();
        match outcome {
            Outcome::Invited => RowOutcomeKind::Invited,
            Outcome::Resent => RowOutcomeKind::Resent,
            Outcome::Updated => RowOutcomeKind::Updated(why),
            Outcome::Skipped => RowOutcomeKind::Skipped(why),
            Outcome::Failed => RowOutcomeKind::Failed(why),
        }
    }
}

/// How many rows came to each outcome. Every place that counts or shows
/// outcomes (the upload tab, the Imports page, the command line, the JSON
/// API, the stored batch) uses this, so a resent row is counted as resent
/// everywhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    pub invited: u32,
    pub resent: u32,
    /// Members the file updated (when asked for).
    #[serde(default)]
    pub updated: u32,
    pub skipped: u32,
    pub failed: u32,
}

impl OutcomeCounts {
    pub fn add(&mut self, outcome: Outcome) {
        *self.slot(outcome) += 1;
    }

    pub fn of<'a>(kinds: impl IntoIterator<Item = &'a RowOutcomeKind>) -> Self {
        let mut counts = Self::default();
        for kind in kinds {
            counts.add(kind.outcome());
        }
        counts
    }

    pub fn get(&self, outcome: Outcome) -> u32 {
        match outcome {
            Outcome::Invited => self.invited,
            Outcome::Resent => self.resent,
            Outcome::Updated => self.updated,
            Outcome::Skipped => self.skipped,
            Outcome::Failed => self.failed,
        }
    }

    fn slot(&mut self, outcome: Outcome) -> &mut u32 {
        match outcome {
            Outcome::Invited => &mut self.invited,
            Outcome::Resent => &mut self.resent,
            Outcome::Updated => &mut self.updated,
            Outcome::Skipped => &mut self.skipped,
            Outcome::Failed => &mut self.failed,
        }
    }

    pub fn total(&self) -> u32 {
        self.invited + self.resent + self.updated + self.skipped + self.failed
    }

    pub fn merge(&mut self, other: OutcomeCounts) {
        self.invited += other.invited;
        self.resent += other.resent;
        self.updated += other.updated;
        self.skipped += other.skipped;
        self.failed += other.failed;
    }

    /// "3 invited · 1 resent · 2 updated · 0 skipped · 2 failed"; resent and
    /// updated only when some were.
    pub fn summary(&self) -> String {
        let some = |n: u32, what: &str| {
            if n > 0 {
                format!(" · {n} {what}")
            } else {
                String::new()
            }
        };
        let resent = some(self.resent, "resent");
        let updated = some(self.updated, "updated");
        format!(
            "{} invited{resent}{updated} · {} skipped · {} failed",
            self.invited, self.skipped, self.failed
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowOutcome {
    pub row: usize,
    pub email: String,
    pub kind: RowOutcomeKind,
}

impl RowOutcome {
    /// A row the pipeline refused before it was sent: failed, with its reasons.
    pub fn refused(candidate: &crate::import::Candidate) -> Self {
        RowOutcome {
            row: candidate.row,
            email: candidate.email.clone(),
            kind: RowOutcomeKind::Failed(candidate.error_summary()),
        }
    }
}

/// What to do with rows whose person the workspace already knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictChoices {
    /// Pending invitation: send a new link (otherwise skip).
    #[serde(default)]
    pub resend_pending: bool,
    /// Groups the workspace does not have yet are created (otherwise the
    /// row fails and says which group is missing).
    #[serde(default)]
    pub create_groups: bool,
    /// Expired invitation: skip the row (otherwise invite again, new link).
    #[serde(default)]
    pub skip_expired: bool,
    /// Active members the file names: update these fields of theirs from it
    /// (None: skip them, as before).
    #[serde(default)]
    pub update_members: Option<crate::model::member_updates::UpdateFields>,
}

/// Where a file's person stands in the workspace, before committing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WorkspaceMatch {
    New,
    Member,
    Archived,
    Pending,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportBatchSummary {
    pub id: i32,
    pub file_name: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub total_rows: u32,
    pub counts: OutcomeCounts,
    pub undone: Option<ImportUndo>,
}

/// What undoing an import did: the invitations it created that were still
/// open are revoked; people who had joined through them stay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportUndo {
    pub revoked: u32,
    /// Member updates put back (role, groups, metadata as they were).
    #[serde(default)]
    pub restored: u32,
    pub stayed: u32,
    /// Some of those who stay (at most `STAYED_NAMED`), by address; empty
    /// when read back from the list of imports.
    pub stayed_people: Vec<String>,
    pub undone_at: i64,
    /// None: an operator at the command line.
    pub undone_by: Option<String>,
}

impl ImportUndo {
    pub const STAYED_NAMED: usize = 10;

    /// "Undone: 88 invitations revoked; 12 people already joined and stay (…)."
    pub fn summary(&self) -> String {
        let revoked = match self.revoked {
            1 => "1 invitation revoked".to_owned(),
            n => format!("{n} invitations revoked"),
        };
        let stayed = match self.stayed {
            0 => String::new(),
            1 => "; 1 person already joined and stays".to_owned(),
            n => format!("; {n} people already joined and stay"),
        };
        let restored = match self.restored {
            0 => String::new(),
            1 => "; 1 member's update put back".to_owned(),
            n => format!("; {n} members' updates put back"),
        };
        let named = if self.stayed_people.is_empty() {
            String::new()
        } else {
            let more = self.stayed as usize > self.stayed_people.len();
            format!(
                " ({}{})",
                self.stayed_people.join(", "),
                if more { ", …" } else { "" }
            )
        };
        format!("Undone: {revoked}{restored}{stayed}{named}.")
    }
}

/// What the upload tab needs to know before a file is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSettings {
    pub limits: crate::import::ImportLimits,
    /// Whether a mail server is set up; without one, mail only lands in files
    /// on the server, so the switch starts off.
    pub smtp_configured: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_undo_says_what_it_revoked_and_who_stays() {
        let undo = |revoked, stayed, people: &[&str]| ImportUndo {
            revoked,
            restored: 0,
            stayed,
            stayed_people: people.iter().map(|p| p.to_string()).collect(),
            undone_at: 0,
            undone_by: None,
        };
        assert_eq!(undo(1, 0, &[]).summary(), "Undone: 1 invitation revoked.");
        assert_eq!(
            undo(88, 1, &["a@x.org"]).summary(),
            "Undone: 88 invitations revoked; 1 person already joined and stays (a@x.org)."
        );
        assert_eq!(
            undo(0, 12, &["a@x.org", "b@x.org"]).summary(),
            "Undone: 0 invitations revoked; 12 people already joined and stay (a@x.org, b@x.org, …)."
        );
        let restoring = ImportUndo {
            restored: 2,
            ..undo(3, 0, &[])
        };
        assert_eq!(
            restoring.summary(),
            "Undone: 3 invitations revoked; 2 members' updates put back."
        );
    }

    #[test]
    fn outcomes_are_counted_by_kind_and_resent_is_its_own_count() {
        let kinds = [
            RowOutcomeKind::Invited,
            RowOutcomeKind::Resent,
            RowOutcomeKind::Invited,
            RowOutcomeKind::Skipped("Already in this workspace.".into()),
            RowOutcomeKind::Failed("Email: not an address.".into()),
        ];
        let counts = OutcomeCounts::of(&kinds);
        assert_eq!(
            (counts.invited, counts.resent, counts.skipped, counts.failed),
            (2, 1, 1, 1)
        );
        assert_eq!(counts.total(), 5);
        assert_eq!(
            counts.summary(),
            "2 invited · 1 resent · 1 skipped · 1 failed"
        );
        assert_eq!(
            OutcomeCounts::of(&kinds[..1]).summary(),
            "1 invited · 0 skipped · 0 failed"
        );
    }

    #[test]
    fn a_stored_outcome_reads_back_as_it_was() {
        for kind in [
            RowOutcomeKind::Invited,
            RowOutcomeKind::Resent,
            RowOutcomeKind::Skipped("why".into()),
            RowOutcomeKind::Failed("why".into()),
        ] {
            let reason = kind.reason().map(str::to_owned);
            assert_eq!(RowOutcomeKind::stored(kind.outcome(), reason), kind);
        }
    }
}
