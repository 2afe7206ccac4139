//! Starting Muster: data dir, database, the setup link, and serving until told to stop.
use crate::config::Config;
use anyhow::Context;
use app::ssr::services::setup;
use app::ssr::{db, AppState, Settings};
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Connects to the database (creating the data dir and applying migrations).
pub async fn connect(settings: Settings) -> anyhow::Result<AppState> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
    let database = db::connect(&settings.database_url)
        .await
        .context("connecting to the database and applying migrations")?;
    AppState::new(database, settings).map_err(|e| anyhow::anyhow!("{e}"))
}

pub async fn serve(config: Config) -> anyhow::Result<()> {
    let Config { settings, leptos } = config;
    let state = connect(settings).await?;
    let addr = leptos.site_addr;
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;

    if let Some(token) = setup::issue_link_token(&state.db)
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

    let app = crate::router::build(state, leptos);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("serving HTTP")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
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
