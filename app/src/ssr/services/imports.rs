//! Committing an import: one batch per file, chunks of rows, each chunk in
//! one transaction. Every row is checked again with the pipeline's own
//! `validate_row`; a row already recorded for the batch is answered from the
//! record, so a chunk retried after a timeout never invites anyone twice.
use super::{audit, import_commit, Actor};
use crate::domain::{Email, ExpiryDays, MembershipStatus, PersonalMessage};
use crate::error::AppError;
use crate::import;
use crate::model::imports::{
    ConflictChoices, ImportBatchSummary, ImportRow, OutcomeCounts, RowOutcome, RowOutcomeKind,
    WorkspaceMatch, CHUNK_ROWS,
};
use crate::ssr::db::entities::{import_batch, import_row, invitation, membership, user};
use crate::ssr::db::{begin_write, insert_batched, is_unique_violation, statistics, within};
use crate::ssr::services::audit::AuditAction;
pub use crate::ssr::services::invitations::Sending;
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use std::collections::{HashMap, HashSet};

/// The most rows one chunk may carry: the browser sends `CHUNK_ROWS`.
pub const MAX_CHUNK_ROWS: usize = 2_000;
const _: () = assert!(
    CHUNK_ROWS <= MAX_CHUNK_ROWS,
    "the browser's chunks must fit"
);
/// The most addresses one check may carry.
pub const MAX_CHECK: usize = 5_000;

/// An uploaded file, as its batch records it.
pub struct NewBatch<'a> {
    pub file_name: &'a str,
    pub total_rows: u32,
    /// Rows the pipeline refused (counted as failed).
    pub refused_rows: u32,
    /// Whether mail goes out, and how long the links live.
    pub sending: Sending,
}

/// Opens a batch for a file; returns its id.
pub async fn start(
    db: &DatabaseConnection,
    limits: import::ImportLimits,
    by: Actor,
    file: NewBatch<'_>,
    now: i64,
) -> Result<i32, AppError> {
    let txn = begin_write(db).await?;
    let batch = start_in(&txn, limits, by, &file, now).await?;
    txn.commit().await?;
    Ok(batch)
}

/// `start`, in the caller's transaction.
pub async fn start_in(
    txn: &impl ConnectionTrait,
    limits: import::ImportLimits,
    by: Actor,
    file: &NewBatch<'_>,
    now: i64,
) -> Result<i32, AppError> {
    let NewBatch {
        file_name,
        total_rows,
        refused_rows,
        ref sending,
    } = *file;
    if usize::try_from(total_rows).map_or(true, |rows| rows > limits.max_rows) {
        return Err(AppError::Invalid {
            field: "File".into(),
            message: import::ImportError::TooManyRows {
                limit: limits.max_rows,
            }
            .to_string(),
        });
    }
    let refused_rows = refused_rows.min(total_rows);
    let file_name = file_label(file_name);
    let batch = import_batch::ActiveModel {
        workspace_id: Set(by.workspace_id),
        created_by: Set(by.user_id),
        file_name: Set(file_name),
        total_rows: Set(i32::try_from(total_rows).unwrap_or(i32::MAX)),
        invited: Set(0),
        resent: Set(0),
        updated: Set(0),
        skipped: Set(0),
        failed: Set(i32::try_from(refused_rows).unwrap_or(i32::MAX)),
        send_email: Set(sending.send_email),
        expiry_days: Set(sending.expiry.map(|e| i32::from(e.days()))),
        message: Set(sending.message.as_ref().map(|m| m.as_str().to_owned())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::record(
        txn,
        Some(by.workspace_id),
        by.user_id,
        AuditAction::ImportStarted,
        serde_json::json!({ "batch": batch.id, "file": batch.file_name, "rows": total_rows }),
        now,
    )
    .await?;
    Ok(batch.id)
}

/// A file's name as shown and stored: no control characters, at most 200
/// characters, trimmed.
pub fn file_label(file_name: &str) -> String {
    let name: String = file_name
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    name.trim().to_owned()
}

/// Records the rows the pipeline refused, so the batch's row list holds every row.
pub async fn record_refused(
    txn: &impl ConnectionTrait,
    batch_id: i32,
    refused: &[RowOutcome],
) -> Result<(), AppError> {
    let records = refused.iter().map(|row| import_row::ActiveModel {
        batch_id: Set(batch_id),
        row_number: Set(row_number(row.row)),
        email: Set(row.email.chars().take(320).collect()),
        outcome: Set(row.kind.outcome()),
        message: Set(row.kind.reason().map(str::to_owned)),
        invitation_id: Set(None),
        changes: Set(None),
    });
    Ok(insert_batched(txn, records.collect::<Vec<_>>(), None).await?)
}

/// One page of a batch's row records, in file order, and how many there are.
pub async fn recorded_rows(
    db: &impl ConnectionTrait,
    batch_id: i32,
    page: u64,
    page_size: u64,
) -> Result<(Vec<RowOutcome>, u64), AppError> {
    use sea_orm::{PaginatorTrait, QuerySelect};
    let rows = import_row::Entity::find()
        .filter(import_row::Column::BatchId.eq(batch_id))
        .order_by_asc(import_row::Column::RowNumber)
        .offset(page * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    let total = import_row::Entity::find()
        .filter(import_row::Column::BatchId.eq(batch_id))
        .count(db)
        .await?;
    Ok((rows.iter().map(from_record).collect(), total))
}

/// Commits one chunk of a batch's rows, in one transaction; one outcome per
/// row, in the order given.
///
/// Two chunks of one file may be committed at once (the browser keeps two in
/// flight). Should both hold a row for one person, or a chunk be sent again
/// while its first attempt still runs, the second to write meets the first's
/// unique index; it is then run once more, and finds that person invited or
/// that row recorded.
pub async fn commit_chunk(
    state: &AppState,
    by: Actor,
    batch_id: i32,
    rows: Vec<ImportRow>,
    choices: ConflictChoices,
) -> Result<Vec<RowOutcome>, AppError> {
    if rows.len() > MAX_CHUNK_ROWS {
        return Err(AppError::Conflict(format!(
            "Send at most {MAX_CHUNK_ROWS} rows at a time."
        )));
    }
    let mut numbers = HashSet::with_capacity(rows.len());
    if !rows.iter().all(|r| numbers.insert(r.row)) {
        return Err(AppError::Conflict(
            "Each row number may appear only once in a chunk.".into(),
        ));
    }
    let rows = import_commit::recheck(rows);
    match commit_rechecked(state, by, batch_id, &rows, choices).await {
        Err(error) if is_unique_violation(&error) => {
            commit_rechecked(state, by, batch_id, &rows, choices).await
        }
        done => done,
    }
}

async fn commit_rechecked(
    state: &AppState,
    by: Actor,
    batch_id: i32,
    rows: &[import_commit::Rechecked],
    choices: ConflictChoices,
) -> Result<Vec<RowOutcome>, AppError> {
    let txn = begin_write(&state.db).await?;
    let batch = import_batch::Entity::find_by_id(batch_id)
        .filter(import_batch::Column::WorkspaceId.eq(by.workspace_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let numbers: Vec<i32> = rows.iter().map(|r| row_number(r.row.row)).collect();
    let recorded: HashMap<i32, import_row::Model> = import_row::Entity::find()
        .filter(import_row::Column::BatchId.eq(batch.id))
        .filter(within(
            txn.get_database_backend(),
            import_row::Column::RowNumber,
            &numbers,
        ))
        .all(&txn)
        .await?
        .into_iter()
        .map(|done| (done.row_number, done))
        .collect();

    let (done, fresh): (
        Vec<&import_commit::Rechecked>,
        Vec<&import_commit::Rechecked>,
    ) = rows
        .iter()
        .partition(|r| recorded.contains_key(&row_number(r.row.row)));
    let sending = Sending {
        send_email: batch.send_email,
        expiry: batch
            .expiry_days
            .and_then(|days| ExpiryDays::parse(i64::from(days)).ok()),
        // Checked when the batch was opened; stored as checked.
        message: batch
            .message
            .as_deref()
            .and_then(|m| PersonalMessage::parse(m).ok().flatten()),
    };
    let committed =
        import_commit::commit_rows(state, &txn, by, &batch.file_name, &fresh, sending, choices)
            .await?;
    let mut counts = OutcomeCounts::default();
    let mut records = Vec::with_capacity(fresh.len());
    let mut answers: HashMap<usize, RowOutcome> = HashMap::with_capacity(rows.len());
    for (rechecked, c) in fresh.into_iter().zip(committed) {
        let row = &rechecked.row;
        counts.add(c.kind.outcome());
        records.push(import_row::ActiveModel {
            batch_id: Set(batch.id),
            row_number: Set(row_number(row.row)),
            email: Set(row.email.chars().take(320).collect()),
            outcome: Set(c.kind.outcome()),
            message: Set(c.kind.reason().map(str::to_owned)),
            invitation_id: Set(c.invitation_id),
            changes: Set(c.changes.as_ref().map(|c| serde_json::json!(c).to_string())),
        });
        answers.insert(
            row.row,
            RowOutcome {
                row: row.row,
                email: row.email.clone(),
                kind: c.kind,
            },
        );
    }
    insert_batched(&txn, records, None).await?;
    for rechecked in &done {
        if let Some(record) = recorded.get(&row_number(rechecked.row.row)) {
            answers.insert(rechecked.row.row, from_record(record));
        }
    }
    // Added to what is stored, not written over it: another chunk of the
    // batch may be committing beside this one.
    let add = |column: import_batch::Column, n: u32| {
        sea_orm::ExprTrait::add(Expr::col(column), i32::try_from(n).unwrap_or(i32::MAX))
    };
    import_batch::Entity::update_many()
        .col_expr(
            import_batch::Column::Invited,
            add(import_batch::Column::Invited, counts.invited),
        )
        .col_expr(
            import_batch::Column::Resent,
            add(import_batch::Column::Resent, counts.resent),
        )
        .col_expr(
            import_batch::Column::Updated,
            add(import_batch::Column::Updated, counts.updated),
        )
        .col_expr(
            import_batch::Column::Skipped,
            add(import_batch::Column::Skipped, counts.skipped),
        )
        .col_expr(
            import_batch::Column::Failed,
            add(import_batch::Column::Failed, counts.failed),
        )
        .col_expr(
            import_batch::Column::UpdatedAt,
            Expr::value(state.clock.now_millis()),
        )
        .filter(import_batch::Column::Id.eq(batch.id))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    if batch.send_email && counts.invited + counts.resent > 0 {
        state.outbox_wakeup.notify_one();
    }
    let stored = [
        batch.invited,
        batch.resent,
        batch.updated,
        batch.skipped,
        batch.failed,
    ]
    .iter()
    .map(|&n| u64::try_from(n).unwrap_or_default())
    .sum::<u64>();
    let written = u64::from(counts.total());
    statistics::after_growth(&state.db, stored, stored + written);
    Ok(rows
        .iter()
        .filter_map(|r| answers.remove(&r.row.row))
        .collect())
}

/// A whole checked file committed in one go (the command line, the JSON API):
/// one batch, then chunks of `CHUNK_ROWS`, each in its own transaction.
/// Rows the pipeline refused count as failed. `progress` hears how many
/// ready rows are committed after each chunk; when a chunk fails, the rows
/// before it stay committed and the error says so.
pub async fn commit_file(
    state: &AppState,
    by: Actor,
    file_name: &str,
    candidates: &[import::Candidate],
    sending: Sending,
    choices: ConflictChoices,
    mut progress: impl FnMut(usize, usize),
) -> Result<(i32, Vec<RowOutcome>), AppError> {
    let ready: Vec<ImportRow> = candidates
        .iter()
        .filter(|c| c.is_ready())
        .map(ImportRow::from)
        .collect();
    let mut outcomes: Vec<RowOutcome> = candidates
        .iter()
        .filter(|c| !c.is_ready())
        .map(RowOutcome::refused)
        .collect();
    let batch = start(
        &state.db,
        state.import_settings().limits,
        by,
        NewBatch {
            file_name,
            total_rows: u32::try_from(candidates.len()).unwrap_or(u32::MAX),
            refused_rows: u32::try_from(outcomes.len()).unwrap_or(u32::MAX),
            sending,
        },
        state.clock.now_millis(),
    )
    .await?;
    let mut committed = 0;
    for chunk in ready.chunks(CHUNK_ROWS) {
        let done = commit_chunk(state, by, batch, chunk.to_vec(), choices)
            .await
            .map_err(|error| match error {
                internal @ AppError::Internal { .. } => internal,
                other => AppError::Conflict(format!(
                    "Stopped after {committed} of {} rows: {other}",
                    ready.len()
                )),
            })?;
        outcomes.extend(done);
        committed += chunk.len();
        progress(committed, ready.len());
    }
    outcomes.sort_by_key(|o| o.row);
    Ok((batch, outcomes))
}

fn row_number(row: usize) -> i32 {
    i32::try_from(row).unwrap_or(i32::MAX)
}

fn from_record(done: &import_row::Model) -> RowOutcome {
    RowOutcome {
        row: usize::try_from(done.row_number).unwrap_or_default(),
        email: done.email.clone(),
        kind: RowOutcomeKind::stored(done.outcome, done.message.clone()),
    }
}

/// Where each address stands in the workspace. Unreadable addresses are New
/// (the pipeline reports them).
pub async fn check(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    emails: &[String],
    now: i64,
) -> Result<Vec<WorkspaceMatch>, AppError> {
    if emails.len() > MAX_CHECK {
        return Err(AppError::Conflict(format!(
            "Check at most {} addresses at a time.",
            MAX_CHECK
        )));
    }
    let keys: Vec<Option<String>> = emails
        .iter()
        .map(|e| Email::parse_cell(e).ok().map(|e| e.key().to_owned()))
        .collect();
    let known: Vec<&str> = keys.iter().flatten().map(String::as_str).collect();
    let mut state: HashMap<String, WorkspaceMatch> = HashMap::new();
    let backend = db.get_database_backend();
    if !known.is_empty() {
        let open = invitation::Entity::find()
            .filter(invitation::Column::WorkspaceId.eq(workspace_id))
            .filter(within(backend, invitation::Column::EmailKey, &known))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .all(db)
            .await?;
        for found in open {
            let kind = if found.expires_at <= now {
                WorkspaceMatch::Expired
            } else {
                WorkspaceMatch::Pending
            };
            state.insert(found.email_key, kind);
        }
        let accounts = user::Entity::find()
            .filter(within(backend, user::Column::EmailKey, &known))
            .all(db)
            .await?;
        let by_id: HashMap<i32, String> =
            accounts.into_iter().map(|u| (u.id, u.email_key)).collect();
        let ids: Vec<i32> = by_id.keys().copied().collect();
        let members = membership::Entity::find()
            .filter(membership::Column::WorkspaceId.eq(workspace_id))
            .filter(within(backend, membership::Column::UserId, &ids))
            .all(db)
            .await?;
        for member in members {
            if let Some(key) = by_id.get(&member.user_id) {
                let kind = if member.status == MembershipStatus::Archived {
                    WorkspaceMatch::Archived
                } else {
                    WorkspaceMatch::Member
                };
                state.insert(key.clone(), kind);
            }
        }
    }
    Ok(keys
        .iter()
        .map(|key| {
            key.as_ref()
                .and_then(|k| state.get(k).copied())
                .unwrap_or(WorkspaceMatch::New)
        })
        .collect())
}

/// A batch's stored counts.
pub fn counts_of(batch: &import_batch::Model) -> OutcomeCounts {
    let count = |n: i32| u32::try_from(n).unwrap_or_default();
    OutcomeCounts {
        invited: count(batch.invited),
        resent: count(batch.resent),
        updated: count(batch.updated),
        skipped: count(batch.skipped),
        failed: count(batch.failed),
    }
}

pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
) -> Result<Vec<ImportBatchSummary>, AppError> {
    let batches = import_batch::Entity::find()
        .filter(import_batch::Column::WorkspaceId.eq(workspace_id))
        .order_by_desc(import_batch::Column::Id)
        .all(db)
        .await?;
    let people = batches
        .iter()
        .flat_map(|b| [b.created_by, b.undone_by])
        .flatten();
    let creators: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    let count = |n: i32| u32::try_from(n).unwrap_or_default();
    Ok(batches
        .into_iter()
        .map(|b| ImportBatchSummary {
            undone: super::import_undo::recorded(&b).map(|mut undo| {
                undo.undone_by = b.undone_by.and_then(|id| creators.get(&id).cloned());
                undo
            }),
            counts: counts_of(&b),
            id: b.id,
            file_name: b.file_name,
            created_by: b.created_by.and_then(|id| creators.get(&id).cloned()),
            created_at: b.created_at,
            total_rows: count(b.total_rows),
        })
        .collect())
}
