//! Cross-site requests, body limits and the headers every response carries.
use crate::support::*;
use app::ssr::db::entities::invitation;
use sea_orm::{EntityTrait, PaginatorTrait};

fn invite_form(email: &str) -> [(&'static str, &str); 6] {
    [
        ("slug", "acme-corp"),
        ("emails", email),
        ("name", ""),
        ("role", "Member"),
        ("groups", ""),
        ("metadata", ""),
    ]
}

async fn invitations(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

/// The nonce a page's Content-Security-Policy allows scripts with.
fn policy_nonce(policy: &str) -> String {
    let start = policy.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    policy[start..].split('\'').next().unwrap().to_owned()
}

on_every_database! {
    async fn a_cross_site_request_is_refused_and_changes_nothing(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for (header, value) in [
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"),
            ("origin", "https://evil.example"),
            ("origin", "null"),
        ] {
            let response = admin
                .post(app.url("/api/invite_users"))
                .header(header, value)
                .form(&invite_form("eve@example.com"))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 403, "{header}: {value}");
            assert_eq!(app_error(response).await, app::error::AppError::Forbidden);
        }
        assert_eq!(invitations(&app).await, 0);
        // Signing someone in to the attacker's account (login CSRF) is refused too.
        let login = browser()
            .post(app.url("/api/login"))
            .header("sec-fetch-site", "cross-site")
            .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(login.status(), 403);
        assert!(login.headers().get("set-cookie").is_none());
    }

    async fn the_apps_own_requests_pass(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let same_origin = admin
            .post(app.url("/api/invite_users"))
            .header("sec-fetch-site", "same-origin")
            .form(&invite_form("eve@example.com"))
            .send()
            .await
            .unwrap();
        assert_eq!(same_origin.status(), 200);
        let by_origin = admin
            .post(app.url("/api/invite_users"))
            .header("origin", app.address.as_str())
            .form(&invite_form("finn@example.com"))
            .send()
            .await
            .unwrap();
        assert_eq!(by_origin.status(), 200);
        assert_eq!(invitations(&app).await, 2);
    }

    async fn no_server_function_answers_a_get(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let paths: Vec<_> = leptos::server_fn::axum::server_fn_paths().collect();
        assert!(paths.len() > 20, "the server functions are registered: {paths:?}");
        for (path, method) in paths {
            assert_eq!(method, http::Method::POST, "{path} is not POST-only");
            let query = "slug=acme-corp&emails=eve%40example.com&name=&role=Member&groups=&metadata=";
            let response = admin.get(app.url(&format!("{path}?{query}"))).send().await.unwrap();
            assert!(!response.status().is_success(), "GET {path} answered {}", response.status());
        }
        assert_eq!(invitations(&app).await, 0);
    }

    async fn a_body_over_the_endpoints_limit_gets_413_and_writes_nothing(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // 12,000 valid addresses: 300 KB, over the 256 KB of an ordinary form.
        let many: Vec<String> = (0..12_000).map(|i| format!("person{i:05}@example.com")).collect();
        let response = app.call(&admin, "invite_users", &invite_form(&many.join(","))).await;
        assert_eq!(response.status(), 413);
        assert!(matches!(app_error(response).await, app::error::AppError::Invalid { .. }));
        assert_eq!(invitations(&app).await, 0);

        // Without a declared length the body is read up to the limit, then refused.
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            (0..300).map(|_| Ok(vec![b'a'; 1024])).collect();
        let streamed = admin
            .post(app.url("/api/login"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
            .send()
            .await
            .unwrap();
        assert_eq!(streamed.status(), 413);

        // A picture of the allowed 2 MB still fits the sign-up form's larger limit.
        assert_eq!(muster::security::body_limit("/api/accept_invitation"), 3 * 1024 * 1024);
    }

    async fn pages_allow_only_their_own_nonced_scripts(app) {
        let first = app.page(&app.client, "/login").await;
        assert_eq!(first.status(), 200);
        let policy = first.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let nonce = policy_nonce(&policy);
        assert!(nonce.len() >= 16, "{policy}");
        for directive in ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "'strict-dynamic'"] {
            assert!(policy.contains(directive), "{policy} lacks {directive}");
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let html = first.text().await.unwrap();
        assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries the nonce");
        assert!(!html.contains(" style=\""), "no inline style attribute for the policy to refuse");

        let second = app.page(&app.client, "/login").await;
        let again = policy_nonce(second.headers()["content-security-policy"].to_str().unwrap());
        assert_ne!(nonce, again, "a fresh nonce per response");
    }

    async fn other_responses_allow_nothing_and_no_hsts_over_http(app) {
        let response = reqwest::get(app.url("/healthz")).await.unwrap();
        assert_eq!(
            response.headers()["content-security-policy"],
            "default-src 'none'; frame-ancestors 'none'"
        );
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers().get("strict-transport-security").is_none());
        // The tests serve no built site, so a static path renders the 404
        // page: it carries the page policy (the built server gives static
        // files the one above). Either way: no inline script, never framed.
        let file = reqwest::get(app.url("/favicon.svg")).await.unwrap();
        let policy = file.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "{policy}");
    }

    async fn behind_https_every_response_asks_for_https_only(app) {
        let app = app
            .respawn_with(|settings| {
                settings.public_url = url::Url::parse("https://muster.example.com").unwrap();
            })
            .await;
        for path in ["/login", "/healthz"] {
            let response = app.page(&app.client, path).await;
            assert_eq!(response.headers()["strict-transport-security"], "max-age=63072000", "{path}");
        }
    }
}
