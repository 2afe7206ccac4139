use app::ssr::settings::LogFormat;
use tracing_subscriber::EnvFilter;

/// Logs go to stderr; stdout carries only what an operator must act on (the setup link).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_env("MUSTER_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}
