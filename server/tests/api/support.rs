use app::domain::{DisplayName, Email, Password, Role};
use app::error::AppError;
use app::ssr::services::{members, setup};
use app::ssr::{AppState, Settings};
use reqwest::redirect::Policy;
use sea_orm::ConnectionTrait;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::net::TcpListener;
use url::Url;

pub const ADMIN_EMAIL: &str = "ada@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";
pub const MEMBER_EMAIL: &str = "max@example.com";
pub const MEMBER_PASSWORD: &str = "a perfectly fine passphrase";

#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Defines each test once per database backend.
macro_rules! on_every_database {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let $app = $crate::support::spawn_app($crate::support::Backend::Sqlite).await.unwrap();
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test]
                async fn $name() {
                    let Some($app) = $crate::support::spawn_app($crate::support::Backend::Postgres).await else {
                        return;
                    };
                    $body
                }
            )*
        }
    };
}
pub(crate) use on_every_database;

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    /// A browser: keeps cookies, does not follow redirects (so tests can see them).
    pub client: reqwest::Client,
    job_worker: tokio::sync::watch::Sender<bool>,
    _data_dir: tempfile::TempDir,
    postgres_database: Option<(String, String)>,
}

/// Starts Muster on a free port with a fresh database. `None` when the
/// backend is PostgreSQL and no test server is configured.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// Like `spawn_app`, with settings changed first.
pub async fn spawn_app_with(
    backend: Backend,
    change: impl FnOnce(&mut Settings),
) -> Option<TestApp> {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let (database_url, postgres_database) = match backend {
        Backend::Sqlite => (
            format!(
                "sqlite://{}?mode=rwc",
                data_dir.path().join("muster.db").display()
            ),
            None,
        ),
        Backend::Postgres => {
            let (url, base, name) = fresh_postgres_database().await?;
            (url, Some((base, name)))
        }
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let mut settings = Settings::for_tests(data_dir.path().to_owned(), database_url);
    settings.public_url = Url::parse(&format!("http://{addr}")).unwrap();
    change(&mut settings);
    let (state, job_worker) = serve(listener, settings).await;
    Some(TestApp {
        address: format!("http://{addr}"),
        client: browser(),
        state,
        job_worker,
        _data_dir: data_dir,
        postgres_database,
    })
}

/// Connects to the settings' database and serves Muster on `listener`, with
/// its import-job worker (stopped through the sender, or when it is dropped).
async fn serve(
    listener: TcpListener,
    settings: Settings,
) -> (AppState, tokio::sync::watch::Sender<bool>) {
    let addr = listener.local_addr().expect("local addr");
    let state = muster::startup::connect(settings).await.expect("connect");
    let state_for_jobs = state.clone();
    let mut leptos = leptos::config::get_config_from_str(muster::config::BUILT_IN).unwrap();
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
    // As `muster serve` does: the import-job worker, until told to stop.
    let (stop_jobs, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(app::ssr::services::import_jobs::run_worker(
        state_for_jobs,
        stopped,
    ));
    (state, stop_jobs)
}

pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        // A page that never finishes rendering must fail the test, not stall the run.
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

async fn fresh_postgres_database() -> Option<(String, String, String)> {
    let Ok(base) = std::env::var("MUSTER_TEST_POSTGRES_URL") else {
        eprintln!("SKIPPED on PostgreSQL: set MUSTER_TEST_POSTGRES_URL to run this test there too");
        return None;
    };
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let name = format!(
        "muster_test_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let admin = sea_orm::Database::connect(&base)
        .await
        .expect("connect to MUSTER_TEST_POSTGRES_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create test database");
    let _ = admin.close().await;
    let mut url = Url::parse(&base).expect("MUSTER_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    Some((url.to_string(), base, name))
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((base, name)) = self.postgres_database.take() else {
            return;
        };
        // Drop the per-test database from a separate runtime: Drop cannot await.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                if let Ok(admin) = sea_orm::Database::connect(&base).await {
                    let _ = admin
                        .execute_unprepared(&format!(
                            "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                        ))
                        .await;
                    let _ = admin.close().await;
                }
            })
        })
        .join();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// This test's app started again, on a fresh database of the same kind,
    /// with settings changed first.
    pub async fn respawn_with(self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let backend = if self.postgres_database.is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        drop(self);
        spawn_app_with(backend, change)
            .await
            .expect("the backend this test just ran on")
    }

    /// Another Muster process on the same database: its own connections,
    /// router and port, sharing nothing in memory with this one. Its address.
    pub async fn second_instance(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("local addr"));
        let (_, job_worker) = serve(listener, (*self.state.settings).clone()).await;
        // Runs as long as the test does.
        std::mem::forget(job_worker);
        address
    }

    /// Stops this app's import-job worker (for tests where another process runs the jobs).
    pub fn stop_job_worker(&self) {
        let _ = self.job_worker.send(true);
    }

    /// The `muster` binary on this test's database and data directory (so
    /// the same link-signing key), as an operator would run it.
    pub fn muster(&self, args: &[&str]) -> std::process::Command {
        let settings = &self.state.settings;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_muster"));
        command
            .env(
                "MUSTER_CONFIG",
                concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
            )
            .env("MUSTER_DATA_DIR", &settings.data_dir)
            .env("DATABASE_URL", &settings.database_url)
            .env("MUSTER_PUBLIC_URL", settings.public_url.as_str())
            .env_remove("SMTP_URL")
            .env_remove("MUSTER_LOG_FORMAT")
            .args(args);
        command
    }

    /// Calls a server function the way a form post from the app does.
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Calls a server function that takes a multipart form (text fields, and
    /// optionally one file: field name, bytes, content type).
    pub async fn call_multipart(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, Vec<u8>, &str)>,
    ) -> reqwest::Response {
        let mut form = reqwest::multipart::Form::new();
        for (name, value) in fields {
            form = form.text(name.to_string(), value.to_string());
        }
        if let Some((name, bytes, mime)) = file {
            let part = reqwest::multipart::Part::bytes(bytes)
                .file_name("picture")
                .mime_str(mime)
                .expect("mime type");
            form = form.part(name.to_string(), part);
        }
        client
            .post(self.url(&format!("/api/{endpoint}")))
            .multipart(form)
            .send()
            .await
            .expect("request")
    }

    /// Invites someone into acme-corp as the admin (no mail) and returns the
    /// token of their link. `groups` as typed in the Invite tab.
    pub async fn invite_for_token(
        &self,
        admin: &reqwest::Client,
        email: &str,
        groups: &str,
    ) -> String {
        let response = self
            .call(
                admin,
                "invite_users",
                &[
                    ("slug", "acme-corp"),
                    ("emails", email),
                    ("name", ""),
                    ("role", "Member"),
                    ("groups", groups),
                    ("metadata", ""),
                ],
            )
            .await;
        assert_eq!(response.status(), 200);
        let outcomes: serde_json::Value = response.json().await.unwrap();
        let id = outcomes[0]["kind"]["Invited"]["invitation_id"]
            .as_i64()
            .unwrap_or_else(|| panic!("not invited: {outcomes}"))
            .to_string();
        let link = self
            .call(
                admin,
                "invite_link",
                &[("slug", "acme-corp"), ("invitation_id", &id)],
            )
            .await;
        assert_eq!(link.status(), 200);
        let url: String = link.json().await.unwrap();
        url.rsplit('/').next().unwrap().to_owned()
    }

    pub async fn user_id(&self, email: &str) -> i32 {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        app::ssr::db::entities::user::Entity::find()
            .filter(app::ssr::db::entities::user::Column::EmailKey.eq(email))
            .one(&self.state.db)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account for {email}"))
            .id
    }

    /// Loads a page as a browser would.
    pub async fn page(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client
            .get(self.url(path))
            .header("accept", "text/html")
            .send()
            .await
            .expect("request")
    }

    /// What `muster` prints at first start.
    pub async fn setup_link_token(&self) -> String {
        setup::issue_link_token(&self.state.db, self.state.clock.now_millis())
            .await
            .unwrap()
            .expect("setup is open")
    }

    pub async fn complete_setup(
        &self,
        client: &reqwest::Client,
        token: &str,
        workspace: &str,
    ) -> reqwest::Response {
        self.call(
            client,
            "setup",
            &[
                ("token", token),
                ("workspace_name", workspace),
                ("your_name", "Ada Admin"),
                ("email", ADMIN_EMAIL),
                ("password", ADMIN_PASSWORD),
            ],
        )
        .await
    }

    /// A workspace "Acme Corp" (slug acme-corp) with Ada as admin and Max as member.
    pub async fn with_workspace(&self) -> &Self {
        let form =
            setup::NewWorkspace::parse("Acme Corp", "Ada Admin", ADMIN_EMAIL, ADMIN_PASSWORD)
                .unwrap();
        setup::create_first_workspace(&self.state, form, setup::SetupAuthority::Operator)
            .await
            .unwrap();
        self.add_member("acme-corp", MEMBER_EMAIL, Role::Member, MEMBER_PASSWORD)
            .await;
        self
    }

    /// A second workspace "Other" (slug other), with nobody in it yet.
    pub async fn other_workspace(&self) -> app::ssr::db::entities::workspace::Model {
        use sea_orm::{ActiveModelTrait, Set};
        app::ssr::db::entities::workspace::ActiveModel {
            name: Set("Other".into()),
            slug: Set("other".into()),
            created_at: Set(0),
            ..Default::default()
        }
        .insert(&self.state.db)
        .await
        .unwrap()
    }

    pub async fn add_member(&self, slug: &str, email: &str, role: Role, password: &str) {
        members::add_with_password(
            &self.state,
            slug,
            &Email::parse(email).unwrap(),
            &DisplayName::parse("Someone").unwrap(),
            role,
            &Password::parse(password).unwrap(),
        )
        .await
        .unwrap();
    }

    /// A fresh browser, logged in.
    pub async fn logged_in(&self, email: &str, password: &str) -> reqwest::Client {
        let client = browser();
        let response = self
            .call(
                &client,
                "login",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(response.status(), 200, "login as {email} failed");
        client
    }
}

/// The application error a server function answered with.
pub async fn app_error(response: reqwest::Response) -> AppError {
    let text = response.text().await.unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not an AppError ({e}): {text}"))
}

/// Runs SQL straight on the test database (to age or break data).
pub async fn execute(app: &TestApp, sql: &str) {
    use sea_orm::ConnectionTrait;
    let backend = app.state.db.get_database_backend();
    app.state
        .db
        .execute_raw(sea_orm::Statement::from_string(backend, sql))
        .await
        .unwrap();
}

/// Everything logged in this test process from the moment of the first call
/// (every test's logs, DEBUG and up: stricter than production's INFO), for
/// tests that check what must never reach a log. The test client's own
/// libraries are left out: their lines are not the server's.
pub fn captured_logs() -> impl Fn() -> String {
    use std::sync::{Arc, Mutex, OnceLock};
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    static LOGS: OnceLock<Captured> = OnceLock::new();
    let logs = LOGS
        .get_or_init(|| {
            let logs = Captured::default();
            let writer = logs.clone();
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(
                    "debug,reqwest=warn,hyper_util=warn,cookie_store=warn",
                ))
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .try_init()
                .expect("the only log subscriber in the tests");
            logs
        })
        .clone();
    move || String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned()
}

/// Runs a command to the end without blocking the test's runtime (an SMTP
/// sink in the test may have to answer it).
pub async fn finish(mut command: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output().expect("run muster"))
        .await
        .unwrap()
}

/// The `muster` binary serving this test's database, as an operator runs it
/// (its own outbox worker included).
pub struct ServerProcess {
    child: std::process::Child,
    pub address: String,
}

impl ServerProcess {
    pub fn start(app: &TestApp, smtp_url: &str) -> Self {
        use std::io::{BufRead, BufReader};
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut child = app
            .muster(&[])
            .env("SMTP_URL", smtp_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("MUSTER_PASSWORD_HASH_MEMORY_KIB", "64")
            .env("MUSTER_PASSWORD_HASH_ITERATIONS", "1")
            .env_remove("MUSTER_PUBLIC_URL")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        for line in stdout.lines() {
            if line.unwrap().contains("listening on") {
                break;
            }
        }
        Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: no shutdown, no cleanup, exactly like a crash.
    pub fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// SIGTERM, as a service manager stops it; waits for the process to end.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let mut child = std::mem::replace(
            &mut self.child,
            std::process::Command::new("true").spawn().unwrap(),
        );
        tokio::task::spawn_blocking(move || child.wait().unwrap())
            .await
            .unwrap()
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
