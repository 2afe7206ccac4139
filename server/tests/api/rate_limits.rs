//! Rate limits: per account and per client address, answered with 429 and
//! `Retry-After`, kept in the database so that every instance counts together.
use crate::support::*;
use app::error::AppError;

async fn login(address: &str, email: &str, password: &str) -> reqwest::Response {
    browser()
        .post(format!("{address}/api/login"))
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// Seconds the answer asks to wait; panics unless it is a 429 that says so.
async fn refused_for(response: reqwest::Response) -> u64 {
    assert_eq!(response.status(), 429);
    let seconds: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(matches!(
        app_error(response).await,
        AppError::RateLimited { .. }
    ));
    seconds
}

on_every_database! {
    async fn the_eleventh_sign_in_to_one_account_waits_even_with_the_right_password(app) {
        app.with_workspace().await;
        for _ in 0..10 {
            assert_eq!(login(&app.address, ADMIN_EMAIL, "wrong password!").await.status(), 401);
        }
        let refused = login(&app.address, " ADA@example.com", ADMIN_PASSWORD).await;
        let wait = refused_for(refused).await;
        assert!((1..=15 * 60).contains(&wait), "Retry-After {wait}");
        // Another account is not affected.
        assert_eq!(login(&app.address, MEMBER_EMAIL, MEMBER_PASSWORD).await.status(), 200);
    }

    async fn signing_in_forgets_the_earlier_wrong_passwords(app) {
        app.with_workspace().await;
        for _ in 0..9 {
            login(&app.address, ADMIN_EMAIL, "wrong password!").await;
        }
        assert_eq!(login(&app.address, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 200);
        for _ in 0..10 {
            assert_eq!(login(&app.address, ADMIN_EMAIL, "wrong password!").await.status(), 401);
        }
    }

    async fn one_client_address_trying_many_accounts_is_stopped(app) {
        app.with_workspace().await;
        for i in 0..100 {
            let email = format!("guess{i}@example.com");
            assert_eq!(login(&app.address, &email, "wrong password!").await.status(), 401);
        }
        refused_for(login(&app.address, MEMBER_EMAIL, MEMBER_PASSWORD).await).await;
    }

    async fn the_window_ends_and_sign_in_works_again(app) {
        app.with_workspace().await;
        for _ in 0..11 {
            login(&app.address, ADMIN_EMAIL, "wrong password!").await;
        }
        refused_for(login(&app.address, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
        execute(&app, "UPDATE rate_limits SET window_start = window_start - 900000").await;
        assert_eq!(login(&app.address, ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 200);
    }

    async fn limits_hold_across_instances_sharing_the_database(app) {
        app.with_workspace().await;
        let other = app.second_instance().await;
        for i in 0..10 {
            let address = if i % 2 == 0 { &app.address } else { &other };
            assert_eq!(login(address, ADMIN_EMAIL, "wrong password!").await.status(), 401);
        }
        refused_for(login(&other, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
        refused_for(login(&app.address, ADMIN_EMAIL, ADMIN_PASSWORD).await).await;
    }

    async fn forwarded_addresses_are_ignored_unless_the_proxy_is_trusted(app) {
        app.with_workspace().await;
        // Untrusted: a client writing a new X-Forwarded-For each time is still one address.
        for i in 0..100 {
            let response = browser()
                .post(app.url("/api/login"))
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .form(&[("email", format!("guess{i}@example.com").as_str()), ("password", "wrong password!")])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401);
        }
        refused_for(login(&app.address, MEMBER_EMAIL, MEMBER_PASSWORD).await).await;
    }

    async fn admins_inviting_in_a_loop_are_slowed_down(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let form = |emails: &'static str| {
            [("slug", "acme-corp"), ("emails", emails), ("name", ""), ("role", "Member"), ("groups", ""), ("metadata", "")]
        };
        // Refused requests count too: they still cost the server work.
        for _ in 0..600 {
            assert_eq!(app.call(&admin, "invite_users", &form("not an address")).await.status(), 422);
        }
        refused_for(app.call(&admin, "invite_users", &form("eve@example.com")).await).await;
    }
}

/// Behind a trusted reverse proxy each forwarded client counts on its own.
#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_counts_separately() {
    let app = spawn_app_with(Backend::Sqlite, |settings| {
        settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await
    .unwrap();
    app.with_workspace().await;
    let from = |client: &'static str, email: String| {
        browser()
            .post(app.url("/api/login"))
            .header("x-forwarded-for", client)
            .form(&[("email", email), ("password", "wrong password!".to_owned())])
            .send()
    };
    for i in 0..100 {
        let response = from("203.0.113.7", format!("guess{i}@example.com"))
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    refused_for(
        from("203.0.113.7", "one.more@example.com".into())
            .await
            .unwrap(),
    )
    .await;
    let other_client = from("203.0.113.8", "one.more@example.com".into())
        .await
        .unwrap();
    assert_eq!(other_client.status(), 401);
}
