//! What `/metrics` reports from the database. Counted from the tables, not
//! kept in memory, so every instance on one database reports the same totals.
use crate::error::AppError;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

#[derive(Debug, Clone, Default, PartialEq, Eq, FromQueryResult)]
pub struct Totals {
    pub invitations_created: i64,
    pub invitations_accepted: i64,
    pub mails_sent: i64,
    /// Of those, reminders.
    pub reminders_sent: i64,
    pub mails_failed: i64,
    pub mails_bounced: i64,
    pub mails_cancelled: i64,
    /// Mails neither sent nor given up on.
    pub outbox_depth: i64,
    /// When the oldest of those was queued (unix millis).
    pub outbox_oldest: Option<i64>,
    pub import_rows_invited: i64,
    pub import_rows_resent: i64,
    pub import_rows_skipped: i64,
    pub import_rows_failed: i64,
}

const TOTALS: &str = "SELECT
    (SELECT COUNT(*) FROM invitations) AS invitations_created,
    (SELECT COUNT(*) FROM invitations WHERE accepted_at IS NOT NULL) AS invitations_accepted,
    (SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL) AS mails_sent,
    (SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND kind = 'reminder') AS reminders_sent,
    (SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL
        AND (last_error IS NULL OR (last_error NOT LIKE 'cancelled:%' AND last_error NOT LIKE 'bounced:%'))) AS mails_failed,
    (SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL AND last_error LIKE 'bounced:%') AS mails_bounced,
    (SELECT COUNT(*) FROM outbox WHERE failed_at IS NOT NULL
        AND last_error LIKE 'cancelled:%') AS mails_cancelled,
    (SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL) AS outbox_depth,
    (SELECT MIN(created_at) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL) AS outbox_oldest,
    (SELECT CAST(COALESCE(SUM(invited), 0) AS BIGINT) FROM import_batches) AS import_rows_invited,
    (SELECT CAST(COALESCE(SUM(resent), 0) AS BIGINT) FROM import_batches) AS import_rows_resent,
    (SELECT CAST(COALESCE(SUM(skipped), 0) AS BIGINT) FROM import_batches) AS import_rows_skipped,
    (SELECT CAST(COALESCE(SUM(failed), 0) AS BIGINT) FROM import_batches) AS import_rows_failed";

pub async fn totals(db: &impl ConnectionTrait) -> Result<Totals, AppError> {
    let statement = Statement::from_string(db.get_database_backend(), TOTALS);
    Ok(Totals::find_by_statement(statement)
        .one(db)
        .await?
        .unwrap_or_default())
}
