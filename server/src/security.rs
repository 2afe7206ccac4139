//! Protections every request passes through: cross-site request refusal,
//! body size limits per endpoint, and the headers no response goes without.
use app::error::AppError;
use app::ssr::page_policy::content_security_policy;
use app::ssr::render_report::RenderReport;
use app::ssr::Settings;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, HOST, ORIGIN,
    REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderMap, Method, StatusCode};
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;
use url::Url;

/// Refuses a state-changing request that a browser sent on behalf of another
/// site (CSRF). Browsers say where a request comes from in `Sec-Fetch-Site`;
/// those too old to send it still send `Origin` with a cross-site POST.
/// Requests with neither come from programs, not from a victim's browser.
pub async fn refuse_cross_site(
    State(settings): State<Arc<Settings>>,
    request: Request,
    next: Next,
) -> Response {
    if changes_state(request.method())
        && sent_from_elsewhere(request.headers(), &settings.public_url)
    {
        tracing::warn!(
            path = path_for_logs(request.uri().path()),
            "refused a state-changing request from another site"
        );
        return error_response(StatusCode::FORBIDDEN, &AppError::Forbidden);
    }
    next.run(request).await
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn sent_from_elsewhere(headers: &HeaderMap, public_url: &Url) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // "none": the person started it themselves (address bar, bookmark).
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let same_as_public = origin == public_url.origin().ascii_serialization();
    let same_as_host = Url::parse(origin).ok().is_some_and(|origin| {
        let authority = match (origin.host_str(), origin.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => return false,
        };
        headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|host| host.eq_ignore_ascii_case(&authority))
    });
    !(same_as_public || same_as_host)
}

/// A request path as it may appear in a log: an invitation page's path is
/// its link, a secret, so only its shape is kept.
pub fn path_for_logs(path: &str) -> &str {
    if path.starts_with("/invite/") {
        "/invite/…"
    } else {
        path
    }
}

/// The largest body each endpoint accepts; everything else gets `DEFAULT_BODY_BYTES`.
const BODY_LIMITS: [(&str, usize); 6] = [
    // A 2 MB picture and the form's text fields.
    ("/api/accept_invitation", 3 * 1024 * 1024),
    // Up to `imports::MAX_CHUNK_ROWS` rows with their metadata.
    ("/api/import_chunk", 4 * 1024 * 1024),
    ("/api/check_import", 4 * 1024 * 1024),
    // A JSON list of up to 2,000 people, like an import chunk.
    ("/api/v1/invitations", 4 * 1024 * 1024),
    // A CSV file; larger files go through the Upload tab or `muster import`.
    ("/api/v1/invitations/csv", 16 * 1024 * 1024),
    // A whole file for an import job (the handler holds it to the instance's
    // `import_max_bytes` as it streams in).
    (STREAMED_UPLOAD, 1024 * 1024 * 1024),
];

/// The one route whose body is read as it streams in, with its own limits:
/// no overall deadline, but one between pieces (`api_v1::UPLOAD_IDLE`).
pub const STREAMED_UPLOAD: &str = "/api/v1/imports";

pub fn is_streamed_upload(request: &Request) -> bool {
    request.method() == http::Method::POST && request.uri().path() == STREAMED_UPLOAD
}
/// Forms and a pasted list of several thousand addresses fit easily.
const DEFAULT_BODY_BYTES: usize = 256 * 1024;

pub fn body_limit(path: &str) -> usize {
    BODY_LIMITS
        .iter()
        .find(|(endpoint, _)| *endpoint == path)
        .map_or(DEFAULT_BODY_BYTES, |(_, limit)| *limit)
}

/// Answers 413 to a body over its endpoint's limit before any handler runs,
/// so nothing is written. A body without a length is read up to the limit.
pub async fn limit_body_size(request: Request, next: Next) -> Response {
    let limit = body_limit(request.uri().path());
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = || {
        error_response(
            StatusCode::PAYLOAD_TOO_LARGE,
            &AppError::Invalid {
                field: String::new(),
                message: format!("The request is larger than {} KB.", limit / 1024),
            },
        )
    };
    match declared {
        Some(length) if length > limit as u64 => too_large(),
        Some(_) => next.run(request).await,
        None if !changes_state(request.method()) => next.run(request).await,
        None if is_streamed_upload(&request) => next.run(request).await,
        None => {
            let (parts, body) = request.into_parts();
            match axum::body::to_bytes(body, limit).await {
                Ok(bytes) => next.run(Request::from_parts(parts, bytes.into())).await,
                Err(_) => too_large(),
            }
        }
    }
}

/// An error answer in the shape server functions answer with.
fn error_response(status: StatusCode, error: &AppError) -> Response {
    let body = serde_json::to_string(error).unwrap_or_default();
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response()
}

/// A page gets the policy made for its scripts' nonce, which its render
/// reported (see `app::ssr::render_report`).
pub async fn page_policy(mut request: Request, next: Next) -> Response {
    let report = RenderReport::of(&mut request);
    let mut response = next.run(request).await;
    if let Some(nonce) = report.nonce() {
        match HeaderValue::from_str(&content_security_policy(&nonce)) {
            Ok(policy) => {
                response
                    .headers_mut()
                    .insert(CONTENT_SECURITY_POLICY, policy);
            }
            Err(error) => {
                tracing::error!(%error, "Content-Security-Policy is not a valid header value")
            }
        }
    }
    response
}

/// The file worker's script (written next to the bundle by `cargo xtask`).
pub const WORKER_SCRIPT_PATH: &str = "/pkg/file_worker.js";

/// The policy the file worker runs under: it loads the app's module and its
/// chunks from our origin and compiles them, and nothing else.
pub const WORKER_SCRIPT_POLICY: &str =
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";

/// The file worker's script gets a policy of its own instead of the one that
/// allows nothing (a worker runs under its script's policy).
pub async fn worker_script_policy(request: Request, next: Next) -> Response {
    let is_worker_script = request.uri().path() == WORKER_SCRIPT_PATH;
    let mut response = next.run(request).await;
    if is_worker_script && response.status().is_success() {
        response.headers_mut().insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(WORKER_SCRIPT_POLICY),
        );
    }
    response
}

/// Headers on every response. Pages get their own Content-Security-Policy
/// (`page_policy`, with the nonce of their scripts); everything else gets one
/// that allows nothing, so a file opened directly (an SVG, a picture) cannot run script.
/// HSTS only when people reach Muster over https.
pub fn with_security_headers(app: axum::Router, settings: &Settings) -> axum::Router {
    let mut headers: Vec<(HeaderName, &'static str)> = vec![
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "same-origin"),
        (
            CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
    ];
    if settings.public_url.scheme() == "https" {
        headers.push((STRICT_TRANSPORT_SECURITY, "max-age=63072000"));
    }
    headers.into_iter().fold(app, |app, (name, value)| {
        app.layer(SetResponseHeaderLayer::if_not_present(
            name,
            HeaderValue::from_static(value),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    HeaderName::from_static(name),
                    HeaderValue::from_static(value),
                )
            })
            .collect()
    }

    #[test]
    fn browsers_saying_cross_site_or_same_site_are_refused() {
        let public = Url::parse("https://muster.example.com").unwrap();
        for site in ["cross-site", "same-site"] {
            assert!(sent_from_elsewhere(
                &headers(&[("sec-fetch-site", site)]),
                &public
            ));
        }
        for site in ["same-origin", "none"] {
            assert!(!sent_from_elsewhere(
                &headers(&[("sec-fetch-site", site)]),
                &public
            ));
        }
    }

    #[test]
    fn without_sec_fetch_site_the_origin_must_be_ours() {
        let public = Url::parse("https://muster.example.com").unwrap();
        let ours = headers(&[("origin", "https://muster.example.com")]);
        assert!(!sent_from_elsewhere(&ours, &public));
        let by_host = headers(&[
            ("origin", "http://localhost:3000"),
            ("host", "localhost:3000"),
        ]);
        assert!(!sent_from_elsewhere(&by_host, &public));
        let theirs = headers(&[
            ("origin", "https://evil.example"),
            ("host", "muster.example.com"),
        ]);
        assert!(sent_from_elsewhere(&theirs, &public));
        assert!(sent_from_elsewhere(
            &headers(&[("origin", "null")]),
            &public
        ));
        assert!(!sent_from_elsewhere(&headers(&[]), &public));
    }

    #[test]
    fn invitation_links_never_reach_a_log() {
        assert_eq!(path_for_logs("/invite/abc.def"), "/invite/…");
        assert_eq!(path_for_logs("/api/login"), "/api/login");
    }

    #[test]
    fn each_endpoint_has_its_limit() {
        assert_eq!(body_limit("/api/login"), DEFAULT_BODY_BYTES);
        assert_eq!(body_limit("/api/accept_invitation"), 3 * 1024 * 1024);
        assert_eq!(body_limit("/api/import_chunk"), 4 * 1024 * 1024);
    }
}
