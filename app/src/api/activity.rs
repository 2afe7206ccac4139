//! The workspace's audit log, for admins: who did what, when.
use crate::error::AppError;
pub use crate::model::activity::*;
use leptos::prelude::*;

/// Newest first, a page at a time.
#[server(prefix = "/api", endpoint = "list_activity")]
pub async fn list_activity(slug: String, page: u64) -> Result<ActivityPage, AppError> {
    use crate::ssr::{request, respond, services::activity, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            activity::list(&state.db, access.workspace.id, page).await
        }
        .await,
    )
}
