//! The workspace settings page: name, default role, how long links live,
//! reminders, whether mail starts on. Admins only; every change audited;
//! the link lifetime starts from the instance's and wins once set, and each
//! invite, import and API call may choose its own.
use crate::support::*;
use app::model::activity::ActivityPage;
use app::model::workspace::{WorkspaceFrame, WorkspaceSettings};
use app::ssr::db::entities::{import_batch, invitation};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const HOUR: i64 = 3_600_000;

async fn settings(app: &TestApp, admin: &reqwest::Client) -> WorkspaceSettings {
    let response = app
        .call(admin, "workspace_settings", &[("slug", "acme-corp")])
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn save(app: &TestApp, admin: &reqwest::Client, form: &[(&str, &str)]) -> reqwest::Response {
    let mut fields = vec![("slug", "acme-corp")];
    fields.extend_from_slice(form);
    app.call(admin, "save_workspace_settings", &fields).await
}

async fn invite(
    app: &TestApp,
    admin: &reqwest::Client,
    email: &str,
    role: &str,
    days: &str,
) -> reqwest::Response {
    let form = [
        ("slug", "acme-corp"),
        ("emails", email),
        ("name", ""),
        ("role", role),
        ("metadata", ""),
        ("expiry_days", days),
    ];
    app.call(admin, "invite_users", &form).await
}

/// How long the invitation's link lives, in hours.
async fn lifetime(app: &TestApp, email: &str) -> i64 {
    let row = invitation::Entity::find()
        .filter(invitation::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        i64::from(row.lifetime_hours) * HOUR,
        row.expires_at - row.created_at
    );
    (row.expires_at - row.created_at) / HOUR
}

on_every_database! {
    async fn admins_change_the_settings_and_each_change_is_audited_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let before = settings(&app, &admin).await;
        assert_eq!(before.name, "Acme Corp");
        assert_eq!((before.expiry_days, before.server_expiry_hours), (None, 168));
        assert!(before.reminders && before.send_email_default, "both on by default");

        let page = app.page(&admin, "/w/acme-corp/settings/workspace").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        for needle in ["Workspace settings", "Default role", "Invitations expire after", "Workspace default (7 days)", "Send reminders"] {
            assert!(html.contains(needle), "the page lacks {needle:?}");
        }

        let response = save(&app, &admin, &[("name", "Acme Inc"), ("default_role", "builder"), ("expiry_days", "14")]).await;
        assert_eq!(response.status(), 200);
        let after = settings(&app, &admin).await;
        assert_eq!(after.name, "Acme Inc");
        assert_eq!(after.default_role.as_str(), "builder");
        assert_eq!(after.expiry_days.map(|d| d.days()), Some(14));
        assert!(!after.reminders && !after.send_email_default, "unticked boxes are off");
        let frame: WorkspaceFrame = app.call(&admin, "workspace_frame", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!(frame.workspace_name, "Acme Inc");
        assert_eq!(frame.invite_defaults.lifetime_hours, 14 * 24);
        assert!(!frame.invite_defaults.send_email);

        // The same again changes nothing and records nothing.
        save(&app, &admin, &[("name", "Acme Inc"), ("default_role", "builder"), ("expiry_days", "14")]).await;
        let log: ActivityPage = app.call(&admin, "list_activity", &[("slug", "acme-corp"), ("page", "0")]).await.json().await.unwrap();
        let changed: Vec<&str> = log.entries.iter().map(|e| e.summary.as_str()).filter(|s| s.starts_with("Changed the workspace settings")).collect();
        assert_eq!(
            changed,
            ["Changed the workspace settings (Name: Acme Corp → Acme Inc; Default role: Member → Builder; \
              Invitations expire after: the server's default (7 days) → 14 days; Reminders: on → off; \
              Invitation emails by default: on → off)"]
        );

        // Bad values are refused by field, and nothing is saved.
        for (form, field) in [
            (vec![("name", " "), ("default_role", "member")], "Workspace name"),
            (vec![("name", "A"), ("default_role", "owner")], "Default role"),
            (vec![("name", "A"), ("default_role", "member"), ("expiry_days", "31")], "Invitations expire after"),
        ] {
            let response = save(&app, &admin, &form).await;
            assert_eq!(response.status(), 422, "{field}");
            assert!(app_error(response).await.for_field(field).is_some(), "{field}");
        }
        assert_eq!(settings(&app, &admin).await, after);
    }

    async fn members_can_neither_see_nor_change_the_settings(app) {
        app.with_workspace().await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(app.call(&member, "workspace_settings", &[("slug", "acme-corp")]).await.status(), 403);
        let response = save(&app, &member, &[("name", "Mine now"), ("default_role", "member")]).await;
        assert_eq!(response.status(), 403);
        let html = app.page(&member, "/w/acme-corp/settings/workspace").await.text().await.unwrap();
        assert!(!html.contains("Invitations expire after"), "no form for members");
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(settings(&app, &admin).await.name, "Acme Corp");
    }

    async fn links_live_as_chosen_per_invite_else_the_workspace_default_else_the_instance(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(invite(&app, &admin, "a@example.com", "member", "").await.status(), 200);
        assert_eq!(lifetime(&app, "a@example.com").await, 168, "the instance's MUSTER_INVITE_EXPIRY_HOURS");

        save(&app, &admin, &[("name", "Acme Corp"), ("default_role", "member"), ("expiry_days", "30"), ("reminders", "on")]).await;
        assert_eq!(invite(&app, &admin, "b@example.com", "member", "").await.status(), 200);
        assert_eq!(lifetime(&app, "b@example.com").await, 30 * 24, "the workspace's default wins");
        assert_eq!(invite(&app, &admin, "c@example.com", "member", "1").await.status(), 200);
        assert_eq!(lifetime(&app, "c@example.com").await, 24, "the invite's own choice wins");
        let refused = invite(&app, &admin, "d@example.com", "member", "0").await;
        assert_eq!(refused.status(), 422);
        assert!(app_error(refused).await.for_field("Invitations expire after").is_some());

        // A resend keeps the link's own lifetime.
        let c = invitation::Entity::find().filter(invitation::Column::EmailKey.eq("c@example.com")).one(&app.state.db).await.unwrap().unwrap();
        app.state.clock.advance(2 * HOUR);
        let resent = app.call(&admin, "resend_invite", &[("slug", "acme-corp"), ("invitation_id", &c.id.to_string())]).await;
        assert_eq!(resent.status(), 200);
        let again = invitation::Entity::find_by_id(c.id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(again.lifetime_hours, 24);
        let moved = again.expires_at - c.expires_at;
        assert!((2 * HOUR..3 * HOUR).contains(&moved), "a day from the resend: {moved} ms later");

        // An import chooses for its file: kept with its batch.
        let started = app
            .call(&admin, "start_import", &[("slug", "acme-corp"), ("file_name", "people.csv"), ("total_rows", "1"), ("refused_rows", "0"), ("send_email", "false"), ("expiry_days", "3")])
            .await;
        assert_eq!(started.status(), 200);
        let batch = import_batch::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(batch.expiry_days, Some(3));
    }

    async fn the_api_chooses_expiry_and_rows_without_a_role_get_the_default(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        save(&app, &admin, &[("name", "Acme Corp"), ("default_role", "builder"), ("reminders", "on")]).await;
        let created: app::model::api_tokens::CreatedApiToken = app
            .call(&admin, "create_api_token", &[("slug", "acme-corp"), ("name", "HR")])
            .await
            .json()
            .await
            .unwrap();
        let url = app.url("/api/v1/invitations");
        let post = |body: serde_json::Value| {
            reqwest::Client::new()
                .post(&url)
                .bearer_auth(&created.secret)
                .json(&body)
                .send()
        };
        let response = post(json!({
            "invitations": [{"email": "api@example.com"}, {"email": "boss@example.com", "role": "admin"}],
            "expires_in_days": 10
        }))
        .await
        .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(lifetime(&app, "api@example.com").await, 240);
        for (email, role) in [("api@example.com", "builder"), ("boss@example.com", "admin")] {
            let stored = invitation::Entity::find().filter(invitation::Column::EmailKey.eq(email)).one(&app.state.db).await.unwrap().unwrap();
            assert_eq!(stored.role.as_str(), role, "{email}: the row's own role, else the workspace's default");
        }

        let with_words = post(json!({"invitations": [{"email": "words@example.com"}], "message": "Hello from HR"})).await.unwrap();
        assert_eq!(with_words.status(), 200);
        let words = invitation::Entity::find().filter(invitation::Column::EmailKey.eq("words@example.com")).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(words.message.as_deref(), Some("Hello from HR"));
        let too_long = post(json!({"invitations": [{"email": "y@example.com"}], "message": "x".repeat(501)})).await.unwrap();
        assert_eq!(too_long.status(), 422);
        assert!(too_long.text().await.unwrap().contains("message"));

        let refused = post(json!({"invitations": [{"email": "x@example.com"}], "expires_in_days": 45})).await.unwrap();
        assert_eq!(refused.status(), 422);
        let body: serde_json::Value = refused.json().await.unwrap();
        assert!(body.to_string().contains("expires_in_days"), "{body}");
    }

    async fn invitations_made_before_the_upgrade_keep_their_lifetime_and_get_a_reminder(app) {
        use sea_orm_migration::MigratorTrait;
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(invite(&app, &admin, "old@example.com", "member", "3").await.status(), 200);
        assert_eq!(invite(&app, &admin, "sent@example.com", "member", "14").await.status(), 200);
        execute(&app, "UPDATE invitations SET delivery = 'sent' WHERE email_key = 'sent@example.com'").await;

        // Back to the schema before this migration, and up again.
        app::ssr::db::migrations::Migrator::down(&app.state.db, Some(1)).await.unwrap();
        app::ssr::db::migrations::Migrator::up(&app.state.db, None).await.unwrap();
        assert_eq!(lifetime(&app, "old@example.com").await, 72);
        let sent = invitation::Entity::find().filter(invitation::Column::EmailKey.eq("sent@example.com")).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(sent.lifetime_hours, 14 * 24);
        assert_eq!(sent.remind_at, Some(sent.expires_at - 48 * HOUR));
        let old = invitation::Entity::find().filter(invitation::Column::EmailKey.eq("old@example.com")).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(old.remind_at, None, "not mailed, and too short");
        assert_eq!(settings(&app, &admin).await.expiry_days, None);
    }
}
