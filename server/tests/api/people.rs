//! The Users table: paging, search, status filter and sort, done by the database.
use crate::support::*;
use app::domain::{Email, Metadata, Role};
use app::error::AppError;
use app::ssr::services::invitations::{self, InviteRequest};

async fn invite_many(app: &TestApp, count: usize) {
    let emails = (0..count)
        .map(|i| Email::parse(&format!("person{i:03}@example.com")).unwrap())
        .collect();
    let request = InviteRequest {
        emails,
        name: None,
        role: Role::Member,
        groups: Vec::new(),
        metadata: Metadata::default(),
        send_email: false,
        expiry: None,
        message: None,
    };
    invitations::invite(
        &app.state,
        app::ssr::services::Actor {
            workspace_id: 1,
            user_id: None,
        },
        request,
    )
    .await
    .unwrap();
}

async fn invite_one(app: &TestApp, email: &str) {
    let request = InviteRequest {
        emails: vec![Email::parse(email).unwrap()],
        name: None,
        role: Role::Member,
        groups: Vec::new(),
        metadata: Metadata::default(),
        send_email: false,
        expiry: None,
        message: None,
    };
    let by = app::ssr::services::Actor {
        workspace_id: 1,
        user_id: None,
    };
    invitations::invite(&app.state, by, request).await.unwrap();
}

/// How many changes the workspaces' tallies hold.
async fn tally_rows(app: &TestApp) -> i64 {
    use sea_orm::{ConnectionTrait, Statement};
    let backend = app.state.db.get_database_backend();
    let row = app
        .state
        .db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM people_tallies",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

async fn people(
    app: &TestApp,
    admin: &reqwest::Client,
    search: &str,
    status: &str,
    page: &str,
    sort: &str,
) -> serde_json::Value {
    let response = app
        .call(
            admin,
            "list_people",
            &[
                ("slug", "acme-corp"),
                ("search", search),
                ("status", status),
                ("page", page),
                ("sort", sort),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn people_after(
    app: &TestApp,
    admin: &reqwest::Client,
    search: &str,
    status: &str,
    page: &str,
    sort: &str,
    after: &str,
) -> serde_json::Value {
    let response = app
        .call(
            admin,
            "list_people",
            &[
                ("slug", "acme-corp"),
                ("search", search),
                ("status", status),
                ("page", page),
                ("sort", sort),
                ("after", after),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn emails(page: &serde_json::Value) -> Vec<String> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["email"].as_str().unwrap().to_owned())
        .collect()
}

on_every_database! {
    async fn the_table_pages_through_members_and_invitations(app) {
        app.with_workspace().await;
        invite_many(&app, 120).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let first = people(&app, &admin, "", "", "0", "email").await;
        assert_eq!(first["total"], 122);
        assert_eq!(emails(&first).len(), 50);
        assert_eq!(emails(&first)[0], ADMIN_EMAIL);
        let last = people(&app, &admin, "", "", "2", "email").await;
        assert_eq!(emails(&last).len(), 22);
        // Past the end: the last page.
        assert_eq!(people(&app, &admin, "", "", "99", "email").await["page"], 2);
        // Named people first when sorting by name; the unnamed after them.
        let by_name = people(&app, &admin, "", "", "0", "name").await;
        assert_eq!(&emails(&by_name)[..2], [ADMIN_EMAIL, MEMBER_EMAIL]);
        let newest = people(&app, &admin, "", "", "0", "newest").await;
        assert_eq!(emails(&newest)[0], "person119@example.com");
    }

    async fn search_and_status_filter_are_literal_and_combined(app) {
        app.with_workspace().await;
        invite_many(&app, 30).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let found = people(&app, &admin, "PERSON01", "", "0", "email").await;
        assert_eq!(emails(&found), (10..20).map(|i| format!("person0{i}@example.com")).collect::<Vec<_>>());
        assert_eq!(people(&app, &admin, "%", "", "0", "email").await["total"], 0, "% is literal");
        assert_eq!(people(&app, &admin, "_", "", "0", "email").await["total"], 0, "_ is literal");
        assert_eq!(people(&app, &admin, "", "active", "0", "email").await["total"], 2);
        assert_eq!(people(&app, &admin, "", "invited", "0", "email").await["total"], 30);
        assert_eq!(people(&app, &admin, "ada", "invited", "0", "email").await["total"], 0);
    }

    async fn a_person_appears_once_whatever_their_invitation_history(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // Invite, revoke, invite again: one row, the newest invitation.
        let invite = |email: &'static str| {
            let (app, admin) = (&app, &admin);
            async move {
                app.call(admin, "invite_users", &[("slug", "acme-corp"), ("emails", email), ("name", ""), ("role", "Member"), ("metadata", "")])
                    .await
                    .json::<serde_json::Value>()
                    .await
                    .unwrap()
            }
        };
        let first = invite("zoe@example.com").await;
        let id = first[0]["kind"]["Invited"]["invitation_id"].to_string();
        app.call(&admin, "revoke_invite", &[("slug", "acme-corp"), ("invitation_id", &id)]).await;
        let revoked = people(&app, &admin, "zoe", "", "0", "email").await;
        assert_eq!(revoked["rows"][0]["status"], "Revoked");
        invite("zoe@example.com").await;
        let again = people(&app, &admin, "zoe", "", "0", "email").await;
        assert_eq!(again["total"], 1);
        assert_eq!(again["rows"][0]["status"]["Invited"]["has_account"], false);
        // A member invited elsewhere never shows twice here.
        assert_eq!(people(&app, &admin, MEMBER_EMAIL, "", "0", "email").await["total"], 1);
    }

    async fn next_page_reads_from_where_the_last_ended_and_matches_counting_from_the_start(app) {
        app.with_workspace().await;
        // 232 people: pages in the back half, asked for by number, are
        // counted from the end, the fourth with rows after it, the fifth without.
        invite_many(&app, 230).await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        for (search, status, sort) in [("", "", "name"), ("", "", "email"), ("", "", "newest"), ("person1", "", "name"), ("", "invited", "newest")] {
            let mut after = String::new();
            let mut page = 0;
            loop {
                let counted = people(&app, &admin, search, status, &page.to_string(), sort).await;
                let walked = people_after(&app, &admin, search, status, &page.to_string(), sort, &after).await;
                assert_eq!(emails(&walked), emails(&counted), "{sort} page {page} of {search:?} {status:?}");
                let total = counted["total"].as_u64().unwrap() as usize;
                assert_eq!(emails(&counted).len(), (total - 50 * page).min(50), "{sort} page {page}");
                assert_eq!(walked["total"], counted["total"]);
                match walked["next"].as_str() {
                    Some(next) => after = next.to_owned(),
                    None => break,
                }
                page += 1;
            }
            let total = people(&app, &admin, search, status, "0", sort).await["total"].as_u64().unwrap();
            assert_eq!(page as u64, total.saturating_sub(1) / 50, "{sort}: next until the last page");
        }
        // The status order sorts every row anyway: no cursor.
        assert!(people(&app, &admin, "", "", "0", "status").await["next"].is_null());
        // A cursor that is not one is refused, and says what to do.
        let response = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", ""), ("status", ""), ("page", "1"), ("sort", "name"), ("after", "[1]")])
            .await;
        assert_eq!(response.status(), 422);
        assert!(matches!(app_error(response).await, AppError::Invalid { field, .. } if field == "Page"));
    }

    async fn totals_come_from_tallies_that_stay_right_when_folded_and_as_links_expire(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // One invitation at a time: each appends its own change to the tallies.
        for i in 0..300 {
            invite_one(&app, &format!("one{i:03}@example.com")).await;
        }
        assert!(tally_rows(&app).await > 256);
        assert_eq!(people(&app, &admin, "", "", "0", "email").await["total"], 302);
        assert!(tally_rows(&app).await <= 4, "the changes were folded");
        assert_eq!(people(&app, &admin, "", "", "0", "email").await["total"], 302);
        assert_eq!(people(&app, &admin, "", "active", "0", "email").await["total"], 2);
        assert_eq!(people(&app, &admin, "", "invited", "0", "email").await["total"], 300);
        assert_eq!(people(&app, &admin, "", "expired", "0", "email").await["total"], 0);
        // Past their week, the same invitations count as expired, none as invited.
        app.state.clock.advance(8 * 24 * 3_600_000);
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(people(&app, &admin, "", "invited", "0", "email").await["total"], 0);
        assert_eq!(people(&app, &admin, "", "expired", "0", "email").await["total"], 300);
        assert_eq!(people(&app, &admin, "", "", "0", "email").await["total"], 302);
    }

    async fn the_index_matches_a_rebuild_from_scratch_after_every_kind_of_change(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        // Invite three; revoke one, re-invite it; resend one; one joins (with a name).
        let zoe = app.invite_for_token(&admin, "zoe@example.com", "").await;
        app.invite_for_token(&admin, "yan@example.com", "").await;
        app.invite_for_token(&admin, "Xia@Example.com", "").await;
        let listed = people(&app, &admin, "yan", "", "0", "email").await;
        let yan = listed["rows"][0]["id"]["Invitation"].to_string();
        app.call(&admin, "revoke_invite", &[("slug", "acme-corp"), ("invitation_id", &yan)]).await;
        app.invite_for_token(&admin, "yan@example.com", "").await;
        let listed = people(&app, &admin, "xia", "", "0", "email").await;
        let xia = listed["rows"][0]["id"]["Invitation"].to_string();
        app.call(&admin, "resend_invite", &[("slug", "acme-corp"), ("invitation_id", &xia)]).await;
        let joined = app
            .call_multipart(&browser(), "accept_invitation", &[("token", &zoe), ("display_name", "Émile Zola"), ("password", "a long new passphrase")], None)
            .await;
        assert_eq!(joined.status(), 200);
        // Archive the new member, then remove Max.
        let zoe_id = app.user_id("zoe@example.com").await.to_string();
        let max_id = app.user_id(MEMBER_EMAIL).await.to_string();
        app.call(&admin, "change_member", &[("slug", "acme-corp"), ("user_id", &zoe_id), ("action", "Archive")]).await;
        app.call(&admin, "change_member", &[("slug", "acme-corp"), ("user_id", &max_id), ("action", "Remove")]).await;

        let kept = index_rows(&app).await;
        let states: Vec<(&str, &str, &str)> = kept.iter().map(|r| (r.email_key.as_str(), r.kind.as_str(), r.state.as_str())).collect();
        assert_eq!(
            states,
            [
                ("ada@example.com", "member", "active"),
                ("xia@example.com", "invitation", "open"),
                ("yan@example.com", "invitation", "open"),
                ("zoe@example.com", "member", "archived"),
            ]
        );
        app::ssr::services::invitations::index::rebuild_all(&app.state.db).await.unwrap();
        assert_eq!(index_rows(&app).await, kept, "kept in step with the source tables");

        // Sorting and searching use Unicode lower case, not ASCII only.
        let found = people(&app, &admin, "ÉMILE", "", "0", "name").await;
        assert_eq!(emails(&found), ["zoe@example.com"]);
        assert_eq!(people(&app, &admin, "", "archived", "0", "name").await["total"], 1);
        let by_status = people(&app, &admin, "", "", "0", "status").await;
        assert_eq!(emails(&by_status), ["ada@example.com", "zoe@example.com", "Xia@example.com", "yan@example.com"]);
    }
}

/// The `people` index as it stands, in a stable order.
pub(crate) async fn index_rows(app: &TestApp) -> Vec<app::ssr::db::entities::person_index::Model> {
    use app::ssr::db::entities::person_index;
    use sea_orm::{EntityTrait, QueryOrder};
    person_index::Entity::find()
        .order_by_asc(person_index::Column::WorkspaceId)
        .order_by_asc(person_index::Column::EmailKey)
        .all(&app.state.db)
        .await
        .unwrap()
}
