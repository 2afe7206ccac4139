//! The workspace's audit log, for admins: who did what, when.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityEntry {
    pub at: i64,
    /// Display name and email; None when an operator acted from the command line.
    pub actor: Option<String>,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

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
