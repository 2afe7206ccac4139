//! Accounts: creating them, signing in, and where a person lands afterwards.
use crate::domain::{DisplayName, Email, MembershipStatus, Password, Role};
use crate::error::AppError;
use crate::ssr::db::entities::{membership, user, workspace};
use crate::ssr::AppState;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

/// Checks an email and password. Unknown accounts and wrong passwords get the
/// same error after the same amount of work.
pub async fn authenticate(
    state: &AppState,
    email: &str,
    password: &str,
) -> Result<user::Model, AppError> {
    let account = match Email::parse(email) {
        Ok(email) => {
            user::Entity::find()
                .filter(user::Column::EmailKey.eq(email.key()))
                .one(&state.db)
                .await?
        }
        Err(_) => None,
    };
    let stored = account.as_ref().map(|a| a.password_hash.as_str());
    if state.passwords.verify(password, stored).await? {
        account.ok_or(AppError::InvalidCredentials)
    } else {
        Err(AppError::InvalidCredentials)
    }
}

/// Who a sign-in attempt is for, for rate limits: the account's email key
/// when the text is an address (case and IDN spelling do not matter).
pub fn login_key(email: &str) -> String {
    Email::parse(email).map_or_else(|_| email.trim().to_lowercase(), |e| e.key().to_owned())
}

pub async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<user::Model>, AppError> {
    Ok(user::Entity::find()
        .filter(user::Column::EmailKey.eq(email.key()))
        .one(db)
        .await?)
}

/// Inserts an account. The caller has validated and hashed everything.
pub async fn create(
    db: &impl ConnectionTrait,
    email: &Email,
    name: &DisplayName,
    password_hash: String,
    now: i64,
) -> Result<user::Model, AppError> {
    Ok(user::ActiveModel {
        email: Set(email.as_str().to_owned()),
        email_key: Set(email.key().to_owned()),
        display_name: Set(name.as_str().to_owned()),
        password_hash: Set(password_hash),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

pub async fn hash_password(state: &AppState, password: &Password) -> Result<String, AppError> {
    state.passwords.hash(password).await
}

/// Where to send a person after they sign in: the admin page of their first
/// workspace if they administer it, else that workspace's home. None when they
/// are an active member of no workspace (all archived or removed).
pub async fn landing_path(
    db: &impl ConnectionTrait,
    user_id: i32,
) -> Result<Option<String>, AppError> {
    let first = membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .filter(membership::Column::Status.eq(MembershipStatus::Active))
        .order_by_asc(membership::Column::CreatedAt)
        .one(db)
        .await?;
    let Some(membership) = first else {
        return Ok(None);
    };
    let Some(workspace) = workspace::Entity::find_by_id(membership.workspace_id)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(if membership.role == Role::Admin {
        format!("/w/{}/settings/users", workspace.slug)
    } else {
        format!("/w/{}", workspace.slug)
    }))
}

/// Only same-site paths are followed after login (no open redirects).
pub fn safe_next_path(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let safe = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.chars().all(|c| c.is_ascii_graphic());
    safe.then(|| next.to_owned())
}

#[cfg(test)]
mod tests {
    use super::safe_next_path;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next_path(Some("/w/acme")).as_deref(), Some("/w/acme"));
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "w/acme",
            "/a\nb",
        ] {
            assert_eq!(safe_next_path(Some(bad)), None, "{bad}");
        }
        assert_eq!(safe_next_path(None), None);
    }
}
