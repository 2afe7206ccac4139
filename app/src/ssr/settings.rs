//! Runtime settings, resolved by the server binary from `Leptos.toml`, the
//! environment and the command line (see `server/src/config.rs`).
use std::net::IpAddr;
use std::path::PathBuf;
use url::Url;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub database_url: String,
    /// The address people reach Muster at; links in mail and cookies' `Secure` follow it.
    pub public_url: Url,
    pub smtp_url: Option<String>,
    /// Key for invitation links (base64url, 32 bytes). None: kept in `<data dir>/secret.key`.
    /// Instances sharing a database must share this key.
    pub secret_key: Option<String>,
    pub mail_from: String,
    pub invite_expiry_hours: u32,
    pub import_max_bytes: u64,
    pub import_max_rows: u32,
    pub password_hash_memory_kib: u32,
    pub password_hash_iterations: u32,
    pub session_ttl_hours: u32,
    pub log_format: LogFormat,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for rate limits).
    pub trusted_proxies: Vec<IpAddr>,
    /// When set, `/metrics` answers only requests bearing it.
    pub metrics_token: Option<String>,
}

impl Settings {
    /// Cookies get `Secure` when people reach Muster over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// An absolute link to `path` (which starts with `/`).
    pub fn link(&self, path: &str) -> String {
        format!("{}{}", self.public_url.as_str().trim_end_matches('/'), path)
    }

    /// Settings for tests: a throwaway data dir and cheap password hashing.
    pub fn for_tests(data_dir: PathBuf, database_url: String) -> Self {
        Self {
            data_dir,
            database_url,
            public_url: Url::parse("http://127.0.0.1:3000").expect("static URL"),
            smtp_url: None,
            secret_key: None,
            mail_from: "Muster <muster@localhost>".into(),
            invite_expiry_hours: 168,
            import_max_bytes: 50 * 1024 * 1024,
            import_max_rows: 100_000,
            password_hash_memory_kib: 64,
            password_hash_iterations: 1,
            session_ttl_hours: 24 * 14,
            log_format: LogFormat::Human,
            trusted_proxies: Vec::new(),
            metrics_token: None,
        }
    }
}
