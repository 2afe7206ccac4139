//! Running import jobs. An instance claims the oldest job that is queued, or
//! running under a lease that ran out (its instance died or stopped), and
//! holds it while its lease lasts, renewing the lease after every chunk. A
//! job taken up again resumes after its last committed chunk; the chunk that
//! was in flight is sent again and answered from its row records.
use crate::error::AppError;
use crate::import::{self, ForEveryone, ReadOptions};
use crate::model::import_jobs::{JobOptions, JobState};
use crate::model::imports::{ImportRow, RowOutcome};
use crate::ssr::db::entities::{import_job, import_job_file};
use crate::ssr::db::{begin_write, placeholders};
use crate::ssr::services::{imports, Actor};
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};

/// How long a claim holds without news from its instance. Renewed after each
/// chunk (well under a second's work), so only a dead instance loses it.
pub const LEASE_MILLIS: i64 = 10_000;
/// A pause after each chunk on SQLite, whose single write lock goes to
/// whoever asks at the right moment: without it, a job committing chunk after
/// chunk starved other writers (a cancel waited 3 s, measured), because a
/// waiting writer polls the lock every 100 ms once it has waited a while.
const SQLITE_PAUSE: std::time::Duration = std::time::Duration::from_millis(20);
/// Claims of one job before it is failed: a job that kills its instance (or
/// keeps meeting database errors) must not be retried forever.
const MAX_ATTEMPTS: i32 = 5;

pub async fn run_worker(state: AppState, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    let worker = format!(
        "{}-{}",
        std::process::id(),
        crate::ssr::services::secrets::new_secret()
            .get(..8)
            .unwrap_or("w")
    );
    while !*shutdown.borrow() {
        match run_next(&state, &worker).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(error) => {
                let cause = error.cause().unwrap_or_else(|| error.to_string());
                tracing::error!(%cause, "import job pass failed; retrying");
            }
        }
        tokio::select! {
            changed = shutdown.changed() => if changed.is_err() { break },
            _ = state.import_wakeup.notified() => {},
            _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {},
        }
    }
    tracing::info!("import job worker stopped");
}

/// Claims one job and runs it to its end (or until its lease is lost).
/// Returns whether there was a job to run.
pub async fn run_next(state: &AppState, worker: &str) -> Result<bool, AppError> {
    let Some(job) = claim(&state.db, worker, state.clock.now_millis()).await? else {
        return Ok(false);
    };
    let id = job.id;
    tracing::info!(job = id, attempt = job.attempts, "import job claimed");
    if job.attempts > MAX_ATTEMPTS {
        finish(
            state,
            id,
            worker,
            JobState::Failed,
            Some("The import was stopped too many times; start it again.".into()),
        )
        .await?;
        return Ok(true);
    }
    match run(state, job, worker).await {
        Ok(()) => {}
        Err(Stop::Failed(message)) => {
            finish(state, id, worker, JobState::Failed, Some(message)).await?;
        }
        // Left running: the lease runs out and an instance takes it up again.
        Err(Stop::Internal(error)) => return Err(error),
        Err(Stop::LostLease) => {
            tracing::info!(job = id, "import job cancelled or taken over; stopped");
        }
    }
    Ok(true)
}

enum Stop {
    /// The file or a row makes the import impossible: say so, stop for good.
    Failed(String),
    /// The database failed: try again later.
    Internal(AppError),
    /// Cancelled, or another instance holds it now.
    LostLease,
}

impl From<AppError> for Stop {
    fn from(error: AppError) -> Self {
        match error {
            internal @ AppError::Internal { .. } => Stop::Internal(internal),
            other => Stop::Failed(other.to_string()),
        }
    }
}

async fn run(state: &AppState, job: import_job::Model, worker: &str) -> Result<(), Stop> {
    let options: JobOptions = serde_json::from_str(&job.options)
        .map_err(|e| Stop::Internal(AppError::internal("job options", e)))?;
    let Some(file) = import_job_file::Entity::find_by_id(job.id)
        .one(&state.db)
        .await
        .map_err(AppError::from)?
    else {
        return Err(Stop::Failed("The uploaded file is no longer there.".into()));
    };
    let limits = state.import_settings().limits;
    let file_name = job.file_name.clone();
    let everyone = ForEveryone {
        role: options.role,
        groups: options.groups.clone(),
        default_role: Some(
            crate::ssr::services::workspace_settings::default_role(&state.db, job.workspace_id)
                .await?,
        ),
    };
    let read = ReadOptions {
        sheet: options.sheet,
        ..ReadOptions::default()
    };
    // Reading and checking 100,000 rows is CPU work: off the async threads.
    let checked = tokio::task::spawn_blocking(move || {
        import::check_file(&file.content, &file_name, &read, &limits, &everyone)
    })
    .await
    .map_err(|e| Stop::Internal(AppError::internal("reading the file", e)))?
    .map_err(|e| Stop::Failed(e.to_string()))?;
    let candidates = checked.candidates;
    // Updates take the fields the file has columns for.
    let mut choices = options.choices;
    choices.update_members = choices.update_members.map(|_| checked.fields);
    let by = Actor {
        workspace_id: job.workspace_id,
        user_id: job.actor_user_id,
    };
    let ready: Vec<ImportRow> = candidates
        .iter()
        .filter(|c| c.is_ready())
        .map(ImportRow::from)
        .collect();
    let batch = match job.batch_id {
        Some(batch) => batch,
        None => {
            let refused: Vec<RowOutcome> = candidates
                .iter()
                .filter(|c| !c.is_ready())
                .map(RowOutcome::refused)
                .collect();
            open_batch(
                state,
                &job,
                worker,
                by,
                &options,
                candidates.len(),
                ready.len(),
                &refused,
            )
            .await?
        }
    };
    let done = usize::try_from(job.committed_rows)
        .unwrap_or_default()
        .min(ready.len());
    let mut committed = done;
    for chunk in ready[done..].chunks(crate::model::imports::CHUNK_ROWS) {
        imports::commit_chunk(state, by, batch, chunk.to_vec(), choices)
            .await
            .map_err(|error| match Stop::from(error) {
                Stop::Failed(why) => Stop::Failed(format!(
                    "Stopped after {committed} of {} rows: {why}",
                    ready.len()
                )),
                other => other,
            })?;
        committed += chunk.len();
        if !renew(
            &state.db,
            job.id,
            worker,
            committed,
            state.clock.now_millis(),
        )
        .await?
        {
            return Err(Stop::LostLease);
        }
        if state.db.get_database_backend() == DbBackend::Sqlite {
            tokio::time::sleep(SQLITE_PAUSE).await;
        }
    }
    if !finish(state, job.id, worker, JobState::Done, None).await? {
        return Err(Stop::LostLease);
    }
    Ok(())
}

/// The job's batch, its refused rows recorded, in one transaction with the
/// job's note of it: a job is never left with half a start.
#[allow(clippy::too_many_arguments)]
async fn open_batch(
    state: &AppState,
    job: &import_job::Model,
    worker: &str,
    by: Actor,
    options: &JobOptions,
    total: usize,
    ready: usize,
    refused: &[RowOutcome],
) -> Result<i32, Stop> {
    let limits = state.import_settings().limits;
    let txn = begin_write(&state.db).await.map_err(AppError::from)?;
    let as_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let batch = imports::start_in(
        &txn,
        limits,
        by,
        &imports::NewBatch {
            file_name: &job.file_name,
            total_rows: as_u32(total),
            refused_rows: as_u32(refused.len()),
            sending: imports::Sending {
                send_email: options.send_email,
                expiry: options.expiry,
                message: options.message.clone(),
            },
        },
        state.clock.now_millis(),
    )
    .await?;
    imports::record_refused(&txn, batch, refused).await?;
    let as_i32 = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    let noted = held(import_job::Entity::update_many(), job.id, worker)
        .col_expr(import_job::Column::BatchId, Expr::value(batch))
        .col_expr(import_job::Column::TotalRows, Expr::value(as_i32(total)))
        .col_expr(import_job::Column::ReadyRows, Expr::value(as_i32(ready)))
        .col_expr(
            import_job::Column::UpdatedAt,
            Expr::value(state.clock.now_millis()),
        )
        .exec(&txn)
        .await
        .map_err(AppError::from)?;
    if noted.rows_affected != 1 {
        return Err(Stop::LostLease);
    }
    txn.commit().await.map_err(AppError::from)?;
    Ok(batch)
}

/// An update of the job that applies only while this worker holds it.
fn held(
    update: sea_orm::UpdateMany<import_job::Entity>,
    job_id: i32,
    worker: &str,
) -> sea_orm::UpdateMany<import_job::Entity> {
    update
        .filter(import_job::Column::Id.eq(job_id))
        .filter(import_job::Column::State.eq(JobState::Running))
        .filter(import_job::Column::LeaseOwner.eq(worker))
}

/// The update that ends a job in `end`: finished now, held by nobody.
pub(super) fn ended_as(
    update: sea_orm::UpdateMany<import_job::Entity>,
    end: JobState,
    now: i64,
) -> sea_orm::UpdateMany<import_job::Entity> {
    update
        .col_expr(import_job::Column::State, Expr::value(end))
        .col_expr(import_job::Column::FinishedAt, Expr::value(now))
        .col_expr(import_job::Column::UpdatedAt, Expr::value(now))
        .col_expr(
            import_job::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(
            import_job::Column::LeaseUntil,
            Expr::value(Option::<i64>::None),
        )
}

/// Notes progress and extends the lease; false when the job is no longer
/// this worker's (cancelled, or taken over after the lease ran out).
async fn renew(
    db: &impl ConnectionTrait,
    job_id: i32,
    worker: &str,
    committed: usize,
    now: i64,
) -> Result<bool, AppError> {
    let renewed = held(import_job::Entity::update_many(), job_id, worker)
        .col_expr(
            import_job::Column::CommittedRows,
            Expr::value(i32::try_from(committed).unwrap_or(i32::MAX)),
        )
        .col_expr(
            import_job::Column::LeaseUntil,
            Expr::value(now + LEASE_MILLIS),
        )
        .col_expr(import_job::Column::UpdatedAt, Expr::value(now))
        .exec(db)
        .await?;
    Ok(renewed.rows_affected == 1)
}

/// Ends the job (done or failed) and removes its file, if this worker still
/// holds it. Returns whether it did.
async fn finish(
    state: &AppState,
    job_id: i32,
    worker: &str,
    end: JobState,
    error: Option<String>,
) -> Result<bool, AppError> {
    let now = state.clock.now_millis();
    let txn = begin_write(&state.db).await?;
    let ended = ended_as(
        held(import_job::Entity::update_many(), job_id, worker),
        end,
        now,
    )
    .col_expr(import_job::Column::Error, Expr::value(error))
    .exec(&txn)
    .await?;
    if ended.rows_affected != 1 {
        return Ok(false);
    }
    import_job_file::Entity::delete_by_id(job_id)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    tracing::info!(job = job_id, state = end.as_str(), "import job ended");
    Ok(true)
}

/// Takes the oldest job that is queued, or running with its lease run out.
/// PostgreSQL skips rows another instance is claiming at this moment
/// (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time anyway. The
/// outer condition is checked again on the row as it is when locked.
async fn claim(
    db: &impl ConnectionTrait,
    worker: &str,
    now: i64,
) -> Result<Option<import_job::Model>, AppError> {
    let backend = db.get_database_backend();
    let lock = match backend {
        DbBackend::Postgres => " FOR UPDATE SKIP LOCKED",
        _ => "",
    };
    let claimable = "(state = 'queued' OR (state = 'running' AND lease_until < {p}))";
    let sql = placeholders(
        &format!(
            "UPDATE import_jobs SET state = 'running', lease_owner = {{p}}, lease_until = {{p}}, \
             attempts = attempts + 1, updated_at = {{p}} \
             WHERE id = (SELECT id FROM import_jobs WHERE {claimable} ORDER BY id LIMIT 1{lock}) \
             AND {claimable} RETURNING *"
        ),
        backend,
    );
    let statement = Statement::from_sql_and_values(
        backend,
        sql,
        [
            worker.into(),
            (now + LEASE_MILLIS).into(),
            now.into(),
            now.into(),
            now.into(),
        ],
    );
    Ok(import_job::Entity::find()
        .from_raw_sql(statement)
        .one(db)
        .await?)
}
