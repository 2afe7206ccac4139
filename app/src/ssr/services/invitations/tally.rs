//! How many people of each kind and state a workspace has, kept beside the
//! Users index by its writer (`index`), so a page of the Users table need not
//! count 100,000 rows per request. Writers only append changes ("+1,000 open
//! invitations"): no counter row is updated, so transactions writing the
//! same workspace never wait on one another or deadlock over it. Readers sum
//! the changes, and fold them into one row per kind and state once they pile
//! up, in a transaction of their own that holds nothing else.
use crate::error::AppError;
use crate::ssr::db::{begin_write, placeholders};
use sea_orm::{ConnectionTrait, DatabaseConnection, FromQueryResult, Statement, Value};
use std::collections::BTreeMap;

/// People by (kind, state), as the index stores them.
pub type Tally = BTreeMap<(String, String), i64>;

/// Changes summed on reading past this many are folded into one per kind and state.
const FOLD_PAST: i64 = 256;

/// Appends these changes (zeros left out).
pub(super) async fn record(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    tally: &Tally,
) -> Result<(), AppError> {
    let changes: Vec<(&(String, String), &i64)> = tally.iter().filter(|(_, n)| **n != 0).collect();
    if changes.is_empty() {
        return Ok(());
    }
    let backend = db.get_database_backend();
    let rows = vec!["({p}, {p}, {p}, {p})"; changes.len()].join(", ");
    let sql = placeholders(
        &format!("INSERT INTO people_tallies (workspace_id, kind, state, n) VALUES {rows}"),
        backend,
    );
    let mut values: Vec<Value> = Vec::with_capacity(changes.len() * 4);
    for ((kind, state), n) in changes {
        values.extend([
            workspace_id.into(),
            kind.clone().into(),
            state.clone().into(),
            (*n).into(),
        ]);
    }
    db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

/// Drops a workspace's changes (its index is being rebuilt from scratch).
pub(super) async fn forget(db: &impl ConnectionTrait, workspace_id: i32) -> Result<(), AppError> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        placeholders(
            "DELETE FROM people_tallies WHERE workspace_id = {p}",
            backend,
        ),
        [workspace_id.into()],
    ))
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
struct Sum {
    kind: String,
    state: String,
    n: i64,
    changes: i64,
}

/// The workspace's people by kind and state; folds its changes when they
/// have piled up (a failed fold is logged: the sums stay right either way).
pub async fn totals(db: &DatabaseConnection, workspace_id: i32) -> Result<Tally, AppError> {
    let (tally, changes) = read(db, workspace_id).await?;
    if changes > FOLD_PAST {
        if let Err(error) = fold(db, workspace_id).await {
            tracing::warn!(workspace_id, ?error, "folding the people tallies failed");
        }
    }
    Ok(tally)
}

async fn read(db: &impl ConnectionTrait, workspace_id: i32) -> Result<(Tally, i64), AppError> {
    let backend = db.get_database_backend();
    let sums = Sum::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(
            "SELECT kind, state, CAST(SUM(n) AS BIGINT) AS n, COUNT(*) AS changes \
             FROM people_tallies WHERE workspace_id = {p} GROUP BY kind, state",
            backend,
        ),
        [workspace_id.into()],
    ))
    .all(db)
    .await?;
    let changes = sums.iter().map(|s| s.changes).sum();
    Ok((
        sums.into_iter().map(|s| ((s.kind, s.state), s.n)).collect(),
        changes,
    ))
}

#[derive(FromQueryResult)]
struct Change {
    kind: String,
    state: String,
    n: i64,
}

/// One row per kind and state in place of the changes. The changes taken are
/// those this transaction deleted, so two folds at once (or a writer
/// appending meanwhile) lose nothing.
async fn fold(db: &DatabaseConnection, workspace_id: i32) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let backend = txn.get_database_backend();
    let taken = Change::find_by_statement(Statement::from_sql_and_values(
        backend,
        placeholders(
            "DELETE FROM people_tallies WHERE workspace_id = {p} RETURNING kind, state, n",
            backend,
        ),
        [workspace_id.into()],
    ))
    .all(&txn)
    .await?;
    let mut sum = Tally::new();
    for change in taken {
        *sum.entry((change.kind, change.state)).or_default() += change.n;
    }
    record(&txn, workspace_id, &sum).await?;
    txn.commit().await?;
    Ok(())
}
