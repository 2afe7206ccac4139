//! Admin actions on members: change role, archive, unarchive, remove.
use crate::error::AppError;
pub use crate::model::members::*;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "change_member")]
pub async fn change_member(
    slug: String,
    user_id: i32,
    action: MemberAction,
    role: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::services::members::{self, MemberChange};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let change = match action {
                MemberAction::ChangeRole => {
                    let role = role.unwrap_or_default();
                    MemberChange::Role(
                        Role::parse(&role).map_err(|e| AppError::invalid("Role", e))?,
                    )
                }
                MemberAction::Archive => MemberChange::Archive,
                MemberAction::Unarchive => MemberChange::Unarchive,
                MemberAction::Remove => MemberChange::Remove,
            };
            members::change(&state, access.workspace.id, admin.user_id, user_id, change).await
        }
        .await,
    )
}
