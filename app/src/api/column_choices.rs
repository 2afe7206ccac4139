//! Remembered column choices: saved when an import is committed, found for
//! the next file with the same headers, listed and deleted on the Imports page.
use crate::error::AppError;
pub use crate::model::column_choices::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Keeps how this file was read for the next one with these headers.
#[server(prefix = "/api", endpoint = "save_column_choices", input = Json)]
pub async fn save_column_choices(
    slug: String,
    file_name: String,
    headers: Vec<String>,
    choices: ColumnChoices,
) -> Result<(), AppError> {
    use crate::ssr::services::column_choices;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            column_choices::save(
                &state.db,
                access.actor(admin.user_id),
                &file_name,
                &headers,
                &choices,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}

/// The choices saved for files with these headers, if any.
#[server(prefix = "/api", endpoint = "find_column_choices", input = Json)]
pub async fn find_column_choices(
    slug: String,
    headers: Vec<String>,
) -> Result<Option<SavedChoices>, AppError> {
    use crate::ssr::services::column_choices;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            column_choices::find(&state.db, access.workspace.id, &headers).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "list_column_choices")]
pub async fn list_column_choices(slug: String) -> Result<Vec<SavedChoices>, AppError> {
    use crate::ssr::services::column_choices;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            column_choices::list(&state.db, access.workspace.id).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "delete_column_choices")]
pub async fn delete_column_choices(slug: String, id: i32) -> Result<(), AppError> {
    use crate::ssr::services::column_choices;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            column_choices::delete(&state.db, access.actor(admin.user_id), id).await
        }
        .await,
    )
}
