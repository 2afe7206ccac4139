//! API tokens: created and revoked by a workspace's admins, shown once, kept
//! as a hash. A token acts in its workspace with an admin's powers over
//! invitations, and nothing else (no sign-in, no other workspace).
use super::secrets::{hash_secret, new_secret};
use super::{audit, Actor};
use crate::error::AppError;
use crate::model::api_tokens::ApiTokenSummary;
use crate::ssr::db::entities::{api_token, user};
use crate::ssr::services::audit::AuditAction;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// Tokens start with this, so secret scanners and people can tell what they are.
pub const PREFIX: &str = "mst_";
/// `last_used_at` is written at most this often per token.
const USE_RESOLUTION_MILLIS: i64 = 60_000;
const MAX_NAME_CHARS: usize = 100;

/// Creates a token; returns it with its secret, which is never shown again.
pub async fn create(
    db: &impl ConnectionTrait,
    by: Actor,
    name: &str,
    now: i64,
) -> Result<(ApiTokenSummary, String), AppError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(AppError::Invalid {
            field: "Token name".into(),
            message: format!(
                "Name the token (up to {MAX_NAME_CHARS} characters), e.g. what will use it."
            ),
        });
    }
    let secret = format!("{PREFIX}{}", new_secret());
    let hint = secret[secret.len() - 4..].to_owned();
    let created = api_token::ActiveModel {
        workspace_id: Set(by.workspace_id),
        name: Set(name.to_owned()),
        token_hash: Set(hash_secret(&secret)),
        hint: Set(hint),
        created_by: Set(by.user_id),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        Some(by.workspace_id),
        by.user_id,
        AuditAction::ApiTokenCreated,
        serde_json::json!({ "token": created.id, "name": created.name }),
        now,
    )
    .await?;
    Ok((summary(created, None), secret))
}

/// The workspace's tokens, newest first, revoked ones included.
pub async fn list(
    db: &impl ConnectionTrait,
    workspace_id: i32,
) -> Result<Vec<ApiTokenSummary>, AppError> {
    let tokens = api_token::Entity::find()
        .filter(api_token::Column::WorkspaceId.eq(workspace_id))
        .order_by_desc(api_token::Column::Id)
        .all(db)
        .await?;
    let creators: HashMap<i32, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(tokens.iter().filter_map(|t| t.created_by)))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(tokens
        .into_iter()
        .map(|t| {
            let creator = t.created_by.and_then(|id| creators.get(&id).cloned());
            summary(t, creator)
        })
        .collect())
}

/// The token stops working at once.
pub async fn revoke(
    db: &impl ConnectionTrait,
    by: Actor,
    token_id: i32,
    now: i64,
) -> Result<(), AppError> {
    let found = api_token::Entity::find_by_id(token_id)
        .filter(api_token::Column::WorkspaceId.eq(by.workspace_id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.revoked_at.is_some() {
        return Ok(());
    }
    api_token::Entity::update_many()
        .col_expr(api_token::Column::RevokedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(found.id))
        .exec(db)
        .await?;
    audit::record(
        db,
        Some(by.workspace_id),
        by.user_id,
        AuditAction::ApiTokenRevoked,
        serde_json::json!({ "token": found.id, "name": found.name }),
        now,
    )
    .await?;
    Ok(())
}

/// A live token, as presented with a request.
#[derive(Debug, Clone, Copy)]
pub struct TokenCaller {
    pub token_id: i32,
    /// Acts in the token's workspace, as no user.
    pub actor: Actor,
}

/// Who a presented token is, if it is a live token.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    presented: &str,
    now: i64,
) -> Result<Option<TokenCaller>, AppError> {
    if !presented.starts_with(PREFIX) || presented.len() > 100 {
        return Ok(None);
    }
    // Looked up by hash: the comparison never touches the secret itself.
    let Some(found) = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash_secret(presented)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if found
        .last_used_at
        .is_none_or(|at| now - at > USE_RESOLUTION_MILLIS)
    {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
            .filter(api_token::Column::Id.eq(found.id))
            .exec(db)
            .await?;
    }
    Ok(Some(TokenCaller {
        token_id: found.id,
        actor: Actor {
            workspace_id: found.workspace_id,
            user_id: None,
        },
    }))
}

fn summary(token: api_token::Model, created_by: Option<String>) -> ApiTokenSummary {
    ApiTokenSummary {
        id: token.id,
        name: token.name,
        hint: token.hint,
        created_by,
        created_at: token.created_at,
        last_used_at: token.last_used_at,
        revoked_at: token.revoked_at,
    }
}
