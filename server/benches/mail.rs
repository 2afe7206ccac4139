//! Mail throughput: queue N invitation mails (an import with emails on), then
//! let the outbox worker deliver them to a local SMTP sink
//! (`bench/smtp_sink.py`), and compare with a plain lettre sender pushing the
//! same number of messages to the same sink. Counts what arrived: exactly N,
//! no address twice.
//!
//! `MUSTER_BENCH_SINK_PORT=… MUSTER_BENCH_SINK_FILE=… cargo bench -p muster --bench mail`
use app::domain::Role;
use app::model::imports::{ConflictChoices, ImportRow};
use app::ssr::db::entities::outbox as outbox_table;
use app::ssr::services::mailer::Mailer;
use app::ssr::services::{imports, outbox, setup, workspaces, Actor};
use app::ssr::Settings;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use std::collections::HashSet;
use std::time::{Duration, Instant};

fn delivered(path: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

async fn wait_for(path: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(600);
    while delivered(path).len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("MUSTER_BENCH_MAILS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let port = std::env::var("MUSTER_BENCH_SINK_PORT").expect("MUSTER_BENCH_SINK_PORT");
    let sink = std::env::var("MUSTER_BENCH_SINK_FILE").expect("MUSTER_BENCH_SINK_FILE");
    let smtp_url = format!("smtp://127.0.0.1:{port}");

    // The outbox: N mails queued by an import, delivered by the worker.
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("muster.db").display()
    );
    let mut settings = Settings::for_tests(dir.path().to_owned(), url);
    settings.smtp_url = Some(smtp_url.clone());
    let state = muster::startup::connect(settings).await.expect("connect");
    let form = setup::NewWorkspace::parse(
        "Bench",
        "Ada Admin",
        "ada@example.com",
        "correct horse battery staple",
    )
    .expect("form");
    setup::create_first_workspace(&state, form, setup::SetupAuthority::Operator)
        .await
        .expect("setup");
    let workspace = workspaces::find_by_slug(&state.db, "bench")
        .await
        .expect("lookup")
        .expect("workspace");
    let by = Actor {
        workspace_id: workspace.id,
        user_id: None,
    };
    let batch = imports::start(
        &state.db,
        state.import_settings().limits,
        by,
        imports::NewBatch {
            file_name: "mail.csv",
            total_rows: n as u32,
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
    let rows: Vec<ImportRow> = (0..n)
        .map(|i| ImportRow {
            row: i + 2,
            email: format!("mail{i}@example.com"),
            name: Some(format!("Mail Person {i}")),
            role: Role::Member,
            role_defaulted: false,
            groups: Vec::new(),
            metadata: Default::default(),
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        imports::commit_chunk(
            &state,
            by,
            batch,
            chunk.to_vec(),
            ConflictChoices::default(),
        )
        .await
        .expect("chunk");
    }
    let queued = outbox_table::Entity::find()
        .filter(outbox_table::Column::SentAt.is_null())
        .count(&state.db)
        .await
        .expect("count");
    assert_eq!(queued as usize, n, "every mail queued");

    let mailer = Mailer::from_settings(Some(&smtp_url), dir.path()).expect("mailer");
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let worker = tokio::spawn(outbox::run_worker(state.clone(), mailer, stopped));
    wait_for(&sink, n).await;
    let outbox_s = started.elapsed().as_secs_f64();
    let _ = stop.send(true);
    let _ = worker.await;
    let got = delivered(&sink);
    let distinct: HashSet<&String> = got.iter().collect();
    println!("outbox_msgs_per_s={:.1}", n as f64 / outbox_s);
    println!("outbox_delivered={}", got.len());
    println!("outbox_duplicates={}", got.len() - distinct.len());
    assert_eq!(got.len(), n, "exactly {n} delivered");
    assert_eq!(distinct.len(), n, "nobody twice");

    // A plain sender: lettre's pooled SMTP transport with as many messages in
    // flight as the outbox uses, and nothing else (no database, no rendering).
    std::fs::write(&sink, "").expect("reset sink");
    let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(port.parse().expect("port"))
        .pool_config(
            lettre::transport::smtp::PoolConfig::new().max_size(outbox::SEND_CONCURRENCY as u32),
        )
        .build();
    let started = Instant::now();
    let mut next = 0;
    while next < n {
        let mut sending = tokio::task::JoinSet::new();
        for i in next..(next + outbox::SEND_CONCURRENCY).min(n) {
            let transport = transport.clone();
            sending.spawn(async move {
                let message = Message::builder()
                    .from("Muster <muster@localhost>".parse().expect("from"))
                    .to(format!("plain{i}@example.com").parse().expect("to"))
                    .subject("Plain")
                    .body(String::from("Hello"))
                    .expect("message");
                transport.send(message).await.expect("send");
            });
        }
        while sending.join_next().await.is_some() {}
        next += outbox::SEND_CONCURRENCY;
    }
    wait_for(&sink, n).await;
    println!(
        "plain_smtp_msgs_per_s={:.1}",
        n as f64 / started.elapsed().as_secs_f64()
    );
}
