//! API tokens of a workspace: list, create (the secret is shown once), revoke. Admins only.
use crate::error::AppError;
pub use crate::model::api_tokens::*;
use leptos::prelude::*;

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
            let (token, secret) = api_tokens::create(
                &state.db,
                access.actor(admin.user_id),
                &name,
                state.clock.now_millis(),
            )
            .await?;
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
            api_tokens::revoke(
                &state.db,
                access.actor(admin.user_id),
                token_id,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}
