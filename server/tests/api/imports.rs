//! Committing imports: every row checked again on the server, chunks that are
//! safe to send twice, conflicts reported per row, batches kept.
use crate::support::*;
use app::model::imports::{
    ImportBatchSummary, RowOutcome, RowOutcomeKind, UploadSettings, WorkspaceMatch,
};
use app::ssr::db::entities::{invitation, outbox};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

pub(crate) async fn start(app: &TestApp, admin: &reqwest::Client, rows: u32) -> i32 {
    let response = app
        .call(
            admin,
            "start_import",
            &[
                ("slug", "acme-corp"),
                ("file_name", "people.csv"),
                ("total_rows", &rows.to_string()),
                ("refused_rows", "0"),
                ("send_email", "true"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

pub(crate) async fn chunk(
    app: &TestApp,
    client: &reqwest::Client,
    batch: i32,
    rows: serde_json::Value,
    resend_pending: bool,
) -> reqwest::Response {
    client
        .post(app.url("/api/import_chunk"))
        .json(&json!({ "slug": "acme-corp", "batch_id": batch, "rows": rows, "choices": { "resend_pending": resend_pending, "create_groups": true } }))
        .send()
        .await
        .unwrap()
}

pub(crate) fn row(
    n: usize,
    email: &str,
    name: Option<&str>,
    role: &str,
    groups: &[&str],
) -> serde_json::Value {
    json!({ "row": n, "email": email, "name": name, "role": role, "groups": groups, "metadata": { "Site": "HQ" } })
}

fn kinds(outcomes: &[RowOutcome]) -> Vec<(usize, RowOutcomeKind)> {
    outcomes.iter().map(|o| (o.row, o.kind.clone())).collect()
}

async fn invitations(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn mails(app: &TestApp) -> u64 {
    outbox::Entity::find().count(&app.state.db).await.unwrap()
}

on_every_database! {
    async fn a_chunk_invites_new_people_and_reports_every_row(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 5).await;
        let rows = json!([
            row(2, "eve@example.com", Some("Eve"), "Builder", &["Sales", "Berlin"]),
            row(3, MEMBER_EMAIL, Some("Max"), "Member", &[]),
            // The browser said fine; the server checks again and disagrees.
            row(4, "not-an-email", Some("Nobody"), "Member", &[]),
            row(5, "ivy@example.com", Some("Ivy\u{7}"), "Member", &[]),
            // A line break in a name (Alt+Enter in a cell) becomes a space: the
            // name reaches no mail header on two lines.
            row(6, "jo@example.com", Some("Jo\r\nBcc: all@example.com"), "Member", &[]),
        ]);
        let response = chunk(&app, &admin, batch, rows, false).await;
        assert_eq!(response.status(), 200);
        let outcomes: Vec<RowOutcome> = response.json().await.unwrap();
        assert_eq!(
            kinds(&outcomes),
            [
                (2, RowOutcomeKind::Invited),
                (3, RowOutcomeKind::Skipped("Already in this workspace.".into())),
                (4, RowOutcomeKind::Failed("Email: An email address needs an @ between the name and the domain.".into())),
                (5, RowOutcomeKind::Failed("Name: Name cannot contain line breaks or control characters.".into())),
                (6, RowOutcomeKind::Invited),
            ]
        );
        let jo: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", "jo@"), ("status", ""), ("page", "0")])
            .await.json().await.unwrap();
        assert_eq!(jo["rows"][0]["name"], "Jo Bcc: all@example.com");
        let page: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", "eve"), ("status", ""), ("page", "0")])
            .await.json().await.unwrap();
        assert_eq!(page["rows"][0]["role"], "Builder");
        assert_eq!(page["rows"][0]["groups"], json!(["Berlin", "Sales"]));
        assert_eq!(mails(&app).await, 2, "one mail queued per invitation");

        let batches: Vec<ImportBatchSummary> = app.call(&admin, "list_imports", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!(batches.len(), 1);
        let b = &batches[0];
        assert_eq!((b.file_name.as_str(), b.created_by.as_deref(), b.total_rows, b.counts.invited, b.counts.skipped, b.counts.failed), ("people.csv", Some("Ada Admin"), 5, 2, 1, 2));
    }

    async fn a_full_chunk_is_written_in_bulk_with_groups_mail_audit_and_index(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 2_000).await;
        let rows = serde_json::Value::Array(
            (0..2_000)
                .map(|i| row(i + 2, &format!("bulk{i}@example.com"), Some(&format!("Bulk {i}")), "Builder", if i % 2 == 0 { &["Even", "All"] } else { &["All"] }))
                .collect(),
        );
        let outcomes: Vec<RowOutcome> = chunk(&app, &admin, batch, rows, false).await.json().await.unwrap();
        assert_eq!(outcomes.len(), 2_000);
        assert!(outcomes.iter().enumerate().all(|(i, o)| o.row == i + 2 && o.kind == RowOutcomeKind::Invited));
        assert_eq!(invitations(&app).await, 2_000);
        assert_eq!(mails(&app).await, 2_000);
        let count = |table: &'static str| {
            let app = &app;
            async move {
                use sea_orm::ConnectionTrait;
                let backend = app.state.db.get_database_backend();
                let row = app.state.db.query_one_raw(sea_orm::Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM {table}"))).await.unwrap().unwrap();
                row.try_get::<i64>("", "n").unwrap()
            }
        };
        assert_eq!(count("invitation_groups").await, 3_000);
        assert_eq!(count("import_rows").await, 2_000);
        // The Users table finds them, with their groups.
        let page: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", "bulk1998@"), ("status", ""), ("page", "0")])
            .await.json().await.unwrap();
        assert_eq!(page["rows"][0]["name"], "Bulk 1998");
        assert_eq!(page["rows"][0]["role"], "Builder");
        assert_eq!(page["rows"][0]["groups"], json!(["All", "Even"]));
        let activity: serde_json::Value = app.call(&admin, "list_activity", &[("slug", "acme-corp"), ("page", "0")]).await.json().await.unwrap();
        assert!(activity["total"].as_u64().unwrap() >= 2_000, "one entry per invitation");
    }

    async fn every_value_is_stored_exactly_as_sent_whatever_its_characters(app) {
        // Rows reach SQLite as bound values of multi-row INSERTs and
        // PostgreSQL as one JSON record set (`db::bulk`); nothing may be lost
        // or changed on either way.
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let names = [
            Some("O'Brien \"Bob\" \\ back\\slash"),
            Some("Zoë Ångström 😀 名前"),
            Some("[1, 2] {\"json\": true} null"),
            Some("-12.5e3"),
            None,
        ];
        let batch = start(&app, &admin, names.len() as u32).await;
        let rows = serde_json::Value::Array(
            names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    json!({ "row": i + 2, "email": format!("Odd.{i}@Example.com"), "name": name, "role": "Builder", "groups": [],
                            "metadata": { "Note": name.unwrap_or("\\u0000 \"quoted\""), "Nested": "a\tb" } })
                })
                .collect(),
        );
        let outcomes: Vec<RowOutcome> = chunk(&app, &admin, batch, rows, false).await.json().await.unwrap();
        assert!(outcomes.iter().all(|o| o.kind == RowOutcomeKind::Invited), "{outcomes:?}");
        let stored = invitation::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(stored.len(), names.len());
        for (i, name) in names.iter().enumerate() {
            let email = format!("Odd.{i}@Example.com");
            let found = stored.iter().find(|s| s.email_key == email.to_lowercase()).unwrap_or_else(|| panic!("{email} stored"));
            // The local part as written; the domain, which is case-blind, in lower case.
            assert_eq!(found.email, format!("Odd.{i}@example.com"));
            assert_eq!(found.display_name.as_deref(), *name);
            assert_eq!(found.role, app::domain::Role::Builder);
            let metadata: serde_json::Value = serde_json::from_str(&found.metadata).unwrap();
            assert_eq!(metadata, json!({ "Note": name.unwrap_or("\\u0000 \"quoted\""), "Nested": "a\tb" }));
            assert_eq!(found.nonce.len(), 22, "a fresh nonce: {:?}", found.nonce);
            assert!(found.expires_at > found.created_at && found.created_at > 0);
        }
    }

    async fn the_same_person_twice_in_one_chunk_is_invited_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 2).await;
        let rows = json!([row(2, "twin@example.com", None, "Member", &[]), row(3, "TWIN@example.com", None, "Member", &[])]);
        let outcomes: Vec<RowOutcome> = chunk(&app, &admin, batch, rows, false).await.json().await.unwrap();
        assert_eq!(kinds(&outcomes), [(2, RowOutcomeKind::Invited), (3, RowOutcomeKind::Failed("Email: the same address as row 2.".into()))]);
        assert_eq!(invitations(&app).await, 1);
        let repeated = chunk(&app, &admin, batch, json!([row(4, "x@example.com", None, "Member", &[]), row(4, "y@example.com", None, "Member", &[])]), false).await;
        assert_eq!(repeated.status(), 409);
    }

    async fn a_chunk_sent_twice_invites_nobody_twice(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 3).await;
        let rows = json!([
            row(2, "a@example.com", None, "Member", &[]),
            row(3, "b@example.com", None, "Member", &[]),
            row(4, "bad", None, "Member", &[]),
        ]);
        let first: Vec<RowOutcome> = chunk(&app, &admin, batch, rows.clone(), false).await.json().await.unwrap();
        let again: Vec<RowOutcome> = chunk(&app, &admin, batch, rows, false).await.json().await.unwrap();
        assert_eq!(first, again, "the retry is answered from the record");
        assert_eq!(invitations(&app).await, 2);
        assert_eq!(mails(&app).await, 2);
        let batches: Vec<ImportBatchSummary> = app.call(&admin, "list_imports", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!((batches[0].counts.invited, batches[0].counts.failed), (2, 1), "counted once");
    }

    async fn the_same_chunk_sent_five_times_at_once_still_invites_each_person_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 20).await;
        let rows = serde_json::Value::Array((0..20).map(|i| row(i + 2, &format!("p{i}@example.com"), None, "Member", &[])).collect());
        let sends = (0..5).map(|_| chunk(&app, &admin, batch, rows.clone(), false));
        let answers = futures_util::future::join_all(sends).await;
        // Those that lost the race ran again and were answered from the record.
        for answer in answers {
            assert_eq!(answer.status(), 200);
            let outcomes: Vec<RowOutcome> = answer.json().await.unwrap();
            assert!(outcomes.iter().all(|o| o.kind == RowOutcomeKind::Invited), "{outcomes:?}");
        }
        assert_eq!(invitations(&app).await, 20);
        assert_eq!(mails(&app).await, 20);
        let batches: Vec<ImportBatchSummary> = app.call(&admin, "list_imports", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!(batches[0].counts.invited, 20, "counted once");
    }

    async fn chunks_of_one_file_committed_side_by_side_count_every_row(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 200).await;
        // Four chunks at once, as the browser keeps two in flight; the
        // batch's totals are added to, never written over by a stale read.
        let sends = (0..4).map(|c| {
            let rows = (0..50).map(|i| {
                let n = c * 50 + i;
                row(n + 2, &format!("p{n}@example.com"), None, "Member", &[])
            });
            chunk(&app, &admin, batch, serde_json::Value::Array(rows.collect()), false)
        });
        for answer in futures_util::future::join_all(sends).await {
            assert_eq!(answer.status(), 200);
        }
        assert_eq!(invitations(&app).await, 200);
        let batches: Vec<ImportBatchSummary> = app.call(&admin, "list_imports", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!(batches[0].counts.invited, 200);
    }

    async fn one_person_in_two_chunks_sent_at_once_is_invited_once_and_both_answer(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 40).await;
        // Both chunks end with the same person: whichever writes second meets
        // the first's invitation and reports it, instead of failing the chunk.
        let chunk_of = |first: usize| {
            let mut rows: Vec<serde_json::Value> = (first..first + 19)
                .map(|n| row(n + 2, &format!("p{n}@example.com"), None, "Member", &[]))
                .collect();
            rows.push(row(first + 21, "same@example.com", None, "Member", &[]));
            chunk(&app, &admin, batch, serde_json::Value::Array(rows), false)
        };
        let (a, b) = futures_util::future::join(chunk_of(0), chunk_of(20)).await;
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        let mut outcomes: Vec<RowOutcome> = a.json().await.unwrap();
        outcomes.extend(b.json::<Vec<RowOutcome>>().await.unwrap());
        let same: Vec<&RowOutcomeKind> = outcomes.iter().filter(|o| o.email == "same@example.com").map(|o| &o.kind).collect();
        assert!(same.contains(&&RowOutcomeKind::Invited), "{same:?}");
        assert!(
            same.contains(&&RowOutcomeKind::Skipped("Already invited; that invitation is still open.".into())),
            "{same:?}"
        );
        assert_eq!(invitations(&app).await, 39);
        assert_eq!(mails(&app).await, 39);
    }

    async fn pending_invitations_are_skipped_or_resent_as_the_admin_chose(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.invite_for_token(&admin, "eve@example.com", "").await;
        let skip_batch = start(&app, &admin, 1).await;
        let skipped: Vec<RowOutcome> = chunk(&app, &admin, skip_batch, json!([row(2, "EVE@example.com", None, "Member", &[])]), false).await.json().await.unwrap();
        assert_eq!(kinds(&skipped), [(2, RowOutcomeKind::Skipped("Already invited; that invitation is still open.".into()))]);
        let resend_batch = start(&app, &admin, 1).await;
        let resent: Vec<RowOutcome> = chunk(&app, &admin, resend_batch, json!([row(2, "eve@example.com", None, "Member", &[])]), true).await.json().await.unwrap();
        assert_eq!(kinds(&resent), [(2, RowOutcomeKind::Resent)]);
        assert_eq!(invitations(&app).await, 1);
    }

    async fn an_import_writes_the_index_rows_a_rebuild_would_even_over_a_revoked_invitation(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let first: serde_json::Value = app
            .call(&admin, "invite_users", &[("slug", "acme-corp"), ("emails", "zoe@example.com"), ("name", ""), ("role", "Member"), ("metadata", "")])
            .await.json().await.unwrap();
        let revoked = first[0]["kind"]["Invited"]["invitation_id"].as_i64().unwrap();
        app.call(&admin, "revoke_invite", &[("slug", "acme-corp"), ("invitation_id", &revoked.to_string())]).await;

        let batch = start(&app, &admin, 3).await;
        let rows = json!([
            row(2, "Zoe@Example.com", Some("Zoë Ørsted"), "Member", &[]),
            row(3, "ann@example.com", None, "Builder", &[]),
            row(4, MEMBER_EMAIL, Some("Max"), "Member", &[]),
        ]);
        let outcomes: Vec<RowOutcome> = chunk(&app, &admin, batch, rows, false).await.json().await.unwrap();
        assert_eq!(kinds(&outcomes), [(2, RowOutcomeKind::Invited), (3, RowOutcomeKind::Invited), (4, RowOutcomeKind::Skipped("Already in this workspace.".into()))]);

        let written = crate::people::index_rows(&app).await;
        let zoe = written.iter().find(|r| r.email_key == "zoe@example.com").unwrap();
        assert_eq!((zoe.kind.as_str(), zoe.state.as_str(), zoe.sort_name.as_str()), ("invitation", "open", "zoë ørsted"));
        assert_ne!(i64::from(zoe.ref_id), revoked, "the new invitation, not the revoked one");
        let ann = written.iter().find(|r| r.email_key == "ann@example.com").unwrap();
        assert_eq!((ann.unnamed, ann.state.as_str()), (1, "open"));
        app::ssr::services::invitations::index::rebuild_all(&app.state.db).await.unwrap();
        assert_eq!(crate::people::index_rows(&app).await, written, "what the import wrote is what a rebuild computes");
    }

    async fn check_reports_where_each_address_stands(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.invite_for_token(&admin, "eve@example.com", "").await;
        let response = admin
            .post(app.url("/api/check_import"))
            .json(&json!({ "slug": "acme-corp", "emails": ["new@example.com", "MAX@example.com", "eve@example.com", "garbage"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let matches: Vec<WorkspaceMatch> = response.json().await.unwrap();
        assert_eq!(matches, [WorkspaceMatch::New, WorkspaceMatch::Member, WorkspaceMatch::Pending, WorkspaceMatch::New]);
    }

    async fn members_and_other_workspaces_cannot_commit(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start(&app, &admin, 1).await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(chunk(&app, &member, batch, json!([row(2, "x@example.com", None, "Member", &[])]), false).await.status(), 403);
        let check = member.post(app.url("/api/check_import")).json(&json!({ "slug": "acme-corp", "emails": [] })).send().await.unwrap();
        assert_eq!(check.status(), 403);
        // A role the app does not know is refused outright.
        let owner = chunk(&app, &admin, batch, json!([row(2, "x@example.com", None, "Owner", &[])]), false).await;
        assert_eq!(owner.status(), 400);
        assert_eq!(invitations(&app).await, 0);
        let unknown_batch = chunk(&app, &admin, batch + 100, json!([]), false).await;
        assert_eq!(unknown_batch.status(), 404);
    }

    async fn the_templates_download_and_import_as_their_example(app) {
        let csv = app.client.get(app.url("/templates/muster-invitations-template.csv")).send().await.unwrap();
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
        let bytes = csv.bytes().await.unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBFEmail,Name,Role,Groups,Metadata"));
        let xlsx = app.client.get(app.url("/templates/muster-invitations-template.xlsx")).send().await.unwrap();
        assert_eq!(xlsx.status(), 200);
        let bytes = xlsx.bytes().await.unwrap();
        let (_, _, _, people) = app::import::run(&bytes, "template.xlsx", &Default::default(), &Default::default(), &Default::default()).unwrap();
        assert_eq!(people[0].email, "ada.lovelace@example.com");
        let other = app.client.get(app.url("/templates/..%2fsecret.key")).send().await.unwrap();
        assert_eq!(other.status(), 404);
    }

    async fn the_upload_tab_learns_the_limits_and_whether_mail_can_go_out(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let settings: UploadSettings = app.call(&admin, "import_settings", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert!(!settings.smtp_configured, "tests run without SMTP_URL");
        assert_eq!(settings.limits.max_rows, 100_000);
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(app.call(&member, "import_settings", &[("slug", "acme-corp")]).await.status(), 403);
    }

    async fn rows_the_browser_refused_count_as_failed_in_the_batch(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let response = app
            .call(&admin, "start_import", &[("slug", "acme-corp"), ("file_name", "f.csv"), ("total_rows", "10"), ("refused_rows", "3"), ("send_email", "false")])
            .await;
        let batch: i32 = response.json().await.unwrap();
        chunk(&app, &admin, batch, json!([row(2, "new@example.com", None, "Member", &[])]), false).await;
        let batches: Vec<ImportBatchSummary> = app.call(&admin, "list_imports", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!((batches[0].total_rows, batches[0].counts.invited, batches[0].counts.failed), (10, 1, 3));
    }

    async fn expired_invitations_are_invited_again_or_skipped_as_the_admin_chose(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.invite_for_token(&admin, "eve@example.com", "").await;
        execute(&app, "UPDATE invitations SET expires_at = 1").await;
        let send = |skip_expired: bool| {
            let admin = admin.clone();
            let app = &app;
            async move {
                let batch = start(app, &admin, 1).await;
                let response = admin
                    .post(app.url("/api/import_chunk"))
                    .json(&json!({ "slug": "acme-corp", "batch_id": batch, "rows": [row(2, "eve@example.com", None, "Member", &[])], "choices": { "skip_expired": skip_expired } }))
                    .send()
                    .await
                    .unwrap();
                let outcomes: Vec<RowOutcome> = response.json().await.unwrap();
                kinds(&outcomes)
            }
        };
        assert_eq!(send(true).await, [(2, RowOutcomeKind::Skipped("Invitation expired; skipped as chosen.".into()))]);
        assert_eq!(send(false).await, [(2, RowOutcomeKind::Invited)]);
        let renewed = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert!(renewed.expires_at > 1, "a new expiry");
        assert_eq!(invitations(&app).await, 1, "the same invitation, renewed");
    }

    async fn unknown_groups_fail_their_rows_unless_the_admin_chose_to_create_them(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.call(&admin, "create_group", &[("slug", "acme-corp"), ("name", "Sales")]).await;
        let batch = start(&app, &admin, 2).await;
        let rows = json!([row(2, "known@example.com", None, "Member", &["sales"]), row(3, "unknown@example.com", None, "Member", &["Sales", "Nowhere"])]);
        let response = admin
            .post(app.url("/api/import_chunk"))
            .json(&json!({ "slug": "acme-corp", "batch_id": batch, "rows": rows, "choices": {} }))
            .send()
            .await
            .unwrap();
        let outcomes: Vec<RowOutcome> = response.json().await.unwrap();
        assert_eq!(
            kinds(&outcomes),
            [
                (2, RowOutcomeKind::Invited),
                (3, RowOutcomeKind::Failed("Groups: there is no group “Nowhere” in this workspace (create it, or choose to create new groups).".into())),
            ]
        );
        let groups: serde_json::Value = app.call(&admin, "list_groups", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!(groups.as_array().unwrap().len(), 1, "nothing created: {groups}");
    }

    async fn a_file_over_the_row_limit_is_refused_before_anything_is_written(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let response = app
            .call(&admin, "start_import", &[("slug", "acme-corp"), ("file_name", "huge.csv"), ("total_rows", "100001"), ("refused_rows", "0"), ("send_email", "false")])
            .await;
        assert_eq!(response.status(), 422);
        assert_eq!(app_error(response).await.for_field("File").as_deref(), Some("The file has more than 100000 rows; the limit is 100000. Split it into smaller files."));
    }
}
