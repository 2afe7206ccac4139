//! People in a workspace.
use super::{accounts, audit, workspaces};
use crate::domain::{DisplayName, Email, MembershipStatus, Password, Role};
use crate::error::AppError;
use crate::ssr::db::entities::membership;
use crate::ssr::time::now_millis;
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
