//! Import jobs: a whole file handed to the server (the JSON API, `muster
//! import --server`), kept in the database and committed in the background by
//! whichever instance claims it (`worker`). The commit is the Upload tab's:
//! one batch, chunks through `imports::commit_chunk`, so a job shows on the
//! Imports page like any upload, and a chunk done twice is answered from its
//! record, never invited twice.
mod worker;

pub use worker::{run_next, run_worker, LEASE_MILLIS};

use super::Actor;
use crate::error::AppError;
use crate::model::import_jobs::{JobOptions, JobState};
use crate::model::imports::{OutcomeCounts, RowOutcome};
use crate::ssr::db::entities::{import_batch, import_job, import_job_file};
use crate::ssr::db::{begin_write, within};
use crate::ssr::services::imports;
use crate::ssr::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use std::collections::HashMap;

/// A job and, once its file is read, the counts of its batch so far.
pub struct JobStatus {
    pub job: import_job::Model,
    pub counts: OutcomeCounts,
}

/// Queues a file for import; any instance may take it up.
pub async fn submit(
    state: &AppState,
    by: Actor,
    api_token_id: Option<i32>,
    file_name: &str,
    content: Vec<u8>,
    options: &JobOptions,
) -> Result<JobStatus, AppError> {
    let limits = state.import_settings().limits;
    if content.is_empty() {
        return Err(AppError::Invalid {
            field: "file".into(),
            message: "The file is empty.".into(),
        });
    }
    if content.len() > limits.max_bytes {
        return Err(AppError::Invalid {
            field: "file".into(),
            message: format!(
                "The file is larger than {} MB.",
                limits.max_bytes / (1024 * 1024)
            ),
        });
    }
    let file_name = imports::file_label(file_name);
    let now = state.clock.now_millis();
    let txn = begin_write(&state.db).await?;
    let job = import_job::ActiveModel {
        workspace_id: Set(by.workspace_id),
        actor_user_id: Set(by.user_id),
        api_token_id: Set(api_token_id),
        file_name: Set(file_name),
        options: Set(
            serde_json::to_string(options).map_err(|e| AppError::internal("job options", e))?
        ),
        state: Set(JobState::Queued),
        batch_id: Set(None),
        total_rows: Set(None),
        ready_rows: Set(None),
        committed_rows: Set(0),
        error: Set(None),
        lease_owner: Set(None),
        lease_until: Set(None),
        attempts: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    import_job_file::ActiveModel {
        job_id: Set(job.id),
        content: Set(content),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    state.import_wakeup.notify_one();
    Ok(JobStatus {
        job,
        counts: OutcomeCounts::default(),
    })
}

/// One of the workspace's jobs.
pub async fn status(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    job_id: i32,
) -> Result<JobStatus, AppError> {
    let job = find(db, workspace_id, job_id).await?;
    Ok(with_counts(db, vec![job]).await?.remove(0))
}

/// The jobs beside the counts of their batches (read in one query).
async fn with_counts(
    db: &impl ConnectionTrait,
    jobs: Vec<import_job::Model>,
) -> Result<Vec<JobStatus>, AppError> {
    let batch_ids: Vec<i32> = jobs.iter().filter_map(|job| job.batch_id).collect();
    let batches: HashMap<i32, import_batch::Model> = if batch_ids.is_empty() {
        HashMap::new()
    } else {
        import_batch::Entity::find()
            .filter(within(
                db.get_database_backend(),
                import_batch::Column::Id,
                &batch_ids,
            ))
            .all(db)
            .await?
            .into_iter()
            .map(|batch| (batch.id, batch))
            .collect()
    };
    Ok(jobs
        .into_iter()
        .map(|job| {
            let counts = job
                .batch_id
                .and_then(|id| batches.get(&id))
                .map(super::imports::counts_of)
                .unwrap_or_default();
            JobStatus { job, counts }
        })
        .collect())
}

async fn find(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    job_id: i32,
) -> Result<import_job::Model, AppError> {
    import_job::Entity::find_by_id(job_id)
        .filter(import_job::Column::WorkspaceId.eq(workspace_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// The workspace's jobs, newest first, with their counts.
pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    limit: u64,
) -> Result<Vec<JobStatus>, AppError> {
    let jobs = import_job::Entity::find()
        .filter(import_job::Column::WorkspaceId.eq(workspace_id))
        .order_by_desc(import_job::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    with_counts(db, jobs).await
}

/// Rows of a job's result, in file order, `page_size` at a time (`page` from
/// 0), and how many rows have a result so far.
pub async fn rows(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    job_id: i32,
    page: u64,
    page_size: u64,
) -> Result<(Vec<RowOutcome>, u64), AppError> {
    let job = find(db, workspace_id, job_id).await?;
    match job.batch_id {
        Some(batch_id) => imports::recorded_rows(db, batch_id, page, page_size).await,
        None => Ok((Vec::new(), 0)),
    }
}

/// Stops a queued or running job: no chunk after the one in hand is
/// committed, and the file is removed. Cancelling a cancelled job is a no-op;
/// one that has finished cannot be cancelled.
pub async fn cancel(state: &AppState, by: Actor, job_id: i32) -> Result<JobStatus, AppError> {
    let txn = begin_write(&state.db).await?;
    let job = find(&txn, by.workspace_id, job_id).await?;
    match job.state {
        JobState::Queued | JobState::Running => {
            let now = state.clock.now_millis();
            worker::ended_as(import_job::Entity::update_many(), JobState::Cancelled, now)
                .filter(import_job::Column::Id.eq(job.id))
                .exec(&txn)
                .await?;
            import_job_file::Entity::delete_by_id(job.id)
                .exec(&txn)
                .await?;
        }
        JobState::Cancelled => {}
        JobState::Done | JobState::Failed => {
            return Err(AppError::Conflict(format!(
                "This import has already {}.",
                if job.state == JobState::Done {
                    "finished"
                } else {
                    "failed"
                }
            )))
        }
    }
    txn.commit().await?;
    status(&state.db, by.workspace_id, job_id).await
}
