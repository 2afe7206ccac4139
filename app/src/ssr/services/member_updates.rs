//! Members updated from an imported file: where they stand, their role,
//! groups and metadata changed set-wise inside the import chunk's
//! transaction (one audit entry per person), and those changes put back by
//! an undo where nobody has changed them since.
use super::audit::{self, AuditAction, Audited};
use super::import_commit::{revalidate, Valid};
use super::invitations::index as people_index;
use super::members::{self, MemberChange, MemberOutcome};
use super::{groups, Actor};
use crate::domain::{GroupName, MembershipStatus, Role};
use crate::error::AppError;
use crate::model::imports::ImportRow;
use crate::model::member_updates::{MemberChanges, MemberNow, PlannedUpdate, UpdateFields};
use crate::ssr::db::entities::{group, membership, membership_group, user};
use crate::ssr::db::within;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A member as they stand, with what an update needs to change them.
#[derive(Debug, Clone)]
pub struct Standing {
    pub membership_id: i32,
    pub user_id: i32,
    pub email: String,
    pub email_key: String,
    pub status: MembershipStatus,
    pub now: MemberNow,
    /// Their groups' ids by name key.
    pub group_ids: HashMap<String, i32>,
}

/// The members among these addresses (by email key), archived ones too.
pub async fn standing(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    keys: &[&str],
) -> Result<HashMap<String, Standing>, AppError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let backend = db.get_database_backend();
    let accounts: HashMap<i32, user::Model> = user::Entity::find()
        .filter(within(backend, user::Column::EmailKey, keys))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let user_ids: Vec<i32> = accounts.keys().copied().collect();
    let memberships = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace_id))
        .filter(within(backend, membership::Column::UserId, &user_ids))
        .all(db)
        .await?;
    let membership_ids: Vec<i32> = memberships.iter().map(|m| m.id).collect();
    let links = membership_group::Entity::find()
        .filter(within(
            backend,
            membership_group::Column::MembershipId,
            &membership_ids,
        ))
        .all(db)
        .await?;
    let group_ids: Vec<i32> = links.iter().map(|l| l.group_id).collect();
    let names: HashMap<i32, group::Model> = group::Entity::find()
        .filter(within(backend, group::Column::Id, &group_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|g| (g.id, g))
        .collect();
    // Name order, as the Users table lists them.
    let mut groups_of: HashMap<i32, BTreeMap<String, (String, i32)>> = HashMap::new();
    for link in links {
        if let Some(found) = names.get(&link.group_id) {
            groups_of
                .entry(link.membership_id)
                .or_default()
                .insert(found.name_key.clone(), (found.name.clone(), found.id));
        }
    }
    Ok(memberships
        .into_iter()
        .filter_map(|m| {
            let account = accounts.get(&m.user_id)?;
            let groups = groups_of.remove(&m.id).unwrap_or_default();
            let metadata = serde_json::from_str(&m.metadata).unwrap_or_default();
            Some((
                account.email_key.clone(),
                Standing {
                    membership_id: m.id,
                    user_id: m.user_id,
                    email: account.email.clone(),
                    email_key: account.email_key.clone(),
                    status: m.status,
                    now: MemberNow {
                        role: m.role,
                        groups: groups.values().map(|(name, _)| name.clone()).collect(),
                        metadata,
                    },
                    group_ids: groups.into_iter().map(|(key, (_, id))| (key, id)).collect(),
                },
            ))
        })
        .collect())
}

/// What updating the active members among these rows would change (the
/// Review, a dry run): one answer per such row, the row checked again as a
/// commit checks it. Rows of other people, or that fail the check, are left
/// out.
pub async fn plan(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    rows: &[ImportRow],
    fields: UpdateFields,
) -> Result<Vec<PlannedUpdate>, AppError> {
    if rows.len() > super::imports::MAX_CHECK {
        return Err(AppError::Conflict(format!(
            "Plan at most {} rows at a time.",
            super::imports::MAX_CHECK
        )));
    }
    let valid: Vec<(usize, Valid)> = rows
        .iter()
        .filter_map(|r| Some((r.row, revalidate(r).ok()?)))
        .collect();
    let keys: Vec<&str> = valid.iter().map(|(_, v)| v.email.key()).collect();
    let members = standing(db, workspace_id, &keys).await?;
    Ok(valid
        .iter()
        .filter_map(|(row, v)| {
            let member = members.get(v.email.key())?;
            (member.status == MembershipStatus::Active).then(|| PlannedUpdate {
                row: *row,
                changes: MemberChanges::between(&member.now, &v.as_row(*row), fields),
            })
        })
        .collect())
}

/// One member's update: who, and what the file changes.
pub struct Planned<'a> {
    pub member: &'a Standing,
    pub changes: &'a MemberChanges,
}

/// Why an update was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// It would take the workspace's last active admin away.
    LastAdmin,
    /// No longer a member.
    Gone,
}

impl Refused {
    pub fn reason(self) -> &'static str {
        match self {
            Refused::LastAdmin => {
                "Role: this is the workspace's last admin; make someone else an admin first."
            }
            Refused::Gone => "No longer in this workspace.",
        }
    }
}

/// Applies these updates in the caller's transaction, in a few statements
/// per change (role changes by target role, groups by group, metadata per
/// person); one answer per update, in order. `group_ids`: the ids of the
/// groups rows add, by name key. A row whose role change is refused changes
/// nothing. Audited per person ("from {file}").
pub async fn apply(
    txn: &impl ConnectionTrait,
    by: Actor,
    updates: &[Planned<'_>],
    group_ids: &HashMap<String, i32>,
    file_name: &str,
    now: i64,
) -> Result<Vec<Result<(), Refused>>, AppError> {
    let mut answers: Vec<Result<(), Refused>> = vec![Ok(()); updates.len()];
    // Role changes first: the last-admin rule may refuse some, and a refused
    // row changes nothing else.
    let roles = updates
        .iter()
        .enumerate()
        .filter_map(|(i, u)| u.changes.role.map(|(_, to)| (i, to)));
    for (i, outcome) in change_roles(txn, by, updates, roles, now).await? {
        answers[i] = match outcome {
            MemberOutcome::Done | MemberOutcome::Unchanged => Ok(()),
            MemberOutcome::LastAdmin => Err(Refused::LastAdmin),
            MemberOutcome::NotFound => Err(Refused::Gone),
        };
    }
    let kept: Vec<usize> = (0..updates.len()).filter(|&i| answers[i].is_ok()).collect();

    let mut regroup: BTreeMap<(i32, bool), Vec<i32>> = BTreeMap::new();
    for &i in &kept {
        let Planned { member, changes } = &updates[i];
        for name in &changes.groups_added {
            if let Some(&id) = group_ids.get(&GroupName::key_of(name)) {
                regroup
                    .entry((id, true))
                    .or_default()
                    .push(member.membership_id);
            }
        }
        for name in &changes.groups_removed {
            if let Some(&id) = member.group_ids.get(&GroupName::key_of(name)) {
                regroup
                    .entry((id, false))
                    .or_default()
                    .push(member.membership_id);
            }
        }
    }
    for ((group_id, add), membership_ids) in regroup {
        groups::regroup_members(txn, &membership_ids, group_id, add).await?;
    }
    for &i in &kept {
        let Planned { member, changes } = &updates[i];
        if changes.metadata.is_empty() {
            continue;
        }
        let mut metadata = member.now.metadata.clone();
        for change in &changes.metadata {
            metadata.insert(change.key.clone(), change.to.clone());
        }
        write_metadata(txn, member.membership_id, &metadata).await?;
    }
    touch(txn, by, kept.iter().map(|&i| updates[i].member), now).await?;

    let entries = kept
        .iter()
        .map(|&i| audit::Entry {
            workspace_id: Some(by.workspace_id),
            actor_user_id: by.user_id,
            action: AuditAction::MemberUpdated,
            detail: serde_json::json!({
                "user": updates[i].member.user_id,
                "email": updates[i].member.email,
                "file": file_name,
                "change": updates[i].changes.describe(),
            }),
        })
        .collect();
    audit::record_all(txn, entries, now).await?;
    Ok(answers)
}

/// Puts back what these updates changed, where it is still as the update
/// left it (a role changed again since, a group left since, a value edited
/// since stay as they are now). The last admin keeps their role. Returns,
/// per update, whether anything was put back.
pub async fn put_back(
    txn: &impl ConnectionTrait,
    by: Actor,
    updates: &[Planned<'_>],
    now: i64,
) -> Result<Vec<bool>, AppError> {
    let mut restored = vec![false; updates.len()];
    let roles = updates
        .iter()
        .enumerate()
        .filter_map(|(i, u)| match u.changes.role {
            Some((from, to)) if u.member.now.role == to => Some((i, from)),
            _ => None,
        });
    for (i, outcome) in change_roles(txn, by, updates, roles, now).await? {
        restored[i] |= outcome == MemberOutcome::Done;
    }

    // Groups the update added come out; groups it removed go back in, when
    // they still exist.
    let removed_names: HashSet<String> = updates
        .iter()
        .flat_map(|u| {
            u.changes
                .groups_removed
                .iter()
                .map(|g| GroupName::key_of(g))
        })
        .collect();
    let removed_keys: Vec<&str> = removed_names.iter().map(String::as_str).collect();
    let existing: HashMap<String, i32> = group::Entity::find()
        .filter(group::Column::WorkspaceId.eq(by.workspace_id))
        .filter(within(
            txn.get_database_backend(),
            group::Column::NameKey,
            &removed_keys,
        ))
        .all(txn)
        .await?
        .into_iter()
        .map(|g| (g.name_key, g.id))
        .collect();
    let mut regroup: BTreeMap<(i32, bool), Vec<(usize, i32)>> = BTreeMap::new();
    for (i, Planned { member, changes }) in updates.iter().enumerate() {
        for name in &changes.groups_added {
            if let Some(&id) = member.group_ids.get(&GroupName::key_of(name)) {
                regroup
                    .entry((id, false))
                    .or_default()
                    .push((i, member.membership_id));
            }
        }
        for name in &changes.groups_removed {
            let key = GroupName::key_of(name);
            if let (None, Some(&id)) = (member.group_ids.get(&key), existing.get(&key)) {
                regroup
                    .entry((id, true))
                    .or_default()
                    .push((i, member.membership_id));
            }
        }
    }
    for ((group_id, add), rows) in regroup {
        let ids: Vec<i32> = rows.iter().map(|&(_, id)| id).collect();
        let changed = groups::regroup_members(txn, &ids, group_id, add).await?;
        for (i, id) in rows {
            restored[i] |= changed.contains(&id);
        }
    }

    for (i, Planned { member, changes }) in updates.iter().enumerate() {
        let mut metadata = member.now.metadata.clone();
        let mut any = false;
        for change in &changes.metadata {
            if metadata.get(&change.key) != Some(&change.to) {
                continue;
            }
            any = true;
            match &change.from {
                Some(value) => metadata.insert(change.key.clone(), value.clone()),
                None => metadata.remove(&change.key),
            };
        }
        if any {
            write_metadata(txn, member.membership_id, &metadata).await?;
            restored[i] = true;
        }
    }
    touch(
        txn,
        by,
        updates
            .iter()
            .zip(&restored)
            .filter(|(_, &done)| done)
            .map(|(u, _)| u.member),
        now,
    )
    .await?;
    Ok(restored)
}

/// Gives these updates' members (by index) these roles, through the member
/// writer (which keeps the last admin), one statement set per role; the
/// outcome of each, by index.
async fn change_roles(
    txn: &impl ConnectionTrait,
    by: Actor,
    updates: &[Planned<'_>],
    roles: impl Iterator<Item = (usize, Role)>,
    now: i64,
) -> Result<Vec<(usize, MemberOutcome)>, AppError> {
    let mut by_role: BTreeMap<&str, (Role, Vec<usize>)> = BTreeMap::new();
    for (i, role) in roles {
        by_role
            .entry(role.as_str())
            .or_insert((role, Vec::new()))
            .1
            .push(i);
    }
    let mut outcomes = Vec::new();
    for (role, rows) in by_role.into_values() {
        let ids: Vec<i32> = rows.iter().map(|&i| updates[i].member.user_id).collect();
        let done = members::change_many(
            txn,
            by,
            &ids,
            MemberChange::Role(role),
            Audited::OnceByCaller,
            now,
        )
        .await?;
        outcomes.extend(rows.into_iter().zip(done));
    }
    Ok(outcomes)
}

async fn write_metadata(
    txn: &impl ConnectionTrait,
    membership_id: i32,
    metadata: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), AppError> {
    membership::Entity::update_many()
        .col_expr(
            membership::Column::Metadata,
            Expr::value(serde_json::Value::Object(metadata.clone()).to_string()),
        )
        .filter(membership::Column::Id.eq(membership_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Marks these members changed now and brings their Users-table rows up to date.
async fn touch<'a>(
    txn: &impl ConnectionTrait,
    by: Actor,
    changed: impl Iterator<Item = &'a Standing>,
    now: i64,
) -> Result<(), AppError> {
    let changed: Vec<&Standing> = changed.collect();
    if changed.is_empty() {
        return Ok(());
    }
    let ids: Vec<i32> = changed.iter().map(|m| m.membership_id).collect();
    membership::Entity::update_many()
        .col_expr(membership::Column::UpdatedAt, Expr::value(now))
        .filter(within(
            txn.get_database_backend(),
            membership::Column::Id,
            &ids,
        ))
        .exec(txn)
        .await?;
    let keys: Vec<&str> = changed.iter().map(|m| m.email_key.as_str()).collect();
    people_index::refresh(txn, by.workspace_id, &keys).await
}
