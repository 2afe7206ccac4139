//! Transactions that write.
//!
//! SQLite lets one connection write at a time. A writer that finds the
//! database locked waits in SQLite's busy handler, which sleeps 1, 2, 5, 10,
//! 15, 20, 25… ms between looks, so it starts well after the lock is free:
//! with two import chunks in flight, 100,000 rows took 6.1 s instead of 5.1 s
//! (measured). Writers of this process therefore queue on an async lock per
//! database file and begin the moment the writer before them ends; the busy
//! handler is left to other processes (the command line beside a server).
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use tokio::sync::OwnedMutexGuard;

/// A transaction that will write, holding this process's turn to write on
/// SQLite until it commits or is dropped (which rolls it back).
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

/// Begins a transaction that will write. On SQLite it takes the write lock up
/// front (`BEGIN IMMEDIATE`): a deferred transaction that reads and then writes
/// fails at once if another connection wrote in between, instead of waiting.
///
/// On PostgreSQL the transaction plans as PostgreSQL does by default: each
/// foreign key is checked by a cached query, which `force_custom_plan` (see
/// `connect`) would plan again for every row written (measured: a third of the
/// database's time in an import; 100,000 rows 14.6 s → 10.9 s without).
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let turn = match turn_to_write(db) {
        Some(lock) => Some(lock.lock_owned().await),
        None => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        })
        .await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SET LOCAL plan_cache_mode = auto")
            .await?;
    }
    Ok(WriteTxn { txn, _turn: turn })
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

/// This process's lock on the SQLite database file `db` writes to; none on PostgreSQL.
fn turn_to_write(db: &DatabaseConnection) -> Option<Arc<tokio::sync::Mutex<()>>> {
    static BY_FILE: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Mutex::default);
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    let file = db
        .get_sqlite_connection_pool()
        .connect_options()
        .get_filename()
        .to_owned();
    let mut locks = BY_FILE.lock().unwrap_or_else(PoisonError::into_inner);
    Some(locks.entry(file).or_default().clone())
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}
