use crate::support::*;
use app::domain::{MembershipStatus, Role};
use app::error::AppError;
use app::ssr::db::entities::{audit_log, membership, user};
use app::ssr::services::audit::AuditAction;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

async fn user_id(app: &TestApp, email: &str) -> String {
    user::Entity::find()
        .filter(user::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string()
}

async fn change(
    app: &TestApp,
    admin: &reqwest::Client,
    email: &str,
    action: &str,
    role: Option<&str>,
) -> reqwest::Response {
    let id = user_id(app, email).await;
    let mut form = vec![
        ("slug", "acme-corp"),
        ("user_id", id.as_str()),
        ("action", action),
    ];
    if let Some(role) = role {
        form.push(("role", role));
    }
    app.call(admin, "change_member", &form).await
}

async fn list_status(app: &TestApp, client: &reqwest::Client) -> u16 {
    app.call(
        client,
        "list_people",
        &[
            ("slug", "acme-corp"),
            ("search", ""),
            ("status", ""),
            ("page", "0"),
        ],
    )
    .await
    .status()
    .as_u16()
}

on_every_database! {
    async fn promoting_a_member_to_admin_takes_effect_on_their_next_request(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(list_status(&app, &member).await, 403);
        assert_eq!(change(&app, &admin, MEMBER_EMAIL, "ChangeRole", Some("Admin")).await.status(), 200);
        assert_eq!(list_status(&app, &member).await, 200, "the same session, promoted");
        // And demoted again: a session made before the demotion cannot use admin functions.
        assert_eq!(change(&app, &admin, MEMBER_EMAIL, "ChangeRole", Some("Member")).await.status(), 200);
        assert_eq!(list_status(&app, &member).await, 403);
    }

    async fn archiving_refuses_the_next_request_and_unarchiving_restores_it(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(app.page(&member, "/w/acme-corp").await.status(), 200);
        assert_eq!(change(&app, &admin, MEMBER_EMAIL, "Archive", None).await.status(), 200);
        assert_eq!(app.page(&member, "/w/acme-corp").await.status(), 403);
        let frame = app.call(&member, "workspace_frame", &[("slug", "acme-corp")]).await;
        assert_eq!(app_error(frame).await, AppError::Forbidden);
        // An archived member logging in again gets no way into the workspace either.
        let again = app.call(&browser(), "login", &[("email", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)]).await;
        assert_eq!(again.headers()["location"], "/", "no workspace to land in");

        assert_eq!(change(&app, &admin, MEMBER_EMAIL, "Unarchive", None).await.status(), 200);
        assert_eq!(app.page(&member, "/w/acme-corp").await.status(), 200);
    }

    async fn removing_a_member_ends_their_access(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(change(&app, &admin, MEMBER_EMAIL, "Remove", None).await.status(), 200);
        assert_eq!(app.page(&member, "/w/acme-corp").await.status(), 403);
        let people: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", ""), ("status", ""), ("page", "0")])
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(people["total"], 1);
    }

    async fn the_last_admin_cannot_be_demoted_archived_or_removed(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for (action, role) in [("ChangeRole", Some("Member")), ("Archive", None), ("Remove", None)] {
            let response = change(&app, &admin, ADMIN_EMAIL, action, role).await;
            assert_eq!(response.status(), 409, "{action}");
            assert!(app_error(response).await.to_string().contains("at least one admin"), "{action}");
        }
        let admins = membership::Entity::find().filter(membership::Column::Role.eq(Role::Admin)).all(&app.state.db).await.unwrap();
        assert_eq!(admins.len(), 1);
        assert_eq!(admins[0].status, MembershipStatus::Active);

        // With a second admin, the first may step down.
        assert_eq!(change(&app, &admin, MEMBER_EMAIL, "ChangeRole", Some("Admin")).await.status(), 200);
        assert_eq!(change(&app, &admin, ADMIN_EMAIL, "ChangeRole", Some("Builder")).await.status(), 200);
    }

    async fn two_admins_demoting_each_other_at_once_leave_one_admin(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(change(&app, &admin, MEMBER_EMAIL, "ChangeRole", Some("Admin")).await.status(), 200);
        let second = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        let (a, b) = tokio::join!(
            change(&app, &admin, MEMBER_EMAIL, "ChangeRole", Some("Member")),
            change(&app, &second, ADMIN_EMAIL, "ChangeRole", Some("Member")),
        );
        let ok = [a.status(), b.status()].iter().filter(|s| s.as_u16() == 200).count();
        assert_eq!(ok, 1, "{} {}", a.status(), b.status());
        let admins = membership::Entity::find().filter(membership::Column::Role.eq(Role::Admin)).all(&app.state.db).await.unwrap();
        assert_eq!(admins.len(), 1);
    }

    async fn every_member_change_lands_in_the_audit_log(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        change(&app, &admin, MEMBER_EMAIL, "ChangeRole", Some("Builder")).await;
        change(&app, &admin, MEMBER_EMAIL, "Archive", None).await;
        change(&app, &admin, MEMBER_EMAIL, "Unarchive", None).await;
        change(&app, &admin, MEMBER_EMAIL, "Remove", None).await;
        let actions: Vec<String> = audit_log::Entity::find()
            .filter(audit_log::Column::Action.starts_with("member."))
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                assert!(row.actor_user_id.is_some() || row.action == AuditAction::MemberAdded);
                sea_orm::ActiveEnum::to_value(&row.action)
            })
            .collect();
        assert_eq!(actions, ["member.added", "member.role_changed", "member.archived", "member.unarchived", "member.removed"]);
    }
}
