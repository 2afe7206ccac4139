//! Correcting the address of an invitation not yet accepted (a typo, or one
//! that bounced): a new link goes to the new address, the old link stops
//! working, and the change is audited.
use super::{create, index, mail, reminders, Actor};
use crate::domain::{DeliveryState, Email};
use crate::error::AppError;
use crate::ssr::db::begin_write;
use crate::ssr::db::entities::invitation;
use crate::ssr::services::audit::{self, AuditAction};
use crate::ssr::services::link_signer::LinkSigner;
use crate::ssr::time::HOUR_MILLIS;
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

pub async fn change_email(
    state: &AppState,
    by: Actor,
    invitation_id: i32,
    email: Email,
) -> Result<(), AppError> {
    let txn = begin_write(&state.db).await?;
    let found = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::WorkspaceId.eq(by.workspace_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.accepted_at.is_some() {
        super::Change::Accepted.into_result()?;
    }
    if found.revoked_at.is_some() {
        super::Change::Revoked.into_result()?;
    }
    if found.email_key == email.key() {
        return Err(AppError::Invalid {
            field: "New email address".into(),
            message: "That is the address it has now.".into(),
        });
    }
    let known = create::known(&txn, by.workspace_id, &[email.key()]).await?;
    if known.members.contains(email.key()) {
        return Err(AppError::Conflict(format!(
            "{} is already a member of this workspace.",
            email.as_str()
        )));
    }
    if known.open.contains_key(email.key()) {
        return Err(AppError::Conflict(format!(
            "{} already has an invitation. Resend or revoke that one instead.",
            email.as_str()
        )));
    }
    let now = state.clock.now_millis();
    let hours = u32::try_from(found.lifetime_hours).unwrap_or(0);
    let expires_at = now + i64::from(hours) * HOUR_MILLIS;
    let old_key = found.email_key.clone();
    let old_email = found.email.clone();
    let mut moved: invitation::ActiveModel = found.into();
    moved.email = Set(email.as_str().to_owned());
    moved.email_key = Set(email.key().to_owned());
    moved.nonce = Set(LinkSigner::new_nonce());
    moved.expires_at = Set(expires_at);
    moved.remind_at = Set(reminders::due(expires_at, hours, true));
    moved.reminded_at = Set(None);
    moved.delivery = Set(DeliveryState::Queued);
    moved.update(&txn).await?;
    mail::enqueue(&txn, &[invitation_id], now).await?;
    audit::record(
        &txn,
        Some(by.workspace_id),
        by.user_id,
        AuditAction::InvitationEmailChanged,
        serde_json::json!({ "invitation": invitation_id, "from": old_email, "to": email.as_str() }),
        now,
    )
    .await?;
    index::refresh(&txn, by.workspace_id, &[old_key.as_str(), email.key()]).await?;
    txn.commit().await?;
    state.outbox_wakeup.notify_one();
    Ok(())
}
