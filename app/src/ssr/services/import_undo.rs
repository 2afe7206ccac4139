//! Undoing an import: the invitations its batch created (rows whose outcome
//! is "invited"; not those skipped or resent, which point at invitations
//! that were there before it) are revoked where still open, through the one
//! invitation writer, in chunks; people who joined through them stay and
//! are named; what its member updates changed is put back. Audited once; a
//! second undo answers what the first did.
use super::audit::{self, AuditAction, Audited};
use super::invitations::{self, Change};
use super::member_updates::{self, Planned};
use super::Actor;
use crate::domain::Email;
use crate::error::AppError;
use crate::model::import_jobs::JobState;
use crate::model::imports::{ImportUndo, Outcome};
use crate::model::member_updates::MemberChanges;
use crate::ssr::db::entities::{import_batch, import_job, import_row, invitation, user};
use crate::ssr::db::{begin_write, within};
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

/// Invitations revoked per transaction: other writers wait at most one
/// chunk (a fraction of a second).
const CHUNK: usize = 5_000;

pub async fn undo(state: &AppState, by: Actor, batch_id: i32) -> Result<ImportUndo, AppError> {
    let db = &state.db;
    let batch = batch_of(db, by.workspace_id, batch_id).await?;
    if batch.undone_at.is_some() {
        return done_before(db, &batch).await;
    }
    let running = import_job::Entity::find()
        .filter(import_job::Column::BatchId.eq(batch_id))
        .filter(import_job::Column::State.is_in([JobState::Queued, JobState::Running]))
        .one(db)
        .await?;
    if running.is_some() {
        return Err(AppError::Conflict(
            "This import is still running. Cancel it first, then undo it.".into(),
        ));
    }
    let created: Vec<i32> = import_row::Entity::find()
        .select_only()
        .column(import_row::Column::InvitationId)
        .filter(import_row::Column::BatchId.eq(batch_id))
        .filter(import_row::Column::Outcome.eq(Outcome::Invited))
        .filter(import_row::Column::InvitationId.is_not_null())
        .order_by_asc(import_row::Column::RowNumber)
        .into_tuple::<Option<i32>>()
        .all(db)
        .await?
        .into_iter()
        .flatten()
        .collect();

    let (mut revoked, mut stayed) = (0u32, Vec::new());
    for chunk in created.chunks(CHUNK) {
        let txn = begin_write(db).await?;
        let now = state.clock.now_millis();
        let changes = invitations::revoke(&txn, by, chunk, Audited::OnceByCaller, now).await?;
        txn.commit().await?;
        for (change, id) in changes.into_iter().zip(chunk) {
            match change {
                Change::Done => revoked += 1,
                Change::Accepted => stayed.push(*id),
                // Revoked or removed since: nothing left to undo.
                Change::Unchanged | Change::Revoked | Change::NotFound => {}
            }
        }
    }

    let restored = put_back_updates(state, by, batch_id).await?;

    let now = state.clock.now_millis();
    let stayed_count = u32::try_from(stayed.len()).unwrap_or(u32::MAX);
    let txn = begin_write(db).await?;
    let marked = import_batch::Entity::update_many()
        .col_expr(import_batch::Column::UndoneAt, Expr::value(now))
        .col_expr(import_batch::Column::UndoneBy, Expr::value(by.user_id))
        .col_expr(
            import_batch::Column::UndoRevoked,
            Expr::value(revoked as i32),
        )
        .col_expr(
            import_batch::Column::UndoStayed,
            Expr::value(stayed_count as i32),
        )
        .col_expr(
            import_batch::Column::UndoRestored,
            Expr::value(restored as i32),
        )
        .filter(import_batch::Column::Id.eq(batch_id))
        .filter(import_batch::Column::UndoneAt.is_null())
        .exec(&txn)
        .await?;
    if marked.rows_affected == 0 {
        // Another undo of the same import finished first: its answer stands.
        drop(txn);
        let batch = batch_of(db, by.workspace_id, batch_id).await?;
        return done_before(db, &batch).await;
    }
    audit::record(
        &txn,
        Some(by.workspace_id),
        by.user_id,
        AuditAction::ImportUndone,
        serde_json::json!({
            "file": batch.file_name,
            "revoked": revoked,
            "restored": restored,
            "stayed": stayed_count,
        }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(ImportUndo {
        revoked,
        restored,
        stayed: stayed_count,
        stayed_people: addresses(db, &stayed).await?,
        undone_at: now,
        undone_by: name_of(db, by.user_id).await?,
    })
}

/// Puts back what the batch's member updates changed, in chunks, each one
/// transaction; returns how many members had something put back. The
/// changes are taken off their rows as they are put back, so an undo that
/// stopped half-way and is asked again does not put anything back twice.
async fn put_back_updates(state: &AppState, by: Actor, batch_id: i32) -> Result<u32, AppError> {
    let db = &state.db;
    let mut restored = 0u32;
    loop {
        let txn = begin_write(db).await?;
        let rows = import_row::Entity::find()
            .filter(import_row::Column::BatchId.eq(batch_id))
            .filter(import_row::Column::Outcome.eq(Outcome::Updated))
            .filter(import_row::Column::Changes.is_not_null())
            .order_by_asc(import_row::Column::RowNumber)
            .limit(CHUNK as u64)
            .all(&txn)
            .await?;
        if rows.is_empty() {
            return Ok(restored);
        }
        let keys: Vec<String> = rows
            .iter()
            .filter_map(|r| Email::parse_cell(&r.email).ok())
            .map(|e| e.key().to_owned())
            .collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let members = member_updates::standing(&txn, by.workspace_id, &keys).await?;
        let parsed: Vec<(String, MemberChanges)> = rows
            .iter()
            .filter_map(|r| {
                let key = Email::parse_cell(&r.email).ok()?.key().to_owned();
                let changes = serde_json::from_str(r.changes.as_deref()?).ok()?;
                Some((key, changes))
            })
            .collect();
        let updates: Vec<Planned> = parsed
            .iter()
            .filter_map(|(key, changes)| {
                Some(Planned {
                    member: members.get(key)?,
                    changes,
                })
            })
            .collect();
        let now = state.clock.now_millis();
        let done = member_updates::put_back(&txn, by, &updates, now).await?;
        restored += done.iter().filter(|&&d| d).count() as u32;
        let numbers: Vec<i32> = rows.iter().map(|r| r.row_number).collect();
        import_row::Entity::update_many()
            .col_expr(
                import_row::Column::Changes,
                Expr::value(Option::<String>::None),
            )
            .filter(import_row::Column::BatchId.eq(batch_id))
            .filter(within(
                txn.get_database_backend(),
                import_row::Column::RowNumber,
                &numbers,
            ))
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
}

async fn batch_of(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    batch_id: i32,
) -> Result<import_batch::Model, AppError> {
    import_batch::Entity::find_by_id(batch_id)
        .filter(import_batch::Column::WorkspaceId.eq(workspace_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// What an earlier undo did, as it recorded it.
async fn done_before(
    db: &impl ConnectionTrait,
    batch: &import_batch::Model,
) -> Result<ImportUndo, AppError> {
    let mut undo = recorded(batch).ok_or_else(|| AppError::unexpected("an undo not recorded"))?;
    undo.undone_by = name_of(db, batch.undone_by).await?;
    Ok(undo)
}

/// A batch's undo as stored (without names: the list of imports reads them
/// all at once).
pub fn recorded(batch: &import_batch::Model) -> Option<ImportUndo> {
    let count = |n: Option<i32>| n.and_then(|n| u32::try_from(n).ok()).unwrap_or(0);
    batch.undone_at.map(|undone_at| ImportUndo {
        revoked: count(batch.undo_revoked),
        restored: count(batch.undo_restored),
        stayed: count(batch.undo_stayed),
        stayed_people: Vec::new(),
        undone_at,
        undone_by: None,
    })
}

async fn name_of(
    db: &impl ConnectionTrait,
    user_id: Option<i32>,
) -> Result<Option<String>, AppError> {
    let Some(id) = user_id else {
        return Ok(None);
    };
    Ok(user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.display_name))
}

/// The first few of these invitations' addresses, in the order given.
async fn addresses(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<String>, AppError> {
    let named = &ids[..ids.len().min(ImportUndo::STAYED_NAMED)];
    if named.is_empty() {
        return Ok(Vec::new());
    }
    let found: std::collections::HashMap<i32, String> = invitation::Entity::find()
        .select_only()
        .column(invitation::Column::Id)
        .column(invitation::Column::Email)
        .filter(within(
            db.get_database_backend(),
            invitation::Column::Id,
            named,
        ))
        .into_tuple::<(i32, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(named
        .iter()
        .filter_map(|id| found.get(id).cloned())
        .collect())
}
