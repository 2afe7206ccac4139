//! Groups of people in a workspace: list, create, rename, delete, and who is in them.
use crate::api::users::PersonId;
use crate::error::AppError;
pub use crate::model::groups::*;
use leptos::prelude::*;

/// Every group of the workspace, by name. Admins only.
#[server(prefix = "/api", endpoint = "list_groups")]
pub async fn list_groups(slug: String) -> Result<Vec<GroupSummary>, AppError> {
    use crate::ssr::{request, respond, services::groups, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            groups::list(&state.db, access.workspace.id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "create_group")]
pub async fn create_group(slug: String, name: String) -> Result<GroupSummary, AppError> {
    use crate::domain::GroupName;
    use crate::ssr::{request, respond, services::groups, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let name = GroupName::parse(&name).map_err(|e| AppError::invalid("Group name", e))?;
            groups::create(
                &state.db,
                access.actor(admin.user_id),
                name,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "rename_group")]
pub async fn rename_group(slug: String, group_id: i32, name: String) -> Result<(), AppError> {
    use crate::domain::GroupName;
    use crate::ssr::{request, respond, services::groups, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let name = GroupName::parse(&name).map_err(|e| AppError::invalid("New name", e))?;
            groups::rename(
                &state.db,
                access.actor(admin.user_id),
                group_id,
                name,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}

/// Deletes the group; the people in it stay, without it.
#[server(prefix = "/api", endpoint = "delete_group")]
pub async fn delete_group(slug: String, group_id: i32) -> Result<(), AppError> {
    use crate::ssr::{request, respond, services::groups, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            groups::delete(
                &state.db,
                access.actor(admin.user_id),
                group_id,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}

/// Puts a member or an invited person in exactly these groups (names separated
/// by commas; groups that do not exist yet are created).
#[server(prefix = "/api", endpoint = "set_person_groups")]
pub async fn set_person_groups(
    slug: String,
    person: PersonId,
    groups: String,
) -> Result<Vec<String>, AppError> {
    use crate::domain::GroupName;
    use crate::ssr::{request, respond, services::groups as service, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            let names =
                GroupName::parse_list(&groups).map_err(|e| AppError::invalid("Groups", e))?;
            service::assign(
                &state.db,
                access.actor(admin.user_id),
                person,
                &names,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}
