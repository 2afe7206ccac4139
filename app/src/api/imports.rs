//! Bulk import, server side: the browser has parsed and checked the file; the
//! server checks every row again with the same pipeline code and commits it
//! in chunks that are safe to send twice.
use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
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

#[server(prefix = "/api", endpoint = "import_settings")]
pub async fn import_settings(slug: String) -> Result<UploadSettings, AppError> {
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            request::require_admin(&state, &slug).await?;
            Ok(state.import_settings())
        }
        .await,
    )
}

/// Opens a batch for one file. Returns its id, which every chunk carries.
/// `refused_rows`: rows the browser's checks kept back (counted as failed).
#[server(prefix = "/api", endpoint = "start_import")]
pub async fn start_import(
    slug: String,
    file_name: String,
    total_rows: u32,
    refused_rows: u32,
    send_email: bool,
) -> Result<i32, AppError> {
    use crate::ssr::services::imports;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            imports::start(
                &state.db,
                state.import_settings().limits,
                access.actor(admin.user_id),
                &file_name,
                total_rows,
                refused_rows,
                send_email,
            )
            .await
        }
        .await,
    )
}

/// Commits up to `imports::MAX_CHUNK_ROWS` rows. Rows already committed in
/// this batch are answered from the record, not invited again.
#[server(prefix = "/api", endpoint = "import_chunk", input = Json)]
pub async fn import_chunk(
    slug: String,
    batch_id: i32,
    rows: Vec<ImportRow>,
    choices: ConflictChoices,
) -> Result<Vec<RowOutcome>, AppError> {
    use crate::ssr::services::{imports, rate_limits::Action};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let admin_key = admin.user_id.to_string();
            request::rate_limit(&state, Action::CreateInvitations, &admin_key).await?;
            imports::commit_chunk(&state, access.actor(admin.user_id), batch_id, rows, choices)
                .await
        }
        .await,
    )
}

/// Where each address stands in the workspace (in the order given).
#[server(prefix = "/api", endpoint = "check_import", input = Json)]
pub async fn check_import(
    slug: String,
    emails: Vec<String>,
) -> Result<Vec<WorkspaceMatch>, AppError> {
    use crate::ssr::services::imports;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            imports::check(&state.db, access.workspace.id, &emails).await
        }
        .await,
    )
}

/// The workspace's imports, newest first.
#[server(prefix = "/api", endpoint = "list_imports")]
pub async fn list_imports(slug: String) -> Result<Vec<ImportBatchSummary>, AppError> {
    use crate::ssr::services::imports;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            imports::list(&state.db, access.workspace.id).await
        }
        .await,
    )
}
