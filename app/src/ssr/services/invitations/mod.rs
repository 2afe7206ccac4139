//! The invitation writer: the only code that writes invitations, their
//! groups, their mail in the outbox and the Users-table index (`index`).
//! Creating takes N people at once (`create`); every later change takes a
//! set of invitations (`changes`). The single-row actions below are those
//! same functions called with one id, in their own transaction.
mod address;
mod changes;
mod create;
pub mod index;
mod links;
mod mail;
pub mod reminders;
pub mod tally;

pub use address::change_email;
pub use changes::{
    accepted, claim, mark_bounced, mark_failed, mark_sent, regroup, resend, revoke, set_groups,
    set_role, Change,
};
pub use create::{create, Conflicts, Created, NewInvitation, Sending};

use super::audit::Audited;
use super::{groups, Actor};
use crate::domain::{DisplayName, Email, ExpiryDays, GroupName, Metadata, PersonalMessage, Role};
use crate::error::AppError;
use crate::model::invitations::{InviteOutcome, InviteOutcomeKind};
use crate::ssr::db::begin_write;
use crate::ssr::db::entities::invitation;
use crate::ssr::AppState;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The Invite tab's request: one address or several, the same details for all.
pub struct InviteRequest {
    pub emails: Vec<Email>,
    pub name: Option<DisplayName>,
    pub role: Role,
    /// Created when they do not exist yet.
    pub groups: Vec<GroupName>,
    pub metadata: Metadata,
    pub send_email: bool,
    /// None: the workspace's default.
    pub expiry: Option<ExpiryDays>,
    pub message: Option<PersonalMessage>,
}

/// Invites everyone in the request, in one transaction. People who are
/// already members or already invited are reported, not invited twice; an
/// expired invitation is renewed (new link, new expiry).
pub async fn invite(
    state: &AppState,
    by: Actor,
    request: InviteRequest,
) -> Result<Vec<InviteOutcome>, AppError> {
    let txn = begin_write(&state.db).await?;
    let group_ids =
        groups::resolve_or_create(&txn, by, &request.groups, state.clock.now_millis()).await?;
    let people: Vec<NewInvitation> = request
        .emails
        .iter()
        .map(|email| NewInvitation {
            email: email.clone(),
            name: request.name.clone(),
            role: request.role,
            group_ids: group_ids.clone(),
            metadata: request.metadata.clone(),
        })
        .collect();
    let conflicts = Conflicts {
        resend_open: false,
        renew_expired: true,
    };
    let created = create(
        state,
        &txn,
        by,
        &people,
        Sending {
            send_email: request.send_email,
            expiry: request.expiry,
            message: request.message.clone(),
        },
        conflicts,
        state.clock.now_millis(),
    )
    .await?;
    txn.commit().await?;
    let outcomes: Vec<InviteOutcome> = request
        .emails
        .iter()
        .zip(created)
        .map(|(email, created)| InviteOutcome {
            email: email.as_str().to_owned(),
            kind: match created {
                Created::Invited { invitation_id } => InviteOutcomeKind::Invited { invitation_id },
                Created::AlreadyMember => InviteOutcomeKind::AlreadyMember,
                Created::Resent { invitation_id }
                | Created::AlreadyInvited { invitation_id }
                | Created::ExpiredLeft { invitation_id } => {
                    InviteOutcomeKind::AlreadyInvited { invitation_id }
                }
            },
        })
        .collect();
    if request.send_email
        && outcomes
            .iter()
            .any(|o| matches!(o.kind, InviteOutcomeKind::Invited { .. }))
    {
        state.outbox_wakeup.notify_one();
    }
    Ok(outcomes)
}

/// Resends one invitation (a row's action).
pub async fn resend_one(state: &AppState, by: Actor, invitation_id: i32) -> Result<(), AppError> {
    let txn = begin_write(&state.db).await?;
    let now = state.clock.now_millis();
    let [change] = resend(&txn, by, &[invitation_id], None, Audited::EachPerson, now).await?[..]
    else {
        return Err(AppError::unexpected("one change per invitation asked"));
    };
    change.into_result()?;
    txn.commit().await?;
    state.outbox_wakeup.notify_one();
    Ok(())
}

/// Revokes one invitation (a row's action).
pub async fn revoke_one(state: &AppState, by: Actor, invitation_id: i32) -> Result<(), AppError> {
    let txn = begin_write(&state.db).await?;
    let now = state.clock.now_millis();
    let [change] = revoke(&txn, by, &[invitation_id], Audited::EachPerson, now).await?[..] else {
        return Err(AppError::unexpected("one change per invitation asked"));
    };
    change.into_result()?;
    txn.commit().await?;
    Ok(())
}

/// Changes the role one invitation gives (a row's action).
pub async fn change_role_one(
    state: &AppState,
    by: Actor,
    invitation_id: i32,
    role: Role,
) -> Result<(), AppError> {
    let txn = begin_write(&state.db).await?;
    let now = state.clock.now_millis();
    let [change] = set_role(&txn, by, &[invitation_id], role, Audited::EachPerson, now).await?[..]
    else {
        return Err(AppError::unexpected("one change per invitation asked"));
    };
    change.into_result()?;
    txn.commit().await?;
    Ok(())
}

/// The working link for an open, unexpired invitation: the same one its mail carries.
pub async fn link(state: &AppState, by: Actor, invitation_id: i32) -> Result<String, AppError> {
    let found = invitation::Entity::find_by_id(invitation_id)
        .filter(invitation::Column::WorkspaceId.eq(by.workspace_id))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.accepted_at.is_some() {
        Change::Accepted.into_result()?;
    }
    if found.revoked_at.is_some() {
        Change::Revoked.into_result()?;
    }
    if found.expires_at <= state.clock.now_millis() {
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
