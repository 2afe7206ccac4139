//! The JSON API under /api/v1: tokens made on the API tokens page, the same
//! per-row results as an import, listing, resending, revoking, OpenAPI.
use crate::support::*;
use app::domain::Role;
use app::model::api_tokens::{ApiTokenSummary, CreatedApiToken};
use app::ssr::db::entities::{api_token, invitation, outbox};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

pub(crate) async fn new_token(
    app: &TestApp,
    admin: &reqwest::Client,
    slug: &str,
    name: &str,
) -> String {
    let response = app
        .call(admin, "create_api_token", &[("slug", slug), ("name", name)])
        .await;
    assert_eq!(response.status(), 200);
    let created: CreatedApiToken = response.json().await.unwrap();
    created.secret
}

fn api(app: &TestApp, token: &str) -> impl Fn(reqwest::Method, &str) -> reqwest::RequestBuilder {
    let (base, token) = (app.url("/api/v1"), token.to_owned());
    move |method, path| {
        reqwest::Client::new()
            .request(method, format!("{base}{path}"))
            .bearer_auth(&token)
    }
}

async fn json_of(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

on_every_database! {
    async fn admins_create_tokens_shown_once_and_stored_as_hashes(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let secret = new_token(&app, &admin, "acme-corp", "HR sync").await;
        assert!(secret.starts_with("mst_") && secret.len() >= 4 + 43, "{secret}");
        let stored = api_token::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_ne!(stored.token_hash, secret);
        assert!(!stored.token_hash.contains(&secret[4..]));
        let listed: Vec<ApiTokenSummary> = app.call(&admin, "list_api_tokens", &[("slug", "acme-corp")]).await.json().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!((listed[0].name.as_str(), listed[0].hint.as_str()), ("HR sync", &secret[secret.len() - 4..]));
        assert_eq!(listed[0].created_by.as_deref(), Some("Ada Admin"));
        let page = app.page(&admin, "/w/acme-corp/settings/api-tokens").await.text().await.unwrap();
        assert!(page.contains("HR sync") && !page.contains(&secret), "the page never shows a secret again");

        // Members cannot see, make or revoke tokens.
        let member = app.logged_in(MEMBER_EMAIL, MEMBER_PASSWORD).await;
        assert_eq!(app.call(&member, "list_api_tokens", &[("slug", "acme-corp")]).await.status(), 403);
        assert_eq!(app.call(&member, "create_api_token", &[("slug", "acme-corp"), ("name", "mine")]).await.status(), 403);
        let id = listed[0].id.to_string();
        assert_eq!(app.call(&member, "revoke_api_token", &[("slug", "acme-corp"), ("token_id", &id)]).await.status(), 403);
        // A name is needed.
        assert_eq!(app.call(&admin, "create_api_token", &[("slug", "acme-corp"), ("name", "  ")]).await.status(), 422);
    }

    async fn a_request_needs_a_live_token_of_its_workspace(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let secret = new_token(&app, &admin, "acme-corp", "script").await;
        let url = app.url("/api/v1/invitations");
        let bare = reqwest::get(&url).await.unwrap();
        assert_eq!(bare.status(), 401);
        assert_eq!(bare.headers()["www-authenticate"], "Bearer");
        let (_, body) = json_of(bare).await;
        assert_eq!(body["error"]["code"], "unauthenticated");
        for wrong in ["mst_nope", &format!("{secret}x"), &secret[..secret.len() - 1], "Bearer"] {
            assert_eq!(api(&app, wrong)(reqwest::Method::GET, "/invitations").send().await.unwrap().status(), 401, "{wrong}");
        }
        // A browser session is not a token.
        assert_eq!(admin.get(&url).send().await.unwrap().status(), 401);
        assert_eq!(api(&app, &secret)(reqwest::Method::GET, "/invitations").send().await.unwrap().status(), 200);
        let used = api_token::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert!(used.last_used_at.is_some());

        let id = used.id.to_string();
        assert_eq!(app.call(&admin, "revoke_api_token", &[("slug", "acme-corp"), ("token_id", &id)]).await.status(), 200);
        assert_eq!(api(&app, &secret)(reqwest::Method::GET, "/invitations").send().await.unwrap().status(), 401, "revoked at once");

        // A token reaches only its own workspace's invitations.
        app.other_workspace().await;
        app.add_member("other", "olga@example.com", app::domain::Role::Admin, ADMIN_PASSWORD).await;
        let olga = app.logged_in("olga@example.com", ADMIN_PASSWORD).await;
        let other_token = new_token(&app, &olga, "other", "theirs").await;
        let mine = new_token(&app, &admin, "acme-corp", "mine").await;
        let (_, created) = json_of(api(&app, &mine)(reqwest::Method::POST, "/invitations")
            .json(&json!({ "invitations": [{ "email": "eve@example.com" }], "send_email": false }))
            .send().await.unwrap()).await;
        assert_eq!(created["invited"], 1, "{created}");
        let eve = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        let theirs = api(&app, &other_token);
        let (_, listed) = json_of(theirs(reqwest::Method::GET, "/invitations").send().await.unwrap()).await;
        assert_eq!(listed["total"], 0, "{listed}");
        for action in ["resend", "revoke"] {
            let response = theirs(reqwest::Method::POST, &format!("/invitations/{}/{action}", eve.id)).send().await.unwrap();
            assert_eq!(response.status(), 404, "{action}");
        }
        assert!(invitation::Entity::find_by_id(eve.id).one(&app.state.db).await.unwrap().unwrap().revoked_at.is_none());
    }

    async fn json_invitations_get_the_same_per_row_results_as_an_import(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let call = api(&app, &new_token(&app, &admin, "acme-corp", "script").await);
        let (status, body) = json_of(call(reqwest::Method::POST, "/invitations")
            .json(&json!({ "invitations": [
                { "email": "eve@example.com", "name": "Eve Example", "role": "builder", "groups": ["Sales"], "metadata": { "team": "north" } },
                { "email": "not-an-email" },
                { "email": "EVE@example.com" },
                { "email": "fay@example.com", "role": "owner" },
                { "email": MEMBER_EMAIL },
            ], "create_groups": true }))
            .send().await.unwrap()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!((body["invited"].as_u64(), body["skipped"].as_u64(), body["failed"].as_u64()), (Some(1), Some(1), Some(3)), "{body}");
        let rows = body["rows"].as_array().unwrap();
        assert_eq!(rows.iter().map(|r| r["row"].as_u64().unwrap()).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        assert_eq!(rows[0]["outcome"], "invited");
        assert_eq!(rows[1]["outcome"], "failed");
        assert!(rows[1]["reason"].as_str().unwrap().starts_with("Email"), "{body}");
        assert!(rows[2]["reason"].as_str().unwrap().contains("row 1"), "{body}");
        assert!(rows[3]["reason"].as_str().unwrap().starts_with("Role"), "{body}");
        assert_eq!(rows[4]["outcome"], "skipped");
        let eve = invitation::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((eve.role.as_str(), eve.display_name.as_deref()), ("builder", Some("Eve Example")));
        assert_eq!(outbox::Entity::find().count(&app.state.db).await.unwrap(), 1, "mail is on by default");

        // Sent again: nobody is invited twice.
        let (_, again) = json_of(call(reqwest::Method::POST, "/invitations")
            .json(&json!({ "invitations": [{ "email": "eve@example.com" }] }))
            .send().await.unwrap()).await;
        assert_eq!(again["skipped"], 1, "{again}");

        // Fields the API does not know are refused, not ignored; nothing is written.
        for bad in [
            json!({ "invitations": [{ "email": "gus@example.com", "is_admin": true }] }),
            json!({ "invitations": [{ "email": "gus@example.com" }], "role": "owner" }),
            json!({ "invitations": "gus@example.com" }),
        ] {
            let (status, body) = json_of(call(reqwest::Method::POST, "/invitations").json(&bad).send().await.unwrap()).await;
            assert_eq!(status, 400, "{bad}: {body}");
            assert_eq!(body["error"]["code"], "bad_request");
        }
        let (status, body) = json_of(call(reqwest::Method::POST, "/invitations").json(&json!({ "invitations": [] })).send().await.unwrap()).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("invitations")));
        let too_many: Vec<Value> = (0..2_001).map(|i| json!({ "email": format!("p{i}@example.com") })).collect();
        let response = call(reqwest::Method::POST, "/invitations").json(&json!({ "invitations": too_many })).send().await.unwrap();
        assert_eq!(response.status(), 422);
        assert_eq!(invitation::Entity::find().count(&app.state.db).await.unwrap(), 1);
    }

    async fn a_csv_body_is_read_like_an_uploaded_file(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let call = api(&app, &new_token(&app, &admin, "acme-corp", "script").await);
        let csv = std::fs::read(format!("{}/../fixtures/excel-semicolon-bom.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let (status, body) = json_of(call(reqwest::Method::POST, "/invitations/csv?send_email=false&role=Builder")
            .header("content-type", "text/csv")
            .body(csv)
            .send().await.unwrap()).await;
        assert_eq!(status, 200, "{body}");
        assert!(body["invited"].as_u64().unwrap() >= 1, "{body}");
        assert_eq!(body["rows"][0]["row"], 2, "rows are numbered as in the file");
        let stored = invitation::Entity::find().all(&app.state.db).await.unwrap();
        assert_eq!(stored.len() as u64, body["invited"].as_u64().unwrap());
        assert!(stored.iter().all(|i| i.role == Role::Builder));
        assert_eq!(outbox::Entity::find().count(&app.state.db).await.unwrap(), 0);

        let (status, body) = json_of(call(reqwest::Method::POST, "/invitations/csv").body("just some words").send().await.unwrap()).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("file")), "{body}");
        let (status, body) = json_of(call(reqwest::Method::POST, "/invitations/csv?role=owner").body("Email\na@example.com\n").send().await.unwrap()).await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("role")), "{body}");
    }

    async fn invitations_and_members_are_listed_in_pages_then_resent_and_revoked(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let call = api(&app, &new_token(&app, &admin, "acme-corp", "script").await);
        let people: Vec<Value> = (0..60).map(|i| json!({ "email": format!("p{i:02}@example.com") })).collect();
        call(reqwest::Method::POST, "/invitations").json(&json!({ "invitations": people, "send_email": false })).send().await.unwrap();

        let (_, first) = json_of(call(reqwest::Method::GET, "/invitations").send().await.unwrap()).await;
        assert_eq!((first["total"].as_u64(), first["page"].as_u64(), first["page_size"].as_u64()), (Some(60), Some(1), Some(50)));
        assert_eq!(first["items"].as_array().unwrap().len(), 50);
        let (_, second) = json_of(call(reqwest::Method::GET, "/invitations?page=2").send().await.unwrap()).await;
        assert_eq!(second["items"].as_array().unwrap().len(), 10);
        assert!(second["next"].is_null(), "the last page has no next");
        // From where the first page ended: the same second page.
        let next = first["next"].as_str().expect("a next page").to_owned();
        let (_, walked) = json_of(call(reqwest::Method::GET, "/invitations").query(&[("page", "2"), ("after", next.as_str())]).send().await.unwrap()).await;
        assert_eq!(walked["items"], second["items"]);
        let (status, body) = json_of(call(reqwest::Method::GET, "/invitations?page=2&after=nonsense").send().await.unwrap()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("bad_request")));
        let (_, found) = json_of(call(reqwest::Method::GET, "/invitations?search=p07").send().await.unwrap()).await;
        assert_eq!(found["total"], 1);
        let item = &found["items"][0];
        assert_eq!((item["email"].as_str(), item["status"].as_str(), item["role"].as_str()), (Some("p07@example.com"), Some("invited"), Some("member")));
        let id = item["id"].as_i64().unwrap();

        let before = invitation::Entity::find_by_id(id as i32).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(call(reqwest::Method::POST, &format!("/invitations/{id}/resend")).send().await.unwrap().status(), 204);
        let after = invitation::Entity::find_by_id(id as i32).one(&app.state.db).await.unwrap().unwrap();
        assert_ne!(after.nonce, before.nonce, "a new link");
        assert_eq!(call(reqwest::Method::POST, &format!("/invitations/{id}/revoke")).send().await.unwrap().status(), 204);
        let (status, body) = json_of(call(reqwest::Method::POST, &format!("/invitations/{id}/revoke")).send().await.unwrap()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("conflict")));
        let (_, revoked) = json_of(call(reqwest::Method::GET, "/invitations?status=revoked").send().await.unwrap()).await;
        assert_eq!(revoked["total"], 1);
        assert_eq!(call(reqwest::Method::POST, "/invitations/999999/resend").send().await.unwrap().status(), 404);
        assert_eq!(call(reqwest::Method::POST, "/invitations/abc/resend").send().await.unwrap().status(), 400);
        assert_eq!(call(reqwest::Method::GET, "/invitations?status=bogus").send().await.unwrap().status(), 400);

        let (_, members) = json_of(call(reqwest::Method::GET, "/members").send().await.unwrap()).await;
        let emails: Vec<&str> = members["items"].as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
        assert_eq!(members["total"], 2);
        assert!(emails.contains(&ADMIN_EMAIL) && emails.contains(&MEMBER_EMAIL));
        let (_, archived) = json_of(call(reqwest::Method::GET, "/members?status=archived").send().await.unwrap()).await;
        assert_eq!(archived["total"], 0);
    }

    async fn the_openapi_document_describes_every_route(app) {
        let response = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap();
        assert_eq!(response.status(), 200);
        let doc: Value = response.json().await.unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
        let paths: Vec<&str> = doc["paths"].as_object().unwrap().keys().map(String::as_str).collect();
        for path in ["/api/v1/invitations", "/api/v1/invitations/csv", "/api/v1/invitations/{id}/resend", "/api/v1/invitations/{id}/revoke", "/api/v1/members"] {
            assert!(paths.contains(&path), "{path} in {paths:?}");
        }
        assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
        assert!(doc["components"]["schemas"]["CreateInvitations"]["properties"]["invitations"].is_object());
    }
}
