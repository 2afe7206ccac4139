//! People in a workspace.
use super::audit::Audited;
use super::invitations::index as people_index;
use super::{accounts, audit, workspaces, Actor};
use crate::domain::{DisplayName, Email, MembershipStatus, Password, Role};
use crate::error::AppError;
use crate::ssr::db::entities::{membership, user};
use crate::ssr::db::within;
use crate::ssr::services::audit::AuditAction;
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use std::collections::{HashMap, HashSet};

/// An operator adds a person with a password directly (the `members add`
/// command). Reuses the account when the email is already known.
pub async fn add_with_password(
    state: &AppState,
    slug: &str,
    email: &Email,
    name: &DisplayName,
    role: Role,
    password: &Password,
) -> Result<(), AppError> {
    let workspace = workspaces::find_by_slug(&state.db, slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let password_hash = accounts::hash_password(state, password).await?;
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let account = match accounts::find_by_email(&txn, email).await? {
        Some(existing) => existing,
        None => {
            accounts::create(&txn, email, name, password_hash, state.clock.now_millis()).await?
        }
    };
    let already = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace.id))
        .filter(membership::Column::UserId.eq(account.id))
        .one(&txn)
        .await?;
    if already.is_some() {
        return Err(AppError::Conflict(format!(
            "{email} is already a member of {}.",
            workspace.name
        )));
    }
    let now = state.clock.now_millis();
    membership::ActiveModel {
        workspace_id: Set(workspace.id),
        user_id: Set(account.id),
        role: Set(role),
        status: Set(MembershipStatus::Active),
        metadata: Set("{}".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    people_index::refresh(&txn, workspace.id, &[&account.email_key]).await?;
    audit::record(
        &txn,
        Some(workspace.id),
        None,
        AuditAction::MemberAdded,
        serde_json::json!({ "email": email.as_str(), "role": role.as_str(), "by": "operator" }),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What an admin does to a member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    Role(Role),
    Archive,
    Unarchive,
    Remove,
}

/// What a change did to one member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberOutcome {
    Done,
    /// Already so (the role it has, archived already…).
    Unchanged,
    /// Not a member of this workspace.
    NotFound,
    /// The workspace's last active admin, who must stay one.
    LastAdmin,
}

const LAST_ADMIN: &str = "A workspace needs at least one admin. Make someone else an admin first.";

impl MemberOutcome {
    /// Why a bulk change skipped this member.
    pub fn reason(self) -> Option<&'static str> {
        match self {
            MemberOutcome::Done => None,
            MemberOutcome::Unchanged => Some("already so"),
            MemberOutcome::NotFound => Some("no longer in the workspace"),
            MemberOutcome::LastAdmin => Some("the workspace's last admin"),
        }
    }
}

/// Applies a change to one member of the workspace (a row's action), in its
/// own transaction.
/// Access ends on the person's next request: every request checks the membership.
pub async fn change(
    state: &AppState,
    workspace_id: i32,
    actor_user_id: i32,
    member_user_id: i32,
    change: MemberChange,
) -> Result<(), AppError> {
    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let by = Actor {
        workspace_id,
        user_id: Some(actor_user_id),
    };
    let now = state.clock.now_millis();
    let [outcome] = change_many(
        &txn,
        by,
        &[member_user_id],
        change,
        Audited::EachPerson,
        now,
    )
    .await?[..] else {
        return Err(AppError::unexpected("one outcome per member asked"));
    };
    match outcome {
        MemberOutcome::Done | MemberOutcome::Unchanged => {}
        MemberOutcome::NotFound => return Err(AppError::NotFound),
        MemberOutcome::LastAdmin => return Err(AppError::Conflict(LAST_ADMIN.into())),
    }
    txn.commit().await?;
    Ok(())
}

/// Applies a change to these members (by user id), in the caller's
/// transaction, in a few statements; one outcome per id. The workspace always
/// keeps at least one active admin: the check and the change happen in one
/// transaction that holds the admins' rows (SQLite: the write lock;
/// PostgreSQL: `FOR UPDATE`), so two admins demoting each other cannot both
/// succeed, and a change to many admins leaves the last one as they are.
pub async fn change_many(
    txn: &impl ConnectionTrait,
    by: Actor,
    user_ids: &[i32],
    change: MemberChange,
    audited: Audited,
    now: i64,
) -> Result<Vec<MemberOutcome>, AppError> {
    use sea_orm::sea_query::{Expr, LockType};
    use sea_orm::{DbBackend, QuerySelect};

    let backend = txn.get_database_backend();
    let mut admins_query = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(by.workspace_id))
        .filter(membership::Column::Role.eq(Role::Admin))
        .filter(membership::Column::Status.eq(MembershipStatus::Active));
    if backend == DbBackend::Postgres {
        admins_query = admins_query.lock(LockType::Update);
    }
    let mut active_admins = admins_query.all(txn).await?.len();
    let found: HashMap<i32, membership::Model> = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(by.workspace_id))
        .filter(within(backend, membership::Column::UserId, user_ids))
        .all(txn)
        .await?
        .into_iter()
        .map(|m| (m.user_id, m))
        .collect();

    let mut changed: Vec<&membership::Model> = Vec::new();
    let mut seen = HashSet::new();
    let outcomes: Vec<MemberOutcome> = user_ids
        .iter()
        .map(|user_id| {
            let Some(member) = found.get(user_id) else {
                return MemberOutcome::NotFound;
            };
            if !seen.insert(*user_id) {
                return MemberOutcome::Unchanged;
            }
            let unchanged = match change {
                MemberChange::Role(role) => member.role == role,
                MemberChange::Archive => member.status == MembershipStatus::Archived,
                MemberChange::Unarchive => member.status == MembershipStatus::Active,
                MemberChange::Remove => false,
            };
            if unchanged {
                return MemberOutcome::Unchanged;
            }
            let active_admin =
                member.role == Role::Admin && member.status == MembershipStatus::Active;
            let loses_admin = match change {
                MemberChange::Role(role) => role != Role::Admin,
                MemberChange::Archive | MemberChange::Remove => true,
                MemberChange::Unarchive => false,
            };
            if active_admin && loses_admin {
                if active_admins <= 1 {
                    return MemberOutcome::LastAdmin;
                }
                active_admins -= 1;
            }
            changed.push(member);
            MemberOutcome::Done
        })
        .collect();
    if changed.is_empty() {
        return Ok(outcomes);
    }

    let ids: Vec<i32> = changed.iter().map(|m| m.id).collect();
    let rows = within(backend, membership::Column::Id, &ids);
    match change {
        MemberChange::Remove => {
            membership::Entity::delete_many()
                .filter(rows)
                .exec(txn)
                .await?;
        }
        other => {
            let (column, value) = match other {
                MemberChange::Role(role) => (membership::Column::Role, Expr::value(role)),
                MemberChange::Archive => (
                    membership::Column::Status,
                    Expr::value(MembershipStatus::Archived),
                ),
                _ => (
                    membership::Column::Status,
                    Expr::value(MembershipStatus::Active),
                ),
            };
            membership::Entity::update_many()
                .col_expr(column, value)
                .col_expr(membership::Column::UpdatedAt, Expr::value(now))
                .filter(rows)
                .exec(txn)
                .await?;
        }
    }
    let user_ids: Vec<i32> = changed.iter().map(|m| m.user_id).collect();
    let accounts: Vec<user::Model> = user::Entity::find()
        .filter(within(backend, user::Column::Id, &user_ids))
        .all(txn)
        .await?;
    let keys: Vec<&str> = accounts.iter().map(|a| a.email_key.as_str()).collect();
    people_index::refresh(txn, by.workspace_id, &keys).await?;
    if audited == Audited::EachPerson {
        let emails: HashMap<i32, &str> =
            accounts.iter().map(|a| (a.id, a.email.as_str())).collect();
        let entries = changed.iter().map(|member| {
            let (action, mut detail) = match change {
                MemberChange::Role(role) => (
                    AuditAction::MemberRoleChanged,
                    serde_json::json!({ "from": member.role, "to": role.as_str() }),
                ),
                MemberChange::Archive => (AuditAction::MemberArchived, serde_json::json!({})),
                MemberChange::Unarchive => (AuditAction::MemberUnarchived, serde_json::json!({})),
                MemberChange::Remove => (AuditAction::MemberRemoved, serde_json::json!({})),
            };
            detail["user"] = serde_json::json!(member.user_id);
            detail["email"] =
                serde_json::json!(emails.get(&member.user_id).copied().unwrap_or("?"));
            audit::Entry {
                workspace_id: Some(by.workspace_id),
                actor_user_id: by.user_id,
                action,
                detail,
            }
        });
        audit::record_all(txn, entries.collect(), now).await?;
    }
    Ok(outcomes)
}
