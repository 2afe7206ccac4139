//! An invitation's mail, queued in the outbox in the transaction that created
//! or resent it (a reminder when the sweep finds it due), and cancelled when
//! it is revoked or accepted. The outbox
//! worker (`services::outbox`) delivers the rows and records its attempts.
use crate::domain::MailKind;
use crate::error::AppError;
use crate::ssr::db::entities::outbox;
use crate::ssr::db::{insert_batched, within};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

const SUPERSEDED: &str = "superseded by a newer mail";

/// One mail per invitation, due now. A newer mail replaces one still waiting
/// for the same invitation.
pub(super) async fn enqueue(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
    now: i64,
) -> Result<(), AppError> {
    cancel(db, invitation_ids, SUPERSEDED, now).await?;
    queue(db, invitation_ids, now).await
}

/// One reminder per invitation, due now (the sweep found it due).
pub(super) async fn queue_reminders(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
    now: i64,
) -> Result<(), AppError> {
    insert(db, invitation_ids, MailKind::Reminder, now).await
}

/// One mail per invitation, due now, for invitations that have none waiting
/// (new ones).
pub(super) async fn queue(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
    now: i64,
) -> Result<(), AppError> {
    insert(db, invitation_ids, MailKind::Invitation, now).await
}

async fn insert(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
    kind: MailKind,
    now: i64,
) -> Result<(), AppError> {
    let rows = invitation_ids
        .iter()
        .map(|&invitation_id| outbox::ActiveModel {
            invitation_id: Set(invitation_id),
            kind: Set(kind),
            created_at: Set(now),
            attempts: Set(0),
            next_attempt_at: Set(now),
            ..Default::default()
        });
    Ok(insert_batched(db, rows.collect::<Vec<_>>(), None).await?)
}

/// Cancels the mail not yet sent for these invitations.
pub(super) async fn cancel(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
    reason: &str,
    now: i64,
) -> Result<(), AppError> {
    if invitation_ids.is_empty() {
        return Ok(());
    }
    outbox::Entity::update_many()
        .col_expr(outbox::Column::FailedAt, Expr::value(now))
        .col_expr(
            outbox::Column::LastError,
            Expr::value(format!("cancelled: {reason}")),
        )
        .filter(within(
            db.get_database_backend(),
            outbox::Column::InvitationId,
            invitation_ids,
        ))
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}
