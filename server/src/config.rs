//! Settings: built-in defaults (a copy of Leptos.toml) < Leptos.toml on disk <
//! environment variables < command-line flags.
use anyhow::{bail, Context};
use app::ssr::settings::{LogFormat, Settings};
use leptos::config::LeptosOptions;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use url::Url;

/// The defaults, compiled in so the binary runs without the file.
pub const BUILT_IN: &str = include_str!("../../Leptos.toml");

/// Every setting, as a flag with its environment variable. Unset values fall
/// back to the settings file.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SettingsArgs {
    /// Settings file [default: ./Leptos.toml if present, else built-in defaults]
    #[arg(long, env = "MUSTER_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Directory for the SQLite database and mail files [default: ./data]
    #[arg(long, env = "MUSTER_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// postgres://… or sqlite://… [default: SQLite in the data dir]
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Address people reach Muster at, used in links [default: http://<site-addr>]
    #[arg(long, env = "MUSTER_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Address to listen on [default: 127.0.0.1:3000]
    #[arg(long, env = "LEPTOS_SITE_ADDR", global = true)]
    pub site_addr: Option<SocketAddr>,
    /// smtp://user:pass@host:587 … [default: write mail as .eml files]
    #[arg(long, env = "SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Key that signs invitation links (32 bytes, base64url); instances sharing a
    /// database must share it [default: generated into <data dir>/secret.key]
    #[arg(long, env = "MUSTER_SECRET_KEY", global = true, hide_env_values = true)]
    pub secret_key: Option<String>,
    /// Sender of invitation mail
    #[arg(long, env = "MUSTER_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Hours an invitation link works [default: 168]
    #[arg(long, env = "MUSTER_INVITE_EXPIRY_HOURS", global = true)]
    pub invite_expiry_hours: Option<u32>,
    /// Largest import file in bytes [default: 52428800]
    #[arg(long, env = "MUSTER_IMPORT_MAX_BYTES", global = true)]
    pub import_max_bytes: Option<u64>,
    /// Most rows in one import [default: 100000]
    #[arg(long, env = "MUSTER_IMPORT_MAX_ROWS", global = true)]
    pub import_max_rows: Option<u32>,
    /// Argon2id memory in KiB [default: 19456]
    #[arg(long, env = "MUSTER_PASSWORD_HASH_MEMORY_KIB", global = true)]
    pub password_hash_memory_kib: Option<u32>,
    /// Argon2id passes [default: 2]
    #[arg(long, env = "MUSTER_PASSWORD_HASH_ITERATIONS", global = true)]
    pub password_hash_iterations: Option<u32>,
    /// Hours a sign-in lasts [default: 336]
    #[arg(long, env = "MUSTER_SESSION_TTL_HOURS", global = true)]
    pub session_ttl_hours: Option<u32>,
    /// human or json [default: human]
    #[arg(long, env = "MUSTER_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    /// Addresses of reverse proxies whose X-Forwarded-For is believed, comma separated [default: none]
    #[arg(long, env = "MUSTER_TRUSTED_PROXIES", global = true)]
    pub trusted_proxies: Option<String>,
    /// Bearer token /metrics requires [default: none, /metrics is open: block it at the proxy]
    #[arg(
        long,
        env = "MUSTER_METRICS_TOKEN",
        global = true,
        hide_env_values = true
    )]
    pub metrics_token: Option<String>,
}

/// The `[muster]` table of a settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct FileSettings {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    public_url: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    invite_expiry_hours: Option<u32>,
    import_max_bytes: Option<u64>,
    import_max_rows: Option<u32>,
    password_hash_memory_kib: Option<u32>,
    password_hash_iterations: Option<u32>,
    session_ttl_hours: Option<u32>,
    log_format: Option<String>,
    trusted_proxies: Option<String>,
}

/// Whether the settings file's `[muster]` table takes `key` (asked of the
/// parser itself, which refuses unknown keys).
pub fn file_accepts(key: &str) -> bool {
    let probe = format!("[muster]\n{key} = 0\n");
    match toml::from_str::<FileLayout>(&probe) {
        Ok(_) => true,
        Err(error) => !error.to_string().contains("unknown field"),
    }
}

#[derive(Debug, Deserialize)]
struct FileLayout {
    #[serde(default)]
    muster: FileSettings,
}

pub struct Config {
    pub settings: Settings,
    pub leptos: LeptosOptions,
}

impl SettingsArgs {
    pub fn resolve(&self) -> anyhow::Result<Config> {
        let text = self.settings_text()?;
        let file: FileLayout = toml::from_str(&text).context("reading the settings file")?;
        let built_in: FileLayout =
            toml::from_str(BUILT_IN).context("reading the built-in settings")?;
        let (file, defaults) = (file.muster, built_in.muster);

        let mut leptos = leptos::config::get_config_from_str(&text)
            .or_else(|_| leptos::config::get_config_from_str(BUILT_IN))
            .context("reading [package.metadata.leptos]")?;
        if let Some(addr) = self.site_addr {
            leptos.site_addr = addr;
        }

        let data_dir = pick(
            self.data_dir.clone(),
            file.data_dir,
            defaults.data_dir,
            "data-dir",
        )?;
        let database_url = non_empty(self.database_url.clone())
            .or(non_empty(file.database_url))
            .unwrap_or_else(|| sqlite_url(&data_dir));
        let public_url = match non_empty(self.public_url.clone()).or(non_empty(file.public_url)) {
            Some(url) => {
                Url::parse(&url).with_context(|| format!("public URL {url:?} is not a URL"))?
            }
            None => default_public_url(leptos.site_addr),
        };
        let log_format = match pick(
            self.log_format.clone(),
            file.log_format,
            defaults.log_format,
            "log-format",
        )?
        .as_str()
        {
            "human" => LogFormat::Human,
            "json" => LogFormat::Json,
            other => bail!("log format {other:?} is neither \"human\" nor \"json\""),
        };
        let trusted_proxies = parse_addresses(
            &non_empty(self.trusted_proxies.clone())
                .or(non_empty(file.trusted_proxies))
                .unwrap_or_default(),
        )?;
        let settings = Settings {
            database_url,
            public_url,
            smtp_url: non_empty(self.smtp_url.clone()).or(non_empty(file.smtp_url)),
            secret_key: non_empty(self.secret_key.clone()),
            metrics_token: non_empty(self.metrics_token.clone()),
            mail_from: pick(
                self.mail_from.clone(),
                file.mail_from,
                defaults.mail_from,
                "mail-from",
            )?,
            invite_expiry_hours: pick(
                self.invite_expiry_hours,
                file.invite_expiry_hours,
                defaults.invite_expiry_hours,
                "invite-expiry-hours",
            )?,
            import_max_bytes: pick(
                self.import_max_bytes,
                file.import_max_bytes,
                defaults.import_max_bytes,
                "import-max-bytes",
            )?,
            import_max_rows: pick(
                self.import_max_rows,
                file.import_max_rows,
                defaults.import_max_rows,
                "import-max-rows",
            )?,
            password_hash_memory_kib: pick(
                self.password_hash_memory_kib,
                file.password_hash_memory_kib,
                defaults.password_hash_memory_kib,
                "password-hash-memory-kib",
            )?,
            password_hash_iterations: pick(
                self.password_hash_iterations,
                file.password_hash_iterations,
                defaults.password_hash_iterations,
                "password-hash-iterations",
            )?,
            session_ttl_hours: pick(
                self.session_ttl_hours,
                file.session_ttl_hours,
                defaults.session_ttl_hours,
                "session-ttl-hours",
            )?,
            log_format,
            trusted_proxies,
            data_dir,
        };
        Ok(Config { settings, leptos })
    }

    fn settings_text(&self) -> anyhow::Result<String> {
        match &self.config {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("reading settings file {}", path.display())),
            None if Path::new("Leptos.toml").is_file() => {
                std::fs::read_to_string("Leptos.toml").context("reading ./Leptos.toml")
            }
            None => Ok(BUILT_IN.to_owned()),
        }
    }
}

fn pick<T>(flag: Option<T>, file: Option<T>, default: Option<T>, name: &str) -> anyhow::Result<T> {
    flag.or(file)
        .or(default)
        .with_context(|| format!("setting {name} has no value"))
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

fn sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("muster.db").display())
}

fn default_public_url(addr: SocketAddr) -> Url {
    let host = if addr.ip().is_unspecified() {
        "localhost".to_owned()
    } else {
        addr.ip().to_string()
    };
    let host = if addr.is_ipv6() && !addr.ip().is_unspecified() {
        format!("[{host}]")
    } else {
        host
    };
    Url::parse(&format!("http://{host}:{}", addr.port())).expect("a socket address makes a URL")
}

/// "10.0.0.1, 10.0.0.2" → addresses; an empty text is none.
fn parse_addresses(text: &str) -> anyhow::Result<Vec<std::net::IpAddr>> {
    text.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse()
                .with_context(|| format!("trusted proxy {entry:?} is not an IP address"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_defaults_are_complete() {
        let config = SettingsArgs::default().resolve().unwrap();
        assert_eq!(config.settings.password_hash_memory_kib, 19456);
        assert_eq!(config.settings.password_hash_iterations, 2);
        assert_eq!(config.settings.invite_expiry_hours, 168);
        assert!(config.settings.database_url.starts_with("sqlite://"));
        assert_eq!(&*config.leptos.output_name, "muster");
    }

    #[test]
    fn flags_override_the_file() {
        let args = SettingsArgs {
            data_dir: Some("/tmp/elsewhere".into()),
            site_addr: Some("127.0.0.1:4567".parse().unwrap()),
            database_url: Some(String::new()),
            ..Default::default()
        };
        let config = args.resolve().unwrap();
        assert_eq!(
            config.settings.database_url,
            "sqlite:///tmp/elsewhere/muster.db?mode=rwc"
        );
        assert_eq!(
            config.settings.public_url.as_str(),
            "http://127.0.0.1:4567/"
        );
        assert_eq!(config.leptos.site_addr.port(), 4567);
    }

    #[test]
    fn trusted_proxies_are_addresses() {
        let args = SettingsArgs {
            trusted_proxies: Some("10.0.0.1, ::1".into()),
            ..Default::default()
        };
        let proxies = args.resolve().unwrap().settings.trusted_proxies;
        assert_eq!(
            proxies,
            [
                "10.0.0.1".parse::<std::net::IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        let wrong = SettingsArgs {
            trusted_proxies: Some("proxy.internal".into()),
            ..Default::default()
        };
        assert!(wrong.resolve().is_err());
        assert!(SettingsArgs::default()
            .resolve()
            .unwrap()
            .settings
            .trusted_proxies
            .is_empty());
    }
}
