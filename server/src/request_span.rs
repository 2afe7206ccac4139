//! Every request runs in a tracing span: method, route, request id, then its
//! status and latency; the workspace and user are added once the request is
//! authenticated (`app::ssr::request`, the JSON API's `Caller`). Every log line
//! of the request carries them. The route is the matched pattern, never the
//! path: paths and query strings can carry link and setup secrets.
//!
//! The request id is the `x-request-id` a trusted proxy sent, or a fresh one;
//! it is echoed in the response, so a user's report can be matched to the log.
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::HeaderValue;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;
use tracing::field::Empty;
use tracing::Instrument;

pub const REQUEST_ID: &str = "x-request-id";

pub async fn trace(
    State(trusted_proxies): State<Arc<Vec<IpAddr>>>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = request_id(&request, &trusted_proxies);
    let route = match request.extensions().get::<MatchedPath>() {
        Some(matched) => matched.as_str().to_owned(),
        None => crate::security::path_for_logs(request.uri().path()).to_owned(),
    };
    let span = tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        request_id = %id,
        workspace_id = Empty,
        user_id = Empty,
        api_token_id = Empty,
        status = Empty,
        latency_ms = Empty,
    );
    let header = HeaderValue::from_str(&id).expect("request ids are plain ASCII");
    request.headers_mut().insert(REQUEST_ID, header.clone());
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let status = response.status().as_u16();
    span.record("status", status);
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    span.in_scope(|| tracing::info!("request finished"));
    response.headers_mut().insert(REQUEST_ID, header);
    response
}

/// A trusted proxy's id when it sent a usable one; otherwise a fresh one
/// (a client's own claim is not kept: it could imitate another request's).
fn request_id(request: &Request, trusted_proxies: &[IpAddr]) -> String {
    let from_trusted_proxy = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| trusted_proxies.contains(&peer.ip()));
    from_trusted_proxy
        .then(|| request.headers().get(REQUEST_ID))
        .flatten()
        .and_then(|value| value.to_str().ok())
        .filter(|id| usable(id))
        .map(str::to_owned)
        .unwrap_or_else(fresh)
}

/// Short, and nothing that could forge a log line.
fn usable(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// 132 random bits, URL-safe.
fn fresh() -> String {
    let mut id = app::ssr::services::secrets::new_secret();
    id.truncate(22);
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_short_ids_are_kept() {
        assert!(usable("req-123_abc.def:7"));
        assert!(!usable(""));
        assert!(!usable(&"a".repeat(129)));
        assert!(!usable("abc\ndef"));
        assert!(!usable("abc def"));
        assert_ne!(fresh(), fresh());
        assert_eq!(fresh().len(), 22);
    }
}
