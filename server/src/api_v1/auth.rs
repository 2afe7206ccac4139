//! Who is calling: a live API token in `Authorization: Bearer …`, and the
//! client address (for rate limits), resolved as for the browser's requests.
use super::error::ApiError;
use app::error::AppError;
use app::ssr::client_address;
use app::ssr::services::api_tokens::{self, TokenCaller};
use app::ssr::services::rate_limits::{self, Action};
use app::ssr::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use http::request::Parts;
use std::net::{IpAddr, SocketAddr};

pub struct Caller {
    pub token: TokenCaller,
    pub client: Option<IpAddr>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let presented = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthenticated)?;
        let token = api_tokens::authenticate(&state.db, presented, state.clock.now_millis())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| {
                client_address::resolve(peer.ip(), &parts.headers, &state.settings.trusted_proxies)
            });
        let span = tracing::Span::current();
        span.record("workspace_id", token.actor.workspace_id);
        span.record("api_token_id", token.token_id);
        Ok(Caller { token, client })
    }
}

impl Caller {
    /// Inviting counts against the same limits as an admin in the browser,
    /// per token and per client address.
    pub async fn may_invite(&self, state: &AppState) -> Result<(), ApiError> {
        let account = format!("api-token-{}", self.token.token_id);
        rate_limits::check(
            &state.db,
            Action::CreateInvitations,
            &account,
            self.client,
            state.clock.now_millis(),
        )
        .await?;
        Ok(())
    }
}
