//! `/api/v1/imports`: a whole file (CSV or a workbook, up to the instance's
//! limits: 100,000 rows and 50 MB by default) imported in the background as a
//! job; its state, its per-row results in pages, and cancelling it.
use super::auth::Caller;
use super::error::ApiError;
use super::import_types::*;
use super::invitations::{expiry, for_everyone, message};
use super::types::{ErrorBody, RowResult};
use app::error::AppError;
use app::model::import_jobs::JobOptions;
use app::model::imports::ConflictChoices;
use app::model::member_updates::UpdateFields;
use app::ssr::services::import_jobs::{self, JobStatus};
use app::ssr::services::import_undo;
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use http::{header, StatusCode};
use std::time::Duration;

/// An upload may take as long as it needs while it moves; one that sends
/// nothing for this long is given up.
pub const UPLOAD_IDLE: Duration = Duration::from_secs(20);

/// Queue a file for import; answers at once with the job.
#[utoipa::path(
    post, path = "/api/v1/imports", tag = "imports",
    params(ImportOptions),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file: CSV (any of the Upload tab's encodings and separators), XLSX, XLS or ODS, with a header row naming at least an email column"),
    responses(
        (status = 202, description = "Queued; poll the job at its Location", body = ImportJob),
        (status = 400, description = "Bad query string", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 408, description = "The upload stopped sending", body = ErrorBody),
        (status = 413, description = "Body over the instance's import limit (50 MB by default)", body = ErrorBody),
        (status = 422, description = "An empty file, or an option is not valid", body = ErrorBody),
        (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    options: Result<Query<ImportOptions>, QueryRejection>,
    body: Body,
) -> Result<Response, ApiError> {
    let Query(options) = options.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let everyone = for_everyone(options.role.as_deref(), options.groups.as_deref())?;
    let job_options = JobOptions {
        send_email: options.send_email.unwrap_or(true),
        expiry: expiry(options.expires_in_days)?,
        message: message(options.message.as_deref())?,
        role: everyone.role,
        groups: everyone.groups,
        sheet: match options.sheet {
            Some(0) => {
                return Err(AppError::Invalid {
                    field: "sheet".into(),
                    message: "Sheets are numbered from 1.".into(),
                }
                .into())
            }
            Some(n) => Some(n as usize - 1),
            None => None,
        },
        choices: ConflictChoices {
            resend_pending: options.resend_pending.unwrap_or(false),
            create_groups: options.create_groups.unwrap_or(false),
            skip_expired: options.skip_expired.unwrap_or(false),
            // The fields are the file's, known once the job reads it.
            update_members: options
                .update_members
                .unwrap_or(false)
                .then_some(UpdateFields::ALL),
        },
    };
    caller.may_invite(&state).await?;
    let limit = state.import_settings().limits.max_bytes;
    let content = read_body(body, limit).await?;
    let file_name = options.file_name.as_deref().unwrap_or("upload.csv");
    let status = import_jobs::submit(
        &state,
        caller.token.actor,
        Some(caller.token.token_id),
        file_name,
        content,
        &job_options,
    )
    .await?;
    let location = format!("/api/v1/imports/{}", status.job.id);
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        Json(job(status)),
    )
        .into_response())
}

/// The body as it arrives, up to `limit` bytes, with no overall deadline but
/// `UPLOAD_IDLE` between pieces.
async fn read_body(body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        ApiError::TooLarge(format!(
            "The file is larger than {} MB.",
            limit / (1024 * 1024)
        ))
    };
    // A declared length over the limit is refused before a byte is read.
    if axum::body::HttpBody::size_hint(&body).lower() > limit as u64 {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut content = Vec::new();
    loop {
        match tokio::time::timeout(UPLOAD_IDLE, stream.next()).await {
            Err(_) => {
                return Err(ApiError::Stalled(format!(
                    "The upload sent nothing for {} s.",
                    UPLOAD_IDLE.as_secs()
                )))
            }
            Ok(None) => return Ok(content),
            Ok(Some(Err(e))) => {
                return Err(ApiError::BadRequest(format!("Reading the upload: {e}")))
            }
            Ok(Some(Ok(piece))) => {
                if content.len() + piece.len() > limit {
                    return Err(too_large());
                }
                content.extend_from_slice(&piece);
            }
        }
    }
}

/// The workspace's import jobs, newest first (the last 50).
#[utoipa::path(
    get, path = "/api/v1/imports", tag = "imports",
    responses(
        (status = 200, body = ImportJobList),
        (status = 401, description = "No live token", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<ImportJobList>, ApiError> {
    let jobs = import_jobs::list(&state.db, caller.token.actor.workspace_id, 50).await?;
    Ok(Json(ImportJobList {
        items: jobs.into_iter().map(job).collect(),
    }))
}

/// One job: its state, progress and counts so far.
#[utoipa::path(
    get, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = i32, Path, description = "The job's id")),
    responses(
        (status = 200, body = ImportJob),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 404, description = "No such job in this workspace", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i32>, PathRejection>,
) -> Result<Json<ImportJob>, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let status = import_jobs::status(&state.db, caller.token.actor.workspace_id, id).await?;
    Ok(Json(job(status)))
}

/// The job's per-row results so far, in file order.
#[utoipa::path(
    get, path = "/api/v1/imports/{id}/rows", tag = "imports",
    params(("id" = i32, Path, description = "The job's id"), RowsQuery),
    responses(
        (status = 200, body = ImportRowsPage),
        (status = 400, description = "Bad id or query string", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 404, description = "No such job in this workspace", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn rows(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i32>, PathRejection>,
    query: Result<Query<RowsQuery>, QueryRejection>,
) -> Result<Json<ImportRowsPage>, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let Query(query) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let page = query.page.unwrap_or(1).max(1);
    let page_size = query.page_size.unwrap_or(500).clamp(1, 1000);
    let (outcomes, total) = import_jobs::rows(
        &state.db,
        caller.token.actor.workspace_id,
        id,
        u64::from(page - 1),
        u64::from(page_size),
    )
    .await?;
    let items = outcomes
        .into_iter()
        .map(|o| RowResult {
            row: o.row,
            email: o.email,
            outcome: o.kind.outcome().into(),
            reason: o.kind.reason().map(str::to_owned),
        })
        .collect();
    Ok(Json(ImportRowsPage {
        items,
        page,
        page_size,
        total,
    }))
}

/// Stop a queued or running job. Chunks already committed stay; the file is removed.
#[utoipa::path(
    delete, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = i32, Path, description = "The job's id")),
    responses(
        (status = 200, description = "Cancelled (or already cancelled)", body = ImportJob),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 404, description = "No such job in this workspace", body = ErrorBody),
        (status = 409, description = "The job has already finished or failed", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i32>, PathRejection>,
) -> Result<Json<ImportJob>, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let status = import_jobs::cancel(&state, caller.token.actor, id).await?;
    Ok(Json(job(status)))
}

fn job(JobStatus { job, counts }: JobStatus) -> ImportJob {
    ImportJob {
        id: job.id,
        state: job.state.into(),
        file_name: job.file_name,
        batch_id: job.batch_id,
        total_rows: job.total_rows,
        ready_rows: job.ready_rows,
        committed_rows: job.committed_rows,
        invited: counts.invited,
        resent: counts.resent,
        updated: counts.updated,
        skipped: counts.skipped,
        failed: counts.failed,
        error: job.error,
        created_at: job.created_at,
        finished_at: job.finished_at,
    }
}

/// Undo an import: the invitations it created that are still open are
/// revoked (their links stop working); people who joined through them stay.
/// Asked again, answers what the first undo did.
#[utoipa::path(
    post, path = "/api/v1/batches/{id}/undo", tag = "imports",
    params(("id" = i32, Path, description = "The import's batch: `batch_id` of an import job, or the id `muster imports list` prints")),
    responses(
        (status = 200, body = ImportUndone),
        (status = 400, description = "Bad id", body = ErrorBody),
        (status = 401, description = "No live token", body = ErrorBody),
        (status = 404, description = "No such import in this workspace", body = ErrorBody),
        (status = 409, description = "The import's job is still running: cancel it first", body = ErrorBody),
    ),
    security(("token" = []))
)]
pub async fn undo(
    State(state): State<AppState>,
    caller: Caller,
    id: Result<Path<i32>, PathRejection>,
) -> Result<Json<ImportUndone>, ApiError> {
    let Path(id) = id.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let undo = import_undo::undo(&state, caller.token.actor, id).await?;
    Ok(Json(undo.into()))
}
