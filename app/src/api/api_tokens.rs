//! API tokens of a workspace: list, create (the secret is shown once), revoke. Admins only.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenSummary {
    pub id: i32,
    pub name: String,
    /// The token's last four characters.
    pub hint: String,
    pub created_by: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiToken {
    pub token: ApiTokenSummary,
    /// The whole token. Never stored, never shown again.
    pub secret: String,
}

#[server(prefix = "/api", endpoint = "list_api_tokens")]
pub async fn list_api_tokens(slug: String) -> Result<Vec<ApiTokenSummary>, AppError> {
    use crate::ssr::{request, respond, services::api_tokens, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            api_tokens::list(&state.db, access.workspace.id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_api_token")]
pub async fn create_api_token(slug: String, name: String) -> Result<CreatedApiToken, AppError> {
    use crate::ssr::{request, respond, services::api_tokens, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let (token, secret) =
                api_tokens::create(&state.db, access.actor(admin.user_id), &name).await?;
            Ok(CreatedApiToken { token, secret })
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(slug: String, token_id: i32) -> Result<(), AppError> {
    use crate::ssr::{request, respond, services::api_tokens, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            api_tokens::revoke(&state.db, access.actor(admin.user_id), token_id).await
        }
        .await,
    )
}
