//! Bulk import, server side: the browser has parsed and checked the file; the
//! server checks every row again with the same pipeline code and commits it
//! in chunks that are safe to send twice.
use crate::error::AppError;
pub use crate::model::imports::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

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
    /// Days the links live; empty: the workspace's default.
    #[server(default)]
    expiry_days: String,
    /// The admin's own words in every mail; empty: none.
    #[server(default)]
    message: String,
) -> Result<i32, AppError> {
    use crate::domain::{ExpiryDays, PersonalMessage};
    use crate::ssr::services::imports;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let expiry = ExpiryDays::parse_choice(&expiry_days)
                .map_err(|e| AppError::invalid("Invitations expire after", e))?;
            let message = PersonalMessage::parse(&message)
                .map_err(|e| AppError::invalid("Personal message", e))?;
            imports::start(
                &state.db,
                state.import_settings().limits,
                access.actor(admin.user_id),
                imports::NewBatch {
                    file_name: &file_name,
                    total_rows,
                    refused_rows,
                    sending: imports::Sending {
                        send_email,
                        expiry,
                        message,
                    },
                },
                state.clock.now_millis(),
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
            imports::check(
                &state.db,
                access.workspace.id,
                &emails,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}

/// What updating these rows' active members would change (rows of other
/// people are left out of the answer).
#[server(prefix = "/api", endpoint = "plan_member_updates", input = Json)]
pub async fn plan_member_updates(
    slug: String,
    rows: Vec<ImportRow>,
    fields: crate::model::member_updates::UpdateFields,
) -> Result<Vec<crate::model::member_updates::PlannedUpdate>, AppError> {
    use crate::ssr::services::member_updates;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            member_updates::plan(&state.db, access.workspace.id, &rows, fields).await
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

/// Undoes an import: revokes the invitations it created that are still
/// open; people who joined through them stay. Safe to ask twice.
#[server(prefix = "/api", endpoint = "undo_import")]
pub async fn undo_import(slug: String, batch_id: i32) -> Result<ImportUndo, AppError> {
    use crate::ssr::services::import_undo;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            import_undo::undo(&state, access.actor(admin.user_id), batch_id).await
        }
        .await,
    )
}
