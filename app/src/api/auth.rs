use crate::error::AppError;
use leptos::prelude::*;

/// Signs in and redirects to `next` (a local path) or the person's workspace.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr::services::accounts;
    use crate::ssr::services::rate_limits::{self, Action};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let account_key = accounts::login_key(&email);
            request::rate_limit(&state, Action::Login, &account_key).await?;
            let account = accounts::authenticate(&state, &email, &password).await?;
            rate_limits::clear(&state.db, Action::Login, &account_key).await?;
            request::sign_in(&state, account.id).await?;
            let target = match accounts::safe_next_path(next.as_deref()) {
                Some(path) => path,
                // No workspace to land in: the start page explains.
                None => accounts::landing_path(&state.db, account.id)
                    .await?
                    .unwrap_or_else(|| "/".to_owned()),
            };
            leptos_axum::redirect(&target);
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            request::sign_out(&state).await?;
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// Where `/` sends a visitor: setup, login, or their workspace. None: signed
/// in, but an active member of no workspace (the start page says so).
#[server(prefix = "/api", endpoint = "landing")]
pub async fn landing() -> Result<Option<String>, AppError> {
    use crate::ssr::{
        request, respond,
        services::{accounts, setup},
        AppState,
    };
    respond(
        async {
            let state = AppState::current()?;
            if setup::is_open(&state.db).await? {
                return Ok(Some("/setup".to_owned()));
            }
            match request::current_user(&state).await? {
                Some(user) => accounts::landing_path(&state.db, user.user_id).await,
                None => Ok(Some("/login".to_owned())),
            }
        }
        .await,
    )
}
