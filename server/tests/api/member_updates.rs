//! Updating people already in the workspace from an imported file: what
//! would change is shown first, the change is made set-wise and audited per
//! person, the last admin stays one, archived members are skipped, and an
//! undo puts back what nobody has changed since. Through the upload's server
//! functions, the JSON API and the command line.
use crate::api_v1::new_token;
use crate::imports::start;
use crate::support::*;
use app::domain::{GroupName, MembershipStatus, Role};
use app::model::imports::{ImportUndo, RowOutcome, RowOutcomeKind};
use app::model::member_updates::PlannedUpdate;
use app::model::users::PersonId;
use app::ssr::db::entities::{audit_log, membership, user};
use app::ssr::services::audit::AuditAction;
use app::ssr::services::import_commit::{SKIP_ARCHIVED, SKIP_MEMBER, SKIP_UNCHANGED};
use app::ssr::services::members::{self, MemberChange};
use app::ssr::services::{groups, Actor};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

fn fields() -> serde_json::Value {
    json!({ "role": true, "groups": true, "metadata": true })
}

/// A member as stored: role, group names (in name order) and metadata.
async fn member(app: &TestApp, email: &str) -> (Role, Vec<String>, serde_json::Value) {
    let account = user::Entity::find()
        .filter(user::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no account for {email}"));
    let found = membership::Entity::find()
        .filter(membership::Column::UserId.eq(account.id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    let groups = groups::names_of(
        &app.state.db,
        found.workspace_id,
        &[PersonId::Member(account.id)],
    )
    .await
    .unwrap()
    .remove(&PersonId::Member(account.id))
    .unwrap_or_default();
    (
        found.role,
        groups,
        serde_json::from_str(&found.metadata).unwrap(),
    )
}

/// Ada (admin) acting in acme-corp, as services take it, and her user id.
async fn ada(app: &TestApp) -> (Actor, i32) {
    let id = user_id(app, ADMIN_EMAIL).await;
    let found = membership::Entity::find()
        .filter(membership::Column::UserId.eq(id))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    (
        Actor {
            workspace_id: found.workspace_id,
            user_id: Some(id),
        },
        id,
    )
}

async fn user_id(app: &TestApp, email: &str) -> i32 {
    user::Entity::find()
        .filter(user::Column::EmailKey.eq(email))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Max in Support and Ops, with a department.
async fn max_in_support(app: &TestApp) {
    let (by, _) = ada(app).await;
    let max = user_id(app, MEMBER_EMAIL).await;
    let names = [
        GroupName::parse("Support").unwrap(),
        GroupName::parse("Ops").unwrap(),
    ];
    groups::assign(
        &app.state.db,
        by,
        PersonId::Member(max),
        &names,
        app.state.clock.now_millis(),
    )
    .await
    .unwrap();
    let found = membership::Entity::find()
        .filter(membership::Column::UserId.eq(max))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
    let mut active = found.into_active_model();
    active.metadata = Set(json!({ "department": "Ops" }).to_string());
    active.update(&app.state.db).await.unwrap();
}

fn row(
    n: usize,
    email: &str,
    role: &str,
    groups: &[&str],
    metadata: serde_json::Value,
) -> serde_json::Value {
    json!({ "row": n, "email": email, "name": null, "role": role, "groups": groups, "metadata": metadata })
}

async fn commit(
    app: &TestApp,
    admin: &reqwest::Client,
    batch: i32,
    rows: serde_json::Value,
    update: bool,
) -> Vec<RowOutcome> {
    let choices = if update {
        json!({ "create_groups": true, "update_members": fields() })
    } else {
        json!({ "create_groups": true })
    };
    let response = admin
        .post(app.url("/api/import_chunk"))
        .json(&json!({ "slug": "acme-corp", "batch_id": batch, "rows": rows, "choices": choices }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn kinds(outcomes: &[RowOutcome]) -> Vec<RowOutcomeKind> {
    outcomes.iter().map(|o| o.kind.clone()).collect()
}

const LAST_ADMIN: &str =
    "Role: this is the workspace's last admin; make someone else an admin first.";

on_every_database! {
    async fn members_are_updated_from_the_file_only_when_asked_and_the_review_shows_each_change(app) {
        app.with_workspace().await;
        max_in_support(&app).await;
        app.add_member("acme-corp", "arch@example.com", Role::Member, MEMBER_PASSWORD).await;
        let (by, _) = ada(&app).await;
        let archived = user_id(&app, "arch@example.com").await;
        members::change(&app.state, by.workspace_id, by.user_id.unwrap(), archived, MemberChange::Archive).await.unwrap();
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;

        let max_row = row(2, MEMBER_EMAIL, "Builder", &["sales", "OPS"], json!({ "department": "Sales", "site": "Lyon" }));
        // The Review: what updating would change, per member row.
        let response = admin
            .post(app.url("/api/plan_member_updates"))
            .json(&json!({ "slug": "acme-corp", "rows": [max_row, row(3, "new@example.com", "Member", &[], json!({}))], "fields": fields() }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let planned: Vec<PlannedUpdate> = response.json().await.unwrap();
        assert_eq!(planned.len(), 1, "only members are planned: {planned:?}");
        assert_eq!(planned[0].row, 2);
        assert_eq!(planned[0].changes.describe(), "Role: Member → Builder · Groups: + sales − Support · department: Ops → Sales · site: (none) → Lyon");
        let max_client = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        // A row whose Role cell was empty (the file's default role) keeps the member's role.
        let mut defaulted = row(2, MEMBER_EMAIL, "Admin", &["Support", "Ops"], json!({ "department": "Ops" }));
        defaulted["role_defaulted"] = json!(true);
        let planned: Vec<PlannedUpdate> = admin
            .post(app.url("/api/plan_member_updates"))
            .json(&json!({ "slug": "acme-corp", "rows": [defaulted], "fields": fields() }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(planned.len(), 1);
        assert!(planned[0].changes.is_empty(), "{}", planned[0].changes.describe());
        let refused = max_client.post(app.url("/api/plan_member_updates")).json(&json!({ "slug": "acme-corp", "rows": [], "fields": fields() })).send().await.unwrap();
        assert_eq!(refused.status(), 403, "admins only");

        // Off (the default): members are skipped, as before.
        let batch = start(&app, &admin, 1).await;
        let skipped = commit(&app, &admin, batch, json!([max_row]), false).await;
        assert_eq!(kinds(&skipped), [RowOutcomeKind::Skipped(SKIP_MEMBER.into())]);
        assert_eq!(member_of(&app).await.0, Role::Member);

        // On: Max changes; Ada, the last admin, cannot be made a member and her row changes nothing;
        // the archived member is skipped; a new person is invited.
        let batch = start(&app, &admin, 4).await;
        let outcomes = commit(&app, &admin, batch, json!([
            max_row,
            row(3, ADMIN_EMAIL, "Member", &["Sales"], json!({ "site": "Paris" })),
            row(4, "arch@example.com", "Builder", &[], json!({})),
            row(5, "new@example.com", "Member", &[], json!({})),
        ]), true).await;
        assert_eq!(kinds(&outcomes), [
            RowOutcomeKind::Updated("Role: Member → Builder · Groups: + sales − Support · department: Ops → Sales · site: (none) → Lyon".into()),
            RowOutcomeKind::Failed(LAST_ADMIN.into()),
            RowOutcomeKind::Skipped(SKIP_ARCHIVED.into()),
            RowOutcomeKind::Invited,
        ]);
        let (role, groups, metadata) = member_of(&app).await;
        assert_eq!(role, Role::Builder);
        assert_eq!(groups, ["Ops", "sales"], "the existing group keeps its spelling; sales is created as written");
        assert_eq!(metadata, json!({ "department": "Sales", "site": "Lyon" }));
        let (ada_role, ada_groups, ada_metadata) = member(&app, ADMIN_EMAIL).await;
        assert_eq!((ada_role, ada_groups.len(), ada_metadata), (Role::Admin, 0, json!({})), "a refused row changes nothing");
        let arch = membership::Entity::find().filter(membership::Column::UserId.eq(archived)).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((arch.role, arch.status), (Role::Member, MembershipStatus::Archived));

        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(AuditAction::MemberUpdated))
            .all(&app.state.db)
            .await
            .unwrap();
        assert_eq!(audited.len(), 1, "one entry per person updated");
        assert!(audited[0].detail.contains("people.csv"), "{}", audited[0].detail);
        let batches: Vec<app::model::imports::ImportBatchSummary> = app.call(&admin, "list_imports", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!((batches[0].counts.updated, batches[0].counts.invited, batches[0].counts.failed), (1, 1, 1));

        // The same row again changes nothing: unchanged.
        let batch2 = start(&app, &admin, 1).await;
        let again = commit(&app, &admin, batch2, json!([max_row]), true).await;
        assert_eq!(kinds(&again), [RowOutcomeKind::Skipped(SKIP_UNCHANGED.into())]);

        // Since the import, Max was made an admin by hand: the undo keeps that,
        // and puts back his groups and metadata.
        let max = user_id(&app, MEMBER_EMAIL).await;
        members::change(&app.state, by.workspace_id, by.user_id.unwrap(), max, MemberChange::Role(Role::Admin)).await.unwrap();
        let response = app.call(&admin, "undo_import", &[("slug", "acme-corp"), ("batch_id", &batch.to_string())]).await;
        assert_eq!(response.status(), 200);
        let undone: ImportUndo = response.json().await.unwrap();
        assert_eq!((undone.revoked, undone.restored, undone.stayed), (1, 1, 0));
        assert_eq!(undone.summary(), "Undone: 1 invitation revoked; 1 member's update put back.");
        let (role, groups, metadata) = member_of(&app).await;
        assert_eq!(role, Role::Admin, "changed since the import: left as it is");
        assert_eq!(groups, ["Ops", "Support"]);
        assert_eq!(metadata, json!({ "department": "Ops" }));
        // Asked again: nothing more is put back.
        let again: ImportUndo = app.call(&admin, "undo_import", &[("slug", "acme-corp"), ("batch_id", &batch.to_string())]).await.json().await.unwrap();
        assert_eq!(again.restored, 1);
        assert_eq!(member_of(&app).await.1, ["Ops", "Support"]);
    }

    async fn an_undo_puts_back_a_role_and_keeps_the_last_admin_an_admin(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // Max becomes an admin through the file, then Ada is made a member
        // by Max: Max is the last admin, and undoing cannot take that away.
        let batch = start(&app, &admin, 1).await;
        let outcomes = commit(&app, &admin, batch, json!([row(2, MEMBER_EMAIL, "Admin", &[], json!({}))]), true).await;
        assert_eq!(kinds(&outcomes), [RowOutcomeKind::Updated("Role: Member → Admin".into())]);
        let (by, ada_id) = ada(&app).await;
        let max = user_id(&app, MEMBER_EMAIL).await;
        members::change(&app.state, by.workspace_id, max, ada_id, MemberChange::Role(Role::Member)).await.unwrap();
        let output = finish(app.muster(&["imports", "undo", "--workspace", "acme-corp", &batch.to_string()])).await;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(member_of(&app).await.0, Role::Admin, "the last admin stays one");
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq(AuditAction::ImportUndone))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(audited, 1);
    }

    async fn the_command_line_and_the_json_api_update_members_and_a_dry_run_prints_the_changes(app) {
        app.with_workspace().await;
        max_in_support(&app).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hr.csv");
        // No Groups column: groups stay as they are.
        std::fs::write(&file, "Email,Role,Department\nmax@example.com,Builder,Sales\nnew@example.com,Member,Ops\n").unwrap();
        let file = file.to_string_lossy().into_owned();
        let dry = finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--update-members", "--dry-run"])).await;
        let stdout = String::from_utf8_lossy(&dry.stdout).into_owned();
        assert!(dry.status.success(), "{stdout}");
        assert!(stdout.contains("updated  max@example.com  Role: Member → Builder · Department: (none) → Sales"), "{stdout}");
        assert!(stdout.contains("1 invited · 1 updated · 0 skipped · 0 failed (dry run: nothing written)"), "{stdout}");
        assert_eq!(member_of(&app).await.0, Role::Member, "a dry run writes nothing");

        let done = finish(app.muster(&["import", &file, "--workspace", "acme-corp", "--update-members"])).await;
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stdout));
        let (role, groups, metadata) = member_of(&app).await;
        assert_eq!(role, Role::Builder);
        assert_eq!(groups, ["Ops", "Support"], "no Groups column: unchanged");
        assert_eq!(metadata, json!({ "department": "Ops", "Department": "Sales" }));

        // An empty Role cell keeps the member's role; the rest of the row still applies.
        let file2 = dir.path().join("hr2.csv");
        std::fs::write(&file2, "Email,Role,Department\nmax@example.com,,Support\n").unwrap();
        let file2 = file2.to_string_lossy().into_owned();
        let done = finish(app.muster(&["import", &file2, "--workspace", "acme-corp", "--update-members"])).await;
        let stdout = String::from_utf8_lossy(&done.stdout).into_owned();
        assert!(done.status.success(), "{stdout}");
        assert!(stdout.contains("Department: Sales → Support"), "{stdout}");
        assert!(!stdout.contains("Role:"), "{stdout}");
        assert_eq!(member_of(&app).await.0, Role::Builder, "an empty Role cell changes no role");

        // The JSON API: a field no invitation gives is left as it is.
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let token = new_token(&app, &admin, "acme-corp", "hr sync").await;
        let response = reqwest::Client::new()
            .post(app.url("/api/v1/invitations"))
            .bearer_auth(&token)
            .json(&json!({ "invitations": [{ "email": MEMBER_EMAIL, "groups": ["Support"] }], "update_members": true, "send_email": false }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["updated"], 1, "{body}");
        assert_eq!(body["rows"][0]["outcome"], "updated", "{body}");
        assert_eq!(body["rows"][0]["reason"], "Groups: − Ops", "{body}");
        let (role, groups, _) = member_of(&app).await;
        assert_eq!((role, groups), (Role::Builder, vec!["Support".to_owned()]));
    }
}

async fn member_of(app: &TestApp) -> (Role, Vec<String>, serde_json::Value) {
    member(app, MEMBER_EMAIL).await
}
