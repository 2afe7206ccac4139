//! Server-side sessions: the cookie holds a 256-bit secret, the table its hash.
use super::secrets::{hash_secret, new_secret};
use crate::error::AppError;
use crate::ssr::db::entities::{session, user};
use crate::ssr::time::HOUR_MILLIS;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// A signed-in person.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user_id: i32,
    pub email: String,
    pub display_name: String,
}

/// Starts a session and returns the secret for the cookie.
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: i32,
    ttl_hours: u32,
    now: i64,
) -> Result<String, AppError> {
    let secret = new_secret();
    session::ActiveModel {
        id_hash: Set(hash_secret(&secret)),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(now + i64::from(ttl_hours) * HOUR_MILLIS),
    }
    .insert(db)
    .await?;
    Ok(secret)
}

/// The person behind a cookie secret, if the session exists and has not expired.
pub async fn resolve(
    db: &impl ConnectionTrait,
    secret: &str,
    now: i64,
) -> Result<Option<SessionUser>, AppError> {
    let Some(session) = session::Entity::find_by_id(hash_secret(secret))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if session.expires_at <= now {
        session::Entity::delete_by_id(session.id_hash)
            .exec(db)
            .await?;
        return Ok(None);
    }
    let Some(user) = user::Entity::find_by_id(session.user_id).one(db).await? else {
        return Ok(None);
    };
    Ok(Some(SessionUser {
        user_id: user.id,
        email: user.email,
        display_name: user.display_name,
    }))
}

pub async fn end(db: &impl ConnectionTrait, secret: &str) -> Result<(), AppError> {
    session::Entity::delete_by_id(hash_secret(secret))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of a person (used when their access changes).
pub async fn end_all_for_user(db: &impl ConnectionTrait, user_id: i32) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
