//! The audit log: every admin action is there, readable, newest first.
use crate::support::*;
use app::model::activity::ActivityPage;

on_every_database! {
    async fn admin_actions_appear_in_the_activity_log_newest_first(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.invite_for_token(&admin, "eve@example.com", "Sales").await;
        let max = app.user_id(MEMBER_EMAIL).await.to_string();
        let promoted = app
            .call(&admin, "change_member", &[("slug", "acme-corp"), ("user_id", &max), ("action", "ChangeRole"), ("role", "Builder")])
            .await;
        assert_eq!(promoted.status(), 200);

        let response = app.call(&admin, "list_activity", &[("slug", "acme-corp"), ("page", "0")]).await;
        assert_eq!(response.status(), 200);
        let log: ActivityPage = response.json().await.unwrap();
        let lines: Vec<(&str, &str)> = log
            .entries
            .iter()
            .take(2)
            .map(|e| (e.actor.as_deref().unwrap_or("operator"), e.summary.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                ("Ada Admin (ada@example.com)", "Changed the role of max@example.com from Member to Builder"),
                ("Ada Admin (ada@example.com)", "Invited eve@example.com as Member"),
            ]
        );
        let all: Vec<&str> = log.entries.iter().map(|e| e.summary.as_str()).collect();
        assert!(all.contains(&"Created the workspace “Acme Corp”"), "{all:?}");
        assert_eq!(log.total as usize, log.entries.len());
    }

    async fn an_upload_reads_as_a_sentence_with_its_file_and_row_count(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let started = app
            .call(&admin, "start_import", &[("slug", "acme-corp"), ("file_name", "people.csv"), ("total_rows", "2000"), ("refused_rows", "0"), ("send_email", "false")])
            .await;
        assert_eq!(started.status(), 200);

        let log: ActivityPage = app.call(&admin, "list_activity", &[("slug", "acme-corp"), ("page", "0")]).await.json().await.unwrap();
        assert_eq!(log.entries[0].summary, "Started importing people.csv (2,000 rows)");
        assert!(log.entries.iter().all(|e| !e.summary.contains("import.started")));
    }
}
