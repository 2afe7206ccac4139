//! What the benchmarks share: a real server (router, database, signed-in
//! client) on SQLite or a fresh PostgreSQL database, rows to import, and the
//! import service called directly to fill a workspace.
// Each benchmark is its own crate and uses only some of these.
#![allow(dead_code)]
use app::domain::Role;
use app::model::imports::{ConflictChoices, ImportRow, CHUNK_ROWS};
use app::ssr::services::{imports, setup};
use app::ssr::{AppState, Settings};
use std::net::SocketAddr;
use std::time::Instant;

pub const ADMIN_EMAIL: &str = "ada@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";

pub fn rows(n: usize) -> Vec<ImportRow> {
    (0..n)
        .map(|i| ImportRow {
            row: i + 2,
            email: format!("bench{i}@example.com"),
            name: Some(format!("Bench Person {i}")),
            role: Role::Member,
            role_defaulted: false,
            groups: Vec::new(),
            metadata: serde_json::json!({ "site": "HQ" })
                .as_object()
                .cloned()
                .unwrap_or_default(),
        })
        .collect()
}

pub struct Server {
    pub state: AppState,
    pub address: String,
    pub _dir: tempfile::TempDir,
}

pub async fn start(database_url: Option<String>) -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = database_url.unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("muster.db").display()
        )
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mut settings = Settings::for_tests(dir.path().to_owned(), url);
    settings.public_url = url::Url::parse(&format!("http://{addr}")).expect("url");
    let state = muster::startup::connect(settings).await.expect("connect");
    let form = setup::NewWorkspace::parse("Bench", "Ada Admin", ADMIN_EMAIL, ADMIN_PASSWORD)
        .expect("workspace");
    setup::create_first_workspace(&state, form, setup::SetupAuthority::Operator)
        .await
        .expect("setup");
    let mut leptos = leptos::config::get_config_from_str(muster::config::BUILT_IN).expect("config");
    leptos.site_addr = addr;
    let router = muster::router::build(state.clone(), leptos);
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve")
    });
    Server {
        state,
        address: format!("http://{addr}"),
        _dir: dir,
    }
}

/// A client signed in as the workspace's admin.
pub async fn signed_in(server: &Server) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let login = client
        .post(format!("{}/api/login", server.address))
        .form(&[("email", ADMIN_EMAIL), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .expect("login");
    assert!(login.status().is_success(), "login: {}", login.status());
    client
}

/// The import service alone, no HTTP: what the database work costs.
pub async fn commit_direct(state: &AppState, rows: Vec<ImportRow>) -> f64 {
    let workspace = app::ssr::services::workspaces::find_by_slug(&state.db, "bench")
        .await
        .expect("lookup")
        .expect("workspace");
    let by = app::ssr::services::Actor {
        workspace_id: workspace.id,
        user_id: None,
    };
    let limits = state.import_settings().limits;
    let started = Instant::now();
    let batch = imports::start(
        &state.db,
        limits,
        by,
        imports::NewBatch {
            file_name: "bench.csv",
            total_rows: rows.len() as u32,
            refused_rows: 0,
            sending: imports::Sending {
                send_email: true,
                ..Default::default()
            },
        },
        state.clock.now_millis(),
    )
    .await
    .expect("start");
    let mut rows = rows;
    while !rows.is_empty() {
        let rest = rows.split_off(rows.len().min(CHUNK_ROWS));
        imports::commit_chunk(state, by, batch, rows, ConflictChoices::default())
            .await
            .expect("chunk");
        rows = rest;
    }
    started.elapsed().as_secs_f64()
}

pub async fn fresh_postgres(base: &str) -> String {
    // Several per process: numbered.
    static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let made = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("muster_bench_{}_{made}", std::process::id());
    let admin = sea_orm::Database::connect(base).await.expect("connect");
    use sea_orm::ConnectionTrait;
    let _ = admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\""))
        .await;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create database");
    let mut url = url::Url::parse(base).expect("url");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub async fn drop_postgres(base: &str, url: &str) {
    use sea_orm::ConnectionTrait;
    let name = url.rsplit('/').next().unwrap_or_default().to_owned();
    if let Ok(admin) = sea_orm::Database::connect(base).await {
        let _ = admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
            .await;
    }
}

pub fn figure(name: &str, value: f64) {
    println!("{name}={value:.3}");
}
