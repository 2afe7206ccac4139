//! Adversarial cases: links moved between workspaces, someone else's session,
//! markup as names, fields the server does not know, archived people signing
//! in again, and addresses spelled to slip past the checks.
use crate::support::*;
use app::domain::{MembershipStatus, Role};
use app::error::AppError;
use app::model::imports::{RowOutcome, RowOutcomeKind};
use app::model::invitations::{InviteOutcome, InviteOutcomeKind};
use app::model::signup::LinkProblem;
use app::model::workspace::WorkspaceFrame;
use app::ssr::db::entities::{invitation, membership, outbox, user, workspace};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const OWNER_EMAIL: &str = "owner@example.com";
const NEW_PASSWORD: &str = "a long new passphrase";

/// A second workspace "Other" (slug other) with its own admin, signed in.
async fn other_workspace(app: &TestApp) -> (workspace::Model, reqwest::Client) {
    let other = app.other_workspace().await;
    app.add_member("other", OWNER_EMAIL, Role::Admin, MEMBER_PASSWORD)
        .await;
    let owner = app.logged_in(OWNER_EMAIL, MEMBER_PASSWORD).await;
    (other, owner)
}

async fn workspace_id(app: &TestApp, slug: &str) -> i32 {
    workspace::Entity::find()
        .filter(workspace::Column::Slug.eq(slug))
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no workspace {slug}"))
        .id
}

/// Invites one person (with a name, no groups) and returns the invitation's id.
async fn invite_one(
    app: &TestApp,
    admin: &reqwest::Client,
    slug: &str,
    email: &str,
    name: &str,
) -> i32 {
    let response = app
        .call(
            admin,
            "invite_users",
            &[
                ("slug", slug),
                ("emails", email),
                ("name", name),
                ("role", "Member"),
                ("groups", ""),
                ("metadata", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 200, "inviting {email} to {slug}");
    let outcomes: Vec<InviteOutcome> = response.json().await.unwrap();
    match outcomes.as_slice() {
        [InviteOutcome {
            kind: InviteOutcomeKind::Invited { invitation_id },
            ..
        }] => *invitation_id,
        other => panic!("not invited: {other:?}"),
    }
}

/// The token of an invitation's working link, as "Copy invite link" gives it.
async fn token_for(
    app: &TestApp,
    admin: &reqwest::Client,
    slug: &str,
    invitation_id: i32,
) -> String {
    let response = app
        .call(
            admin,
            "invite_link",
            &[
                ("slug", slug),
                ("invitation_id", &invitation_id.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let url: String = response.json().await.unwrap();
    url.rsplit('/').next().unwrap().to_owned()
}

async fn accept(
    app: &TestApp,
    client: &reqwest::Client,
    token: &str,
    name: &str,
    password: &str,
) -> reqwest::Response {
    app.call_multipart(
        client,
        "accept_invitation",
        &[
            ("token", token),
            ("display_name", name),
            ("password", password),
        ],
        None,
    )
    .await
}

async fn invite_many(app: &TestApp, admin: &reqwest::Client, emails: &str) -> reqwest::Response {
    app.call(
        admin,
        "invite_users",
        &[
            ("slug", "acme-corp"),
            ("emails", emails),
            ("name", ""),
            ("role", "Member"),
            ("groups", ""),
            ("metadata", ""),
        ],
    )
    .await
}

async fn archive_max(app: &TestApp) {
    let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let max_id = app.user_id(MEMBER_EMAIL).await.to_string();
    let archived = app
        .call(
            &admin,
            "change_member",
            &[
                ("slug", "acme-corp"),
                ("user_id", &max_id),
                ("action", "Archive"),
            ],
        )
        .await;
    assert_eq!(archived.status(), 200);
}

async fn memberships_of(app: &TestApp, user_id: i32) -> Vec<membership::Model> {
    membership::Entity::find()
        .filter(membership::Column::UserId.eq(user_id))
        .all(&app.state.db)
        .await
        .unwrap()
}

async fn invitation_count(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn user_count(app: &TestApp) -> u64 {
    user::Entity::find().count(&app.state.db).await.unwrap()
}

async fn mail_count(app: &TestApp) -> u64 {
    outbox::Entity::find().count(&app.state.db).await.unwrap()
}

/// What a name must never be in a page: markup the browser would build.
const RAW_MARKUP: [&str; 2] = ["<script>alert(1)", "<img src=x onerror"];

on_every_database! {
    async fn a_link_from_one_workspace_joins_that_workspace_only(app) {
        app.with_workspace().await;
        let (other, _owner) = other_workspace(&app).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let token = app.invite_for_token(&admin, "eve@example.com", "").await;

        let eve = browser();
        let response = accept(&app, &eve, &token, "Eve Example", NEW_PASSWORD).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["location"], "/w/acme-corp");
        let joined: Vec<i32> = memberships_of(&app, app.user_id("eve@example.com").await).await.iter().map(|m| m.workspace_id).collect();
        assert_eq!(joined, [workspace_id(&app, "acme-corp").await]);
        let in_other = membership::Entity::find().filter(membership::Column::WorkspaceId.eq(other.id)).count(&app.state.db).await.unwrap();
        assert_eq!(in_other, 1, "only Other's own admin");
        // Her new session opens her workspace, not the other one.
        assert_eq!(app.page(&eve, "/w/other").await.status(), 403);
        let frame = app.call(&eve, "workspace_frame", &[("slug", "other")]).await;
        assert_eq!(app_error(frame).await, AppError::Forbidden);
    }

    async fn a_signature_moved_onto_another_workspaces_invitation_does_not_work(app) {
        app.with_workspace().await;
        let (other, owner) = other_workspace(&app).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let ours = app.invite_for_token(&admin, "eve@example.com", "").await;
        let bob = invite_one(&app, &owner, "other", "bob@example.com", "Bob").await;
        let theirs = token_for(&app, &owner, "other", bob).await;
        let (our_id, our_signature) = ours.split_once('.').unwrap();
        let (their_id, their_signature) = theirs.split_once('.').unwrap();
        let users = user_count(&app).await;

        // Each link is `{invitation id}.{signature}`: the signature covers the id, so neither half moves.
        for forged in [format!("{their_id}.{our_signature}"), format!("{our_id}.{their_signature}")] {
            let page = app.page(&browser(), &format!("/invite/{forged}")).await;
            assert_eq!(page.status(), 410, "{forged}");
            let html = page.text().await.unwrap();
            assert!(html.contains("This invitation link does not work"), "{forged}");
            for secret in ["bob@example.com", "eve@example.com", "Join Other", "Join Acme Corp"] {
                assert!(!html.contains(secret), "{forged} reveals {secret}");
            }
            let refused = accept(&app, &browser(), &forged, "Mallory", NEW_PASSWORD).await;
            assert_eq!(refused.status(), 410, "{forged}");
            assert_eq!(app_error(refused).await, AppError::InvalidLink(LinkProblem::Unknown), "{forged}");
        }
        assert_eq!(user_count(&app).await, users, "no account created");
        let open = invitation::Entity::find().filter(invitation::Column::AcceptedAt.is_null()).count(&app.state.db).await.unwrap();
        assert_eq!(open, 2, "both invitations still open");
        let in_other = membership::Entity::find().filter(membership::Column::WorkspaceId.eq(other.id)).count(&app.state.db).await.unwrap();
        assert_eq!(in_other, 1);
        // The real links still work afterwards.
        assert_eq!(accept(&app, &browser(), &theirs, "Bob", NEW_PASSWORD).await.status(), 200);
    }

    async fn an_admin_cannot_reach_another_workspaces_invitation_by_its_id(app) {
        app.with_workspace().await;
        let (_other, owner) = other_workspace(&app).await;
        let bob = invite_one(&app, &owner, "other", "bob@example.com", "Bob").await;
        let before = invitation::Entity::find_by_id(bob).one(&app.state.db).await.unwrap().unwrap();
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let id = bob.to_string();
        for endpoint in ["invite_link", "resend_invite", "revoke_invite"] {
            // Through Ada's own workspace: no such invitation there.
            let mine = app.call(&admin, endpoint, &[("slug", "acme-corp"), ("invitation_id", &id)]).await;
            assert_eq!(mine.status(), 404, "{endpoint}");
            // Through the other workspace: she is not its admin.
            let theirs = app.call(&admin, endpoint, &[("slug", "other"), ("invitation_id", &id)]).await;
            assert_eq!(theirs.status(), 403, "{endpoint}");
        }
        let after = invitation::Entity::find_by_id(bob).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(after, before, "the invitation is untouched (same link, not revoked)");
    }

    async fn someone_signed_in_who_opens_another_persons_link_does_not_join_as_themselves(app) {
        app.with_workspace().await;
        let (other, owner) = other_workspace(&app).await;
        let eve_invitation = invite_one(&app, &owner, "other", "eve@example.com", "Eve Example").await;
        let token = token_for(&app, &owner, "other", eve_invitation).await;
        let max_id = app.user_id(MEMBER_EMAIL).await;
        let max = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;

        // The page speaks to the invited address, and warns Max first that
        // he is signed in as someone else.
        let page = app.page(&max, &format!("/invite/{token}")).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("You were invited as <strong>eve@example.com</strong>"), "{html}");
        assert!(
            html.contains(&format!("You are signed in as <strong>{MEMBER_EMAIL}</strong>. This invitation is for <strong>eve@example.com</strong>")),
            "{html}"
        );
        assert!(!html.contains("You already have a Muster account"), "Max's account is not offered");
        // Nobody signed in, or the invitee herself: no such warning.
        let fresh = app.page(&browser(), &format!("/invite/{token}")).await.text().await.unwrap();
        assert!(!fresh.contains("You are signed in as"));

        // Max submits the form with his own password: the link makes Eve's
        // account (the invited address), never a membership for Max.
        let response = accept(&app, &max, &token, "Max Member", MEMBER_PASSWORD).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["location"], "/w/other");
        let maxs: Vec<(i32, MembershipStatus)> = memberships_of(&app, max_id).await.into_iter().map(|m| (m.workspace_id, m.status)).collect();
        assert_eq!(maxs, [(workspace_id(&app, "acme-corp").await, MembershipStatus::Active)], "Max joined nothing new");
        let eve_id = app.user_id("eve@example.com").await;
        assert_ne!(eve_id, max_id);
        let used = invitation::Entity::find_by_id(eve_invitation).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(used.accepted_user_id, Some(eve_id), "consumed by Eve's account, not Max's");
        let mut in_other: Vec<i32> = membership::Entity::find()
            .filter(membership::Column::WorkspaceId.eq(other.id))
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.user_id)
            .collect();
        in_other.sort();
        let mut expected = vec![app.user_id(OWNER_EMAIL).await, eve_id];
        expected.sort();
        assert_eq!(in_other, expected);

        // That browser is now signed in as Eve, not as Max.
        let frame: WorkspaceFrame = app.call(&max, "workspace_frame", &[("slug", "other")]).await.json().await.unwrap();
        assert_eq!(frame.viewer_email, "eve@example.com");
        assert_eq!(app.call(&max, "workspace_frame", &[("slug", "acme-corp")]).await.status(), 403);
        // Max's own account is untouched: his password still takes him to his workspace only.
        let login = app.call(&browser(), "login", &[("email", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)]).await;
        assert_eq!(login.headers()["location"], "/w/acme-corp");
    }

    async fn names_that_look_like_markup_stay_text_on_the_users_and_sign_up_pages(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // (address, name, how the name must appear in HTML: escaped, in text and in attributes alike)
        let people = [
            ("xss-1@example.com", "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
            ("xss-2@example.com", "\"><img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ];
        let mut tokens = Vec::new();
        for (email, name, _) in people {
            let id = invite_one(&app, &admin, "acme-corp", email, name).await;
            let stored = invitation::Entity::find_by_id(id).one(&app.state.db).await.unwrap().unwrap();
            assert_eq!(stored.display_name.as_deref(), Some(name), "stored as typed; escaping is the page's job");
            tokens.push(token_for(&app, &admin, "acme-corp", id).await);
        }

        let users = app.page(&admin, "/w/acme-corp/settings/users").await;
        assert_eq!(users.status(), 200);
        let html = users.text().await.unwrap();
        for (email, _, escaped) in people {
            assert!(html.contains(email), "the Users table lists {email}");
            assert!(html.contains(escaped), "Users page lacks {escaped}");
        }
        // Nowhere as markup: not in the table, and not in the data the page
        // carries for hydration (Leptos writes `<` there as \u003c).
        for raw in RAW_MARKUP {
            assert!(!html.contains(raw), "Users page holds {raw:?} as markup");
        }

        for ((_, _, escaped), token) in people.iter().zip(&tokens) {
            let signup = app.page(&browser(), &format!("/invite/{token}")).await;
            assert_eq!(signup.status(), 200);
            let html = signup.text().await.unwrap();
            // Pre-filled in the Display name field's value attribute.
            assert!(html.contains(escaped), "sign-up page lacks {escaped}");
            for raw in RAW_MARKUP {
                assert!(!html.contains(raw), "sign-up page holds {raw:?} as markup");
            }
        }
    }

    async fn fields_an_import_chunk_does_not_define_grant_nothing(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let started = app
            .call(&admin, "start_import", &[("slug", "acme-corp"), ("file_name", "people.csv"), ("total_rows", "1"), ("refused_rows", "0"), ("send_email", "false")])
            .await;
        assert_eq!(started.status(), 200);
        let batch: i32 = started.json().await.unwrap();
        let body = json!({
            "slug": "acme-corp",
            "batch_id": batch,
            // Not arguments of import_chunk.
            "role": "owner",
            "is_admin": true,
            "workspace_id": 999,
            "rows": [{
                "row": 2, "email": "mallory@example.com", "name": "Mallory", "role": "Member", "groups": [],
                // A metadata key is just data.
                "metadata": { "role": "Admin" },
                // Not fields of a row.
                "is_admin": true, "status": "active", "accepted_at": 1, "invited_by": null, "workspace_id": 999,
            }],
            "choices": { "resend_pending": false, "create_groups": false, "make_admin": true },
        });
        let response = admin.post(app.url("/api/import_chunk")).json(&body).send().await.unwrap();
        // Refusing unknown fields outright would be as good as ignoring them; granting anything is not.
        let status = response.status().as_u16();
        match status {
            200 => {
                let outcomes: Vec<RowOutcome> = response.json().await.unwrap();
                let kinds: Vec<_> = outcomes.iter().map(|o| (o.row, o.kind.clone())).collect();
                assert_eq!(kinds, [(2, RowOutcomeKind::Invited)]);
            }
            400 | 422 => {
                assert_eq!(invitation_count(&app).await, 0, "refused, and nothing written");
                return;
            }
            other => panic!("unexpected status {other}"),
        }
        let invited = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((invited.email.as_str(), invited.role.as_str()), ("mallory@example.com", "member"));
        assert_eq!(invited.workspace_id, workspace_id(&app, "acme-corp").await);
        assert!(invited.accepted_at.is_none() && invited.accepted_user_id.is_none());
        assert_eq!(user_count(&app).await, 2, "no account until the link is used");

        // Joining through the link gives the row's role, whatever else the chunk said.
        let token = token_for(&app, &admin, "acme-corp", invited.id).await;
        let mallory = browser();
        assert_eq!(accept(&app, &mallory, &token, "Mallory", NEW_PASSWORD).await.status(), 200);
        let joined = memberships_of(&app, app.user_id("mallory@example.com").await).await;
        assert_eq!(joined.len(), 1);
        assert_eq!((joined[0].role.as_str(), joined[0].status.as_str()), ("member", "active"));
        assert_eq!(app.call(&mallory, "list_people", &[("slug", "acme-corp"), ("search", ""), ("status", ""), ("page", "0")]).await.status(), 403);
        let admins = membership::Entity::find().filter(membership::Column::Role.eq("admin")).count(&app.state.db).await.unwrap();
        assert_eq!(admins, 1, "still only Ada");
    }

    async fn an_archived_member_who_signs_in_again_is_kept_out_of_the_workspace(app) {
        app.with_workspace().await;
        archive_max(&app).await;
        // A sign-in after the archive (members.rs covers a session from before it).
        let max = browser();
        let login = app.call(&max, "login", &[("email", MEMBER_EMAIL), ("password", MEMBER_PASSWORD)]).await;
        assert_eq!(login.status(), 200);
        let landing = login.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert!(!landing.starts_with("/w/acme-corp"), "landed in the workspace: {landing}");
        for path in ["/w/acme-corp", "/w/acme-corp/settings/users"] {
            let page = app.page(&max, path).await;
            assert_eq!(page.status(), 403, "{path}");
            assert!(!page.text().await.unwrap().contains(ADMIN_EMAIL), "{path} shows workspace data");
        }
        let frame = app.call(&max, "workspace_frame", &[("slug", "acme-corp")]).await;
        assert_eq!(frame.status(), 403);
        assert_eq!(app_error(frame).await, AppError::Forbidden);

        // Asking to be sent into the workspace after signing in changes nothing.
        let with_next = browser();
        let login = app
            .call(&with_next, "login", &[("email", MEMBER_EMAIL), ("password", MEMBER_PASSWORD), ("next", "/w/acme-corp")])
            .await;
        assert_eq!(login.status(), 200);
        assert_eq!(app.page(&with_next, "/w/acme-corp").await.status(), 403);
    }

    async fn someone_with_no_active_workspace_is_not_sent_from_the_start_page_back_to_itself(app) {
        app.with_workspace().await;
        archive_max(&app).await;
        let max = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        // Sign-in sends him to `/` (no workspace to land in); `/` must not send him to `/` again.
        let start = app.page(&max, "/").await;
        let status = start.status();
        let location = start.headers().get("location").and_then(|v| v.to_str().ok()).map(str::to_owned);
        assert_ne!(location.as_deref(), Some("/"), "a redirect loop (status {status})");
        if let Some(location) = location {
            assert!(!location.starts_with("/w/acme-corp"), "sent into the workspace: {location}");
        }
    }

    async fn one_invite_naming_a_person_in_several_spellings_invites_them_once(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // Case, IDN spelling, punycode spelling and a decomposed accent in the domain: two people.
        let spellings = "Dup@Example.com, dup@example.COM\nDUP@EXAMPLE.COM; jürgen@bücher.de, JÜRGEN@BÜCHER.DE, jürgen@xn--bcher-kva.de, jürgen@bu\u{308}cher.de";
        let response = invite_many(&app, &admin, spellings).await;
        assert_eq!(response.status(), 200);
        let outcomes: Vec<InviteOutcome> = response.json().await.unwrap();
        let emails: Vec<&str> = outcomes.iter().map(|o| o.email.as_str()).collect();
        assert_eq!(emails, ["Dup@example.com", "jürgen@xn--bcher-kva.de"], "{outcomes:?}");
        assert!(outcomes.iter().all(|o| matches!(o.kind, InviteOutcomeKind::Invited { .. })), "{outcomes:?}");
        assert_eq!(invitation_count(&app).await, 2);
        assert_eq!(mail_count(&app).await, 2, "one mail each");

        // Again, in a separate call and other spellings: reported, not invited twice.
        let again: Vec<InviteOutcome> = invite_many(&app, &admin, "dUP@eXAMPLE.cOM, Jürgen@XN--BCHER-KVA.DE").await.json().await.unwrap();
        assert!(again.iter().all(|o| matches!(o.kind, InviteOutcomeKind::AlreadyInvited { .. })), "{again:?}");
        assert_eq!(invitation_count(&app).await, 2);
        assert_eq!(mail_count(&app).await, 2);
    }

    async fn an_accent_typed_decomposed_before_the_at_never_makes_a_second_person(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // "jürgen" as one code point, then as u + combining diaeresis (as some systems paste it).
        let response = invite_many(&app, &admin, "jürgen@example.com, ju\u{308}rgen@example.com").await;
        match response.status().as_u16() {
            200 => {
                let outcomes: Vec<InviteOutcome> = response.json().await.unwrap();
                assert_eq!(outcomes.len(), 1, "the same address twice: {outcomes:?}");
                assert_eq!(invitation_count(&app).await, 1);
            }
            422 => {
                assert!(app_error(response).await.for_field("Email address").is_some());
                assert_eq!(invitation_count(&app).await, 0);
            }
            other => panic!("unexpected status {other}"),
        }
    }

    async fn an_international_address_is_stored_with_its_domain_in_punycode(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let response = invite_many(&app, &admin, "jürgen@bücher.de").await;
        assert_eq!(response.status(), 200);
        let outcomes: Vec<InviteOutcome> = response.json().await.unwrap();
        assert_eq!(outcomes[0].email, "jürgen@xn--bcher-kva.de");
        let stored = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((stored.email.as_str(), stored.email_key.as_str()), ("jürgen@xn--bcher-kva.de", "jürgen@xn--bcher-kva.de"));

        // The account made from the link signs in with either spelling of the domain.
        let token = token_for(&app, &admin, "acme-corp", stored.id).await;
        assert_eq!(accept(&app, &browser(), &token, "Jürgen", NEW_PASSWORD).await.status(), 200);
        let account = user::Entity::find_by_id(app.user_id("jürgen@xn--bcher-kva.de").await).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(account.email, "jürgen@xn--bcher-kva.de");
        let login = app.call(&browser(), "login", &[("email", "JÜRGEN@BÜCHER.DE"), ("password", NEW_PASSWORD)]).await;
        assert_eq!(login.status(), 200);
        assert_eq!(login.headers()["location"], "/w/acme-corp");

        // A lookalike domain (Cyrillic "а" in "exаmple") shows as its own punycode: another person.
        let lookalike: Vec<InviteOutcome> = invite_many(&app, &admin, "eve@example.com, eve@ex\u{430}mple.com").await.json().await.unwrap();
        assert_eq!(lookalike.len(), 2, "{lookalike:?}");
        assert!(lookalike.iter().all(|o| matches!(o.kind, InviteOutcomeKind::Invited { .. })), "{lookalike:?}");
        assert_eq!(lookalike[0].email, "eve@example.com");
        assert!(lookalike[1].email.starts_with("eve@xn--") && lookalike[1].email.is_ascii(), "{}", lookalike[1].email);
        assert_eq!(invitation_count(&app).await, 3);
    }

    async fn impossible_addresses_are_refused_at_the_email_field_and_nothing_is_written(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // Every part within its own limit (64 before the @, labels of 63), the whole over 254.
        let too_long = format!("{}@{}.{}.{}.com", "a".repeat(64), "b".repeat(63), "c".repeat(63), "d".repeat(63));
        assert!(too_long.len() > 254, "{}", too_long.len());
        for (bad, says) in [
            (too_long.as_str(), "at most 254 characters"),
            ("a@b", "needs a dot"),
            ("eve\0@example.com", "control characters"),
            ("\"eve\"@example.com", "not allowed before the @"),
            // A header smuggled in after a line break is an entry of its own, and refused.
            ("eve@example.com\r\nBcc: all@example.com", "spaces"),
        ] {
            // After a good address: the whole request is refused, not half of it.
            let response = invite_many(&app, &admin, &format!("fine@example.com, {bad}")).await;
            assert_eq!(response.status(), 422, "{bad:?}");
            let message = app_error(response).await.for_field("Email address");
            assert!(message.as_deref().is_some_and(|m| m.contains(says)), "{bad:?}: {message:?}");
        }
        assert_eq!(invitation_count(&app).await, 0);
        assert_eq!(mail_count(&app).await, 0);
    }
}
