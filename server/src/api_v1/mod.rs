//! The JSON API under `/api/v1`, for automation: API tokens (created by
//! admins on the API tokens page) in `Authorization: Bearer …`. Handlers
//! are thin: authenticate, one service call, map errors, as server
//! functions are. `/api/v1/openapi.json` is generated from these handlers.
mod auth;
mod bulk;
mod error;
pub mod import_types;
mod imports;
mod invitations;
mod members;
pub mod types;

use app::ssr::AppState;
use axum::routing::{get, post};
use axum::{Json, Router};
pub use imports::UPLOAD_IDLE;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Muster API",
        description = "Invite people into a workspace, list invitations and members, resend and revoke, \
                       change many people at once. \
                       A token acts in the workspace it was created in.",
    ),
    paths(
        invitations::create,
        invitations::create_from_csv,
        invitations::list,
        invitations::resend,
        invitations::revoke,
        imports::create,
        imports::list,
        imports::show,
        imports::rows,
        imports::cancel,
        imports::undo,
        members::list,
        bulk::change,
    ),
    modifiers(&TokenAuth),
    tags(
        (name = "invitations", description = "Invitations not yet accepted"),
        (name = "imports", description = "Whole files imported in the background"),
        (name = "members", description = "People in the workspace"),
        (name = "people", description = "Many people at once: invitations and members alike"),
    )
)]
pub struct ApiDoc;

struct TokenAuth;

impl Modify for TokenAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token from the workspace's API tokens page (mst_…)",
                    ))
                    .build(),
            ),
        );
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
        .route(
            "/invitations",
            post(invitations::create).get(invitations::list),
        )
        .route("/invitations/csv", post(invitations::create_from_csv))
        .route("/invitations/{id}/resend", post(invitations::resend))
        .route("/invitations/{id}/revoke", post(invitations::revoke))
        .route("/imports", post(imports::create).get(imports::list))
        .route("/imports/{id}", get(imports::show).delete(imports::cancel))
        .route("/imports/{id}/rows", get(imports::rows))
        .route("/batches/{id}/undo", post(imports::undo))
        .route("/members", get(members::list))
        .route("/bulk", post(bulk::change))
        .with_state(state)
}
