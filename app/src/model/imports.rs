//! Bulk import on the wire: the rows the browser sends, what became of each, and the batches.
use crate::domain::Role;
use serde::{Deserialize, Serialize};

/// One row as the browser sends it, after its own checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// The row number in the file (for the report and for idempotency).
    pub row: usize,
    pub email: String,
    pub name: Option<String>,
    pub role: Role,
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
            groups: c.groups.clone(),
            metadata: c.metadata.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcomeKind {
    Invited,
    /// A pending invitation got a new link and mail (when asked for).
    Resent,
    Skipped(String),
    Failed(String),
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
    pub invited: u32,
    pub resent: u32,
    pub skipped: u32,
    pub failed: u32,
}

/// What the upload tab needs to know before a file is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadSettings {
    pub limits: crate::import::ImportLimits,
    /// Whether a mail server is set up; without one, mail only lands in files
    /// on the server, so the switch starts off.
    pub smtp_configured: bool,
}
