//! The HTTP surface: Leptos pages and server functions, health, static files,
//! and security headers on every response.
use app::ssr::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use http::header::{
    HeaderName, HeaderValue, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::set_header::SetResponseHeaderLayer;

pub fn build(state: AppState, leptos_options: LeptosOptions) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .with_state(leptos_options)
        .layer(axum::middleware::from_fn(no_referrer_on_invitations));
    with_security_headers(app)
}

/// Invitation pages carry a secret in their URL: never let it leak through `Referer`.
async fn no_referrer_on_invitations(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let carries_link = path.starts_with("/invite/")
        || path == "/api/invitation"
        || path == "/api/accept_invitation";
    let mut response = next.run(request).await;
    if carries_link {
        response
            .headers_mut()
            .insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    response
}

fn with_security_headers(app: Router) -> Router {
    let headers: [(HeaderName, &'static str); 3] = [
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "same-origin"),
    ];
    headers.into_iter().fold(app, |app, (name, value)| {
        app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}
