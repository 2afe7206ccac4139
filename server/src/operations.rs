//! What operators and their tools ask of a running instance: `/healthz`
//! (the process answers), `/readyz` (the database answers and its schema is
//! this build's), and `/metrics` (Prometheus text format).
use app::ssr::services::metrics;
use app::ssr::{db, AppState};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, StatusCode};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Upper bounds of the request-duration buckets, in seconds.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Status classes counted apart: 2xx … 5xx (1xx is counted with 2xx).
const CLASSES: [&str; 4] = ["2xx", "3xx", "4xx", "5xx"];

/// Request durations of this instance, by status class. Lock-free: one
/// atomic add per bucket per request.
#[derive(Default)]
pub struct RequestMetrics {
    /// `[class][bucket]`, cumulative as Prometheus wants; the last bucket is +Inf.
    buckets: [[AtomicU64; BUCKETS.len() + 1]; CLASSES.len()],
    sum_micros: [AtomicU64; CLASSES.len()],
}

impl RequestMetrics {
    fn record(&self, status: StatusCode, seconds: f64) {
        let class = match status.as_u16() {
            300..=399 => 1,
            400..=499 => 2,
            500.. => 3,
            _ => 0,
        };
        for (bucket, bound) in self.buckets[class]
            .iter()
            .zip(BUCKETS.iter().chain([&f64::INFINITY]))
        {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.sum_micros[class].fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String) {
        let name = "muster_http_request_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time to answer an HTTP request, by status class (this instance)."
        );
        let _ = writeln!(out, "# TYPE {name} histogram");
        for (class, label) in CLASSES.iter().enumerate() {
            for (bucket, bound) in self.buckets[class].iter().zip(
                BUCKETS
                    .iter()
                    .map(f64::to_string)
                    .chain(["+Inf".to_owned()]),
            ) {
                let _ = writeln!(
                    out,
                    "{name}_bucket{{status=\"{label}\",le=\"{bound}\"}} {}",
                    bucket.load(Ordering::Relaxed)
                );
            }
            let count = self.buckets[class][BUCKETS.len()].load(Ordering::Relaxed);
            let sum = self.sum_micros[class].load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "{name}_sum{{status=\"{label}\"}} {sum}");
            let _ = writeln!(out, "{name}_count{{status=\"{label}\"}} {count}");
        }
    }
}

/// Times every request (the middleware sits outside everything else).
pub async fn time_requests(
    State(metrics): State<Arc<RequestMetrics>>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.record(response.status(), started.elapsed().as_secs_f64());
    response
}

pub async fn ready(state: AppState) -> Response {
    match db::readiness(&state.db).await {
        Ok(()) => "ready".into_response(),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {reason}"),
            )
                .into_response()
        }
    }
}

pub async fn prometheus(
    state: AppState,
    requests: Arc<RequestMetrics>,
    headers: http::HeaderMap,
) -> Response {
    if let Some(token) = &state.settings.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if !app::ssr::services::secrets::equal(given, token) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
            )
                .into_response();
        }
    }
    let totals = match metrics::totals(&state.db).await {
        Ok(totals) => totals,
        Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
    };
    let mut out = String::with_capacity(4096);
    write_totals(&mut out, &totals, state.clock.now_millis());
    requests.write(&mut out);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

fn write_totals(out: &mut String, t: &metrics::Totals, now_millis: i64) {
    let mut family = |name: &str, kind: &str, help: &str, samples: &[(&str, i64)]| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    family(
        "muster_invitations_created_total",
        "counter",
        "Invitations ever created (every instance on this database).",
        &[("", t.invitations_created)],
    );
    family(
        "muster_invitations_accepted_total",
        "counter",
        "Invitations accepted.",
        &[("", t.invitations_accepted)],
    );
    family(
        "muster_mails_total",
        "counter",
        "Invitation mails by outcome: sent, failed (gave up after retries), bounced (refused for good by the receiving server), cancelled (invitation revoked first).",
        &[
            ("{outcome=\"sent\"}", t.mails_sent),
            ("{outcome=\"failed\"}", t.mails_failed),
            ("{outcome=\"bounced\"}", t.mails_bounced),
            ("{outcome=\"cancelled\"}", t.mails_cancelled),
        ],
    );
    family(
        "muster_reminders_sent_total",
        "counter",
        "Reminder mails sent, two days before an invitation expires (counted in muster_mails_total too).",
        &[("", t.reminders_sent)],
    );
    family(
        "muster_outbox_depth",
        "gauge",
        "Mails waiting to be sent or retried.",
        &[("", t.outbox_depth)],
    );
    let age = t
        .outbox_oldest
        .map_or(0, |oldest| ((now_millis - oldest).max(0)) / 1000);
    family(
        "muster_outbox_oldest_age_seconds",
        "gauge",
        "How long the oldest waiting mail has waited (0 when none waits).",
        &[("", age)],
    );
    family(
        "muster_import_rows_total",
        "counter",
        "Rows of bulk imports by outcome.",
        &[
            ("{outcome=\"invited\"}", t.import_rows_invited),
            ("{outcome=\"resent\"}", t.import_rows_resent),
            ("{outcome=\"skipped\"}", t.import_rows_skipped),
            ("{outcome=\"failed\"}", t.import_rows_failed),
        ],
    );
}
