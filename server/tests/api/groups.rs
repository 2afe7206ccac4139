//! Groups: create, rename, delete; on invitations and members; carried over on joining.
use crate::support::*;
use app::error::AppError;
use app::model::groups::GroupSummary;
use app::ssr::db::entities::audit_log;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

async fn groups(app: &TestApp, admin: &reqwest::Client) -> Vec<GroupSummary> {
    let response = app
        .call(admin, "list_groups", &[("slug", "acme-corp")])
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn summary(groups: &[GroupSummary]) -> Vec<(&str, u64, u64)> {
    groups
        .iter()
        .map(|g| (g.name.as_str(), g.members, g.invited))
        .collect()
}

async fn create(app: &TestApp, admin: &reqwest::Client, name: &str) -> reqwest::Response {
    app.call(
        admin,
        "create_group",
        &[("slug", "acme-corp"), ("name", name)],
    )
    .await
}

async fn person_groups(app: &TestApp, admin: &reqwest::Client, search: &str) -> Vec<String> {
    let page: serde_json::Value = app
        .call(
            admin,
            "list_people",
            &[
                ("slug", "acme-corp"),
                ("search", search),
                ("status", ""),
                ("page", "0"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1, "{page}");
    serde_json::from_value(page["rows"][0]["groups"].clone()).unwrap()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.starts_with("group"))
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| sea_orm::ActiveEnum::to_value(&row.action))
        .collect()
}

on_every_database! {
    async fn an_admin_creates_renames_and_deletes_groups(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let created: GroupSummary = create(&app, &admin, "  Sales ").await.json().await.unwrap();
        assert_eq!(created.name, "Sales");
        assert_eq!(create(&app, &admin, "Berlin office").await.status(), 200);

        let same = create(&app, &admin, "SALES").await;
        assert_eq!(same.status(), 409);
        assert_eq!(app_error(same).await, AppError::Conflict("A group named “SALES” already exists.".into()));
        let bad = create(&app, &admin, "a|b").await;
        assert_eq!(bad.status(), 422);
        assert!(matches!(app_error(bad).await, AppError::Invalid { field, .. } if field == "Group name"));
        assert_eq!(summary(&groups(&app, &admin).await), [("Berlin office", 0, 0), ("Sales", 0, 0)]);

        let id = created.id.to_string();
        let taken = app.call(&admin, "rename_group", &[("slug", "acme-corp"), ("group_id", &id), ("name", "berlin OFFICE")]).await;
        assert_eq!(taken.status(), 409);
        let renamed = app.call(&admin, "rename_group", &[("slug", "acme-corp"), ("group_id", &id), ("name", "Field sales")]).await;
        assert_eq!(renamed.status(), 200);
        // Changing only the case of its own name is fine.
        let recased = app.call(&admin, "rename_group", &[("slug", "acme-corp"), ("group_id", &id), ("name", "Field Sales")]).await;
        assert_eq!(recased.status(), 200);
        assert_eq!(summary(&groups(&app, &admin).await), [("Berlin office", 0, 0), ("Field Sales", 0, 0)]);

        assert_eq!(app.call(&admin, "delete_group", &[("slug", "acme-corp"), ("group_id", &id)]).await.status(), 200);
        assert_eq!(summary(&groups(&app, &admin).await), [("Berlin office", 0, 0)]);
        assert_eq!(
            audit_actions(&app).await,
            ["group.created", "group.created", "group.renamed", "group.renamed", "group.deleted"]
        );
    }

    async fn invitation_groups_are_created_as_needed_and_carried_over_on_joining(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(create(&app, &admin, "Sales").await.status(), 200);
        let token = app.invite_for_token(&admin, "eve@example.com", "sales | Berlin;  ").await;
        // "sales" is the existing group, "Berlin" a new one.
        assert_eq!(summary(&groups(&app, &admin).await), [("Berlin", 0, 1), ("Sales", 0, 1)]);
        assert_eq!(person_groups(&app, &admin, "eve").await, ["Berlin", "Sales"]);

        let joined = app
            .call_multipart(&browser(), "accept_invitation", &[("token", &token), ("display_name", "Eve"), ("password", "a long new passphrase")], None)
            .await;
        assert_eq!(joined.status(), 200);
        assert_eq!(summary(&groups(&app, &admin).await), [("Berlin", 1, 0), ("Sales", 1, 0)]);
        assert_eq!(person_groups(&app, &admin, "eve").await, ["Berlin", "Sales"]);
    }

    async fn an_admin_changes_the_groups_of_members_and_of_invited_people(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let max_id = app.user_id(MEMBER_EMAIL).await.to_string();
        let set = app
            .call(&admin, "set_person_groups", &[("slug", "acme-corp"), ("person[Member]", &max_id), ("groups", "Ops, Support")])
            .await;
        assert_eq!(set.status(), 200);
        assert_eq!(set.json::<Vec<String>>().await.unwrap(), ["Ops", "Support"]);
        assert_eq!(person_groups(&app, &admin, MEMBER_EMAIL).await, ["Ops", "Support"]);

        app.invite_for_token(&admin, "eve@example.com", "Ops").await;
        let page: serde_json::Value = app
            .call(&admin, "list_people", &[("slug", "acme-corp"), ("search", "eve"), ("status", ""), ("page", "0")])
            .await.json().await.unwrap();
        let invitation_id = page["rows"][0]["id"]["Invitation"].to_string();
        let moved = app
            .call(&admin, "set_person_groups", &[("slug", "acme-corp"), ("person[Invitation]", &invitation_id), ("groups", "support")])
            .await;
        assert_eq!(moved.json::<Vec<String>>().await.unwrap(), ["Support"], "the existing group keeps its spelling");
        assert_eq!(summary(&groups(&app, &admin).await), [("Ops", 1, 0), ("Support", 1, 1)]);

        // Deleting a group takes it off people; the people stay.
        let ops = groups(&app, &admin).await[0].id.to_string();
        assert_eq!(app.call(&admin, "delete_group", &[("slug", "acme-corp"), ("group_id", &ops)]).await.status(), 200);
        assert_eq!(person_groups(&app, &admin, MEMBER_EMAIL).await, ["Support"]);

        let cleared = app
            .call(&admin, "set_person_groups", &[("slug", "acme-corp"), ("person[Member]", &max_id), ("groups", "")])
            .await;
        assert_eq!(cleared.status(), 200);
        assert!(person_groups(&app, &admin, MEMBER_EMAIL).await.is_empty());
    }

    async fn groups_of_another_workspace_are_out_of_reach(app) {
        app.with_workspace().await;
        let other = app.other_workspace().await;
        let foreign = app::ssr::db::entities::group::ActiveModel {
            workspace_id: Set(other.id),
            name: Set("Secret".into()),
            name_key: Set("secret".into()),
            created_at: Set(0),
            ..Default::default()
        }
        .insert(&app.state.db)
        .await
        .unwrap();
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let id = foreign.id.to_string();
        for (endpoint, form) in [
            ("rename_group", vec![("slug", "acme-corp"), ("group_id", id.as_str()), ("name", "Mine")]),
            ("delete_group", vec![("slug", "acme-corp"), ("group_id", id.as_str())]),
        ] {
            assert_eq!(app.call(&admin, endpoint, &form).await.status(), 404, "{endpoint}");
        }
        assert!(groups(&app, &admin).await.is_empty(), "acme-corp sees none of other's groups");
        // The same name in acme-corp is a different group.
        assert_eq!(create(&app, &admin, "Secret").await.status(), 200);
    }
}
