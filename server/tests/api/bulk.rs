//! Bulk changes from the Users table: everyone matching a filter or the
//! people ticked, done a chunk per call, each chunk once, audited as one
//! entry, with the people it did not apply to counted by reason; and the same
//! through the JSON API and the command line.
use crate::support::*;
use app::domain::{Email, GroupName, Metadata, Role};
use app::model::bulk::{BulkAction, BulkProgress, BulkRequest, BulkTarget, Skipped};
use app::model::users::PersonId;
use app::ssr::db::entities::{audit_log, invitation, membership, outbox};
use app::ssr::services::audit::AuditAction;
use app::ssr::services::invitations::{self, InviteRequest};
use app::ssr::services::{bulk, Actor};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const DAY: i64 = 86_400_000;

/// Invites these addresses into acme-corp at once (mail on), as the admin.
async fn invite(app: &TestApp, emails: &[String]) -> Actor {
    let by = Actor {
        workspace_id: workspace_id(app).await,
        user_id: Some(app.user_id(ADMIN_EMAIL).await),
    };
    invitations::invite(
        &app.state,
        by,
        InviteRequest {
            emails: emails.iter().map(|e| Email::parse(e).unwrap()).collect(),
            name: None,
            role: Role::Member,
            groups: Vec::new(),
            metadata: Metadata::default(),
            send_email: true,
            expiry: None,
            message: None,
        },
    )
    .await
    .unwrap();
    by
}

async fn workspace_id(app: &TestApp) -> i32 {
    app::ssr::services::workspaces::find_by_slug(&app.state.db, "acme-corp")
        .await
        .unwrap()
        .unwrap()
        .id
}

fn people(prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| format!("{prefix}{i:05}@example.com"))
        .collect()
}

async fn start(app: &TestApp, admin: &reqwest::Client, request: BulkRequest) -> BulkProgress {
    let response = admin
        .post(app.url("/api/start_bulk_change"))
        .json(&json!({ "slug": "acme-corp", "request": request }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn step(app: &TestApp, admin: &reqwest::Client, at: &BulkProgress) -> reqwest::Response {
    admin
        .post(app.url("/api/continue_bulk_change"))
        .json(&json!({ "slug": "acme-corp", "id": at.id, "cursor": at.cursor }))
        .send()
        .await
        .unwrap()
}

/// Steps to the end as the page does; returns every answer.
async fn to_the_end(
    app: &TestApp,
    admin: &reqwest::Client,
    mut at: BulkProgress,
) -> Vec<BulkProgress> {
    let mut seen = vec![at.clone()];
    while !at.finished {
        let response = step(app, admin, &at).await;
        assert_eq!(response.status(), 200);
        at = response.json().await.unwrap();
        seen.push(at.clone());
    }
    seen
}

fn expired(action: BulkAction) -> BulkRequest {
    BulkRequest {
        action,
        role: None,
        group: None,
        target: BulkTarget::Matching {
            search: String::new(),
            status: "expired".into(),
        },
    }
}

async fn open_invitations(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .filter(invitation::Column::RevokedAt.is_null())
        .filter(invitation::Column::AcceptedAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn audit_entries(app: &TestApp, action: AuditAction) -> Vec<serde_json::Value> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| serde_json::from_str(&entry.detail).unwrap())
        .collect()
}

fn skipped(reason: &str, count: u64) -> Skipped {
    Skipped {
        reason: reason.into(),
        count,
    }
}

on_every_database! {
    async fn revoking_everyone_expired_goes_chunk_by_chunk_and_is_audited_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &people("old", 2_345)).await;
        app.state.clock.advance(8 * DAY);
        invite(&app, &people("new", 3)).await;

        let started = start(&app, &admin, expired(BulkAction::Revoke)).await;
        assert_eq!((started.total, started.done, started.applied), (2_345, 0, 0));
        assert_eq!(open_invitations(&app).await, 2_348, "nothing changes before the first step");
        let answers = to_the_end(&app, &admin, started).await;
        let done: Vec<u64> = answers.iter().map(|a| a.done).collect();
        assert_eq!(done, [0, 1_000, 2_000, 2_345], "a chunk of 1,000 per call, with progress");
        let last = answers.last().unwrap();
        assert_eq!(last.applied, 2_345);
        assert_eq!(last.summary, "Revoked 2,345 invitations.");
        assert_eq!(open_invitations(&app).await, 3, "the unexpired ones are left");

        let entries = audit_entries(&app, AuditAction::BulkChanged).await;
        assert_eq!(entries.len(), 1, "one entry for the whole change");
        assert_eq!(entries[0]["applied"], 2_345);
        assert_eq!(entries[0]["finished"], true);
        assert!(audit_entries(&app, AuditAction::InvitationRevoked).await.is_empty());
        let index = crate::people::index_rows(&app).await;
        app::ssr::services::invitations::index::rebuild(&app.state.db, workspace_id(&app).await).await.unwrap();
        assert_eq!(index, crate::people::index_rows(&app).await, "the Users index is as a rebuild makes it");
    }

    async fn a_step_asked_for_twice_is_done_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &people("p", 3)).await;
        app.state.clock.advance(8 * DAY);
        let mails_before = outbox::Entity::find().count(&app.state.db).await.unwrap();
        let started = start(&app, &admin, expired(BulkAction::Resend)).await;
        let (first, again) = futures_util::future::join(step(&app, &admin, &started), step(&app, &admin, &started)).await;
        assert_eq!((first.status().as_u16(), again.status().as_u16()), (200, 200));
        let first: BulkProgress = first.json().await.unwrap();
        let again: BulkProgress = again.json().await.unwrap();
        assert_eq!(first, again, "the second is answered with where the change stands");
        assert_eq!(first.applied, 3);
        assert_eq!(outbox::Entity::find().count(&app.state.db).await.unwrap(), mails_before + 3, "one new mail each");
        let late: BulkProgress = step(&app, &admin, &started).await.json().await.unwrap();
        assert_eq!(late, first);
    }

    async fn people_it_does_not_apply_to_are_counted_by_reason(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let by = invite(&app, &people("p", 2)).await;
        let [first, second] = [0, 1].map(|i| format!("p{i:05}@example.com"));
        let ids: Vec<i32> = invitation::Entity::find().all(&app.state.db).await.unwrap().iter().map(|i| i.id).collect();
        invitations::revoke_one(&app.state, by, ids[1]).await.unwrap();
        let max = app.user_id(MEMBER_EMAIL).await;
        let request = BulkRequest {
            action: BulkAction::Resend,
            role: None,
            group: None,
            target: BulkTarget::People(vec![PersonId::Invitation(ids[0]), PersonId::Invitation(ids[1]), PersonId::Member(max)]),
        };
        let answers = to_the_end(&app, &admin, start(&app, &admin, request).await).await;
        let last = answers.last().unwrap();
        assert_eq!(last.applied, 1, "{first} is resent");
        assert_eq!(last.skipped, [skipped("already a member", 1), skipped("revoked", 1)], "{second} was revoked");
        assert_eq!(last.summary, "Resent 1 invitation; 2 skipped (already a member: 1, revoked: 1).");
    }

    async fn the_workspace_keeps_an_admin_whatever_is_archived_or_removed(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app.add_member("acme-corp", "bea@example.com", Role::Admin, MEMBER_PASSWORD).await;
        app.add_member("acme-corp", "cy@example.com", Role::Admin, MEMBER_PASSWORD).await;
        let everyone_active = BulkRequest {
            action: BulkAction::Archive,
            role: None,
            group: None,
            target: BulkTarget::Matching { search: String::new(), status: "active".into() },
        };
        let answers = to_the_end(&app, &admin, start(&app, &admin, everyone_active).await).await;
        let last = answers.last().unwrap();
        assert_eq!((last.total, last.applied), (4, 3));
        assert_eq!(last.skipped, [skipped("the workspace's last admin", 1)]);
        let active_admins = membership::Entity::find()
            .filter(membership::Column::Role.eq(Role::Admin))
            .filter(membership::Column::Status.eq(app::domain::MembershipStatus::Active))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(active_admins, 1);
    }

    async fn roles_and_groups_change_for_members_and_invitations_alike(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &people("p", 1)).await;
        let invitation_id = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap().id;
        let max = app.user_id(MEMBER_EMAIL).await;
        let both = BulkTarget::People(vec![PersonId::Invitation(invitation_id), PersonId::Member(max)]);
        let request = |action, role, group: Option<&str>| BulkRequest {
            action,
            role,
            group: group.map(str::to_owned),
            target: both.clone(),
        };
        let run = |r: BulkRequest| {
            let (app, admin) = (&app, &admin);
            async move { to_the_end(app, admin, start(app, admin, r).await).await.pop().unwrap() }
        };

        let made = run(request(BulkAction::ChangeRole, Some(Role::Builder), None)).await;
        assert_eq!((made.applied, made.summary.as_str()), (2, "Made 2 people Builder."));
        let again = run(request(BulkAction::ChangeRole, Some(Role::Builder), None)).await;
        assert_eq!(again.skipped, [skipped("already that role", 2)]);
        let invitation = invitation::Entity::find_by_id(invitation_id).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(invitation.role, Role::Builder);

        let added = run(request(BulkAction::AddToGroup, None, Some("Night shift"))).await;
        assert_eq!(added.summary, "Added 2 people to Night shift.");
        let page: serde_json::Value = app.call(&admin, "list_people", &[("slug", "acme-corp"), ("search", ""), ("status", ""), ("page", "0")]).await.json().await.unwrap();
        let in_group = page["rows"].as_array().unwrap().iter().filter(|r| r["groups"] == json!(["Night shift"])).count();
        assert_eq!(in_group, 2, "the group was made, and both are in it: {page}");
        let twice = run(request(BulkAction::AddToGroup, None, Some("night SHIFT"))).await;
        assert_eq!(twice.skipped, [skipped("already in the group", 2)]);
        let out = run(request(BulkAction::RemoveFromGroup, None, Some("Night shift"))).await;
        assert_eq!(out.applied, 2);

        let missing = admin
            .post(app.url("/api/start_bulk_change"))
            .json(&json!({ "slug": "acme-corp", "request": request(BulkAction::RemoveFromGroup, None, Some("Nobody here")) }))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), 422);
        let no_role = admin
            .post(app.url("/api/start_bulk_change"))
            .json(&json!({ "slug": "acme-corp", "request": request(BulkAction::ChangeRole, None, None) }))
            .send()
            .await
            .unwrap();
        assert_eq!(no_role.status(), 422);
    }

    async fn only_admins_of_the_workspace_run_bulk_changes(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        let refused = member
            .post(app.url("/api/start_bulk_change"))
            .json(&json!({ "slug": "acme-corp", "request": expired(BulkAction::Revoke) }))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        let started = start(&app, &admin, expired(BulkAction::Revoke)).await;
        assert_eq!(step(&app, &member, &started).await.status(), 403);
        // Another workspace's admin cannot step it either.
        let other = app.other_workspace().await;
        app.add_member(&other.slug, "olga@example.com", Role::Admin, MEMBER_PASSWORD).await;
        let olga = app.logged_in("olga@example.com", MEMBER_PASSWORD).await;
        let foreign = olga
            .post(app.url("/api/continue_bulk_change"))
            .json(&json!({ "slug": "other", "id": started.id, "cursor": "" }))
            .send()
            .await
            .unwrap();
        assert_eq!(foreign.status(), 404);
    }

    async fn the_json_api_and_the_command_line_do_the_same(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        invite(&app, &people("p", 4)).await;
        let token: app::model::api_tokens::CreatedApiToken = app
            .call(&admin, "create_api_token", &[("slug", "acme-corp"), ("name", "bulk")])
            .await
            .json()
            .await
            .unwrap();
        let answer = reqwest::Client::new()
            .post(app.url("/api/v1/bulk"))
            .bearer_auth(&token.secret)
            .json(&json!({ "action": "revoke", "emails": ["p00000@example.com", "p00001@example.com", "nobody@example.com"] }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let result: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(result["applied"], 2);
        assert_eq!(result["skipped"], json!([{ "reason": "not in this workspace", "count": 1 }]));
        assert_eq!(result["summary"], "Revoked 2 invitations; 1 skipped (not in this workspace: 1).");
        let bad = reqwest::Client::new()
            .post(app.url("/api/v1/bulk"))
            .bearer_auth(&token.secret)
            .json(&json!({ "action": "archive", "status": "sleeping" }))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400);

        let output = finish(app.muster(&["invites", "revoke", "--workspace", "acme-corp", "--status", "invited"])).await;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "Revoked 2 invitations.");
        assert_eq!(open_invitations(&app).await, 0);
        let output = finish(app.muster(&["people", "change-role", "--workspace", "acme-corp", "--role", "builder", MEMBER_EMAIL])).await;
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "Made 1 person Builder.");
        let output = finish(app.muster(&["people", "archive", "--workspace", "acme-corp"])).await;
        assert!(!output.status.success(), "whom must be said");
    }
}

#[tokio::test]
async fn a_bulk_change_started_from_the_service_runs_to_its_end() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    app.with_workspace().await;
    let by = invite(&app, &people("p", 2)).await;
    let done = bulk::run(
        &app.state,
        by,
        bulk::NewBulk {
            action: BulkAction::AddToGroup,
            role: None,
            group: Some(GroupName::parse("Ops").unwrap()),
            target: bulk::Target::Matching {
                search: String::new(),
                status: None,
            },
        },
    )
    .await
    .unwrap();
    assert!(done.finished);
    assert_eq!(
        (done.total, done.applied),
        (4, 4),
        "two invitations and two members"
    );
}
