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

/// Import statements carry hundreds of values into tables that grow from
/// empty; a generic plan cached on the empty table filtered every row (seconds
/// a statement at 100,000 people), so each statement is planned for its values.
#[tokio::test]
async fn postgres_plans_each_statement_for_its_values() {
    use sea_orm::ConnectionTrait;
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    for _ in 0..3 {
        // Several pooled connections, each with the setting.
        let row = app
            .state
            .db
            .query_one_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                "SHOW plan_cache_mode",
            ))
            .await
            .unwrap()
            .unwrap();
        let mode: String = row.try_get("", "plan_cache_mode").unwrap();
        assert_eq!(mode, "force_custom_plan");
    }
}
