use crate::error::AppError;
pub use crate::model::users::*;
use leptos::prelude::*;

/// The Users page's table. Admins only. `status` is a `PersonStatus::key` or
/// empty; `after` is the `next` of page `page - 1`, or empty.
#[server(prefix = "/api", endpoint = "list_people")]
pub async fn list_people(
    slug: String,
    search: String,
    status: String,
    page: usize,
    #[server(default)] sort: String,
    #[server(default)] after: String,
) -> Result<PeoplePage, AppError> {
    use crate::ssr::{request, respond, services::people, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            let status =
                StatusFilter::parse(&status).map_err(|e| AppError::invalid("Status", e))?;
            let filter = people::Filter {
                search,
                status,
                kind: None,
                sort: PeopleSort::from_key(&sort),
                page,
                after: Some(after).filter(|a| !a.is_empty()),
            };
            let mut result = people::list(
                &state.db,
                access.workspace.id,
                &filter,
                state.clock.now_millis(),
            )
            .await?;
            result.mail_to_files = state.settings.smtp_url.is_none();
            Ok(result)
        }
        .await,
    )
}

/// How many people a search and status filter match (every page).
#[server(prefix = "/api", endpoint = "count_people")]
pub async fn count_people(slug: String, search: String, status: String) -> Result<u64, AppError> {
    use crate::ssr::{request, respond, services::people, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (_admin, access) = request::require_admin(&state, &slug).await?;
            let status =
                StatusFilter::parse(&status).map_err(|e| AppError::invalid("Status", e))?;
            let filter = people::Filter {
                search,
                status,
                kind: None,
                sort: PeopleSort::default(),
                page: 0,
                after: None,
            };
            people::total(
                &state.db,
                access.workspace.id,
                &filter,
                state.clock.now_millis(),
            )
            .await
        }
        .await,
    )
}
