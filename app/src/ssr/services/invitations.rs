//! Inviting people: create, resend, revoke, copy the link. Accepting lives in
//! `acceptance.rs`. Mail is queued in the outbox in the same transaction.
use super::link_signer::LinkSigner;
use super::{audit, groups, outbox, people_index, Actor};
use crate::api::invitations::{InviteOutcome, InviteOutcomeKind};
use crate::domain::{DisplayName, Email, GroupName, Metadata, Role};
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, membership, user};
use crate::ssr::time::{now_millis, HOUR_MILLIS};
use crate::ssr::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// Mail delivery state of an invitation, as stored.
pub mod delivery {
    pub const NOT_SENT: &str = "not_sent";
    pub const QUEUED: &str = "queued";
    pub const SENT: &str = "sent";
    pub const FAILED: &str = "failed";
}

pub struct InviteRequest {
    pub emails: Vec<Email>,
    pub name: Option<DisplayName>,
    pub role: Role,
    /// Created when they do not exist yet.
    pub groups: Vec<GroupName>,
    pub metadata: Metadata,
    pub send_email: bool,
}

/// Invites everyone in the request, in one transaction. People who are
/// already members or already invited are reported, not invited twice.
/// An expired invitation is renewed (new link, new expiry).
pub async fn invite(
    state: &AppState,
    by: Actor,
    request: InviteRequest,
) -> Result<Vec<InviteOutcome>, AppError> {
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let group_ids = groups::resolve_or_create(&txn, by, &request.groups).await?;
    let mut outcomes = Vec::with_capacity(request.emails.len());
    for email in &request.emails {
        let kind = invite_one(state, &txn, by, email, &request, &group_ids).await?;
        outcomes.push(InviteOutcome {
            email: email.as_str().to_owned(),
            kind,
        });
    }
    txn.commit().await?;
    if request.send_email
        && outcomes
            .iter()
            .any(|o| matches!(o.kind, InviteOutcomeKind::Invited { .. }))
    {
        state.outbox_wakeup.notify_one();
    }
    Ok(outcomes)
}

/// Invites one person inside the caller's transaction (also used by imports).
pub(crate) async fn invite_one(
    state: &AppState,
    txn: &impl ConnectionTrait,
    by: Actor,
    email: &Email,
    request: &InviteRequest,
    group_ids: &[i32],
) -> Result<InviteOutcomeKind, AppError> {
    if let Some(account) = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email.key()))
        .one(txn)
        .await?
    {
        let member = membership::Entity::find()
            .filter(membership::Column::WorkspaceId.eq(by.workspace_id))
            .filter(membership::Column::UserId.eq(account.id))
            .one(txn)
            .await?;
        if member.is_some() {
            return Ok(InviteOutcomeKind::AlreadyMember);
        }
    }
    let now = now_millis();
    let expires_at = now + i64::from(state.settings.invite_expiry_hours) * HOUR_MILLIS;
    let delivery_state = if request.send_email {
        delivery::QUEUED
    } else {
        delivery::NOT_SENT
    };
    let open = open_invitation(txn, by.workspace_id, email.key()).await?;
    let invitation = match open {
        Some(existing) if existing.expires_at > now => {
            return Ok(InviteOutcomeKind::AlreadyInvited {
                invitation_id: existing.id,
            });
        }
        Some(expired) => {
            // Re-invite: a new link and a new expiry for the same row.
            let mut renewed: invitation::ActiveModel = expired.into();
            renewed.nonce = Set(LinkSigner::new_nonce());
            renewed.expires_at = Set(expires_at);
            renewed.role = Set(request.role.as_str().to_owned());
            renewed.metadata = Set(request.metadata.to_json());
            renewed.invited_by = Set(by.user_id);
            renewed.delivery = Set(delivery_state.to_owned());
            if let Some(name) = &request.name {
                renewed.display_name = Set(Some(name.as_str().to_owned()));
            }
            renewed.update(txn).await?
        }
        None => {
            new_invitation(by, email, request, delivery_state, now, expires_at)
                .insert(txn)
                .await?
        }
    };
    groups::set_for_invitation(txn, invitation.id, group_ids).await?;
    people_index::refresh(txn, by.workspace_id, &[&invitation.email_key]).await?;
    if request.send_email {
        outbox::enqueue(txn, invitation.id).await?;
    }
    audit::record(
        txn,
        Some(by.workspace_id),
        by.user_id,
        "invitation.created",
        serde_json::json!({ "invitation": invitation.id, "email": invitation.email, "role": invitation.role }),
    )
    .await?;
    Ok(InviteOutcomeKind::Invited {
        invitation_id: invitation.id,
    })
}

/// A new invitation row (a fresh nonce, so a fresh link).
pub(crate) fn new_invitation(
    by: Actor,
    email: &Email,
    request: &InviteRequest,
    delivery_state: &str,
    now: i64,
    expires_at: i64,
) -> invitation::ActiveModel {
    invitation::ActiveModel {
        workspace_id: Set(by.workspace_id),
        email: Set(email.as_str().to_owned()),
        email_key: Set(email.key().to_owned()),
        display_name: Set(request.name.as_ref().map(|n| n.as_str().to_owned())),
        role: Set(request.role.as_str().to_owned()),
        metadata: Set(request.metadata.to_json()),
        invited_by: Set(by.user_id),
        nonce: Set(LinkSigner::new_nonce()),
        created_at: Set(now),
        expires_at: Set(expires_at),
        send_count: Set(0),
        delivery: Set(delivery_state.to_owned()),
        ..Default::default()
    }
}

pub(crate) async fn open_invitation(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    email_key: &str,
) -> Result<Option<invitation::Model>, AppError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(invitation::Column::EmailKey.eq(email_key))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .one(db)
        .await?)
}

/// An invitation of this workspace that has been neither accepted nor revoked.
async fn find_open(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    invitation_id: i32,
) -> Result<invitation::Model, AppError> {
    let found = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.accepted_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation has already been accepted.".into(),
        ));
    }
    if found.revoked_at.is_some() {
        return Err(AppError::Conflict(
            "This invitation was revoked. Invite the person again.".into(),
        ));
    }
    Ok(found)
}

/// The newest invitation to an address in a workspace: the one resending or
/// revoking by address acts on.
pub async fn newest_for(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    email: &Email,
) -> Result<Option<i32>, AppError> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(invitation::Column::EmailKey.eq(email.key()))
        .order_by_desc(invitation::Column::Id)
        .one(db)
        .await?
        .map(|found| found.id))
}

/// A new link (the old one stops working), a fresh expiry, and a new mail.
pub async fn resend(state: &AppState, by: Actor, invitation_id: i32) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    resend_in(state, &txn, by, invitation_id).await?;
    txn.commit().await?;
    state.outbox_wakeup.notify_one();
    Ok(())
}

/// `resend` inside the caller's transaction.
pub(crate) async fn resend_in(
    state: &AppState,
    txn: &impl ConnectionTrait,
    by: Actor,
    invitation_id: i32,
) -> Result<(), AppError> {
    let found = find_open(txn, by.workspace_id, invitation_id).await?;
    let mut renewed: invitation::ActiveModel = found.into();
    renewed.nonce = Set(LinkSigner::new_nonce());
    renewed.expires_at =
        Set(now_millis() + i64::from(state.settings.invite_expiry_hours) * HOUR_MILLIS);
    renewed.delivery = Set(delivery::QUEUED.to_owned());
    let renewed = renewed.update(txn).await?;
    people_index::refresh(txn, by.workspace_id, &[&renewed.email_key]).await?;
    outbox::enqueue(txn, renewed.id).await?;
    audit::record(
        txn,
        Some(by.workspace_id),
        by.user_id,
        "invitation.resent",
        serde_json::json!({ "invitation": renewed.id, "email": renewed.email }),
    )
    .await?;
    Ok(())
}

/// The link stops working at once; mail not yet sent is cancelled.
pub async fn revoke(state: &AppState, by: Actor, invitation_id: i32) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let found = find_open(&txn, by.workspace_id, invitation_id).await?;
    let now = now_millis();
    let revoked = invitation::Entity::update_many()
        .col_expr(invitation::Column::RevokedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(found.id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if revoked.rows_affected != 1 {
        return Err(AppError::Conflict(
            "This invitation has already been accepted.".into(),
        ));
    }
    outbox::cancel_for(&txn, found.id, "invitation revoked").await?;
    people_index::refresh(&txn, by.workspace_id, &[&found.email_key]).await?;
    audit::record(
        &txn,
        Some(by.workspace_id),
        by.user_id,
        "invitation.revoked",
        serde_json::json!({ "invitation": found.id, "email": found.email }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The working link for an open, unexpired invitation: the same one its mail carries.
pub async fn link(state: &AppState, by: Actor, invitation_id: i32) -> Result<String, AppError> {
    let found = find_open(&state.db, by.workspace_id, invitation_id).await?;
    if found.expires_at <= now_millis() {
        return Err(AppError::Conflict(
            "This invitation has expired. Resend it to get a new link.".into(),
        ));
    }
    Ok(invite_url(state, &found))
}

pub fn invite_url(state: &AppState, invitation: &invitation::Model) -> String {
    state.settings.link(&format!(
        "/invite/{}",
        state.links.token(invitation.id, &invitation.nonce)
    ))
}
