//! What happens to invitations after they are made: resent, revoked,
//! accepted, regrouped, delivered. Each change takes a set of invitations (one
//! for a row's action, thousands for a bulk one) and does its work in a few
//! statements, in the caller's transaction.
use super::links::{self, Renewal};
use super::{create, index, mail, reminders, Actor};
use crate::domain::{DeliveryState, ExpiryDays, Role};
use crate::error::AppError;
use crate::ssr::db::entities::{invitation, invitation_group};
use crate::ssr::db::within;
use crate::ssr::services::audit::{self, AuditAction, Audited};
use crate::ssr::services::link_signer::LinkSigner;
use crate::ssr::time::HOUR_MILLIS;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{HashMap, HashSet};

/// What a change did to one invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Done,
    /// Already so: nothing to do.
    Unchanged,
    /// Not an invitation of this workspace.
    NotFound,
    /// Already accepted: the person is a member now.
    Accepted,
    Revoked,
}

impl Change {
    /// The error a single-row action answers with.
    pub fn into_result(self) -> Result<(), AppError> {
        match self {
            Change::Done | Change::Unchanged => Ok(()),
            Change::NotFound => Err(AppError::NotFound),
            Change::Accepted => Err(AppError::Conflict(
                "This invitation has already been accepted.".into(),
            )),
            Change::Revoked => Err(AppError::Conflict(
                "This invitation was revoked. Invite the person again.".into(),
            )),
        }
    }
}

/// The workspace's invitations among these ids.
async fn current(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    ids: &[i32],
) -> Result<HashMap<i32, invitation::Model>, AppError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(invitation::Entity::find()
        .filter(invitation::Column::WorkspaceId.eq(workspace_id))
        .filter(within(
            db.get_database_backend(),
            invitation::Column::Id,
            ids,
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.id, row))
        .collect())
}

/// Sorts the ids into the open invitations (each once) and a change per id.
async fn open_among(
    txn: &impl ConnectionTrait,
    by: Actor,
    ids: &[i32],
) -> Result<(Vec<Change>, Vec<invitation::Model>), AppError> {
    let found = current(txn, by.workspace_id, ids).await?;
    let mut seen = HashSet::new();
    let mut open = Vec::new();
    let changes = ids
        .iter()
        .map(|id| match found.get(id) {
            None => Change::NotFound,
            Some(row) if row.accepted_at.is_some() => Change::Accepted,
            Some(row) if row.revoked_at.is_some() => Change::Revoked,
            Some(row) => {
                if seen.insert(row.id) {
                    open.push(row.clone());
                }
                Change::Done
            }
        })
        .collect();
    Ok((changes, open))
}

/// A new link for each open invitation (the old one stops working), living
/// `expiry` or as long as its first one did, with its reminder moved, and a
/// new mail.
pub async fn resend(
    txn: &impl ConnectionTrait,
    by: Actor,
    ids: &[i32],
    expiry: Option<ExpiryDays>,
    audited: Audited,
    now: i64,
) -> Result<Vec<Change>, AppError> {
    let (changes, open) = open_among(txn, by, ids).await?;
    let renewals: Vec<Renewal> = open
        .iter()
        .map(|row| {
            let hours = expiry.map_or(u32::try_from(row.lifetime_hours).unwrap_or(0), |e| {
                e.hours()
            });
            let expires_at = now + i64::from(hours) * HOUR_MILLIS;
            Renewal {
                id: row.id,
                nonce: LinkSigner::new_nonce(),
                expires_at,
                lifetime_hours: i32::try_from(hours).unwrap_or(i32::MAX),
                remind_at: reminders::due(expires_at, hours, true),
            }
        })
        .collect();
    links::renew(txn, &renewals).await?;
    let open_ids: Vec<i32> = open.iter().map(|row| row.id).collect();
    mail::enqueue(txn, &open_ids, now).await?;
    if audited == Audited::EachPerson {
        record_audit(txn, by, AuditAction::InvitationResent, &open, now).await?;
    }
    index::mark_renewed(txn, by.workspace_id, &open).await?;
    Ok(changes)
}

/// The links stop working at once; mail not yet sent is cancelled.
pub async fn revoke(
    txn: &impl ConnectionTrait,
    by: Actor,
    ids: &[i32],
    audited: Audited,
    now: i64,
) -> Result<Vec<Change>, AppError> {
    let (mut changes, open) = open_among(txn, by, ids).await?;
    let open_ids: Vec<i32> = open.iter().map(|row| row.id).collect();
    let revoked: Vec<invitation::Model> = if open_ids.is_empty() {
        Vec::new()
    } else {
        // Conditional: one accepted a moment ago stays accepted.
        invitation::Entity::update_many()
            .col_expr(invitation::Column::RevokedAt, Expr::value(now))
            .col_expr(
                invitation::Column::RemindAt,
                Expr::value(Option::<i64>::None),
            )
            .filter(within(
                txn.get_database_backend(),
                invitation::Column::Id,
                &open_ids,
            ))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .exec_with_returning(txn)
            .await?
    };
    let revoked_ids: HashSet<i32> = revoked.iter().map(|row| row.id).collect();
    for (change, id) in changes.iter_mut().zip(ids) {
        if *change == Change::Done && !revoked_ids.contains(id) {
            *change = Change::Accepted;
        }
    }
    let ids: Vec<i32> = revoked_ids.into_iter().collect();
    mail::cancel(txn, &ids, "invitation revoked", now).await?;
    if audited == Audited::EachPerson {
        record_audit(txn, by, AuditAction::InvitationRevoked, &revoked, now).await?;
    }
    index::mark_revoked(txn, by.workspace_id, &revoked).await?;
    Ok(changes)
}

/// The role each open invitation among these gives on joining.
pub async fn set_role(
    txn: &impl ConnectionTrait,
    by: Actor,
    ids: &[i32],
    role: Role,
    audited: Audited,
    now: i64,
) -> Result<Vec<Change>, AppError> {
    let (mut changes, open) = open_among(txn, by, ids).await?;
    let unchanged: HashSet<i32> = open
        .iter()
        .filter(|row| row.role == role)
        .map(|row| row.id)
        .collect();
    for (change, id) in changes.iter_mut().zip(ids) {
        if unchanged.contains(id) {
            *change = Change::Unchanged;
        }
    }
    let changed: Vec<&invitation::Model> = open.iter().filter(|row| row.role != role).collect();
    if !changed.is_empty() {
        let ids: Vec<i32> = changed.iter().map(|row| row.id).collect();
        invitation::Entity::update_many()
            .col_expr(invitation::Column::Role, Expr::value(role))
            .filter(within(
                txn.get_database_backend(),
                invitation::Column::Id,
                &ids,
            ))
            .exec(txn)
            .await?;
        if audited == Audited::EachPerson {
            let entries = changed.iter().map(|row| audit::Entry {
                workspace_id: Some(by.workspace_id),
                actor_user_id: by.user_id,
                action: AuditAction::InvitationRoleChanged,
                detail: serde_json::json!({
                    "invitation": row.id,
                    "email": row.email,
                    "from": row.role.as_str(),
                    "to": role.as_str(),
                }),
            });
            audit::record_all(txn, entries.collect(), now).await?;
        }
    }
    Ok(changes)
}

/// Puts each open invitation among these in one more group, or takes it out
/// of it (`add` false); those already so are `Unchanged`.
pub async fn regroup(
    txn: &impl ConnectionTrait,
    by: Actor,
    ids: &[i32],
    group_id: i32,
    add: bool,
) -> Result<Vec<Change>, AppError> {
    let (mut changes, open) = open_among(txn, by, ids).await?;
    let open_ids: Vec<i32> = open.iter().map(|row| row.id).collect();
    let backend = txn.get_database_backend();
    let already_in: HashSet<i32> = if open_ids.is_empty() {
        HashSet::new()
    } else {
        invitation_group::Entity::find()
            .filter(invitation_group::Column::GroupId.eq(group_id))
            .filter(within(
                backend,
                invitation_group::Column::InvitationId,
                &open_ids,
            ))
            .all(txn)
            .await?
            .into_iter()
            .map(|row| row.invitation_id)
            .collect()
    };
    let targets: Vec<i32> = open_ids
        .iter()
        .copied()
        .filter(|id| already_in.contains(id) != add)
        .collect();
    for (change, id) in changes.iter_mut().zip(ids) {
        if *change == Change::Done && !targets.contains(id) {
            *change = Change::Unchanged;
        }
    }
    if add {
        let groups: Vec<(i32, &[i32])> = targets
            .iter()
            .map(|&id| (id, std::slice::from_ref(&group_id)))
            .collect();
        create::add_groups(txn, &groups).await?;
    } else if !targets.is_empty() {
        invitation_group::Entity::delete_many()
            .filter(invitation_group::Column::GroupId.eq(group_id))
            .filter(within(
                backend,
                invitation_group::Column::InvitationId,
                &targets,
            ))
            .exec(txn)
            .await?;
    }
    Ok(changes)
}

/// Claims invitations for the people accepting them: each only if its link
/// (nonce) is still the current one and it is open and unexpired. This is
/// what makes a link work once. Returns whether each claim won.
pub async fn claim(
    txn: &impl ConnectionTrait,
    claims: &[(i32, &str)],
    now: i64,
) -> Result<Vec<bool>, AppError> {
    let mut won = Vec::with_capacity(claims.len());
    for &(invitation_id, nonce) in claims {
        let claimed = invitation::Entity::update_many()
            .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
            .col_expr(
                invitation::Column::RemindAt,
                Expr::value(Option::<i64>::None),
            )
            .filter(invitation::Column::Id.eq(invitation_id))
            .filter(invitation::Column::Nonce.eq(nonce))
            .filter(invitation::Column::AcceptedAt.is_null())
            .filter(invitation::Column::RevokedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(now))
            .exec(txn)
            .await?;
        won.push(claimed.rows_affected == 1);
    }
    Ok(won)
}

/// After `claim`, once each person's account and membership exist: records
/// who accepted, cancels mail not yet sent, audits and updates the Users rows.
pub async fn accepted(
    txn: &impl ConnectionTrait,
    workspace_id: i32,
    accepted: &[(invitation::Model, i32)],
    now: i64,
) -> Result<(), AppError> {
    for (row, user_id) in accepted {
        invitation::Entity::update_many()
            .col_expr(invitation::Column::AcceptedUserId, Expr::value(*user_id))
            .filter(invitation::Column::Id.eq(row.id))
            .exec(txn)
            .await?;
    }
    let ids: Vec<i32> = accepted.iter().map(|(row, _)| row.id).collect();
    mail::cancel(txn, &ids, "invitation accepted", now).await?;
    let entries = accepted.iter().map(|(row, user_id)| audit::Entry {
        workspace_id: Some(workspace_id),
        actor_user_id: Some(*user_id),
        action: AuditAction::InvitationAccepted,
        detail: serde_json::json!({ "invitation": row.id, "email": row.email }),
    });
    audit::record_all(txn, entries.collect(), now).await?;
    let rows: Vec<invitation::Model> = accepted.iter().map(|(row, _)| row.clone()).collect();
    refresh(txn, workspace_id, &rows).await
}

/// Puts each open (not accepted) invitation among these in exactly these groups.
/// Returns a change per id.
pub async fn set_groups(
    txn: &impl ConnectionTrait,
    by: Actor,
    ids: &[i32],
    group_ids: &[i32],
) -> Result<Vec<Change>, AppError> {
    let found = current(txn, by.workspace_id, ids).await?;
    let changes: Vec<Change> = ids
        .iter()
        .map(|id| match found.get(id) {
            // Accepted: the person's groups are a member's now.
            None => Change::NotFound,
            Some(row) if row.accepted_at.is_some() => Change::NotFound,
            // A revoked invitation keeps its groups editable.
            Some(_) => Change::Done,
        })
        .collect();
    let targets: Vec<i32> = ids
        .iter()
        .zip(&changes)
        .filter(|(_, c)| **c == Change::Done)
        .map(|(id, _)| *id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    create::clear_groups(txn, &targets).await?;
    let groups: Vec<(i32, &[i32])> = targets.iter().map(|&id| (id, group_ids)).collect();
    create::add_groups(txn, &groups).await?;
    Ok(changes)
}

/// The outbox worker's news: these invitations' mail went out.
pub async fn mark_sent(txn: &impl ConnectionTrait, ids: &[i32]) -> Result<(), AppError> {
    set_delivery(txn, ids, DeliveryState::Sent).await
}

/// The outbox worker's news: these invitations' mail could not be delivered.
pub async fn mark_failed(txn: &impl ConnectionTrait, ids: &[i32]) -> Result<(), AppError> {
    set_delivery(txn, ids, DeliveryState::Failed).await
}

/// The outbox worker's news: the receiving server refused these
/// invitations' mail for good. No reminder follows a bounce.
pub async fn mark_bounced(txn: &impl ConnectionTrait, ids: &[i32]) -> Result<(), AppError> {
    set_delivery(txn, ids, DeliveryState::Bounced).await?;
    reminders::drop_due(txn, ids).await
}

/// A mail sent counts towards `send_count`; a failure does not.
async fn set_delivery(
    txn: &impl ConnectionTrait,
    ids: &[i32],
    delivery: DeliveryState,
) -> Result<(), AppError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut update = invitation::Entity::update_many()
        .col_expr(invitation::Column::Delivery, Expr::value(delivery))
        .filter(within(
            txn.get_database_backend(),
            invitation::Column::Id,
            ids,
        ));
    if delivery == DeliveryState::Sent {
        update = update.col_expr(
            invitation::Column::SendCount,
            sea_orm::ExprTrait::add(Expr::col(invitation::Column::SendCount), 1),
        );
    }
    update.exec(txn).await?;
    Ok(())
}

async fn record_audit(
    txn: &impl ConnectionTrait,
    by: Actor,
    action: AuditAction,
    rows: &[invitation::Model],
    now: i64,
) -> Result<(), AppError> {
    let entries = rows.iter().map(|row| audit::Entry {
        workspace_id: Some(by.workspace_id),
        actor_user_id: by.user_id,
        action,
        detail: serde_json::json!({ "invitation": row.id, "email": row.email }),
    });
    Ok(audit::record_all(txn, entries.collect(), now).await?)
}

async fn refresh(
    txn: &impl ConnectionTrait,
    workspace_id: i32,
    rows: &[invitation::Model],
) -> Result<(), AppError> {
    let keys: Vec<&str> = rows.iter().map(|row| row.email_key.as_str()).collect();
    index::refresh(txn, workspace_id, &keys).await
}
