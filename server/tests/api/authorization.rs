use crate::support::*;
use app::domain::{MembershipStatus, Role};
use app::error::AppError;
use app::ssr::db::entities::membership;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

on_every_database! {
    async fn anonymous_visitors_are_sent_to_login(app) {
        app.with_workspace().await;
        let response = app.page(&app.client, "/w/acme-corp/settings/users").await;
        assert_eq!(response.status(), 302);
        assert_eq!(response.headers()["location"], "/login?next=/w/acme-corp/settings/users");

        let call = app.call(&app.client, "list_people", LIST_ACME).await;
        assert_eq!(call.status(), 401);
        assert_eq!(app_error(call).await, AppError::Unauthenticated);
    }

    async fn a_member_gets_a_not_allowed_page_for_admin_pages(app) {
        app.with_workspace().await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        let page = app.page(&member, "/w/acme-corp/settings/users").await;
        assert_eq!(page.status(), 403);
        let html = page.text().await.unwrap();
        assert!(html.contains("Not allowed"));
        assert!(!html.contains(ADMIN_EMAIL), "no admin data leaks into the page");

        // Their own workspace home is fine.
        assert_eq!(app.page(&member, "/w/acme-corp").await.status(), 200);
    }

    async fn every_admin_server_function_refuses_a_member(app) {
        app.with_workspace().await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        for (endpoint, form) in ADMIN_SERVER_FUNCTIONS {
            let response = app.call(&member, endpoint, form).await;
            assert_eq!(response.status(), 403, "{endpoint}");
            assert_eq!(app_error(response).await, AppError::Forbidden, "{endpoint}");
        }
    }

    async fn builders_are_not_admins_either(app) {
        app.with_workspace().await;
        app.add_member("acme-corp", "bea@example.com", Role::Builder, MEMBER_PASSWORD).await;
        let builder = app.logged_in("bea@example.com", MEMBER_PASSWORD).await;
        for (endpoint, form) in ADMIN_SERVER_FUNCTIONS {
            assert_eq!(app.call(&builder, endpoint, form).await.status(), 403, "{endpoint}");
        }
    }

    async fn an_admin_of_one_workspace_has_no_say_in_another(app) {
        app.with_workspace().await;
        let other = app.other_workspace().await;
        assert_eq!(other.slug, "other");
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let response = app.call(&admin, "list_people", &[("slug", "other"), ("search", ""), ("status", ""), ("page", "0")]).await;
        assert_eq!(response.status(), 403);
        assert_eq!(app.page(&admin, "/w/other/settings/users").await.status(), 403);
        let unknown = app.call(&admin, "list_people", &[("slug", "no-such-workspace"), ("search", ""), ("status", ""), ("page", "0")]).await;
        assert_eq!(unknown.status(), 404);
    }

    async fn an_archived_admin_is_refused_on_the_next_request(app) {
        app.with_workspace().await;
        app.add_member("acme-corp", "second@example.com", Role::Admin, MEMBER_PASSWORD).await;
        let second = app.logged_in("second@example.com", MEMBER_PASSWORD).await;
        assert_eq!(app.call(&second, "list_people", LIST_ACME).await.status(), 200);

        let row = membership::Entity::find()
            .filter(membership::Column::Role.eq("admin"))
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .last()
            .unwrap();
        let mut row: membership::ActiveModel = row.into();
        row.status = Set(MembershipStatus::Archived);
        row.update(&app.state.db).await.unwrap();

        assert_eq!(app.call(&second, "list_people", LIST_ACME).await.status(), 403);
    }

    async fn the_admin_sees_everyone_in_the_users_table(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let page: serde_json::Value = app.call(&admin, "list_people", LIST_ACME).await.json().await.unwrap();
        let rows = &page["rows"];
        let emails: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["email"].as_str().unwrap()).collect();
        assert_eq!(emails, [ADMIN_EMAIL, MEMBER_EMAIL]);
        assert_eq!(rows[1]["role"], "Member");
        assert_eq!(rows[1]["status"], "Active");
    }
}

/// Every server function that only admins may call, with valid arguments.
const ADMIN_SERVER_FUNCTIONS: &[(&str, &[(&str, &str)])] = &[
    ("list_people", LIST_ACME),
    (
        "invite_users",
        &[
            ("slug", "acme-corp"),
            ("emails", "eve@example.com"),
            ("name", ""),
            ("role", "Member"),
            ("metadata", ""),
        ],
    ),
    (
        "resend_invite",
        &[("slug", "acme-corp"), ("invitation_id", "1")],
    ),
    (
        "revoke_invite",
        &[("slug", "acme-corp"), ("invitation_id", "1")],
    ),
    (
        "invite_link",
        &[("slug", "acme-corp"), ("invitation_id", "1")],
    ),
    (
        "change_member",
        &[
            ("slug", "acme-corp"),
            ("user_id", "1"),
            ("action", "Archive"),
        ],
    ),
    ("list_groups", &[("slug", "acme-corp")]),
    ("list_activity", &[("slug", "acme-corp"), ("page", "0")]),
    (
        "start_import",
        &[
            ("slug", "acme-corp"),
            ("file_name", "a.csv"),
            ("total_rows", "1"),
            ("refused_rows", "0"),
            ("send_email", "false"),
        ],
    ),
    ("list_imports", &[("slug", "acme-corp")]),
    ("create_group", &[("slug", "acme-corp"), ("name", "Sales")]),
    (
        "rename_group",
        &[("slug", "acme-corp"), ("group_id", "1"), ("name", "Ops")],
    ),
    ("delete_group", &[("slug", "acme-corp"), ("group_id", "1")]),
    (
        "set_person_groups",
        &[
            ("slug", "acme-corp"),
            ("person[Member]", "1"),
            ("groups", "Ops"),
        ],
    ),
];

const LIST_ACME: &[(&str, &str)] = &[
    ("slug", "acme-corp"),
    ("search", ""),
    ("status", ""),
    ("page", "0"),
];
