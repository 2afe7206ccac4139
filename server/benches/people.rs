//! The Users table at scale, measured over HTTP against the real router:
//! - one admin's requests for the first page, a deep page, a search and a
//!   status filter, one after another (p50, p95), in a workspace of N people
//!   (half members, half invitations);
//! - load: 32 clients at once for a few seconds, each browsing ten pages at a
//!   time (a page, then "Next page" from where it ended) from the first page
//!   or from deep in the list, through the Users page's `list_people` and
//!   the JSON API's `GET /api/v1/members` (requests per second, p50, p99);
//! - bulk resend, then bulk revoke, of N invitations, as the Users page does
//!   them: one request to open the change, then a chunk per request.
//!
//! Clients and server share the machine's cores, as `wrk` on the same host
//! would. `cargo bench -p muster --bench people` (release). People:
//! MUSTER_BENCH_ROWS (default 100,000). MUSTER_BENCH_PARTS=sqlite or
//! =postgres runs one database; PostgreSQL runs when
//! MUSTER_TEST_POSTGRES_URL is set. Prints one `name=value` line per figure.
mod support;

use app::model::bulk::{BulkAction, BulkProgress, BulkRequest, BulkTarget};
use app::model::users::PAGE_SIZE;
use app::ssr::services::invitations::index;
use app::ssr::services::{api_tokens, workspaces, Actor};
use sea_orm::ConnectionTrait;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

/// Requests per sequential latency figure.
const SAMPLES: usize = 100;
/// Clients at once under load, and for how long.
const CLIENTS: usize = 32;
const LOAD_FOR: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("MUSTER_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let parts = std::env::var("MUSTER_BENCH_PARTS").unwrap_or_default();
    let runs = |part: &str| parts.is_empty() || parts.split(',').any(|p| p == part);
    if runs("sqlite") {
        figures("sqlite", None, n).await;
    }
    if runs("postgres") {
        match std::env::var("MUSTER_TEST_POSTGRES_URL") {
            Ok(base) => {
                let listing = fresh_postgres(&base).await;
                let bulk = fresh_postgres(&base).await;
                figures("postgres", Some((listing.clone(), bulk.clone())), n).await;
                drop_postgres(&base, &listing).await;
                drop_postgres(&base, &bulk).await;
            }
            Err(_) => {
                eprintln!("######################################################################");
                eprintln!(
                    "## PostgreSQL people figures SKIPPED: MUSTER_TEST_POSTGRES_URL is not set."
                );
                eprintln!("######################################################################");
            }
        }
    }
}

async fn figures(db: &str, postgres: Option<(String, String)>, n: usize) {
    let k = n / 1000;
    let (listing_url, bulk_url) = postgres.unzip();

    let server = start(listing_url).await;
    fill_invitations(&server, n / 2).await;
    fill_members(&server, n - n / 2).await;
    let pages = n.div_ceil(PAGE_SIZE);
    let client = signed_in(&server).await;
    let deep = pages * 3 / 4;
    for (name, search, status, page) in [
        ("first_page", "", "", 0),
        ("deep_page", "", "", deep),
        ("search", "person 4242", "", 0),
        ("status", "", "invited", 0),
    ] {
        let millis = sequential(SAMPLES, |_| {
            list_people(&client, &server, search, status, page, None)
        })
        .await;
        latency(&format!("users_page_{k}k_{db}_{name}"), millis);
    }

    // Each client browses as an admin does: a page, then "Next page" nine
    // times (each from where the last ended), then another start.
    let first = |_walk: usize| 0;
    let deep_start = move |walk: usize| pages / 2 + (walk * 7919) % (pages / 2).max(1);
    load(
        &format!("list_people_{k}k_{db}_first_pages"),
        first,
        |page, after| list_people(&client, &server, "", "", page, after),
    )
    .await;
    load(
        &format!("list_people_{k}k_{db}_deep_pages"),
        deep_start,
        |page, after| list_people(&client, &server, "", "", page, after),
    )
    .await;
    let token = api_token(&server).await;
    let member_pages = (n - n / 2).div_ceil(PAGE_SIZE);
    let deep_members =
        move |walk: usize| member_pages / 2 + (walk * 7919) % (member_pages / 2).max(1);
    load(
        &format!("members_api_{k}k_{db}_first_pages"),
        first,
        |page, after| members_api(&client, &server, &token, page, after),
    )
    .await;
    load(
        &format!("members_api_{k}k_{db}_deep_pages"),
        deep_members,
        |page, after| members_api(&client, &server, &token, page, after),
    )
    .await;
    let _ = server.state.db.clone().close().await;

    // Bulk changes of N invitations, in a workspace of their own.
    let server = start(bulk_url).await;
    fill_invitations(&server, n).await;
    let client = signed_in(&server).await;
    for action in [BulkAction::Resend, BulkAction::Revoke] {
        let (seconds, done) = bulk_all_invited(&client, &server, action).await;
        assert_eq!(done.applied, n as u64, "{action:?}: {}", done.summary);
        figure(&format!("bulk_{}_{k}k_{db}_s", action.key()), seconds);
    }
    let _ = server.state.db.clone().close().await;
}

/// N invitations, as an import commits them (mail on).
async fn fill_invitations(server: &Server, n: usize) {
    commit_direct(&server.state, rows(n)).await;
}

/// N members with accounts, written straight to the tables (no one signs up
/// 50,000 times in a benchmark), then the Users index rebuilt from them.
async fn fill_members(server: &Server, n: usize) {
    let db = &server.state.db;
    let backend = db.get_database_backend();
    let workspace = bench_workspace(server).await;
    db.execute_unprepared(
        &format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO users (email, email_key, display_name, password_hash, created_at) SELECT 'member' || i || '@example.com', 'member' || i || '@example.com', 'Member Person ' || i, '', i FROM n"
        ),
    )
    .await
    .expect("users");
    db.execute_unprepared(
        &format!(
            "INSERT INTO memberships (workspace_id, user_id, role, status, metadata, created_at, updated_at) \
             SELECT {workspace}, id, 'member', 'active', '{{}}', created_at, created_at FROM users WHERE email LIKE 'member%'"
        ),
    )
    .await
    .expect("memberships");
    index::rebuild(db, workspace).await.expect("index");
    if backend == sea_orm::DbBackend::Postgres {
        // What autovacuum does within a minute or so of a bulk load (PostgreSQL
        // 13 and later vacuum after inserts too): the table an admin browses,
        // whose index pages can be read without visiting the table's rows.
        db.execute_unprepared("VACUUM ANALYZE")
            .await
            .expect("vacuum");
    }
}

async fn bench_workspace(server: &Server) -> i32 {
    workspaces::find_by_slug(&server.state.db, "bench")
        .await
        .expect("lookup")
        .expect("workspace")
        .id
}

async fn api_token(server: &Server) -> String {
    let by = Actor {
        workspace_id: bench_workspace(server).await,
        user_id: None,
    };
    let now = server.state.clock.now_millis();
    api_tokens::create(&server.state.db, by, "bench", now)
        .await
        .expect("token")
        .1
}

/// The Users page's request for one page of people (from `after`, the
/// page before's `next`, when given): where the next page starts.
async fn list_people(
    client: &reqwest::Client,
    server: &Server,
    search: &str,
    status: &str,
    page: usize,
    after: Option<String>,
) -> Option<String> {
    let response = client
        .post(format!("{}/api/list_people", server.address))
        .form(&[
            ("slug", "bench"),
            ("search", search),
            ("status", status),
            ("page", &page.to_string()),
            ("after", after.as_deref().unwrap_or_default()),
        ])
        .send()
        .await
        .expect("list_people");
    assert!(
        response.status().is_success(),
        "list_people: {}",
        response.status()
    );
    next_of(response).await
}

/// `GET /api/v1/members?page=N[&after=…]` (N counted from 0 here, from 1 in
/// the API).
async fn members_api(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    page: usize,
    after: Option<String>,
) -> Option<String> {
    let mut query = vec![("page", (page + 1).to_string())];
    query.extend(after.map(|a| ("after", a)));
    let response = client
        .get(format!("{}/api/v1/members", server.address))
        .query(&query)
        .bearer_auth(token)
        .send()
        .await
        .expect("members");
    assert!(
        response.status().is_success(),
        "members: {}",
        response.status()
    );
    next_of(response).await
}

async fn next_of(response: reqwest::Response) -> Option<String> {
    let page: serde_json::Value = response.json().await.expect("page");
    page["next"].as_str().map(str::to_owned)
}

/// Bulk `action` for everyone whose invitation is open, as the Users page's
/// shortcut does it: (seconds, the last progress).
async fn bulk_all_invited(
    client: &reqwest::Client,
    server: &Server,
    action: BulkAction,
) -> (f64, BulkProgress) {
    let started = Instant::now();
    let request = BulkRequest {
        action,
        role: None,
        group: None,
        target: BulkTarget::Matching {
            search: String::new(),
            status: "invited".into(),
        },
    };
    let post = |endpoint: &str, body: serde_json::Value| {
        let request = client
            .post(format!("{}/api/{endpoint}", server.address))
            .json(&body)
            .send();
        async move {
            let response = request.await.expect("bulk");
            assert!(
                response.status().is_success(),
                "bulk: {}",
                response.status()
            );
            response.json::<BulkProgress>().await.expect("progress")
        }
    };
    let mut at = post(
        "start_bulk_change",
        serde_json::json!({ "slug": "bench", "request": request }),
    )
    .await;
    while !at.finished {
        at = post(
            "continue_bulk_change",
            serde_json::json!({ "slug": "bench", "id": at.id, "cursor": at.cursor }),
        )
        .await;
    }
    (started.elapsed().as_secs_f64(), at)
}

/// `count` requests one after another: their times in milliseconds.
async fn sequential<F, Fut, T>(count: usize, request: F) -> Vec<f64>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut millis = Vec::with_capacity(count);
    for i in 0..count {
        let started = Instant::now();
        request(i).await;
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    millis
}

/// CLIENTS clients browsing back to back for LOAD_FOR, each walk a page
/// from `start(walk)` and the nine after it, each asked with where the one
/// before ended: requests per second, p50 and p99.
async fn load<S, F, Fut>(name: &str, start: S, request: F)
where
    S: Fn(usize) -> usize,
    F: Fn(usize, Option<String>) -> Fut,
    Fut: std::future::Future<Output = Option<String>>,
{
    const WALK: usize = 10;
    let started = Instant::now();
    let walks = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let clients = (0..CLIENTS).map(|_| {
        let walks = walks.clone();
        let (start, request) = (&start, &request);
        async move {
            let mut millis = Vec::new();
            while started.elapsed() < LOAD_FOR {
                let first = start(walks.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                let mut after = None;
                for page in first..first + WALK {
                    let sent = Instant::now();
                    after = request(page, after).await;
                    millis.push(sent.elapsed().as_secs_f64() * 1000.0);
                    if after.is_none() || started.elapsed() >= LOAD_FOR {
                        break;
                    }
                }
            }
            millis
        }
    });
    let mut millis: Vec<f64> = futures_util::future::join_all(clients)
        .await
        .into_iter()
        .flatten()
        .collect();
    let seconds = started.elapsed().as_secs_f64();
    figure(&format!("{name}_rps"), millis.len() as f64 / seconds);
    millis.sort_by(f64::total_cmp);
    figure(&format!("{name}_p50_ms"), quantile(&millis, 0.50));
    figure(&format!("{name}_p99_ms"), quantile(&millis, 0.99));
}

fn latency(name: &str, mut millis: Vec<f64>) {
    millis.sort_by(f64::total_cmp);
    figure(&format!("{name}_p50_ms"), quantile(&millis, 0.50));
    figure(&format!("{name}_p95_ms"), quantile(&millis, 0.95));
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}
