//! Bulk changes from the Users table: opened once, then done a chunk per call
//! so the page can show progress (see `ssr::services::bulk`).
use crate::error::AppError;
pub use crate::model::bulk::*;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

/// Opens a bulk change and says how many people it is for. Nothing changes yet.
#[server(prefix = "/api", endpoint = "start_bulk_change", input = Json)]
pub async fn start_bulk_change(
    slug: String,
    request: BulkRequest,
) -> Result<BulkProgress, AppError> {
    use crate::ssr::services::{bulk, rate_limits::Action};
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            if request.action == BulkAction::Resend {
                let admin_key = admin.user_id.to_string();
                request::rate_limit(&state, Action::CreateInvitations, &admin_key).await?;
            }
            let new = bulk::NewBulk::parse(request)?;
            bulk::start(&state, access.actor(admin.user_id), new).await
        }
        .await,
    )
}

/// Does the next chunk of a bulk change; `cursor` is where the last answer
/// said it stands (a step sent twice is done once).
#[server(prefix = "/api", endpoint = "continue_bulk_change", input = Json)]
pub async fn continue_bulk_change(
    slug: String,
    id: i32,
    cursor: String,
) -> Result<BulkProgress, AppError> {
    use crate::ssr::services::bulk;
    use crate::ssr::{request, respond, AppState};
    respond(
        async {
            let state = AppState::current()?;
            let (admin, access) = request::require_admin(&state, &slug).await?;
            bulk::step(&state, access.actor(admin.user_id), id, &cursor).await
        }
        .await,
    )
}
