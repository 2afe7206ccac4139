use crate::support::*;
use app::error::AppError;
use app::ssr::db::entities::session;
use sea_orm::{EntityTrait, PaginatorTrait};

on_every_database! {
    async fn logging_in_sets_a_safe_session_cookie_and_goes_to_the_workspace(app) {
        app.with_workspace().await;
        let response = app
            .call(&app.client, "login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["location"], "/w/acme-corp/settings/users");
        let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        for attribute in ["muster_session=", "HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
        }
        assert!(!cookie.contains("Secure"), "plain http public URL: no Secure flag");
        // Only a hash of the cookie's secret is stored.
        let secret = cookie.trim_start_matches("muster_session=").split(';').next().unwrap();
        assert!(secret.len() >= 43, "at least 256 bits, base64");
        let stored = session::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0].id_hash, secret);

        assert_eq!(app.page(&app.client, "/w/acme-corp/settings/users").await.status(), 200);
    }

    async fn behind_https_the_cookie_is_secure(app) {
        let app = app
            .respawn_with(|settings| {
                settings.public_url = url::Url::parse("https://muster.example.com").unwrap();
            })
            .await;
        app.with_workspace().await;
        let response = app
            .call(&app.client, "login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
            .await;
        assert!(response.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    }

    async fn members_land_on_the_workspace_home(app) {
        app.with_workspace().await;
        let response = app
            .call(&browser(), "login", &[("email", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)])
            .await;
        assert_eq!(response.headers()["location"], "/w/acme-corp");
    }

    async fn login_accepts_the_email_in_any_case(app) {
        app.with_workspace().await;
        let response = app
            .call(&browser(), "login", &[("email", " ADA@Example.com "), ("password", ADMIN_PASSWORD)])
            .await;
        assert_eq!(response.status(), 200);
    }

    async fn wrong_password_and_unknown_account_get_the_same_answer(app) {
        app.with_workspace().await;
        let wrong_password = app
            .call(&browser(), "login", &[("email", ADMIN_EMAIL), ("password", "not the password")])
            .await;
        let unknown = app
            .call(&browser(), "login", &[("email", "nobody@example.com"), ("password", "not the password")])
            .await;
        let malformed = app
            .call(&browser(), "login", &[("email", "nobody"), ("password", "x")])
            .await;
        for response in [wrong_password, unknown, malformed] {
            assert_eq!(response.status(), 401);
            assert!(response.headers().get("set-cookie").is_none());
            let error = app_error(response).await;
            assert_eq!(error, AppError::InvalidCredentials);
            assert_eq!(error.to_string(), "That email address and password don't match an account.");
        }
        assert_eq!(session::Entity::find().count(&app.state.db).await.unwrap(), 0);
    }

    async fn long_and_emoji_passwords_work_whole_and_are_never_truncated(app) {
        app.with_workspace().await;
        let long = format!("{}🦀 the end", "a sentence that goes on ".repeat(4));
        assert!(long.chars().count() > 100);
        app.add_member("acme-corp", "long@example.com", app::domain::Role::Member, &long).await;
        let app = &app;
        let attempt = |password: String| async move {
            app.call(&browser(), "login", &[("email", "long@example.com"), ("password", &password)])
                .await
                .status()
                .as_u16()
        };
        assert_eq!(attempt(long.clone()).await, 200);
        // bcrypt would have stopped reading at byte 72: the tail counts here.
        let first_72_bytes = String::from_utf8_lossy(&long.as_bytes()[..72]).into_owned();
        assert_eq!(attempt(first_72_bytes).await, 401);
        assert_eq!(attempt(long.replace("the end", "the End")).await, 401);
    }

    async fn login_follows_only_local_next_paths(app) {
        app.with_workspace().await;
        let local = app
            .call(&browser(), "login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("next", "/w/acme-corp")])
            .await;
        assert_eq!(local.headers()["location"], "/w/acme-corp");
        for hostile in ["https://evil.example/", "//evil.example/", "/\\evil.example", "/caf\u{e9}"] {
            let response = app
                .call(&browser(), "login", &[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD), ("next", hostile)])
                .await;
            assert_eq!(response.headers()["location"], "/w/acme-corp/settings/users", "{hostile}");
        }
    }

    async fn logging_out_ends_the_session_on_the_server(app) {
        app.with_workspace().await;
        let client = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let cookie_before = session::Entity::find().count(&app.state.db).await.unwrap();
        assert_eq!(cookie_before, 1);

        let response = app.call(&client, "logout", &[]).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["location"], "/login");
        assert!(response.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
        assert_eq!(session::Entity::find().count(&app.state.db).await.unwrap(), 0);

        let page = app.page(&client, "/w/acme-corp/settings/users").await;
        assert_eq!(page.status(), 302);
    }

    async fn an_expired_session_no_longer_works(app) {
        use sea_orm::{ConnectionTrait, Statement};
        app.with_workspace().await;
        let client = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let backend = app.state.db.get_database_backend();
        app.state
            .db
            .execute_raw(Statement::from_string(backend, "UPDATE sessions SET expires_at = 0"))
            .await
            .unwrap();
        let response = app.call(&client, "list_people", &[("slug", "acme-corp"), ("search", ""), ("status", ""), ("page", "0")]).await;
        assert_eq!(response.status(), 401);
        assert_eq!(session::Entity::find().count(&app.state.db).await.unwrap(), 0, "expired row removed");
    }

    async fn the_login_page_has_its_fields(app) {
        let html = app.page(&app.client, "/login").await.text().await.unwrap();
        for needle in ["Email address", "Password", "Log in", "autocomplete=\"current-password\""] {
            assert!(html.contains(needle), "login page lacks {needle:?}");
        }
    }
}
