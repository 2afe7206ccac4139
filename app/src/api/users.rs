use crate::domain::{MembershipStatus, Role};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: MembershipStatus,
}

/// The Users page's table. Admins only.
#[server(prefix = "/api", endpoint = "list_members")]
pub async fn list_members(slug: String) -> Result<Vec<MemberRow>, AppError> {
    use crate::ssr::{request, respond, services::members, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            members::list(&state.db, access.workspace.id).await
        }
        .await,
    )
}
