use crate::support::*;
use app::error::AppError;
use app::ssr::db::entities::{membership, user, workspace};
use sea_orm::{EntityTrait, PaginatorTrait};

on_every_database! {
    async fn the_setup_link_shows_the_form(app) {
        let token = app.setup_link_token().await;
        let page = app.page(&app.client, &format!("/setup?token={token}")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        for label in ["Workspace name", "Your name", "Email address", "Password", "Create workspace"] {
            assert!(html.contains(label), "setup form lacks {label:?}");
        }
    }

    async fn setup_creates_the_workspace_and_admin_and_signs_in(app) {
        let token = app.setup_link_token().await;
        let response = app.complete_setup(&app.client, &token, "Acme Corp").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["location"], "/w/acme-corp/settings/users");

        let workspaces = workspace::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(workspaces.len(), 1);
        assert_eq!((workspaces[0].name.as_str(), workspaces[0].slug.as_str()), ("Acme Corp", "acme-corp"));
        let admin = user::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(admin.email, ADMIN_EMAIL);
        assert!(admin.password_hash.starts_with("$argon2id$"), "password stored hashed");
        let memberships = membership::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!((memberships[0].role.as_str(), memberships[0].status.as_str()), ("admin", "active"));

        // Signed in: the Users page opens and lists the admin.
        let page = app.page(&app.client, "/w/acme-corp/settings/users").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("<h1>Users</h1>"), "{html}");
        assert!(html.contains(ADMIN_EMAIL));
    }

    async fn the_setup_link_works_once_then_setup_is_closed(app) {
        let token = app.setup_link_token().await;
        assert_eq!(app.complete_setup(&app.client, &token, "Acme Corp").await.status(), 200);

        let again = app.complete_setup(&browser(), &token, "Evil Corp").await;
        assert_eq!(again.status(), 409);
        assert_eq!(app_error(again).await, AppError::SetupClosed);
        assert_eq!(workspace::Entity::find().count(&app.state.db).await.unwrap(), 1);

        let html = app.page(&browser(), &format!("/setup?token={token}")).await.text().await.unwrap();
        assert!(html.contains("Muster is already set up"));
        assert!(!html.contains("Create workspace"));
        // And a restart issues no new link.
        assert!(app::ssr::services::setup::issue_link_token(&app.state.db, app.state.clock.now_millis()).await.unwrap().is_none());
    }

    async fn a_wrong_setup_token_is_refused_and_creates_nothing(app) {
        let _real = app.setup_link_token().await;
        let response = app.complete_setup(&app.client, "guessed-token", "Acme Corp").await;
        assert_eq!(response.status(), 403);
        assert_eq!(app_error(response).await, AppError::InvalidSetupToken);
        assert_eq!(workspace::Entity::find().count(&app.state.db).await.unwrap(), 0);
        let html = app.page(&app.client, "/setup?token=guessed-token").await.text().await.unwrap();
        assert!(html.contains("This setup link is not valid"));
    }

    async fn a_new_link_replaces_the_old_one(app) {
        let old = app.setup_link_token().await;
        let new = app.setup_link_token().await;
        assert_eq!(app.complete_setup(&app.client, &old, "Acme Corp").await.status(), 403);
        assert_eq!(app.complete_setup(&app.client, &new, "Acme Corp").await.status(), 200);
    }

    async fn setup_names_the_field_that_is_wrong(app) {
        let token = app.setup_link_token().await;
        let response = app
            .call(&app.client, "setup", &[
                ("token", &token),
                ("workspace_name", "Acme"),
                ("your_name", "Ada"),
                ("email", "not-an-email"),
                ("password", ADMIN_PASSWORD),
            ])
            .await;
        assert_eq!(response.status(), 422);
        let error = app_error(response).await;
        assert!(error.for_field("Email address").is_some(), "{error:?}");

        let short = app
            .call(&app.client, "setup", &[
                ("token", &token),
                ("workspace_name", "Acme"),
                ("your_name", "Ada"),
                ("email", ADMIN_EMAIL),
                ("password", "1234567"),
            ])
            .await;
        assert_eq!(app_error(short).await.for_field("Password").as_deref(), Some("Use at least 8 characters."));
        let common = app
            .call(&app.client, "setup", &[
                ("token", &token),
                ("workspace_name", "Acme"),
                ("your_name", "Ada"),
                ("email", ADMIN_EMAIL),
                ("password", "baseball"),
            ])
            .await;
        assert_eq!(
            app_error(common).await.for_field("Password").as_deref(),
            Some("This password is one of the most common ones. Choose another.")
        );
        // Nothing was created, and the link still works.
        assert_eq!(workspace::Entity::find().count(&app.state.db).await.unwrap(), 0);
        assert_eq!(app.complete_setup(&app.client, &token, "Acme").await.status(), 200);
    }

    async fn simultaneous_setups_with_one_link_create_one_workspace(app) {
        let token = app.setup_link_token().await;
        let attempts = (0..8).map(|i| {
            let (app, token) = (&app, token.clone());
            async move { app.complete_setup(&browser(), &token, &format!("Race {i}")).await.status() }
        });
        let statuses = futures_util::future::join_all(attempts).await;
        assert_eq!(statuses.iter().filter(|s| s.as_u16() == 200).count(), 1, "{statuses:?}");
        assert_eq!(workspace::Entity::find().count(&app.state.db).await.unwrap(), 1);
        assert_eq!(user::Entity::find().count(&app.state.db).await.unwrap(), 1);
    }

    async fn operator_setup_closes_the_setup_link(app) {
        let token = app.setup_link_token().await;
        app.with_workspace().await;
        assert_eq!(app.complete_setup(&app.client, &token, "Second").await.status(), 409);
        assert_eq!(workspace::Entity::find().count(&app.state.db).await.unwrap(), 1);
    }

    async fn the_start_page_sends_visitors_to_setup_until_it_is_done(app) {
        let response = app.page(&app.client, "/").await;
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], "/setup");
        app.with_workspace().await;
        let response = app.page(&browser(), "/").await;
        assert_eq!(response.headers()["location"], "/login");
    }
}
