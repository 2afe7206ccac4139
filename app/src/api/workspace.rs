use crate::error::AppError;
pub use crate::model::workspace::*;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "workspace_frame")]
pub async fn load_workspace_frame(slug: String) -> Result<WorkspaceFrame, AppError> {
    use crate::ssr::services::workspace_settings;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (user, access) = request::require_member(&state, &slug).await?;
            let settings = workspace_settings::view(&state.settings, &access.workspace);
            Ok(WorkspaceFrame {
                viewer_is_admin: access.is_admin(),
                workspace_name: access.workspace.name,
                slug: access.workspace.slug,
                viewer_name: user.display_name,
                viewer_email: user.email,
                invite_defaults: settings.invite_defaults(),
            })
        }
        .await,
    )
}

/// The settings page (admins only).
#[server(prefix = "/api", endpoint = "workspace_settings")]
pub async fn load_workspace_settings(slug: String) -> Result<WorkspaceSettings, AppError> {
    use crate::ssr::services::workspace_settings;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_, access) = request::require_admin(&state, &slug).await?;
            Ok(workspace_settings::view(&state.settings, &access.workspace))
        }
        .await,
    )
}

/// Saves the settings page. `expiry_days` empty: the server's default.
#[server(prefix = "/api", endpoint = "save_workspace_settings")]
pub async fn save_workspace_settings(
    slug: String,
    name: String,
    default_role: String,
    #[server(default)] expiry_days: String,
    #[server(default)] reminders: Option<String>,
    #[server(default)] send_email_default: Option<String>,
) -> Result<WorkspaceSettings, AppError> {
    use crate::domain::{ExpiryDays, Role, WorkspaceName};
    use crate::ssr::services::workspace_settings::{self, SettingsChange};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let change = SettingsChange {
                name: WorkspaceName::parse(&name)
                    .map_err(|e| AppError::invalid("Workspace name", e))?,
                default_role: Role::parse(&default_role)
                    .map_err(|e| AppError::invalid("Default role", e))?,
                expiry_days: ExpiryDays::parse_choice(&expiry_days)
                    .map_err(|e| AppError::invalid("Invitations expire after", e))?,
                // Checkboxes: present when ticked.
                reminders: reminders.is_some(),
                send_email_default: send_email_default.is_some(),
            };
            workspace_settings::save(&state, access.actor(admin.user_id), change).await
        }
        .await,
    )
}
