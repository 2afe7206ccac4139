//! One chunk of a bulk change, applied through the set-wise functions the
//! rows' actions use (the invitation writer, `members::change_many`,
//! `groups::regroup_members`), audited once by the caller.
use super::Person;
use crate::error::AppError;
use crate::model::bulk::BulkAction;
use crate::ssr::db::entities::{bulk_change, membership};
use crate::ssr::db::within;
use crate::ssr::services::audit::Audited;
use crate::ssr::services::invitations::{self, Change};
use crate::ssr::services::members::{self, MemberChange, MemberOutcome};
use crate::ssr::services::{groups, Actor};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap};

/// What one chunk did.
pub(super) struct Outcome {
    pub applied: u64,
    /// Why the others were left, and how many each.
    pub skipped: BTreeMap<String, u64>,
    /// Mail was queued (resent invitations): the outbox should look.
    pub mail_queued: bool,
}

const NOT_AN_INVITATION: &str = "already a member";
const NOT_A_MEMBER: &str = "not a member yet";

pub(super) async fn apply(
    txn: &impl ConnectionTrait,
    by: Actor,
    change: &bulk_change::Model,
    chunk: &[Person],
    now: i64,
) -> Result<Outcome, AppError> {
    let invitation_ids: Vec<i32> = chunk
        .iter()
        .filter(|p| !p.is_member())
        .map(|p| p.ref_id)
        .collect();
    let user_ids: Vec<i32> = chunk
        .iter()
        .filter(|p| p.is_member())
        .map(|p| p.ref_id)
        .collect();
    let mut outcome = Outcome {
        applied: 0,
        skipped: BTreeMap::new(),
        mail_queued: false,
    };
    let unchanged = match change.action {
        BulkAction::ChangeRole => "already that role",
        BulkAction::AddToGroup => "already in the group",
        BulkAction::RemoveFromGroup => "not in the group",
        BulkAction::Archive => "already archived",
        _ => "already so",
    };

    // Invitations.
    let invitation_changes: Vec<Change> = match change.action {
        BulkAction::Resend => {
            invitations::resend(txn, by, &invitation_ids, None, Audited::OnceByCaller, now).await?
        }
        BulkAction::Revoke => {
            invitations::revoke(txn, by, &invitation_ids, Audited::OnceByCaller, now).await?
        }
        BulkAction::ChangeRole => {
            let role = change
                .role
                .ok_or_else(|| AppError::unexpected("a role change without a role"))?;
            invitations::set_role(txn, by, &invitation_ids, role, Audited::OnceByCaller, now)
                .await?
        }
        BulkAction::AddToGroup | BulkAction::RemoveFromGroup => {
            let group = group_of(change)?;
            let add = change.action == BulkAction::AddToGroup;
            invitations::regroup(txn, by, &invitation_ids, group, add).await?
        }
        BulkAction::Archive | BulkAction::Remove => {
            skip(&mut outcome, NOT_A_MEMBER, invitation_ids.len() as u64);
            Vec::new()
        }
    };
    for result in invitation_changes {
        match result {
            Change::Done => outcome.applied += 1,
            Change::Unchanged => skip(&mut outcome, unchanged, 1),
            Change::Accepted => skip(&mut outcome, "already accepted", 1),
            Change::Revoked => skip(&mut outcome, "revoked", 1),
            Change::NotFound => skip(&mut outcome, "no longer there", 1),
        }
    }
    if change.action == BulkAction::Resend && outcome.applied > 0 {
        outcome.mail_queued = true;
    }

    // Members.
    let member_change = match change.action {
        BulkAction::Resend | BulkAction::Revoke => {
            skip(&mut outcome, NOT_AN_INVITATION, user_ids.len() as u64);
            return Ok(outcome);
        }
        BulkAction::AddToGroup | BulkAction::RemoveFromGroup => {
            let add = change.action == BulkAction::AddToGroup;
            let memberships = memberships_of(txn, by.workspace_id, &user_ids).await?;
            let ids: Vec<i32> = memberships.values().copied().collect();
            let changed = groups::regroup_members(txn, &ids, group_of(change)?, add).await?;
            for user_id in &user_ids {
                match memberships.get(user_id) {
                    Some(id) if changed.contains(id) => outcome.applied += 1,
                    Some(_) => skip(&mut outcome, unchanged, 1),
                    None => skip(&mut outcome, "no longer there", 1),
                }
            }
            return Ok(outcome);
        }
        BulkAction::ChangeRole => MemberChange::Role(
            change
                .role
                .ok_or_else(|| AppError::unexpected("a role change without a role"))?,
        ),
        BulkAction::Archive => MemberChange::Archive,
        BulkAction::Remove => MemberChange::Remove,
    };
    for result in members::change_many(
        txn,
        by,
        &user_ids,
        member_change,
        Audited::OnceByCaller,
        now,
    )
    .await?
    {
        match result {
            MemberOutcome::Done => outcome.applied += 1,
            MemberOutcome::Unchanged => skip(&mut outcome, unchanged, 1),
            other => skip(&mut outcome, other.reason().unwrap_or("skipped"), 1),
        }
    }
    Ok(outcome)
}

fn skip(outcome: &mut Outcome, reason: &str, count: u64) {
    if count > 0 {
        *outcome.skipped.entry(reason.to_owned()).or_default() += count;
    }
}

fn group_of(change: &bulk_change::Model) -> Result<i32, AppError> {
    change
        .group_id
        .ok_or_else(|| AppError::unexpected("a group change without a group"))
}

/// Membership ids by user id.
async fn memberships_of(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    user_ids: &[i32],
) -> Result<HashMap<i32, i32>, AppError> {
    if user_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace_id))
        .filter(within(
            db.get_database_backend(),
            membership::Column::UserId,
            user_ids,
        ))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m.id))
        .collect())
}
