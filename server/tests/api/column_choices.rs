//! Remembered column choices: saved with an import, found again for a file
//! whose headers read alike, listed, replaced by the newest, deleted; per
//! workspace and for admins only.
use crate::support::*;
use app::import::Target;
use app::model::column_choices::{ColumnChoices, SavedChoices, SavedColumn};
use serde_json::json;

fn choices(first: Target, default_role: Option<&str>) -> ColumnChoices {
    ColumnChoices {
        columns: vec![
            SavedColumn {
                target: first,
                default: None,
            },
            SavedColumn {
                target: Target::Email,
                default: None,
            },
            SavedColumn {
                target: Target::Role,
                default: default_role.map(str::to_owned),
            },
        ],
        sheet: None,
        delimiter: Some(b';'),
        encoding: None,
    }
}

const HEADERS: [&str; 3] = ["Display Label", "Primary Contact", "Access Level"];

async fn save(
    app: &TestApp,
    client: &reqwest::Client,
    file: &str,
    headers: &[&str],
    choices: &ColumnChoices,
) -> reqwest::Response {
    client
        .post(app.url("/api/save_column_choices"))
        .json(&json!({ "slug": "acme-corp", "file_name": file, "headers": headers, "choices": choices }))
        .send()
        .await
        .unwrap()
}

async fn find(app: &TestApp, client: &reqwest::Client, headers: &[&str]) -> Option<SavedChoices> {
    let response = client
        .post(app.url("/api/find_column_choices"))
        .json(&json!({ "slug": "acme-corp", "headers": headers }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn list(app: &TestApp, client: &reqwest::Client) -> Vec<SavedChoices> {
    app.call(client, "list_column_choices", &[("slug", "acme-corp")])
        .await
        .json()
        .await
        .unwrap()
}

on_every_database! {
    async fn column_choices_are_kept_per_header_signature_and_the_newest_wins(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert!(find(&app, &admin, &HEADERS).await.is_none());
        assert_eq!(save(&app, &admin, "crm-november.csv", &HEADERS, &choices(Target::Name, None)).await.status(), 200);

        // The same headers, written a little differently, find them.
        let found = find(&app, &admin, &["display label", "Primary-Contact", " Access level "]).await.expect("found");
        assert_eq!(found.file_name, "crm-november.csv");
        assert_eq!(found.headers, HEADERS);
        assert_eq!(found.choices, choices(Target::Name, None));
        assert!(find(&app, &admin, &["Primary Contact", "Display Label", "Access Level"]).await.is_none(), "another order is another file");

        assert_eq!(save(&app, &admin, "crm-december.csv", &HEADERS, &choices(Target::FirstName, Some("Member"))).await.status(), 200);
        let all = list(&app, &admin).await;
        assert_eq!(all.len(), 1, "one set per signature");
        assert_eq!(all[0].file_name, "crm-december.csv");
        assert_eq!(all[0].choices, choices(Target::FirstName, Some("Member")));

        // Choices that do not fit the headers are refused, and nothing changes.
        let mut short = choices(Target::Name, None);
        short.columns.pop();
        assert_eq!(save(&app, &admin, "bad.csv", &HEADERS, &short).await.status(), 422);
        assert_eq!(list(&app, &admin).await[0].file_name, "crm-december.csv");

        let id = all[0].id.to_string();
        assert_eq!(app.call(&admin, "delete_column_choices", &[("slug", "acme-corp"), ("id", &id)]).await.status(), 200);
        assert!(list(&app, &admin).await.is_empty());
        assert!(find(&app, &admin, &HEADERS).await.is_none());
        assert_eq!(app.call(&admin, "delete_column_choices", &[("slug", "acme-corp"), ("id", &id)]).await.status(), 404);
    }

    async fn only_admins_of_the_workspace_see_or_change_them(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        assert_eq!(save(&app, &admin, "crm.csv", &HEADERS, &choices(Target::Name, None)).await.status(), 200);
        let id = list(&app, &admin).await[0].id.to_string();
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(save(&app, &member, "crm.csv", &HEADERS, &choices(Target::Name, None)).await.status(), 403);
        assert_eq!(app.call(&member, "list_column_choices", &[("slug", "acme-corp")]).await.status(), 403);
        assert_eq!(app.call(&member, "delete_column_choices", &[("slug", "acme-corp"), ("id", &id)]).await.status(), 403);

        // Another workspace's admin neither finds nor deletes them.
        let other = app.other_workspace().await;
        app.add_member(&other.slug, "olga@example.com", app::domain::Role::Admin, "olga's long passphrase").await;
        let olga = app.logged_in("olga@example.com", "olga's long passphrase").await;
        let theirs = olga
            .post(app.url("/api/find_column_choices"))
            .json(&json!({ "slug": other.slug, "headers": HEADERS }))
            .send()
            .await
            .unwrap();
        assert_eq!(theirs.json::<Option<SavedChoices>>().await.unwrap(), None);
        assert_eq!(app.call(&olga, "delete_column_choices", &[("slug", &other.slug), ("id", &id)]).await.status(), 404);
        assert_eq!(list(&app, &admin).await.len(), 1);
    }
}
