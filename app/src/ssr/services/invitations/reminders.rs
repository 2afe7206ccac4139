//! One reminder, two days before a link expires, for links that live four
//! days or more and whose first mail went out. It is the same link (no new
//! secret), queued in the outbox by the delivery worker's sweep when it falls
//! due; accepting, revoking and resending clear or move it, and a workspace
//! with reminders off gets none.
use super::mail;
use crate::domain::DeliveryState;
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, workspace};
use crate::ssr::db::{begin_write, within};
use crate::ssr::time::HOUR_MILLIS;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};
use std::collections::HashSet;

/// How long before expiry the reminder goes.
pub const BEFORE_EXPIRY_HOURS: u32 = 48;
/// Links that live less than this get no reminder.
pub const MIN_LIFETIME_HOURS: u32 = 96;
/// Reminders queued per sweep (the next pass takes the rest).
const PER_SWEEP: u64 = 5_000;

/// When the reminder of a link expiring at `expires_at` is due, if it gets one.
pub fn due(expires_at: i64, lifetime_hours: u32, mailed: bool) -> Option<i64> {
    (mailed && lifetime_hours >= MIN_LIFETIME_HOURS)
        .then(|| expires_at - i64::from(BEFORE_EXPIRY_HOURS) * HOUR_MILLIS)
}

/// Queues the reminders due by `now`; returns how many. Each due invitation's
/// `remind_at` is cleared in the statement that picks it, so two instances
/// sweeping at once never queue one twice.
pub async fn queue_due(db: &DatabaseConnection, now: i64) -> Result<usize, AppError> {
    // Read first: most passes find nothing due, and need no write lock.
    let any_due = invitation::Entity::find()
        .filter(invitation::Column::RemindAt.lte(now))
        .one(db)
        .await?
        .is_some();
    if !any_due {
        return Ok(0);
    }
    let txn = begin_write(db).await?;
    let picked: Vec<invitation::Model> = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::RemindAt,
            Expr::value(Option::<i64>::None),
        )
        .filter(
            invitation::Column::Id.in_subquery(
                Query::select()
                    .column(invitation::Column::Id)
                    .from(invitation::Entity)
                    .and_where(invitation::Column::RemindAt.lte(now))
                    .limit(PER_SWEEP)
                    .to_owned(),
            ),
        )
        .filter(invitation::Column::RemindAt.lte(now))
        .exec_with_returning(&txn)
        .await?;
    if picked.is_empty() {
        return Ok(0);
    }
    let workspace_ids: Vec<i32> = picked
        .iter()
        .map(|row| row.workspace_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let reminding: HashSet<i32> = workspace::Entity::find()
        .filter(within(
            txn.get_database_backend(),
            workspace::Column::Id,
            &workspace_ids,
        ))
        .filter(workspace::Column::Reminders.eq(true))
        .all(&txn)
        .await?
        .into_iter()
        .map(|w| w.id)
        .collect();
    // Accepting and revoking clear `remind_at`; checked again all the same.
    let ids: Vec<i32> = picked
        .iter()
        .filter(|row| {
            reminding.contains(&row.workspace_id)
                && row.accepted_at.is_none()
                && row.revoked_at.is_none()
                && row.expires_at > now
                && row.delivery == DeliveryState::Sent
        })
        .map(|row| row.id)
        .collect();
    mail::queue_reminders(&txn, &ids, now).await?;
    txn.commit().await?;
    Ok(ids.len())
}

/// The outbox worker's news: these invitations' reminders went out.
pub async fn mark_reminded(
    txn: &impl ConnectionTrait,
    ids: &[i32],
    now: i64,
) -> Result<(), AppError> {
    set(txn, ids, invitation::Column::RemindedAt, Some(now)).await
}

/// These invitations get no reminder (their mail bounced).
pub(super) async fn drop_due(txn: &impl ConnectionTrait, ids: &[i32]) -> Result<(), AppError> {
    set(txn, ids, invitation::Column::RemindAt, None).await
}

async fn set(
    txn: &impl ConnectionTrait,
    ids: &[i32],
    column: invitation::Column,
    value: Option<i64>,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    invitation::Entity::update_many()
        .col_expr(column, Expr::value(value))
        .filter(within(
            txn.get_database_backend(),
            invitation::Column::Id,
            ids,
        ))
        .exec(txn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_days_before_expiry_for_links_of_four_days_or_more_that_were_mailed() {
        let expires = 10 * 24 * HOUR_MILLIS;
        assert_eq!(due(expires, 168, true), Some(8 * 24 * HOUR_MILLIS));
        assert_eq!(due(expires, 96, true), Some(8 * 24 * HOUR_MILLIS));
        assert_eq!(due(expires, 72, true), None, "three days is too short");
        assert_eq!(due(expires, 720, false), None, "mail off: no reminder");
    }
}
