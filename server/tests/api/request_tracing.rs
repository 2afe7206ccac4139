//! Every request runs in a span with a request id; an internal error is
//! logged once, where it becomes a response, with what an operator needs to
//! find it (route, request id, workspace, user, cause) and nothing secret.
use crate::support::*;

fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned()
}

on_every_database! {
    async fn every_response_carries_a_request_id_and_a_clients_own_is_not_kept(app) {
        let plain = reqwest::get(app.url("/healthz")).await.unwrap();
        let first = request_id(&plain);
        assert_eq!(first.len(), 22);
        let second = request_id(&reqwest::get(app.url("/healthz")).await.unwrap());
        assert_ne!(first, second, "a fresh id per request");

        let claimed = browser().get(app.url("/healthz")).header("x-request-id", "forged-by-client").send().await.unwrap();
        assert_ne!(request_id(&claimed), "forged-by-client", "only a trusted proxy's id is kept");
    }

    async fn a_trusted_proxys_request_id_is_kept_and_echoed(app) {
        let app = app.respawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
        let via_proxy = browser().get(app.url("/healthz")).header("x-request-id", "lb-7f3a.42").send().await.unwrap();
        assert_eq!(request_id(&via_proxy), "lb-7f3a.42");
        let unusable = browser().get(app.url("/healthz")).header("x-request-id", "two words").send().await.unwrap();
        assert_ne!(request_id(&unusable), "two words", "an id that could forge a log line is replaced");
    }

    async fn an_internal_error_is_logged_once_with_route_request_workspace_user_and_cause(app) {
        let logs = captured_logs();
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let admin_id = app.user_id(ADMIN_EMAIL).await;
        // A fault inside: the Users table's index is gone.
        execute(&app, "DROP TABLE people").await;

        let response = app.call(&admin, "list_people", &[("slug", "acme-corp"), ("search", ""), ("status", ""), ("page", "0")]).await;
        assert_eq!(response.status(), 500);
        let id = request_id(&response);
        let body = response.text().await.unwrap();
        assert!(!body.contains("people") && !body.contains("database"), "nothing internal is sent: {body}");

        let logged = logs();
        let failures: Vec<&str> = logged.lines().filter(|l| l.contains(&id) && l.contains("request failed")).collect();
        assert_eq!(failures.len(), 1, "logged once: {failures:#?}");
        let line = failures[0];
        for expected in ["route=/api/list_people", "method=POST", &format!("user_id={admin_id}"), "workspace_id=", "cause=database: "] {
            assert!(line.contains(expected), "{expected:?} missing from {line}");
        }
        assert!(line.contains("people"), "the database's own reason: {line}");
        let finished = logged.lines().find(|l| l.contains(&id) && l.contains("request finished")).expect("the request's end is logged");
        assert!(finished.contains("status=500") && finished.contains("latency_ms="), "{finished}");
    }
}
