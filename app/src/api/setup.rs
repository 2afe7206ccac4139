use crate::error::AppError;
pub use crate::model::setup::*;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "setup_status")]
pub async fn get_setup_status(token: Option<String>) -> Result<SetupStatus, AppError> {
    use crate::ssr::{respond, services::setup, AppState};
    respond(
        async {
            let state = AppState::current()?;
            if !setup::is_open(&state.db).await? {
                return Ok(SetupStatus::Closed);
            }
            let valid = match token.as_deref() {
                Some(token) => setup::token_is_valid(&state.db, token).await?,
                None => false,
            };
            Ok(if valid {
                SetupStatus::Open
            } else {
                SetupStatus::InvalidLink
            })
        }
        .await,
    )
}

/// Creates the first workspace and its admin from the one-time link, signs the
/// admin in and goes to the workspace's Users page.
#[server(prefix = "/api", endpoint = "setup")]
pub async fn complete_setup(
    token: String,
    workspace_name: String,
    your_name: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use crate::ssr::{request, respond, services::setup, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let form = setup::NewWorkspace::parse(&workspace_name, &your_name, &email, &password)?;
            let created =
                setup::create_first_workspace(&state, form, setup::SetupAuthority::Link(&token))
                    .await?;
            request::sign_in(&state, created.admin.id).await?;
            leptos_axum::redirect(&format!("/w/{}/settings/users", created.workspace.slug));
            Ok(())
        }
        .await,
    )
}
