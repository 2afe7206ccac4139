//! Undoing an import: what the batch created and is still open is revoked;
//! invitations it only resent, and people who joined, stay. Through the
//! Imports page's server function, the JSON API and the command line.
use crate::api_v1::new_token;
use crate::imports::{chunk, row, start};
use crate::invitations::accept;
use crate::support::*;
use app::model::imports::{ImportBatchSummary, ImportUndo};
use app::ssr::db::entities::{audit_log, invitation, membership};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

async fn invitation_of(app: &TestApp, email: &str) -> invitation::Model {
    invitation::Entity::find()
        .filter(invitation::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no invitation for {email}"))
}

/// The sign-up link of someone's invitation, as "Copy invite link" gives it.
async fn link_of(app: &TestApp, admin: &reqwest::Client, email: &str) -> String {
    let id = invitation_of(app, email).await.id.to_string();
    let response = app
        .call(
            admin,
            "invite_link",
            &[("slug", "acme-corp"), ("invitation_id", &id)],
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn undo(app: &TestApp, client: &reqwest::Client, batch: i32) -> reqwest::Response {
    app.call(
        client,
        "undo_import",
        &[("slug", "acme-corp"), ("batch_id", &batch.to_string())],
    )
    .await
}

async fn memberships_of(app: &TestApp, email: &str) -> u64 {
    let Some(user) = app::ssr::db::entities::user::Entity::find()
        .filter(app::ssr::db::entities::user::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
    else {
        return 0;
    };
    membership::Entity::find()
        .filter(membership::Column::UserId.eq(user.id))
        .count(&app.state.db)
        .await
        .unwrap()
}

/// A batch inviting `emails` (rows 2, 3, …), with mail on.
async fn import(
    app: &TestApp,
    admin: &reqwest::Client,
    emails: &[String],
    resend_pending: bool,
) -> i32 {
    let batch = start(app, admin, emails.len() as u32).await;
    let rows: Vec<serde_json::Value> = emails
        .iter()
        .enumerate()
        .map(|(i, email)| row(i + 2, email, None, "Member", &[]))
        .collect();
    let response = chunk(app, admin, batch, json!(rows), resend_pending).await;
    assert_eq!(response.status(), 200);
    batch
}

on_every_database! {
    async fn undoing_an_import_revokes_what_it_created_and_keeps_who_joined(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // Invited before the import, which only resends it: not the import's to undo.
        app.invite_for_token(&admin, "earlier@example.com", "").await;
        let emails: Vec<String> = ["ann@example.com", "bob@example.com", "earlier@example.com"].map(String::from).to_vec();
        let batch = import(&app, &admin, &emails, true).await;
        let bob_link = link_of(&app, &admin, "bob@example.com").await;
        let ann_link = link_of(&app, &admin, "ann@example.com").await;
        assert_eq!(accept(&app, &browser(), &bob_link, "bob's long enough passphrase").await.status(), 200);

        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(undo(&app, &member, batch).await.status(), 403, "admins only");
        assert_eq!(undo(&app, &admin, batch + 100).await.status(), 404);

        let response = undo(&app, &admin, batch).await;
        assert_eq!(response.status(), 200);
        let done: ImportUndo = response.json().await.unwrap();
        assert_eq!((done.revoked, done.stayed), (1, 1));
        assert_eq!(done.stayed_people, ["bob@example.com"]);
        assert_eq!(done.undone_by.as_deref(), Some("Ada Admin"));
        assert_eq!(done.summary(), "Undone: 1 invitation revoked; 1 person already joined and stays (bob@example.com).");

        assert!(invitation_of(&app, "ann@example.com").await.revoked_at.is_some(), "created by the import, still open");
        assert!(invitation_of(&app, "earlier@example.com").await.revoked_at.is_none(), "only resent by it");
        let bob = invitation_of(&app, "bob@example.com").await;
        assert!(bob.accepted_at.is_some() && bob.revoked_at.is_none());
        assert_eq!(memberships_of(&app, "bob@example.com").await, 1, "bob stays");
        assert_ne!(accept(&app, &browser(), &ann_link, "ann's long enough passphrase").await.status(), 200, "ann's link stopped working");

        // Asked again: the same answer, nothing more done, one audit entry.
        let again: ImportUndo = undo(&app, &admin, batch).await.json().await.unwrap();
        assert_eq!((again.revoked, again.stayed, again.undone_at), (1, 1, done.undone_at));
        let entries = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(app::ssr::services::audit::AuditAction::ImportUndone))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(entries, 1);
        let batches: Vec<ImportBatchSummary> = app.call(&admin, "list_imports", &[("slug", "acme-corp")]).await.json().await.unwrap();
        let undone = batches[0].undone.as_ref().expect("shown as undone");
        assert_eq!((undone.revoked, undone.stayed, undone.undone_by.as_deref()), (1, 1, Some("Ada Admin")));
    }

    async fn an_accept_racing_the_undo_leaves_that_person_a_member_exactly_once_or_not_at_all(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let emails: Vec<String> = (0..40).map(|i| format!("racer{i}@example.com")).collect();
        let batch = import(&app, &admin, &emails, false).await;
        let racers = &emails[..6];
        let mut links = Vec::new();
        for email in racers {
            links.push(link_of(&app, &admin, email).await);
        }
        // Three join before the undo; three more race it.
        let mut early = Vec::new();
        for link in &links[..3] {
            early.push(accept(&app, &browser(), link, "a racer's long passphrase").await.status());
        }
        let accepts = futures_util::future::join_all(links[3..].iter().map(|link| {
            let app = &app;
            async move { accept(app, &browser(), link, "a racer's long passphrase").await.status() }
        }));
        let (statuses, undone) = tokio::join!(accepts, undo(&app, &admin, batch));
        assert_eq!(undone.status(), 200);
        let done: ImportUndo = undone.json().await.unwrap();

        assert!(early.iter().all(|s| *s == 200), "{early:?}");
        let mut joined = 0;
        for (email, status) in racers.iter().zip(early.into_iter().chain(statuses)) {
            let invitation = invitation_of(&app, email).await;
            if status == 200 {
                joined += 1;
                assert_eq!(memberships_of(&app, email).await, 1, "{email} joined: a member once");
                assert!(invitation.accepted_at.is_some() && invitation.revoked_at.is_none(), "{email}");
            } else {
                assert_eq!(memberships_of(&app, email).await, 0, "{email} was refused: no member");
                assert!(invitation.revoked_at.is_some() && invitation.accepted_at.is_none(), "{email}");
            }
        }
        assert_eq!(done.stayed, joined, "everyone who joined is counted as staying");
        assert_eq!(done.revoked + done.stayed, 40);
    }

    async fn the_api_and_the_command_line_undo_an_import(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let first = import(&app, &admin, &["api1@example.com".into(), "api2@example.com".into()], false).await;
        let second = import(&app, &admin, &["cli1@example.com".into()], false).await;

        let token = new_token(&app, &admin, "acme-corp", "undo").await;
        let response = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/batches/{first}/undo")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["revoked"], 2);
        assert_eq!(body["stayed"], 0);
        assert_eq!(body["summary"], "Undone: 2 invitations revoked.");
        let missing = reqwest::Client::new()
            .post(app.url(&format!("/api/v1/batches/{}/undo", second + 50)))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 404);

        let listed = finish(app.muster(&["imports", "list", "--workspace", "acme-corp"])).await;
        let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
        let line = |id: i32| listed.lines().find(|l| l.trim_start().starts_with(&format!("{id} "))).unwrap_or_else(|| panic!("{listed}")).to_owned();
        assert!(line(first).contains("undone"), "{listed}");
        assert!(!line(second).contains("undone"), "{listed}");
        let output = finish(app.muster(&["imports", "undo", "--workspace", "acme-corp", &second.to_string()])).await;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "Undone: 1 invitation revoked.");
        assert!(invitation_of(&app, "cli1@example.com").await.revoked_at.is_some());
        let output = finish(app.muster(&["imports", "undo", "--workspace", "acme-corp", "9999"])).await;
        assert!(!output.status.success());
        assert!(String::from_utf8_lossy(&output.stderr).contains("there is no import 9999"));
    }
}
