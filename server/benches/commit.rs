//! Committing invitations, measured: the real server path (server functions
//! over HTTP, chunks of 1,000, two in flight, as the browser sends them) on SQLite and on
//! PostgreSQL, the database step alone (the import service called directly),
//! and baselines that only insert the same invitation rows: a raw rusqlite
//! prepared-statement loop in one transaction, and PostgreSQL `COPY`; then
//! the latency of one invite from the Invite tab into the filled workspace.
//!
//! `cargo bench -p muster --bench commit` (release). Rows: MUSTER_BENCH_ROWS
//! (default 100,000). PostgreSQL parts run when MUSTER_TEST_POSTGRES_URL is set.
//! MUSTER_BENCH_PARTS=sqlite, =sqlite_step (the database step alone) or
//! =postgres runs that part only (for profiling).
//! Prints one `name=value` line per figure.
mod support;

use app::model::imports::{ConflictChoices, ImportRow, CHUNKS_IN_FLIGHT, CHUNK_ROWS};
use app::ssr::AppState;
use futures_util::StreamExt;
use std::time::Instant;
use support::*;

/// As the browser does it: log in, open a batch, send the chunks, two in
/// flight: (seconds, the batch).
async fn commit_over_http(server: &Server, rows: &[ImportRow]) -> (f64, i32) {
    let client = signed_in(server).await;
    let started = Instant::now();
    let batch: i32 = client
        .post(format!("{}/api/start_import", server.address))
        .form(&[
            ("slug", "bench"),
            ("file_name", "bench.csv"),
            ("total_rows", &rows.len().to_string()),
            ("refused_rows", "0"),
            ("send_email", "true"),
        ])
        .send()
        .await
        .expect("start")
        .json()
        .await
        .expect("batch id");
    futures_util::stream::iter(rows.chunks(CHUNK_ROWS))
        .map(|chunk| {
            let client = client.clone();
            async move {
                let response = client
                    .post(format!("{}/api/import_chunk", server.address))
                    .json(&serde_json::json!({ "slug": "bench", "batch_id": batch, "rows": chunk, "choices": ConflictChoices::default() }))
                    .send()
                    .await
                    .expect("chunk");
                assert!(
                    response.status().is_success(),
                    "chunk: {}",
                    response.status()
                );
                response.bytes().await.expect("answer");
            }
        })
        .buffered(CHUNKS_IN_FLIGHT)
        .collect::<Vec<()>>()
        .await;
    (started.elapsed().as_secs_f64(), batch)
}

/// "Undo this import" on the Imports page, for a batch whose `n`
/// invitations are all still open: seconds.
async fn undo_over_http(server: &Server, batch: i32, n: usize) -> f64 {
    let client = signed_in(server).await;
    let started = Instant::now();
    let response = client
        .post(format!("{}/api/undo_import", server.address))
        .form(&[("slug", "bench"), ("batch_id", &batch.to_string())])
        .send()
        .await
        .expect("undo");
    assert!(
        response.status().is_success(),
        "undo: {}",
        response.status()
    );
    let undo: app::model::imports::ImportUndo = response.json().await.expect("undo answer");
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(undo.revoked as usize, n, "{}", undo.summary());
    seconds
}

/// Invites made one at a time from the Invite tab.
const INVITES: usize = 200;

/// The Invite tab's request, one person at a time, into a workspace that
/// already holds the committed rows: (p50, p95) in milliseconds.
async fn one_invite_latency(server: &Server) -> (f64, f64) {
    let client = signed_in(server).await;
    let mut millis = Vec::with_capacity(INVITES);
    for i in 0..INVITES {
        let email = format!("single{i}@example.com");
        let started = Instant::now();
        let response = client
            .post(format!("{}/api/invite_users", server.address))
            .form(&[
                ("slug", "bench"),
                ("emails", email.as_str()),
                ("name", "Single Person"),
                ("role", "member"),
                ("metadata", ""),
            ])
            .send()
            .await
            .expect("invite");
        assert!(
            response.status().is_success(),
            "invite: {}",
            response.status()
        );
        response.bytes().await.expect("invite answer");
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| millis[((millis.len() - 1) as f64 * q).round() as usize];
    (at(0.50), at(0.95))
}

fn latency_figures(name: &str, (p50, p95): (f64, f64)) {
    figure(&format!("{name}_p50_ms"), p50);
    figure(&format!("{name}_p95_ms"), p95);
}

const INSERT_COLUMNS: &str = "workspace_id, email, email_key, display_name, role, metadata, invited_by, nonce, created_at, expires_at, send_count, delivery";

/// The same invitation rows, inserted with a prepared statement in one
/// transaction into the same (migrated, indexed) table.
fn rusqlite_loop(path: &std::path::Path, rows: &[ImportRow]) -> f64 {
    let mut db = rusqlite::Connection::open(path).expect("open");
    let started = Instant::now();
    let txn = db.transaction().expect("begin");
    {
        let mut insert = txn
            .prepare(&format!("INSERT INTO invitations ({INSERT_COLUMNS}) VALUES (1, ?1, ?2, ?3, 'member', ?4, NULL, ?5, 0, 1, 0, 'queued')"))
            .expect("prepare");
        for (i, row) in rows.iter().enumerate() {
            insert
                .execute(rusqlite::params![
                    row.email,
                    row.email.to_lowercase(),
                    row.name,
                    serde_json::Value::Object(row.metadata.clone()).to_string(),
                    format!("{i:032x}"),
                ])
                .expect("insert");
        }
    }
    txn.commit().expect("commit");
    started.elapsed().as_secs_f64()
}

/// Every row our database step writes per person (invitation, outbox mail,
/// audit entry, Users-index row, import record), each table with its own
/// prepared statement, in one transaction, foreign keys on as ours has them.
fn rusqlite_same_rows(path: &std::path::Path, rows: &[ImportRow]) -> f64 {
    let mut db = rusqlite::Connection::open(path).expect("open");
    db.execute_batch("PRAGMA foreign_keys = ON")
        .expect("pragma");
    let started = Instant::now();
    let txn = db.transaction().expect("begin");
    {
        txn.execute("INSERT INTO import_batches (workspace_id, created_by, file_name, total_rows, invited, resent, skipped, failed, send_email, created_at, updated_at) VALUES (1, NULL, 'bench.csv', ?1, 0, 0, 0, 0, 1, 0, 0)", [rows.len() as i64]).expect("batch");
        let batch = txn.last_insert_rowid();
        let mut invitation = txn
            .prepare(&format!("INSERT INTO invitations ({INSERT_COLUMNS}) VALUES (1, ?1, ?2, ?3, 'member', ?4, NULL, ?5, 0, 1, 0, 'queued')"))
            .expect("prepare");
        let mut outbox = txn
            .prepare("INSERT INTO outbox (invitation_id, created_at, attempts, next_attempt_at) VALUES (?1, 0, 0, 0)")
            .expect("prepare");
        let mut audit = txn
            .prepare("INSERT INTO audit_log (workspace_id, actor_user_id, action, detail, created_at) VALUES (1, NULL, 'invitation.created', ?1, 0)")
            .expect("prepare");
        let mut person = txn
            .prepare("INSERT INTO people (workspace_id, email_key, kind, ref_id, unnamed, sort_name, sort_email, state, since, expires_at) VALUES (1, ?1, 'invitation', ?2, 0, ?3, ?4, 'open', 0, 1)")
            .expect("prepare");
        let mut record = txn
            .prepare("INSERT INTO import_rows (batch_id, row_number, email, outcome, message, invitation_id) VALUES (?1, ?2, ?3, 'invited', NULL, ?4)")
            .expect("prepare");
        for (i, row) in rows.iter().enumerate() {
            let key = row.email.to_lowercase();
            invitation
                .execute(rusqlite::params![
                    row.email,
                    key,
                    row.name,
                    serde_json::Value::Object(row.metadata.clone()).to_string(),
                    format!("{i:032x}"),
                ])
                .expect("invitation");
            let id = txn.last_insert_rowid();
            outbox.execute([id]).expect("outbox");
            audit.execute([&row.email]).expect("audit");
            let name = row.name.clone().unwrap_or_default().to_lowercase();
            person
                .execute(rusqlite::params![key, id, name, key])
                .expect("person");
            record
                .execute(rusqlite::params![batch, row.row as i64, row.email, id])
                .expect("record");
        }
    }
    txn.commit().expect("commit");
    started.elapsed().as_secs_f64()
}

/// The same invitation rows through PostgreSQL's COPY.
async fn postgres_copy(state: &AppState, rows: &[ImportRow]) -> f64 {
    let pool = state.db.get_postgres_connection_pool();
    let mut conn = pool.acquire().await.expect("connection");
    let mut data = String::with_capacity(rows.len() * 120);
    for (i, row) in rows.iter().enumerate() {
        // Text format: tab-separated; none of these values holds a tab or a backslash.
        data.push_str(&format!(
            "1\tcopy-{}\tcopy-{}\t{}\tmember\t{}\t\\N\t{i:032x}\t0\t1\t0\tqueued\n",
            row.email,
            row.email.to_lowercase(),
            row.name.clone().unwrap_or_default(),
            serde_json::Value::Object(row.metadata.clone()),
        ));
    }
    let started = Instant::now();
    let mut copy = conn
        .copy_in_raw(&format!("COPY invitations ({INSERT_COLUMNS}) FROM STDIN"))
        .await
        .expect("copy");
    copy.send(data.as_bytes()).await.expect("send");
    copy.finish().await.expect("finish");
    started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("MUSTER_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let all = rows(n);
    let k = n / 1000;
    let parts = std::env::var("MUSTER_BENCH_PARTS").unwrap_or_default();
    let runs = |part: &str| parts.is_empty() || parts.split(',').any(|p| p == part);

    if runs("sqlite") {
        sqlite_figures(&all, k).await;
    } else if runs("sqlite_step") {
        let direct = start(None).await;
        figure(
            &format!("db_step_{k}k_sqlite_s"),
            commit_direct(&direct.state, all.clone()).await,
        );
    }
    if runs("postgres") {
        postgres_figures(&all, k).await;
    }
}

async fn sqlite_figures(all: &[ImportRow], k: usize) {
    let sqlite = start(None).await;
    let (http_sqlite, batch) = commit_over_http(&sqlite, all).await;
    figure(&format!("commit_{k}k_sqlite_s"), http_sqlite);
    latency_figures(
        &format!("one_invite_after_{k}k_sqlite"),
        one_invite_latency(&sqlite).await,
    );
    figure(
        &format!("undo_{k}k_sqlite_s"),
        undo_over_http(&sqlite, batch, all.len()).await,
    );

    let direct = start(None).await;
    let db_step = commit_direct(&direct.state, all.to_vec()).await;
    figure(&format!("db_step_{k}k_sqlite_s"), db_step);

    let raw = start(None).await;
    let path = raw._dir.path().join("muster.db");
    let _ = raw.state.db.clone().close().await;
    let raw_loop = rusqlite_loop(&path, all);
    figure(&format!("rusqlite_loop_{k}k_s"), raw_loop);
    figure("db_step_vs_rusqlite", raw_loop / db_step);

    let same = start(None).await;
    let path = same._dir.path().join("muster.db");
    let _ = same.state.db.clone().close().await;
    let same_rows = rusqlite_same_rows(&path, all);
    figure(&format!("rusqlite_same_rows_{k}k_s"), same_rows);
    figure("db_step_vs_rusqlite_same_rows", same_rows / db_step);
}

async fn postgres_figures(all: &[ImportRow], k: usize) {
    match std::env::var("MUSTER_TEST_POSTGRES_URL") {
        Ok(base) => {
            let url = fresh_postgres(&base).await;
            let pg = start(Some(url.clone())).await;
            let (seconds, batch) = commit_over_http(&pg, all).await;
            figure(&format!("commit_{k}k_postgres_s"), seconds);
            latency_figures(
                &format!("one_invite_after_{k}k_postgres"),
                one_invite_latency(&pg).await,
            );
            figure(
                &format!("undo_{k}k_postgres_s"),
                undo_over_http(&pg, batch, all.len()).await,
            );
            let copy = postgres_copy(&pg.state, all).await;
            figure(&format!("postgres_copy_{k}k_s"), copy);
            let _ = pg.state.db.clone().close().await;
            drop_postgres(&base, &url).await;
        }
        Err(_) => {
            eprintln!("######################################################################");
            eprintln!("## PostgreSQL commit figures SKIPPED: MUSTER_TEST_POSTGRES_URL is not set.");
            eprintln!("######################################################################");
        }
    }
}
