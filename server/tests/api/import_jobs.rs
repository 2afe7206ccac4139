//! Import jobs: `POST /api/v1/imports` takes a whole file and answers at
//! once; the file is committed in the background by whichever instance claims
//! the job, resumed after a crash, cancelled on request, and its rows are
//! read back a page at a time. `muster import --server` uses the same route.
use crate::support::*;
use app::ssr::db::entities::{
    audit_log, import_batch, import_job, import_job_file, import_row, invitation, outbox,
};
use futures_util::StreamExt;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::time::Duration;

async fn token(app: &TestApp) -> String {
    let admin = app.logged_in(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let response = app
        .call(
            &admin,
            "create_api_token",
            &[("slug", "acme-corp"), ("name", "jobs")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let created: app::model::api_tokens::CreatedApiToken = response.json().await.unwrap();
    created.secret
}

/// A CSV of `count` people from `from` on, with a header row.
fn people_csv(prefix: &str, from: usize, count: usize) -> String {
    let mut csv = String::from("Email,Name\n");
    for i in from..from + count {
        csv.push_str(&format!("{prefix}{i}@example.com,Person {i}\n"));
    }
    csv
}

async fn submit(
    address: &str,
    token: &str,
    query: &str,
    body: impl Into<reqwest::Body>,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!("{address}/api/v1/imports?{query}"))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    if status == 202 {
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let body: Value = response.json().await.unwrap();
        assert_eq!(location, format!("/api/v1/imports/{}", body["id"]));
        return (status, body);
    }
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn call(method: reqwest::Method, address: &str, token: &str, path: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .request(method, format!("{address}/api/v1{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

async fn get(address: &str, token: &str, path: &str) -> (u16, Value) {
    call(reqwest::Method::GET, address, token, path).await
}

async fn cancel(address: &str, token: &str, id: i64) -> (u16, Value) {
    call(
        reqwest::Method::DELETE,
        address,
        token,
        &format!("/imports/{id}"),
    )
    .await
}

/// Polls the job until `done` says so (at most two minutes).
async fn wait_for(address: &str, token: &str, id: i64, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..1200 {
        let (status, job) = get(address, token, &format!("/imports/{id}")).await;
        assert_eq!(status, 200, "{job}");
        if done(&job) {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("job {id} did not get there in time");
}

fn finished(job: &Value) -> bool {
    matches!(job["state"].as_str(), Some("done" | "failed" | "cancelled"))
}

async fn count_invitations(app: &TestApp) -> u64 {
    invitation::Entity::find()
        .count(&app.state.db)
        .await
        .unwrap()
}

on_every_database! {
    async fn a_posted_file_is_committed_in_the_background_and_its_rows_read_back_in_pages(app) {
        app.with_workspace().await;
        let token = token(&app).await;
        let mut csv = people_csv("job", 0, 2_497);
        csv.push_str("not-an-email,Broken\n,No Address\n");
        csv.push_str(&format!("{MEMBER_EMAIL},Already Here\n"));
        let (status, job) = submit(&app.address, &token, "file_name=people.csv&send_email=true", csv).await;
        assert_eq!(status, 202, "{job}");
        assert!(matches!(job["state"].as_str(), Some("queued" | "running")), "{job}");
        let id = job["id"].as_i64().unwrap();

        let job = wait_for(&app.address, &token, id, finished).await;
        assert_eq!(job["state"], "done", "{job}");
        assert_eq!((job["total_rows"].as_i64(), job["ready_rows"].as_i64(), job["committed_rows"].as_i64()), (Some(2_500), Some(2_498), Some(2_498)), "{job}");
        assert_eq!((job["invited"].as_u64(), job["skipped"].as_u64(), job["failed"].as_u64()), (Some(2_497), Some(1), Some(2)), "{job}");
        assert!(job["finished_at"].as_i64().is_some() && job["error"].is_null(), "{job}");
        assert_eq!(count_invitations(&app).await, 2_497);
        assert_eq!(outbox::Entity::find().count(&app.state.db).await.unwrap(), 2_497, "one mail each");
        assert_eq!(import_job_file::Entity::find().count(&app.state.db).await.unwrap(), 0, "the file is removed when the job ends");

        // One batch, like any upload, under the job's file name.
        let batch = import_batch::Entity::find().one(&app.state.db).await.unwrap().unwrap();
        assert_eq!((batch.id as i64, batch.file_name.as_str(), batch.total_rows), (job["batch_id"].as_i64().unwrap(), "people.csv", 2_500));

        // Every row's result, in file order, a page at a time.
        let mut rows = Vec::new();
        for page in 1..=3 {
            let (status, body) = get(&app.address, &token, &format!("/imports/{id}/rows?page={page}&page_size=1000")).await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["total"], 2_500);
            rows.extend(body["items"].as_array().unwrap().iter().cloned());
        }
        assert_eq!(rows.len(), 2_500);
        let numbers: Vec<i64> = rows.iter().map(|r| r["row"].as_i64().unwrap()).collect();
        assert_eq!(numbers, (2..2_502).collect::<Vec<i64>>(), "rows as numbered in the file");
        assert_eq!((rows[0]["email"].as_str(), rows[0]["outcome"].as_str()), (Some("job0@example.com"), Some("invited")));
        let broken = &rows[2_497];
        assert_eq!(broken["outcome"], "failed");
        assert!(broken["reason"].as_str().unwrap().contains("Email"), "{broken}");
        assert_eq!(rows[2_499]["outcome"], "skipped");
        let (_, empty) = get(&app.address, &token, &format!("/imports/{id}/rows?page=4&page_size=1000")).await;
        assert_eq!(empty["items"].as_array().unwrap().len(), 0);

        // Listed; and another workspace's token cannot see it.
        let (_, list) = get(&app.address, &token, "/imports").await;
        assert_eq!(list["items"][0]["id"], id);
        assert_eq!(get(&app.address, &token, "/imports/999999").await.0, 404);
        assert_eq!(get(&app.address, "mst_nope", &format!("/imports/{id}")).await.0, 401);
        // A finished job cannot be cancelled.
        assert_eq!(cancel(&app.address, &token, id).await.0, 409);
    }

    async fn a_job_updates_members_from_the_columns_its_file_has(app) {
        app.with_workspace().await;
        let token = token(&app).await;
        // A Role column and no Groups column: roles change, groups are not touched.
        let csv = format!("Email,Role\n{MEMBER_EMAIL},Builder\nnew.job@example.com,Member\n");
        let (status, job) = submit(&app.address, &token, "file_name=hr.csv&send_email=false&update_members=true", csv).await;
        assert_eq!(status, 202, "{job}");
        let job = wait_for(&app.address, &token, job["id"].as_i64().unwrap(), finished).await;
        assert_eq!(job["state"], "done", "{job}");
        assert_eq!((job["invited"].as_u64(), job["updated"].as_u64(), job["skipped"].as_u64()), (Some(1), Some(1), Some(0)), "{job}");
        let max = app::ssr::db::entities::user::Entity::find()
            .filter(app::ssr::db::entities::user::Column::EmailKey.eq(MEMBER_EMAIL))
            .one(&app.state.db).await.unwrap().unwrap();
        let membership = app::ssr::db::entities::membership::Entity::find()
            .filter(app::ssr::db::entities::membership::Column::UserId.eq(max.id))
            .one(&app.state.db).await.unwrap().unwrap();
        assert_eq!(membership.role, app::domain::Role::Builder);
    }

    async fn a_workbook_and_a_body_sent_in_pieces_are_read_as_the_upload_tab_reads_them(app) {
        app.with_workspace().await;
        let token = token(&app).await;
        let workbook = std::fs::read(format!("{}/../fixtures/it-portal.xlsx", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let (status, job) = submit(&app.address, &token, "file_name=it-portal.xlsx&send_email=false", workbook.clone()).await;
        assert_eq!(status, 202, "{job}");
        let job = wait_for(&app.address, &token, job["id"].as_i64().unwrap(), finished).await;
        assert_eq!(job["state"], "done", "{job}");
        // The command line's dry run reads the same bytes with the same pipeline.
        let path = app.state.settings.data_dir.join("it-portal.xlsx");
        std::fs::write(&path, &workbook).unwrap();
        let dry = finish(app.muster(&["import", path.to_str().unwrap(), "--workspace", "acme-corp", "--dry-run"])).await;
        let dry = String::from_utf8_lossy(&dry.stdout).into_owned();
        let expected = format!("{} invited", job["invited"]);
        assert!(job["invited"].as_u64().unwrap() > 0);
        assert!(dry.contains("0 invited"), "already invited by the job, so a dry run now invites nobody:\n{dry}");
        assert_eq!(count_invitations(&app).await, job["invited"].as_u64().unwrap(), "{expected}");

        // A body without a length, arriving in pieces.
        let pieces = people_csv("piece", 0, 300).into_bytes().chunks(1_000).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>();
        let stream = futures_util::stream::iter(pieces).then(|piece| async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            piece
        });
        let (status, job) = submit(&app.address, &token, "file_name=pieces.csv", reqwest::Body::wrap_stream(stream)).await;
        assert_eq!(status, 202, "{job}");
        let job = wait_for(&app.address, &token, job["id"].as_i64().unwrap(), finished).await;
        assert_eq!((job["state"].as_str(), job["invited"].as_u64()), (Some("done"), Some(300)), "{job}");
    }

    async fn a_file_that_cannot_be_read_fails_its_job_with_the_reason(app) {
        app.with_workspace().await;
        let token = token(&app).await;
        let (status, job) = submit(&app.address, &token, "file_name=notes.csv", "Colour,Size\nred,large\n").await;
        assert_eq!(status, 202, "{job}");
        let job = wait_for(&app.address, &token, job["id"].as_i64().unwrap(), finished).await;
        assert_eq!(job["state"], "failed", "{job}");
        assert!(job["error"].as_str().unwrap().to_lowercase().contains("email"), "{job}");
        assert_eq!(import_job_file::Entity::find().count(&app.state.db).await.unwrap(), 0);
        assert_eq!(import_batch::Entity::find().count(&app.state.db).await.unwrap(), 0, "no batch for a file never read");

        // Refused before a job exists: an empty body, a bad option.
        let (status, body) = submit(&app.address, &token, "file_name=empty.csv", "").await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("file")), "{body}");
        let (status, body) = submit(&app.address, &token, "role=overlord", "Email\na@example.com\n").await;
        assert_eq!((status, body["error"]["field"].as_str()), (422, Some("role")), "{body}");
        assert_eq!(submit(&app.address, &token, "sheet=0", "Email\na@example.com\n").await.0, 422);
        assert_eq!(import_job::Entity::find().count(&app.state.db).await.unwrap(), 1, "only the unreadable file became a job");

        // Over the instance's limit: refused from its declared length, and when sent in pieces.
        let app = app.respawn_with(|settings| settings.import_max_bytes = 1024 * 1024).await;
        app.with_workspace().await;
        let token = self::token(&app).await;
        let big = people_csv("big", 0, 40_000);
        assert!(big.len() > 1024 * 1024);
        let (status, body) = submit(&app.address, &token, "file_name=big.csv", big.clone()).await;
        assert_eq!((status, body["error"]["code"].as_str()), (413, Some("too_large")), "{body}");
        let pieces = big.into_bytes().chunks(64 * 1024).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>();
        let (status, _) = submit(&app.address, &token, "file_name=big.csv", reqwest::Body::wrap_stream(futures_util::stream::iter(pieces))).await;
        assert_eq!(status, 413);
        assert_eq!(import_job::Entity::find().count(&app.state.db).await.unwrap(), 0);
    }

    async fn cancelling_stops_a_job_after_the_chunk_in_hand_and_a_queued_one_before_it_starts(app) {
        app.with_workspace().await;
        let token = token(&app).await;
        // The jobs run in a server process of their own (as in production,
        // on threads of its own), one at a time: the second waits for the first.
        app.stop_job_worker();
        let server = ServerProcess::start(&app, "smtp://127.0.0.1:9");
        let address = server.address.clone();
        let (_, big) = submit(&address, &token, "file_name=big.csv&send_email=false", people_csv("big", 0, 60_000)).await;
        let (_, small) = submit(&address, &token, "file_name=small.csv&send_email=false", people_csv("small", 0, 10)).await;
        let (big, small) = (big["id"].as_i64().unwrap(), small["id"].as_i64().unwrap());
        wait_for(&address, &token, big, |job| job["committed_rows"].as_i64().unwrap_or(0) > 0 || finished(job)).await;
        let (status, job) = cancel(&address, &token, small).await;
        assert_eq!((status, job["state"].as_str()), (200, Some("cancelled")), "{job}");
        let (status, job) = cancel(&address, &token, big).await;
        assert_eq!((status, job["state"].as_str()), (200, Some("cancelled")), "{job}");
        assert_eq!(cancel(&address, &token, big).await.0, 200, "cancelling twice is no error");

        // The worker notices after the chunk in hand, and stops for good.
        let mut settled = None;
        for _ in 0..100 {
            let now = count_invitations(&app).await;
            tokio::time::sleep(Duration::from_millis(300)).await;
            if count_invitations(&app).await == now {
                settled = Some(now);
                break;
            }
        }
        let invited = settled.expect("the cancelled job stops committing");
        assert!(invited > 0 && invited < 60_000, "{invited} of 60,000 committed before the cancel took");
        let batch = import_batch::Entity::find().filter(import_batch::Column::FileName.eq("big.csv")).one(&app.state.db).await.unwrap().unwrap();
        let recorded = import_row::Entity::find().filter(import_row::Column::BatchId.eq(batch.id)).count(&app.state.db).await.unwrap();
        assert_eq!(recorded, invited, "every committed row recorded, and only those");
        assert_eq!(import_job_file::Entity::find().count(&app.state.db).await.unwrap(), 0);
        let small_job = wait_for(&address, &token, small, finished).await;
        assert_eq!((small_job["state"].as_str(), small_job["batch_id"].as_i64()), (Some("cancelled"), None), "never started");
        assert_eq!(import_batch::Entity::find().count(&app.state.db).await.unwrap(), 1);
    }

    async fn two_instances_take_jobs_from_one_queue_and_never_run_one_twice(app) {
        app.with_workspace().await;
        let token = token(&app).await;
        let second = app.second_instance().await;
        const JOBS: usize = 6;
        const ROWS: usize = 1_500;
        let mut ids = Vec::new();
        for j in 0..JOBS {
            let address = if j % 2 == 0 { app.address.clone() } else { second.clone() };
            let (status, job) = submit(&address, &token, &format!("file_name=part{j}.csv&send_email=true"), people_csv(&format!("p{j}-"), 0, ROWS)).await;
            assert_eq!(status, 202, "{job}");
            ids.push(job["id"].as_i64().unwrap());
        }
        for &id in &ids {
            let job = wait_for(&app.address, &token, id, finished).await;
            assert_eq!((job["state"].as_str(), job["invited"].as_u64()), (Some("done"), Some(ROWS as u64)), "{job}");
        }
        let jobs = import_job::Entity::find().all(&app.state.db).await.unwrap();
        assert!(jobs.iter().all(|job| job.attempts == 1), "each job claimed once: {:?}", jobs.iter().map(|j| j.attempts).collect::<Vec<_>>());
        assert_eq!(count_invitations(&app).await, (JOBS * ROWS) as u64);
        assert_eq!(outbox::Entity::find().count(&app.state.db).await.unwrap(), (JOBS * ROWS) as u64, "one mail each");
        assert_eq!(import_batch::Entity::find().count(&app.state.db).await.unwrap(), JOBS as u64, "one batch per job");
        let started = audit_log::Entity::find().filter(audit_log::Column::Action.eq(app::ssr::services::audit::AuditAction::ImportStarted)).count(&app.state.db).await.unwrap();
        assert_eq!(started, JOBS as u64);
    }

    async fn muster_import_with_server_hands_the_file_to_a_running_instance(app) {
        app.with_workspace().await;
        let token = token(&app).await;
        let dir = &app.state.settings.data_dir;
        let token_file = dir.join("token");
        std::fs::write(&token_file, format!("{token}\n")).unwrap();
        let mut csv = people_csv("cli", 0, 1_200);
        csv.push_str("not-an-email,Broken\n");
        let file = dir.join("people.csv");
        std::fs::write(&file, csv).unwrap();
        let mut command = app.muster(&[
            "import", file.to_str().unwrap(),
            "--server", &app.address,
            "--token-file", token_file.to_str().unwrap(),
        ]);
        // It talks to the server only: a database it cannot open is never tried.
        command.env("DATABASE_URL", "sqlite:///nonexistent/never-opened.db");
        let output = finish(command).await;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(!output.status.success(), "a row failed, so the exit code says so");
        assert!(stderr.contains("queued people.csv as import job"), "{stderr}");
        assert!(stdout.contains("1200 invited · 0 skipped · 1 failed"), "{stdout}");
        assert!(stdout.lines().any(|l| l.starts_with("row   1202  failed   not-an-email  Email:")), "{stdout}");
        assert_eq!(count_invitations(&app).await, 1_200);

        // Without a token it says what it needs.
        let mut command = app.muster(&["import", file.to_str().unwrap(), "--server", &app.address]);
        command.env_remove("MUSTER_API_TOKEN");
        let output = finish(command).await;
        assert!(!output.status.success());
        assert!(String::from_utf8_lossy(&output.stderr).contains("needs an API token"));
    }
}
