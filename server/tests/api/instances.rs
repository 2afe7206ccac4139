//! Several `muster` processes on one PostgreSQL database: nothing one of
//! them needs lives only in another's memory, and each mail goes out once.
use crate::smtp_sink::SmtpSink;
use crate::support::*;
use app::model::workspace::WorkspaceFrame;
use app::ssr::db::entities::outbox;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

const PEOPLE: usize = 500;

async fn frame(client: &reqwest::Client, address: &str) -> reqwest::Response {
    client
        .post(format!("{address}/api/workspace_frame"))
        .form(&[("slug", "acme-corp")])
        .send()
        .await
        .unwrap()
}

/// Imports `PEOPLE` people with mail on, half through each instance.
async fn import_through_both(admin: &reqwest::Client, a: &str, b: &str) {
    let response = admin
        .post(format!("{a}/api/start_import"))
        .form(&[
            ("slug", "acme-corp"),
            ("file_name", "people.csv"),
            ("total_rows", &PEOPLE.to_string()),
            ("refused_rows", "0"),
            ("send_email", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let batch: i32 = response.json().await.unwrap();
    for (half, address) in [a, b].into_iter().enumerate() {
        let rows: Vec<_> = (half * PEOPLE / 2..(half + 1) * PEOPLE / 2)
            .map(|i| {
                json!({ "row": i + 2, "email": format!("person{i:03}@example.com"), "name": null,
                             "role": "Member", "groups": [], "metadata": {} })
            })
            .collect();
        let response = admin
            .post(format!("{address}/api/import_chunk"))
            .json(
                &json!({ "slug": "acme-corp", "batch_id": batch, "rows": rows,
                           "choices": { "resend_pending": false, "create_groups": false } }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{:?}", response.text().await);
    }
}

#[tokio::test]
async fn two_instances_on_one_postgres_share_sign_ins_and_send_each_mail_once() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    app.with_workspace().await;
    let sink = SmtpSink::start().await;
    let a = ServerProcess::start(&app, &sink.url);
    let b = ServerProcess::start(&app, &sink.url);

    // Signed in on A; the same cookie works on B (cookies ignore the port).
    let admin = browser();
    let login = admin
        .post(format!("{}/api/login", a.address))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let session_cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .next()
        .expect("a session cookie");
    let on_b: WorkspaceFrame = frame(&admin, &b.address).await.json().await.unwrap();
    assert_eq!(on_b.viewer_email, ADMIN_EMAIL);

    // 500 invitations with mail, half committed through each instance; both workers run.
    import_through_both(&admin, &a.address, &b.address).await;
    for _ in 0..300 {
        if sink.messages().len() >= PEOPLE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Time for a second copy to arrive, if either worker were to send one.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let messages = sink.messages();
    assert_eq!(messages.len(), PEOPLE, "exactly one mail per invitation");
    let recipients: HashSet<&str> = messages
        .iter()
        .filter_map(|m| m.lines().find_map(|l| l.strip_prefix("To: ")))
        .collect();
    assert_eq!(recipients.len(), PEOPLE);
    let unsent = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(unsent, 0);

    // Signing out on B ends the session on A too.
    let logout = admin
        .post(format!("{}/api/logout", b.address))
        .send()
        .await
        .unwrap();
    assert!(logout.status().is_success() || logout.status().is_redirection());
    let replayed = reqwest::Client::new()
        .post(format!("{}/api/workspace_frame", a.address))
        .header("cookie", &session_cookie)
        .form(&[("slug", "acme-corp")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        replayed.status(),
        401,
        "the old cookie no longer works anywhere"
    );
}

/// SIGTERM: the instance stops taking requests, its worker settles the mail
/// it claimed, and the process exits cleanly; the other instance sends the rest.
#[tokio::test]
async fn a_stopped_instance_leaves_no_mail_claimed_and_the_other_sends_the_rest() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    app.with_workspace().await;
    let sink = SmtpSink::start().await;
    let a = ServerProcess::start(&app, &sink.url);
    let a_address = a.address.clone();
    let a_pid = a.pid();
    let admin = browser();
    admin
        .post(format!("{a_address}/api/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    // Both halves through A: its worker is busy with them when it is told to stop.
    import_through_both(&admin, &a_address, &a_address).await;
    let status = tokio::time::timeout(Duration::from_secs(30), a.terminate())
        .await
        .expect("stops within 30 s");
    assert!(status.success(), "exit status {status:?}");
    assert!(
        reqwest::get(format!("{a_address}/healthz")).await.is_err(),
        "no longer taking requests"
    );
    let still_claimed = outbox::Entity::find()
        .filter(outbox::Column::ClaimedBy.starts_with(format!("{a_pid}-")))
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .count(&app.state.db)
        .await
        .unwrap();
    assert_eq!(still_claimed, 0, "A settled every mail it had claimed");
    let sent_by_a = sink.messages().len();

    let b = ServerProcess::start(&app, &sink.url);
    for _ in 0..300 {
        if sink.messages().len() >= PEOPLE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let recipients: HashSet<String> = sink
        .messages()
        .iter()
        .filter_map(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("To: ").map(str::to_owned))
        })
        .collect();
    assert_eq!(
        sink.messages().len(),
        PEOPLE,
        "A sent {sent_by_a}, B the rest, none twice"
    );
    assert_eq!(recipients.len(), PEOPLE);
    drop(b);
}
