//! Groups of people in a workspace, and who is in them. Members and open
//! invitations carry groups; accepting an invitation carries its groups over.
use super::{audit, Actor};
use crate::domain::GroupName;
use crate::error::AppError;
use crate::model::groups::GroupSummary;
use crate::model::users::PersonId;
use crate::ssr::db::entities::{group, invitation, membership, membership_group, user};
use crate::ssr::db::{begin_write, insert_batched, placeholders, within};
use crate::ssr::services::audit::AuditAction;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    FromQueryResult, QueryFilter, Set, Statement,
};
use std::collections::{HashMap, HashSet};

#[derive(Debug, FromQueryResult)]
struct SummaryRow {
    id: i32,
    name: String,
    members: i64,
    invited: i64,
}

pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
) -> Result<Vec<GroupSummary>, AppError> {
    let backend = db.get_database_backend();
    let sql = placeholders(
        "SELECT g.id, g.name,
                (SELECT COUNT(*) FROM membership_groups mg WHERE mg.group_id = g.id) AS members,
                (SELECT COUNT(*) FROM invitation_groups ig JOIN invitations i ON i.id = ig.invitation_id
                  WHERE ig.group_id = g.id AND i.accepted_at IS NULL AND i.revoked_at IS NULL) AS invited
           FROM workspace_groups g WHERE g.workspace_id = {p} ORDER BY g.name_key",
        backend,
    );
    let rows = SummaryRow::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [workspace_id.into()],
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| GroupSummary {
            id: r.id,
            name: r.name,
            members: r.members.max(0) as u64,
            invited: r.invited.max(0) as u64,
        })
        .collect())
}

async fn find_by_name(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    name: &GroupName,
) -> Result<Option<group::Model>, AppError> {
    Ok(group::Entity::find()
        .filter(group::Column::WorkspaceId.eq(workspace_id))
        .filter(group::Column::NameKey.eq(name.key()))
        .one(db)
        .await?)
}

fn taken(name: &GroupName) -> AppError {
    AppError::Conflict(format!("A group named “{}” already exists.", name.as_str()))
}

pub async fn create(
    db: &DatabaseConnection,
    by: Actor,
    name: GroupName,
    now: i64,
) -> Result<GroupSummary, AppError> {
    let txn = begin_write(db).await?;
    if find_by_name(&txn, by.workspace_id, &name).await?.is_some() {
        return Err(taken(&name));
    }
    let created = group::ActiveModel {
        workspace_id: Set(by.workspace_id),
        name: Set(name.as_str().to_owned()),
        name_key: Set(name.key()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    record(
        &txn,
        by,
        AuditAction::GroupCreated,
        serde_json::json!({ "group": created.id, "name": created.name }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(GroupSummary {
        id: created.id,
        name: created.name,
        members: 0,
        invited: 0,
    })
}

async fn find_in_workspace(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    group_id: i32,
) -> Result<group::Model, AppError> {
    group::Entity::find_by_id(group_id)
        .filter(group::Column::WorkspaceId.eq(workspace_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn rename(
    db: &DatabaseConnection,
    by: Actor,
    group_id: i32,
    name: GroupName,
    now: i64,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let found = find_in_workspace(&txn, by.workspace_id, group_id).await?;
    if let Some(other) = find_by_name(&txn, by.workspace_id, &name).await? {
        if other.id != found.id {
            return Err(taken(&name));
        }
    }
    let old_name = found.name.clone();
    let mut renamed: group::ActiveModel = found.into();
    renamed.name = Set(name.as_str().to_owned());
    renamed.name_key = Set(name.key());
    renamed.update(&txn).await?;
    record(
        &txn,
        by,
        AuditAction::GroupRenamed,
        serde_json::json!({ "group": group_id, "from": old_name, "to": name.as_str() }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The group goes; the people in it stay.
pub async fn delete(
    db: &DatabaseConnection,
    by: Actor,
    group_id: i32,
    now: i64,
) -> Result<(), AppError> {
    let txn = begin_write(db).await?;
    let found = find_in_workspace(&txn, by.workspace_id, group_id).await?;
    group::Entity::delete_by_id(found.id).exec(&txn).await?;
    record(
        &txn,
        by,
        AuditAction::GroupDeleted,
        serde_json::json!({ "group": found.id, "name": found.name }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The ids of these groups, creating the ones that do not exist yet.
/// The ids of groups that must already exist; `Err(name)` names the first
/// that does not.
pub async fn resolve_existing(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    names: &[GroupName],
) -> Result<Result<Vec<i32>, String>, AppError> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        match find_by_name(db, workspace_id, name).await? {
            Some(found) => ids.push(found.id),
            None => return Ok(Err(name.as_str().to_owned())),
        }
    }
    Ok(Ok(ids))
}

pub async fn resolve_or_create(
    txn: &impl ConnectionTrait,
    by: Actor,
    names: &[GroupName],
    now: i64,
) -> Result<Vec<i32>, AppError> {
    let workspace_id = by.workspace_id;
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        // Another transaction may create the same group at the same moment:
        // insert-or-ignore, then read whichever row won.
        let inserted = group::Entity::insert(group::ActiveModel {
            workspace_id: Set(workspace_id),
            name: Set(name.as_str().to_owned()),
            name_key: Set(name.key()),
            created_at: Set(now),
            ..Default::default()
        })
        .on_conflict(
            OnConflict::columns([group::Column::WorkspaceId, group::Column::NameKey])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(txn)
        .await?;
        let found = find_by_name(txn, workspace_id, name)
            .await?
            .ok_or_else(|| AppError::unexpected("a group the upsert did not leave"))?;
        if inserted == 1 {
            record(
                txn,
                by,
                AuditAction::GroupCreated,
                serde_json::json!({ "group": found.id, "name": found.name }),
                now,
            )
            .await?;
        }
        ids.push(found.id);
    }
    Ok(ids)
}

pub async fn set_for_membership(
    txn: &impl ConnectionTrait,
    membership_id: i32,
    group_ids: &[i32],
) -> Result<(), AppError> {
    membership_group::Entity::delete_many()
        .filter(membership_group::Column::MembershipId.eq(membership_id))
        .exec(txn)
        .await?;
    if !group_ids.is_empty() {
        membership_group::Entity::insert_many(group_ids.iter().map(|&group_id| {
            membership_group::ActiveModel {
                membership_id: Set(membership_id),
                group_id: Set(group_id),
            }
        }))
        .exec_without_returning(txn)
        .await?;
    }
    Ok(())
}

/// Puts these memberships in one more group, or takes them out of it (`add`
/// false). Returns the memberships it changed; the others were already so.
pub async fn regroup_members(
    txn: &impl ConnectionTrait,
    membership_ids: &[i32],
    group_id: i32,
    add: bool,
) -> Result<HashSet<i32>, AppError> {
    if membership_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let backend = txn.get_database_backend();
    let already_in: HashSet<i32> = membership_group::Entity::find()
        .filter(membership_group::Column::GroupId.eq(group_id))
        .filter(within(
            backend,
            membership_group::Column::MembershipId,
            membership_ids,
        ))
        .all(txn)
        .await?
        .into_iter()
        .map(|row| row.membership_id)
        .collect();
    let targets: HashSet<i32> = membership_ids
        .iter()
        .copied()
        .filter(|id| already_in.contains(id) != add)
        .collect();
    if add {
        let rows = targets
            .iter()
            .map(|&membership_id| membership_group::ActiveModel {
                membership_id: Set(membership_id),
                group_id: Set(group_id),
            });
        insert_batched(txn, rows.collect::<Vec<_>>(), None).await?;
    } else if !targets.is_empty() {
        let ids: Vec<i32> = targets.iter().copied().collect();
        membership_group::Entity::delete_many()
            .filter(membership_group::Column::GroupId.eq(group_id))
            .filter(within(
                backend,
                membership_group::Column::MembershipId,
                &ids,
            ))
            .exec(txn)
            .await?;
    }
    Ok(targets)
}

/// On acceptance: the new member is in the groups the invitation named.
pub async fn carry_over(
    txn: &impl ConnectionTrait,
    invitation_id: i32,
    membership_id: i32,
) -> Result<(), AppError> {
    let backend = txn.get_database_backend();
    let sql = placeholders(
        "INSERT INTO membership_groups (membership_id, group_id)
         SELECT {p}, group_id FROM invitation_groups WHERE invitation_id = {p}",
        backend,
    );
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [membership_id.into(), invitation_id.into()],
    ))
    .await?;
    Ok(())
}

/// Puts a member (by user id) or an open invitation in exactly these groups.
/// Returns the group names as stored.
pub async fn assign(
    db: &DatabaseConnection,
    by: Actor,
    person: PersonId,
    names: &[GroupName],
    now: i64,
) -> Result<Vec<String>, AppError> {
    let txn = begin_write(db).await?;
    let ids = resolve_or_create(&txn, by, names, now).await?;
    let email = match person {
        PersonId::Member(user_id) => {
            let member = membership::Entity::find()
                .filter(membership::Column::WorkspaceId.eq(by.workspace_id))
                .filter(membership::Column::UserId.eq(user_id))
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound)?;
            set_for_membership(&txn, member.id, &ids).await?;
            user::Entity::find_by_id(user_id)
                .one(&txn)
                .await?
                .map(|u| u.email)
                .unwrap_or_default()
        }
        PersonId::Invitation(invitation_id) => {
            let [change] =
                super::invitations::set_groups(&txn, by, &[invitation_id], &ids).await?[..]
            else {
                return Err(AppError::unexpected("one change per invitation asked"));
            };
            change.into_result()?;
            invitation::Entity::find_by_id(invitation_id)
                .one(&txn)
                .await?
                .map(|found| found.email)
                .unwrap_or_default()
        }
    };
    // As stored: existing groups keep their own spelling; alphabetical.
    let current = names_of(&txn, by.workspace_id, &[person])
        .await?
        .remove(&person)
        .unwrap_or_default();
    record(
        &txn,
        by,
        AuditAction::GroupsAssigned,
        serde_json::json!({ "person": person, "email": email, "groups": current }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(current)
}

#[derive(Debug, FromQueryResult)]
struct Assignment {
    kind: String,
    id: i32,
    name: String,
}

/// Group names of the people on one page of the Users table, in name order.
pub async fn names_of(
    db: &impl ConnectionTrait,
    workspace_id: i32,
    people: &[PersonId],
) -> Result<HashMap<PersonId, Vec<String>>, AppError> {
    let mut out: HashMap<PersonId, Vec<String>> = HashMap::new();
    let user_ids: Vec<i32> = people
        .iter()
        .filter_map(|p| match p {
            PersonId::Member(id) => Some(*id),
            PersonId::Invitation(_) => None,
        })
        .collect();
    let invitation_ids: Vec<i32> = people
        .iter()
        .filter_map(|p| match p {
            PersonId::Invitation(id) => Some(*id),
            PersonId::Member(_) => None,
        })
        .collect();
    if user_ids.is_empty() && invitation_ids.is_empty() {
        return Ok(out);
    }
    let backend = db.get_database_backend();
    // The ids come from the database as integers: safe to inline.
    let list = |ids: &[i32]| {
        if ids.is_empty() {
            "NULL".to_owned()
        } else {
            ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
        }
    };
    let sql = placeholders(
        &format!(
            "SELECT 'member' AS kind, m.user_id AS id, g.name AS name, g.name_key AS name_key
               FROM membership_groups mg
               JOIN memberships m ON m.id = mg.membership_id
               JOIN workspace_groups g ON g.id = mg.group_id
              WHERE m.workspace_id = {{p}} AND m.user_id IN ({})
             UNION ALL
             SELECT 'invitation', ig.invitation_id, g.name, g.name_key
               FROM invitation_groups ig JOIN workspace_groups g ON g.id = ig.group_id
              WHERE g.workspace_id = {{p}} AND ig.invitation_id IN ({})
             ORDER BY name_key",
            list(&user_ids),
            list(&invitation_ids)
        ),
        backend,
    );
    let rows = Assignment::find_by_statement(Statement::from_sql_and_values(
        backend,
        sql,
        [workspace_id.into(), workspace_id.into()],
    ))
    .all(db)
    .await?;
    for row in rows {
        let person = if row.kind == "member" {
            PersonId::Member(row.id)
        } else {
            PersonId::Invitation(row.id)
        };
        out.entry(person).or_default().push(row.name);
    }
    Ok(out)
}

async fn record(
    txn: &impl ConnectionTrait,
    by: Actor,
    action: AuditAction,
    detail: serde_json::Value,
    now: i64,
) -> Result<(), AppError> {
    audit::record(txn, Some(by.workspace_id), by.user_id, action, detail, now).await?;
    Ok(())
}
