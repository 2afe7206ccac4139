//! People in a workspace.
use super::invitations::index as people_index;
use super::{accounts, audit, workspaces};
use crate::domain::{DisplayName, Email, MembershipStatus, Password, Role};
use crate::error::AppError;
use crate::ssr::db::entities::{membership, user};
use crate::ssr::services::audit::AuditAction;
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

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

/// Applies a change to a member of the workspace. The workspace always keeps
/// at least one active admin: the check and the change happen in one
/// transaction that holds the admins' rows (SQLite: the write lock; PostgreSQL:
/// `FOR UPDATE`), so two admins demoting each other cannot both succeed.
/// Access ends on the person's next request: every request checks the membership.
pub async fn change(
    state: &AppState,
    workspace_id: i32,
    actor_user_id: i32,
    member_user_id: i32,
    change: MemberChange,
) -> Result<(), AppError> {
    use sea_orm::sea_query::LockType;
    use sea_orm::{ConnectionTrait, DbBackend, QuerySelect};

    let txn = crate::ssr::db::begin_write(&state.db).await?;
    let mut admins_query = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace_id))
        .filter(membership::Column::Role.eq(Role::Admin))
        .filter(membership::Column::Status.eq(MembershipStatus::Active));
    if txn.get_database_backend() == DbBackend::Postgres {
        admins_query = admins_query.lock(LockType::Update);
    }
    let active_admins = admins_query.all(&txn).await?;
    let target = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace_id))
        .filter(membership::Column::UserId.eq(member_user_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;

    let target_is_active_admin = active_admins.iter().any(|m| m.id == target.id);
    let loses_admin = match change {
        MemberChange::Role(role) => role != Role::Admin,
        MemberChange::Archive | MemberChange::Remove => true,
        MemberChange::Unarchive => false,
    };
    if target_is_active_admin && loses_admin && active_admins.len() == 1 {
        return Err(AppError::Conflict(
            "A workspace needs at least one admin. Make someone else an admin first.".into(),
        ));
    }

    let (action, detail) = match change {
        MemberChange::Role(role) => (
            AuditAction::MemberRoleChanged,
            serde_json::json!({ "from": target.role, "to": role.as_str() }),
        ),
        MemberChange::Archive => (AuditAction::MemberArchived, serde_json::json!({})),
        MemberChange::Unarchive => (AuditAction::MemberUnarchived, serde_json::json!({})),
        MemberChange::Remove => (AuditAction::MemberRemoved, serde_json::json!({})),
    };
    let now = state.clock.now_millis();
    match change {
        MemberChange::Remove => {
            membership::Entity::delete_by_id(target.id)
                .exec(&txn)
                .await?;
        }
        other => {
            let mut row: membership::ActiveModel = target.into();
            match other {
                MemberChange::Role(role) => row.role = Set(role),
                MemberChange::Archive => row.status = Set(MembershipStatus::Archived),
                _ => row.status = Set(MembershipStatus::Active),
            }
            row.updated_at = Set(now);
            row.update(&txn).await?;
        }
    }
    let mut detail = detail;
    detail["user"] = serde_json::json!(member_user_id);
    if let Some(person) = user::Entity::find_by_id(member_user_id).one(&txn).await? {
        detail["email"] = serde_json::json!(person.email);
        people_index::refresh(&txn, workspace_id, &[&person.email_key]).await?;
    }
    audit::record(
        &txn,
        Some(workspace_id),
        Some(actor_user_id),
        action,
        detail,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
