use crate::error::AppError;
pub use crate::model::workspace::*;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "workspace_frame")]
pub async fn load_workspace_frame(slug: String) -> Result<WorkspaceFrame, AppError> {
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (user, access) = request::require_member(&state, &slug).await?;
            Ok(WorkspaceFrame {
                viewer_is_admin: access.is_admin(),
                workspace_name: access.workspace.name,
                slug: access.workspace.slug,
                viewer_name: user.display_name,
                viewer_email: user.email,
            })
        }
        .await,
    )
}
