//! Faults: SMTP down during a bulk import, the server killed in the middle of
//! a commit, the database away for a moment. Nothing lost, nothing doubled.
use crate::smtp_sink::SmtpSink;
use crate::support::*;
use app::ssr::db::entities::{invitation, outbox};
use app::ssr::services::mailer::Mailer;
use app::ssr::services::outbox::{deliver_due, run_worker};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;

const ROWS: usize = 2_000;

fn rows(from: usize, count: usize) -> serde_json::Value {
    json!((from..from + count)
        .map(
            |i| json!({ "row": i + 2, "email": format!("person{i:04}@example.com"), "name": null,
                         "role": "Member", "groups": [], "metadata": {} })
        )
        .collect::<Vec<_>>())
}

async fn start_import(address: &str, admin: &reqwest::Client) -> i32 {
    let response = admin
        .post(format!("{address}/api/start_import"))
        .form(&[
            ("slug", "acme-corp"),
            ("file_name", "people.csv"),
            ("total_rows", &ROWS.to_string()),
            ("refused_rows", "0"),
            ("send_email", "true"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn send_chunk(
    address: &str,
    admin: &reqwest::Client,
    batch: i32,
    rows: serde_json::Value,
) -> reqwest::Result<reqwest::Response> {
    admin
        .post(format!("{address}/api/import_chunk"))
        .json(
            &json!({ "slug": "acme-corp", "batch_id": batch, "rows": rows,
                       "choices": { "resend_pending": false, "create_groups": false } }),
        )
        .send()
        .await
}

async fn log_in(address: &str) -> reqwest::Client {
    let client = browser();
    let response = client
        .post(format!("{address}/api/login"))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    client
}

async fn count_invitations(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn count_mail(app: &TestApp) -> u64 {
    outbox::Entity::find().count(&app.state.db).await.unwrap()
}

on_every_database! {
    async fn smtp_down_during_a_2000_row_import_loses_no_invite_and_mails_each_once_when_back(app) {
        app.with_workspace().await;
        let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        let batch = start_import(&app.address, &admin).await;
        for from in [0, 1_000] {
            assert_eq!(send_chunk(&app.address, &admin, batch, rows(from, 1_000)).await.unwrap().status(), 200);
        }
        assert_eq!(count_invitations(&app).await, ROWS as u64);

        // SMTP down (a closed port): every mail is tried, kept, and backed off.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let down = Mailer::from_settings(Some(&format!("smtp://{closed}")), &app.state.settings.data_dir).unwrap();
        let mut retried = 0;
        while retried < ROWS {
            let report = deliver_due(&app.state, &down, "test", 500).await.unwrap();
            assert_eq!(report.sent, 0);
            assert!(report.retried > 0, "every mail is tried once before any is tried again");
            retried += report.retried;
        }
        let waiting = outbox::Entity::find()
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::FailedAt.is_null())
            .filter(outbox::Column::Attempts.eq(1))
            .count(&app.state.db)
            .await
            .unwrap();
        assert_eq!(waiting, ROWS as u64, "all kept for a later attempt");

        // SMTP back; the backoff has passed. The real worker drains the outbox.
        execute(&app, "UPDATE outbox SET next_attempt_at = 0").await;
        let sink = SmtpSink::start().await;
        let mailer = Mailer::from_settings(Some(&sink.url), &app.state.settings.data_dir).unwrap();
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(run_worker(app.state.clone(), mailer, stopped));
        for _ in 0..600 {
            if sink.messages().len() >= ROWS {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.send(true).unwrap();
        worker.await.unwrap();
        let messages = sink.messages();
        assert_eq!(messages.len(), ROWS, "exactly one mail per invite");
        let recipients: HashSet<String> = messages
            .iter()
            .filter_map(|m| m.lines().find(|l| l.starts_with("To: ")).map(str::to_owned))
            .collect();
        assert_eq!(recipients.len(), ROWS, "nobody mailed twice");
    }

    async fn a_server_killed_mid_commit_leaves_no_half_chunk_and_the_retry_doubles_nothing(app) {
        app.with_workspace().await;
        // Mail cannot go out while the first server runs, so every mail is counted after the restart.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let server = ServerProcess::start(&app, &format!("smtp://{closed}"));
        let admin = log_in(&server.address).await;
        let batch = start_import(&server.address, &admin).await;
        let chunk = rows(0, ROWS);
        let mut server = Some(server);
        // Kill at several moments of the request; whichever one it hits, the
        // chunk is all there or not there at all.
        for delay_ms in [30, 90, 250] {
            let running = server.take().unwrap();
            let (address, client, rows) = (running.address.clone(), admin.clone(), chunk.clone());
            let request = tokio::spawn(async move { send_chunk(&address, &client, batch, rows).await });
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            running.kill_9();
            let _ = request.await;
            let written = count_invitations(&app).await;
            assert!(written == 0 || written == ROWS as u64, "half a chunk: {written} invitations");
            assert_eq!(count_mail(&app).await, written, "each invitation with its mail, or neither");
            server = Some(ServerProcess::start(&app, &format!("smtp://{closed}")));
        }
        drop(server);

        // Back up, with SMTP. The admin sends the same chunk again: nobody twice.
        execute(&app, "UPDATE outbox SET next_attempt_at = 0, claimed_until = NULL, claimed_by = NULL").await;
        let sink = SmtpSink::start().await;
        let server = ServerProcess::start(&app, &sink.url);
        let admin = log_in(&server.address).await;
        let retry = send_chunk(&server.address, &admin, batch, chunk).await.unwrap();
        assert_eq!(retry.status(), 200);
        assert_eq!(count_invitations(&app).await, ROWS as u64);
        assert_eq!(count_mail(&app).await, ROWS as u64);
        // The outbox resumes: each mail delivered once.
        for _ in 0..600 {
            if sink.messages().len() >= ROWS {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(sink.messages().len(), ROWS);
    }

    async fn an_import_job_cut_off_by_a_crash_is_finished_after_the_restart_and_nobody_is_invited_twice(app) {
        const JOB_ROWS: usize = 30_000;
        app.with_workspace().await;
        // The server processes below run the job, not this test's own worker.
        app.stop_job_worker();
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
        let server = ServerProcess::start(&app, &format!("smtp://{closed}"));
        let admin = log_in(&server.address).await;
        let created: app::model::api_tokens::CreatedApiToken = admin
            .post(format!("{}/api/create_api_token", server.address))
            .form(&[("slug", "acme-corp"), ("name", "nightly sync")])
            .send().await.unwrap().json().await.unwrap();
        let api = |address: &str, path: &str| format!("{address}/api/v1{path}");
        let mut csv = String::from("Email\n");
        for i in 0..JOB_ROWS {
            csv.push_str(&format!("crash{i}@example.com\n"));
        }
        let job: serde_json::Value = reqwest::Client::new()
            .post(api(&server.address, "/imports?file_name=nightly.csv&send_email=true"))
            .bearer_auth(&created.secret).body(csv)
            .send().await.unwrap().json().await.unwrap();
        let id = job["id"].as_i64().unwrap();
        let progress = |address: String| {
            let token = created.secret.clone();
            async move {
                let job: serde_json::Value = reqwest::Client::new()
                    .get(format!("{address}/api/v1/imports/{id}")).bearer_auth(token)
                    .send().await.unwrap().json().await.unwrap();
                job
            }
        };
        for _ in 0..600 {
            if progress(server.address.clone()).await["committed_rows"].as_i64().unwrap_or(0) >= 3_000 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        server.kill_9();
        let cut = app::ssr::db::entities::import_job::Entity::find_by_id(id as i32).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(cut.state, app::model::import_jobs::JobState::Running, "killed mid-job");
        assert!(cut.committed_rows >= 3_000 && (cut.committed_rows as usize) < JOB_ROWS, "{}", cut.committed_rows);
        let before = count_invitations(&app).await;
        assert!(before < JOB_ROWS as u64);

        // Restarted, it takes the job up again once the dead one's lease runs out.
        let restarted = ServerProcess::start(&app, &format!("smtp://{closed}"));
        let mut job = progress(restarted.address.clone()).await;
        for _ in 0..1200 {
            if job["state"] != "running" && job["state"] != "queued" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            job = progress(restarted.address.clone()).await;
        }
        assert_eq!(job["state"], "done", "{job}");
        assert_eq!(job["invited"].as_u64(), Some(JOB_ROWS as u64), "{job}");
        assert_eq!(count_invitations(&app).await, JOB_ROWS as u64, "exactly one invitation per row");
        assert_eq!(count_mail(&app).await, JOB_ROWS as u64, "exactly one mail per invitation");
        let resumed = app::ssr::db::entities::import_job::Entity::find_by_id(id as i32).one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(resumed.attempts, 2, "claimed by the killed server, then by the restarted one");
    }
}

/// PostgreSQL refuses connections for a moment: the admin gets the plain
/// "something went wrong" answer, the server keeps running, and both requests
/// and the mail worker work again once the database is back.
#[tokio::test]
async fn a_database_outage_is_a_clear_error_and_everything_recovers() {
    let Some(app) = spawn_app(Backend::Postgres).await else {
        return;
    };
    app.with_workspace().await;
    let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let name = app
        .state
        .settings
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let base = std::env::var("MUSTER_TEST_POSTGRES_URL").unwrap();
    let superuser = sea_orm::Database::connect(&base).await.unwrap();
    let sql = |statement: String| {
        let superuser = superuser.clone();
        async move {
            use sea_orm::ConnectionTrait;
            superuser.execute_unprepared(&statement).await.unwrap();
        }
    };
    sql(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await;
    sql(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;

    let invite = [
        ("slug", "acme-corp"),
        ("emails", "eve@example.com"),
        ("name", ""),
        ("role", "Member"),
        ("metadata", ""),
    ];
    let response = app.call(&admin, "invite_users", &invite).await;
    assert_eq!(response.status(), 500);
    assert_eq!(
        app_error(response).await,
        app::error::AppError::Internal {
            cause: Default::default()
        }
    );
    let ready = reqwest::get(app.url("/readyz")).await.unwrap();
    assert_eq!(ready.status(), 503, "not ready while the database is away");
    assert_eq!(
        ready.text().await.unwrap(),
        "not ready: the database does not answer"
    );
    assert_eq!(
        reqwest::get(app.url("/healthz")).await.unwrap().status(),
        200,
        "but alive"
    );
    let sink = SmtpSink::start().await;
    let mailer = Mailer::from_settings(Some(&sink.url), &app.state.settings.data_dir).unwrap();
    assert!(
        deliver_due(&app.state, &mailer, "test", 10).await.is_err(),
        "the worker sees the outage"
    );

    sql(format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
    let mut answered = 0;
    for _ in 0..50 {
        answered = app
            .call(&admin, "invite_users", &invite)
            .await
            .status()
            .as_u16();
        if answered == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(answered, 200, "requests work again");
    assert_eq!(
        reqwest::get(app.url("/readyz")).await.unwrap().status(),
        200
    );
    assert_eq!(
        count_invitations(&app).await,
        1,
        "the failed attempt wrote nothing"
    );
    assert_eq!(
        deliver_due(&app.state, &mailer, "test", 10)
            .await
            .unwrap()
            .sent,
        1
    );
    assert_eq!(sink.messages().len(), 1);
}
