//! Database connection, entities and migrations (SQLite by default, PostgreSQL by URL).
mod bulk;
pub mod entities;
pub mod migrations;
pub mod statistics;
mod write;

pub use bulk::{in_set, insert_batched, insert_returning_ids, within, SetMember};
pub use write::{begin_write, WriteTxn};

use crate::error::AppError;
use crate::model::imports::CHUNK_ROWS;
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};
use sea_orm_migration::MigratorTrait;
use std::time::Duration;

/// Connects and applies pending migrations.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .create_if_missing(true)
                // sqlx's SQLite thread hands rows back through a channel of
                // 50 by default, so the up to 1,000 ids an INSERT returns
                // stopped it twenty times to wait for this side (measured: the
                // database step of 100,000 rows 2.6 s → 2.5 s with room for a
                // chunk's rows).
                .row_buffer_size(CHUNK_ROWS)
        })
        // PostgreSQL switches a prepared statement to a generic plan after five
        // runs and keeps it. Tables here grow from empty during an import, and
        // the generic plan of `… IN ($2 … $501)` chosen on a small table
        // filtered 100,000 rows per call (2.8 s a statement, measured); a plan
        // made for the actual values takes milliseconds. Writes plan as
        // PostgreSQL does by default (see `begin_write`).
        .map_sqlx_postgres_opts(|opts| opts.options([("plan_cache_mode", "force_custom_plan")]));
    if url.starts_with("sqlite:") {
        // One writer at a time is SQLite's rule anyway; a small pool avoids busy waits.
        options.max_connections(8);
    }
    let db = Database::connect(options).await?;
    migrations::Migrator::up(&db, None).await?;
    crate::ssr::services::invitations::index::fill_if_empty(&db)
        .await
        .map_err(|e| DbErr::Custom(format!("filling the people index: {e:?}")))?;
    Ok(db)
}

/// Ready to serve: the database answers, and its migrations are exactly this
/// build's (none pending, none unknown to this build).
pub async fn readiness(db: &DatabaseConnection) -> Result<(), String> {
    db.execute_unprepared("SELECT 1")
        .await
        .map_err(|_| "the database does not answer".to_owned())?;
    let pending = migrations::Migrator::get_pending_migrations(db)
        .await
        .map_err(|_| "the database's migrations do not match this build".to_owned())?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(format!("{} migrations not applied", pending.len()))
    }
}

/// Whether this error is a write refused by a unique index (a row another
/// transaction wrote first).
pub fn is_unique_violation(error: &AppError) -> bool {
    let AppError::Internal { cause } = error else {
        return false;
    };
    cause
        .source()
        .and_then(|source| source.downcast_ref::<DbErr>())
        .and_then(DbErr::sql_err)
        .is_some_and(|e| matches!(e, sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

impl From<DbErr> for AppError {
    fn from(error: DbErr) -> Self {
        AppError::internal("database", error)
    }
}

/// Hand-written SQL shared by both databases: `{p}` becomes `?` on SQLite and
/// `$1`, `$2`… on PostgreSQL, in order.
pub fn placeholders(sql: &str, backend: DbBackend) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut n = 0;
    for (i, part) in sql.split("{p}").enumerate() {
        if i > 0 {
            n += 1;
            match backend {
                DbBackend::Postgres => out.push_str(&format!("${n}")),
                _ => out.push('?'),
            }
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_backend() {
        assert_eq!(
            placeholders("a = {p} AND b = {p}", DbBackend::Sqlite),
            "a = ? AND b = ?"
        );
        assert_eq!(
            placeholders("a = {p} AND b = {p}", DbBackend::Postgres),
            "a = $1 AND b = $2"
        );
    }
}
