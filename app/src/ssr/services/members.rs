//! People in a workspace.
use super::{accounts, audit, workspaces};
use crate::api::users::MemberRow;
use crate::domain::{DisplayName, Email, MembershipStatus, Password, Role};
use crate::error::AppError;
use crate::ssr::db::entities::{membership, user};
use crate::ssr::time::now_millis;
use crate::ssr::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use std::collections::HashMap;

pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
) -> Result<Vec<MemberRow>, AppError> {
    let memberships = membership::Entity::find()
        .filter(membership::Column::WorkspaceId.eq(workspace_id))
        .order_by_asc(membership::Column::CreatedAt)
        .all(db)
        .await?;
    let user_ids: Vec<i32> = memberships.iter().map(|m| m.user_id).collect();
    let users: HashMap<i32, user::Model> = user::Entity::find()
        .filter(user::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    Ok(memberships
        .into_iter()
        .filter_map(|m| {
            let user = users.get(&m.user_id)?;
            Some(MemberRow {
                name: user.display_name.clone(),
                email: user.email.clone(),
                role: Role::parse(&m.role).ok()?,
                status: MembershipStatus::parse(&m.status).ok()?,
            })
        })
        .collect())
}

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
    let txn = state.db.begin().await?;
    let account = match accounts::find_by_email(&txn, email).await? {
        Some(existing) => existing,
        None => accounts::create(&txn, email, name, password_hash).await?,
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
    let now = now_millis();
    membership::ActiveModel {
        workspace_id: Set(workspace.id),
        user_id: Set(account.id),
        role: Set(role.as_str().to_owned()),
        status: Set(MembershipStatus::Active.as_str().to_owned()),
        metadata: Set("{}".to_owned()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        Some(workspace.id),
        None,
        "member.added",
        serde_json::json!({ "email": email.as_str(), "role": role.as_str(), "by": "operator" }),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
