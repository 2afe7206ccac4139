//! Starting Muster: data dir, database, the setup link, and serving until told to stop.
use crate::config::Config;
use anyhow::Context;
use app::ssr::services::link_signer::LinkSigner;
use app::ssr::services::{mailer::Mailer, outbox, setup};
use app::ssr::{db, AppState, Settings};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Connects to the database (creating the data dir and applying migrations).
pub async fn connect(settings: Settings) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
    let key = link_key(&settings)?;
    let database = db::connect(&settings.database_url)
        .await
        .context("connecting to the database and applying migrations")?;
    AppState::new(database, settings, key).map_err(|e| anyhow::anyhow!("{e}"))
}

/// The key that signs invitation links: from the settings, or from
/// `<data dir>/secret.key`, created (owner-only) on first start. Never in the database.
fn link_key(settings: &Settings) -> anyhow::Result<[u8; 32]> {
    if let Some(text) = &settings.secret_key {
        return LinkSigner::decode_key(text)
            .context("MUSTER_SECRET_KEY must be 32 bytes, base64url-encoded");
    }
    let path = settings.data_dir.join("secret.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => LinkSigner::decode_key(&text)
            .with_context(|| format!("{} is not a valid key", path.display())),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let key = LinkSigner::generate_key();
            write_private(&path, &LinkSigner::encode_key(&key))?;
            Ok(key)
        }
        Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
    }
}

fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let Config { settings, leptos } = config;
    let stop = shutdown_signal();
    let state = connect(settings).await?;
    let addr = leptos.site_addr;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;

    if let Some(token) = setup::issue_link_token(&state.db, state.clock.now_millis())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    {
        // Printed, not logged: this one-time link is for the operator's eyes only.
        println!(
            "Muster is not set up yet. Open this link to create the first workspace and admin: {}",
            state.settings.link(&format!("/setup?token={token}"))
        );
    }
    println!(
        "Muster is listening on http://{addr} (public URL {})",
        state.settings.public_url
    );

    let mailer =
        Mailer::from_settings(state.settings.smtp_url.as_deref(), &state.settings.data_dir)
            .map_err(|e| anyhow::anyhow!(e))?;
    if mailer.writes_files() {
        println!(
            "No SMTP_URL set: mail is written to {}",
            state.settings.data_dir.join("mail").display()
        );
    }
    let (stop_worker, worker_stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(outbox::run_worker(
        state.clone(),
        mailer,
        worker_stopped.clone(),
    ));
    let jobs = tokio::spawn(app::ssr::services::import_jobs::run_worker(
        state.clone(),
        worker_stopped,
    ));

    let app = crate::router::build(state, leptos);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(stop)
    .await
    .context("serving HTTP")?;
    // Let the workers finish the mail and the chunk in hand; claims they could
    // not finish expire and are taken up again.
    let _ = stop_worker.send(true);
    let _ = worker.await;
    let _ = jobs.await;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM. SIGTERM is caught from the moment this is
/// called (before "listening" is printed), so a stop that arrives while the
/// server is still starting is a clean stop too.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let interrupt = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async {
            match terminate {
                Some(mut signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = interrupt => {},
            _ = terminate => {},
        }
        tracing::info!("shutting down");
    }
}
