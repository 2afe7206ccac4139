//! What an operator's tools see: readiness and Prometheus metrics.
use crate::smtp_sink::SmtpSink;
use crate::support::*;
use app::ssr::services::{mailer::Mailer, outbox::deliver_due};
use std::collections::HashMap;

/// `name{labels}` → value, from Prometheus text format (comments skipped).
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (name, value) = line
                .rsplit_once(' ')
                .unwrap_or_else(|| panic!("not a sample: {line}"));
            (
                name.to_owned(),
                value
                    .parse()
                    .unwrap_or_else(|_| panic!("not a number: {line}")),
            )
        })
        .collect()
}

pub(crate) async fn scrape(app: &TestApp) -> HashMap<String, f64> {
    let response = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    samples(&response.text().await.unwrap())
}

on_every_database! {
    async fn ready_means_the_database_answers_with_every_migration_applied(app) {
        let response = reqwest::get(app.url("/readyz")).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ready");
        // As if this build were started on a database an older build migrated.
        execute(&app, "DELETE FROM seaql_migrations WHERE version = (SELECT MAX(version) FROM seaql_migrations)").await;
        let response = reqwest::get(app.url("/readyz")).await.unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(response.text().await.unwrap(), "not ready: 1 migrations not applied");
        assert_eq!(reqwest::get(app.url("/healthz")).await.unwrap().status(), 200, "alive all the same");
    }

    async fn metrics_count_invitations_mail_imports_and_requests(app) {
        app.with_workspace().await;
        let before = scrape(&app).await;
        assert_eq!(before["muster_invitations_created_total"], 0.0);
        assert_eq!(before["muster_outbox_depth"], 0.0);
        assert_eq!(before["muster_outbox_oldest_age_seconds"], 0.0);

        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let mut tokens = Vec::new();
        for email in ["eve@example.com", "fay@example.com", "gus@example.com"] {
            tokens.push(app.invite_for_token(&admin, email, "").await);
        }
        let waiting = scrape(&app).await;
        assert_eq!(waiting["muster_invitations_created_total"], 3.0);
        assert_eq!(waiting["muster_invitations_accepted_total"], 0.0);
        assert_eq!(waiting["muster_outbox_depth"], 3.0, "three mails queued");

        // Two delivered, one revoked before it went out; one accepted.
        let sink = SmtpSink::start().await;
        let revoke = app
            .call(&admin, "revoke_invite", &[("slug", "acme-corp"), ("invitation_id", &invitation_id(&app, "gus@example.com").await)])
            .await;
        assert_eq!(revoke.status(), 200);
        let mailer = Mailer::from_settings(Some(&sink.url), &app.state.settings.data_dir).unwrap();
        deliver_due(&app.state, &mailer, "test", 10).await.unwrap();
        accept_as(&app, &tokens[0]).await;
        // An import with a failed row.
        let file = format!("{}/../fixtures/mixed-problems.csv", env!("CARGO_MANIFEST_DIR"));
        finish(app.muster(&["import", &file, "--workspace", "acme-corp"])).await;

        let after = scrape(&app).await;
        assert_eq!(after["muster_mails_total{outcome=\"sent\"}"], 2.0);
        assert_eq!(after["muster_mails_total{outcome=\"cancelled\"}"], 1.0);
        assert_eq!(after["muster_mails_total{outcome=\"failed\"}"], 0.0);
        assert_eq!(after["muster_outbox_depth"], 0.0);
        assert_eq!(after["muster_invitations_accepted_total"], 1.0);
        assert_eq!(after["muster_import_rows_total{outcome=\"invited\"}"], 3.0);
        assert_eq!(after["muster_import_rows_total{outcome=\"failed\"}"], 5.0);
        assert_eq!(after["muster_invitations_created_total"], 6.0);

        // Every request so far was timed: the page loads, calls and scrapes.
        let ok = "muster_http_request_duration_seconds_count{status=\"2xx\"}";
        assert!(after[ok] > before[ok] + 5.0, "{} then {}", before[ok], after[ok]);
        let inf = "muster_http_request_duration_seconds_bucket{status=\"2xx\",le=\"+Inf\"}";
        assert_eq!(after[inf], after[ok], "+Inf holds every request");
        let fast = "muster_http_request_duration_seconds_bucket{status=\"2xx\",le=\"0.005\"}";
        assert!(after[fast] <= after[inf]);
        reqwest::get(app.url("/no/such/page")).await.unwrap();
        let later = scrape(&app).await;
        assert_eq!(
            later["muster_http_request_duration_seconds_count{status=\"4xx\"}"],
            after["muster_http_request_duration_seconds_count{status=\"4xx\"}"] + 1.0
        );
    }

    async fn the_metrics_token_is_required_once_set(app) {
        let app = app.respawn_with(|settings| settings.metrics_token = Some("scrape-secret-0123456789".into())).await;
        let bare = reqwest::get(app.url("/metrics")).await.unwrap();
        assert_eq!(bare.status(), 401);
        assert_eq!(bare.headers()["www-authenticate"], "Bearer");
        let client = reqwest::Client::new();
        let wrong = client.get(app.url("/metrics")).bearer_auth("scrape-secret-0123456780").send().await.unwrap();
        assert_eq!(wrong.status(), 401);
        let right = client.get(app.url("/metrics")).bearer_auth("scrape-secret-0123456789").send().await.unwrap();
        assert_eq!(right.status(), 200);
        assert!(right.text().await.unwrap().contains("muster_outbox_depth 0"));
    }
}

async fn invitation_id(app: &TestApp, email: &str) -> String {
    use app::ssr::db::entities::invitation;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    invitation::Entity::find()
        .filter(invitation::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn accept_as(app: &TestApp, token: &str) {
    let fields = [
        ("token", token),
        ("display_name", "Eve Example"),
        ("password", "a long and fine passphrase"),
    ];
    let response = app
        .call_multipart(&browser(), "accept_invitation", &fields, None)
        .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
}
