//! The current request: who is signed in, what they may do, and turning
//! results into responses. Every server function goes through here.
use super::services::rate_limits::{self, Action};
use super::services::sessions::{self, SessionUser};
use super::services::workspaces::{self, WorkspaceAccess};
use super::{AppState, Settings};
use crate::error::AppError;
use http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use http::HeaderValue;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub const SESSION_COOKIE: &str = "muster_session";

/// Maps a server function's result onto the HTTP response (status code). The
/// one place where application errors meet HTTP.
///
/// A plain form post (before the page has hydrated, or without JavaScript)
/// keeps Leptos' redirect back to the form instead of an error status, so the
/// person lands on the form again rather than on a bare error body.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        log_failure(error);
        if let Some(response) = use_context::<ResponseOptions>() {
            if !is_plain_form_post() {
                response.set_status(error.status());
            }
            if let AppError::RateLimited { retry_after_secs } = error {
                response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
        }
    }
    result
}

/// The one place an internal error is logged: where it becomes a response,
/// inside the request's span (route, request id, workspace, user), with its
/// cause chain. The other errors are answers, not failures.
pub fn log_failure(error: &AppError) {
    if let Some(cause) = error.cause() {
        tracing::error!(%cause, "request failed");
    }
}

fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}

fn session_secret() -> Option<String> {
    session_secret_in(&use_context::<http::request::Parts>()?.headers)
}

/// The session cookie's value among these request headers.
pub fn session_secret_in(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

pub async fn current_user(state: &AppState) -> Result<Option<SessionUser>, AppError> {
    match session_secret() {
        Some(secret) => sessions::resolve(&state.db, &secret, state.clock.now_millis()).await,
        None => Ok(None),
    }
}

pub async fn require_user(state: &AppState) -> Result<SessionUser, AppError> {
    let user = current_user(state)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    tracing::Span::current().record("user_id", user.user_id);
    Ok(user)
}

/// A signed-in, active member of the workspace (any role).
pub async fn require_member(
    state: &AppState,
    slug: &str,
) -> Result<(SessionUser, WorkspaceAccess), AppError> {
    let user = require_user(state).await?;
    let access = workspaces::access(&state.db, slug, user.user_id).await?;
    tracing::Span::current().record("workspace_id", access.workspace.id);
    Ok((user, access))
}

/// A signed-in, active admin of the workspace.
pub async fn require_admin(
    state: &AppState,
    slug: &str,
) -> Result<(SessionUser, WorkspaceAccess), AppError> {
    let (user, access) = require_member(state, slug).await?;
    if !access.is_admin() {
        return Err(AppError::Forbidden);
    }
    Ok((user, access))
}

/// Counts this request against the action's limits for `account` and for the
/// client address; refuses it when either is used up.
pub async fn rate_limit(state: &AppState, action: Action, account: &str) -> Result<(), AppError> {
    let client = super::client_address::current(&state.settings.trusted_proxies);
    rate_limits::check(&state.db, action, account, client, state.clock.now_millis()).await
}

pub async fn sign_in(state: &AppState, user_id: i32) -> Result<(), AppError> {
    let secret = sessions::start(
        &state.db,
        user_id,
        state.settings.session_ttl_hours,
        state.clock.now_millis(),
    )
    .await?;
    let max_age = u64::from(state.settings.session_ttl_hours) * 3600;
    set_cookie(&state.settings, &secret, max_age);
    Ok(())
}

pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    if let Some(secret) = session_secret() {
        sessions::end(&state.db, &secret).await?;
    }
    set_cookie(&state.settings, "", 0);
    Ok(())
}

fn set_cookie(settings: &Settings, value: &str, max_age_secs: u64) {
    let secure = if settings.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    if let (Some(response), Ok(header)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(&cookie),
    ) {
        response.append_header(SET_COOKIE, header);
    }
}
