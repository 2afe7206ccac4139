//! An invitation's mail, queued in the outbox in the transaction that created
//! or resent it, and cancelled when it is revoked or accepted. The outbox
//! worker (`services::outbox`) delivers the rows and records its attempts.
use super::IN_LIST;
use crate::error::AppError;
use crate::ssr::db::entities::outbox;
use crate::ssr::db::insert_batched;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// One mail per invitation, due now. A newer mail replaces one still waiting
/// for the same invitation.
pub(super) async fn enqueue(
    db: &impl ConnectionTrait,
    invitation_ids: &[i32],
    now: i64,
) -> Result<(), AppError> {
    cancel(db, invitation_ids, "superseded by a newer mail", now).await?;
    let rows = invitation_ids
        .iter()
        .map(|&invitation_id| outbox::ActiveModel {
            invitation_id: Set(invitation_id),
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
    for ids in invitation_ids.chunks(IN_LIST) {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::FailedAt, Expr::value(now))
            .col_expr(
                outbox::Column::LastError,
                Expr::value(format!("cancelled: {reason}")),
            )
            .filter(outbox::Column::InvitationId.is_in(ids.iter().copied()))
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::FailedAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(())
}
