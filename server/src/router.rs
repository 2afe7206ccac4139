//! The HTTP surface: Leptos pages and server functions, health, static files,
//! and security headers on every response.
use crate::operations::{self, RequestMetrics};
use crate::{page_preloads, security};
use app::ssr::page_modules::PageModules;
use app::ssr::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use http::header::{HeaderValue, REFERRER_POLICY};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;

pub fn build(state: AppState, leptos_options: LeptosOptions) -> Router {
    let settings = state.settings.clone();
    let routes = route_list().to_vec();
    let page_modules = std::sync::Arc::new(PageModules::load(&leptos_options));
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            app::ssr::render_report::report_nonce();
        }
    };
    let avatars = {
        let state = state.clone();
        move |path, headers| app::ssr::avatar_route::serve(state.clone(), path, headers)
    };
    let requests = std::sync::Arc::new(RequestMetrics::default());
    let ready = {
        let state = state.clone();
        move || operations::ready(state.clone())
    };
    let metrics = {
        let state = state.clone();
        let requests = requests.clone();
        move |headers| operations::prometheus(state.clone(), requests.clone(), headers)
    };
    let app = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .nest_service("/api/v1", crate::api_v1::router(state.clone()))
        .route("/avatars/{user_id}", get(avatars))
        .route("/templates/{file}", get(app::ssr::template_route::serve))
        .leptos_routes_with_context(&leptos_options, routes, context.clone(), {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(
            context, shell,
        ))
        .with_state(leptos_options)
        .layer(axum::middleware::from_fn(no_referrer_on_invitations))
        .layer(axum::middleware::from_fn(security::worker_script_policy))
        .layer(axum::middleware::from_fn(security::page_policy))
        .layer(axum::middleware::from_fn_with_state(
            page_modules,
            page_preloads::preload_page_module,
        ))
        .layer(axum::middleware::from_fn(multipart_only_where_expected))
        .layer(axum::middleware::from_fn(framework_errors_get_their_status))
        .layer(axum::middleware::from_fn(security::limit_body_size))
        .layer(axum::middleware::from_fn_with_state(
            settings.clone(),
            security::refuse_cross_site,
        ))
        .layer(axum::middleware::from_fn(give_up_on_hung_requests))
        .layer(axum::middleware::from_fn_with_state(
            requests,
            operations::time_requests,
        ))
        .layer(axum::middleware::from_fn_with_state(
            std::sync::Arc::new(settings.trusted_proxies.clone()),
            crate::request_span::trace,
        ));
    security::with_security_headers(app, &settings)
}

/// The route list, generated once per process. Generating it sets a
/// process-wide Leptos flag that parks any resource first polled meanwhile
/// forever (leptos-rs/leptos#4773); a process that builds several routers
/// (the tests) would otherwise hang page renders now and then.
fn route_list() -> &'static [AxumRouteListing] {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App))
}

/// No page or server function legitimately takes this long.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// A request that never finishes (a stuck render, a lost lock) is answered
/// with 503 and logged with its path, instead of holding the connection forever.
/// A streamed upload is exempt: it has a deadline between pieces instead.
async fn give_up_on_hung_requests(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if security::is_streamed_upload(&request) {
        return next.run(request).await;
    }
    let path = security::path_for_logs(request.uri().path()).to_owned();
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%path, "request took longer than 20 s; answered 503");
            axum::response::IntoResponse::into_response(http::StatusCode::SERVICE_UNAVAILABLE)
        }
    }
}

/// Server functions that take a file expect `multipart/form-data` with a
/// boundary; anything else gets 415 before the framework tries to parse it.
async fn multipart_only_where_expected(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    const MULTIPART_ENDPOINTS: [&str; 1] = ["/api/accept_invitation"];
    if request.method() == http::Method::POST && MULTIPART_ENDPOINTS.contains(&request.uri().path())
    {
        let is_multipart = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data") && ct.contains("boundary="));
        if !is_multipart {
            return axum::response::IntoResponse::into_response(
                http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            );
        }
    }
    next.run(request).await
}

/// Arguments that do not deserialize (a role the app does not know, a
/// missing field) are refused by the server-function layer before our code
/// runs, with status 500. Such an answer still carries an `AppError`; give it
/// the status that error maps to (400 for a malformed request).
async fn framework_errors_get_their_status(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let is_api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    if !is_api || response.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::response::IntoResponse::into_response(
            http::StatusCode::INTERNAL_SERVER_ERROR,
        );
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status = error.status();
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
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
