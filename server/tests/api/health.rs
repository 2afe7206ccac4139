use crate::support::*;

on_every_database! {
    async fn healthz_answers_ok(app) {
        let response = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.text().await.unwrap(), "ok");
    }

    async fn every_response_carries_security_headers(app) {
        let response = app.page(&app.client, "/login").await;
        assert_eq!(response.status(), 200);
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
        assert!(headers.contains_key("referrer-policy"));
    }

    async fn unknown_pages_are_404(app) {
        let response = app.page(&app.client, "/no/such/page").await;
        assert_eq!(response.status(), 404);
        assert!(response.text().await.unwrap().contains("Page not found"));
    }
}
