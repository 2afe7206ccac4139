//! What the import-job routes take and answer.
use super::types::RowResult;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// How an uploaded file is imported (the body is the file itself).
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportOptions {
    /// The file's name: its extension tells CSV from XLSX (default `upload.csv`).
    pub file_name: Option<String>,
    /// Mail each invitation (default true).
    pub send_email: Option<bool>,
    /// Days the links live, 1 to 30 (default: the workspace's setting).
    #[param(minimum = 1, maximum = 30)]
    pub expires_in_days: Option<i64>,
    /// Your own words in each mail, up to 500 characters.
    #[param(max_length = 500)]
    pub message: Option<String>,
    /// One role for every row (the file's Role column is then not read).
    pub role: Option<String>,
    /// Groups for every row, separated by `|` (the file's Groups column is then not read).
    pub groups: Option<String>,
    /// The workbook sheet to read, from 1 (the best guess otherwise).
    #[param(minimum = 1)]
    pub sheet: Option<u32>,
    pub resend_pending: Option<bool>,
    pub create_groups: Option<bool>,
    pub skip_expired: Option<bool>,
    /// People already active members get the role, groups and metadata of
    /// their row (otherwise skipped); a column the file lacks changes
    /// nothing. Archived members are skipped.
    pub update_members: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl JobState {
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            JobState::Done | JobState::Failed | JobState::Cancelled
        )
    }
}

impl From<app::model::import_jobs::JobState> for JobState {
    fn from(state: app::model::import_jobs::JobState) -> Self {
        use app::model::import_jobs::JobState as Stored;
        match state {
            Stored::Queued => JobState::Queued,
            Stored::Running => JobState::Running,
            Stored::Done => JobState::Done,
            Stored::Failed => JobState::Failed,
            Stored::Cancelled => JobState::Cancelled,
        }
    }
}

/// An import running in the background.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportJob {
    pub id: i32,
    pub state: JobState,
    pub file_name: String,
    /// The import batch (the Imports page), once the file is read.
    pub batch_id: Option<i32>,
    /// Rows in the file, once read.
    pub total_rows: Option<i32>,
    /// Rows that passed the checks, and how many of them are committed.
    pub ready_rows: Option<i32>,
    pub committed_rows: i32,
    pub invited: u32,
    pub resent: u32,
    /// Members whose role, groups or metadata the file changed (`update_members`).
    pub updated: u32,
    pub skipped: u32,
    pub failed: u32,
    /// Why the job failed.
    pub error: Option<String>,
    /// Unix time in milliseconds.
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportJobList {
    pub items: Vec<ImportJob>,
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsQuery {
    /// From 1.
    #[param(minimum = 1)]
    pub page: Option<u32>,
    /// Rows per page, 1 to 1,000 (default 500).
    #[param(minimum = 1, maximum = 1000)]
    pub page_size: Option<u32>,
}

/// A page of a job's per-row results, in file order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportRowsPage {
    pub items: Vec<RowResult>,
    pub page: u32,
    pub page_size: u32,
    /// Rows with a result so far.
    pub total: u64,
}

/// What undoing an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportUndone {
    /// Invitations the import created that were still open, now revoked.
    pub revoked: u32,
    /// Members whose update by the import was put back (where nobody had
    /// changed it since).
    pub restored: u32,
    /// People who had joined through the import's invitations: they stay.
    pub stayed: u32,
    /// Some of those who stay (at most 10), by address.
    pub stayed_people: Vec<String>,
    /// Unix time in milliseconds of the (first) undo.
    pub undone_at: i64,
    pub summary: String,
}

impl From<app::model::imports::ImportUndo> for ImportUndone {
    fn from(undo: app::model::imports::ImportUndo) -> Self {
        Self {
            summary: undo.summary(),
            revoked: undo.revoked,
            restored: undo.restored,
            stayed: undo.stayed,
            stayed_people: undo.stayed_people,
            undone_at: undo.undone_at,
        }
    }
}
