//! The `muster` binary itself: help, headless setup, and what first start prints.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn muster(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_muster"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("SMTP_URL")
        .env("MUSTER_DATA_DIR", data_dir)
        .env("MUSTER_PASSWORD_HASH_MEMORY_KIB", "64")
        .env("MUSTER_PASSWORD_HASH_ITERATIONS", "1")
        .env(
            "MUSTER_CONFIG",
            concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml"),
        );
    command
}

fn password_file(dir: &std::path::Path, password: &str) -> std::path::PathBuf {
    let path = dir.join("password.txt");
    std::fs::write(&path, format!("{password}\n")).unwrap();
    path
}

#[test]
fn help_lists_the_subcommands_and_every_setting() {
    let dir = tempfile::tempdir().unwrap();
    let output = muster(dir.path()).arg("--help").output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "serve",
        "setup",
        "members",
        "MUSTER_DATA_DIR",
        "DATABASE_URL",
        "MUSTER_PUBLIC_URL",
        "LEPTOS_SITE_ADDR",
        "SMTP_URL",
        "MUSTER_INVITE_EXPIRY_HOURS",
        "MUSTER_IMPORT_MAX_BYTES",
        "MUSTER_IMPORT_MAX_ROWS",
        "MUSTER_PASSWORD_HASH_MEMORY_KIB",
        "MUSTER_LOG_FORMAT",
    ] {
        assert!(
            help.contains(needle),
            "--help does not mention {needle}:\n{help}"
        );
    }
}

#[test]
fn headless_setup_creates_the_workspace_once() {
    let dir = tempfile::tempdir().unwrap();
    let pw = password_file(dir.path(), "correct horse battery staple");
    let setup = |name: &str| {
        muster(dir.path())
            .args([
                "setup",
                "--workspace-name",
                name,
                "--admin-email",
                "ops@example.com",
            ])
            .args(["--admin-name", "Ops Person", "--admin-password-file"])
            .arg(&pw)
            .output()
            .unwrap()
    };
    let first = setup("Acme Corp");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert!(
        stdout.contains("Created workspace \"Acme Corp\""),
        "{stdout}"
    );
    assert!(
        dir.path().join("muster.db").is_file(),
        "SQLite database in the data dir"
    );

    let second = setup("Again");
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already set up"));

    // The member command works against the same database.
    let add = muster(dir.path())
        .args([
            "members",
            "add",
            "--workspace",
            "acme-corp",
            "--email",
            "max@example.com",
        ])
        .args(["--name", "Max", "--role", "end user", "--password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    assert!(String::from_utf8_lossy(&add.stdout)
        .contains("Added max@example.com to acme-corp as Member."));
}

#[test]
fn headless_setup_names_the_bad_value() {
    let dir = tempfile::tempdir().unwrap();
    let pw = password_file(dir.path(), "short");
    let output = muster(dir.path())
        .args([
            "setup",
            "--workspace-name",
            "Acme",
            "--admin-email",
            "ops@example.com",
        ])
        .args(["--admin-name", "Ops", "--admin-password-file"])
        .arg(&pw)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("Password: Use at least 8 characters.")
    );

    // The same policy as the sign-up page: common passwords are refused.
    let common = password_file(dir.path(), "trustno1");
    let output = muster(dir.path())
        .args([
            "setup",
            "--workspace-name",
            "Acme",
            "--admin-email",
            "ops@example.com",
        ])
        .args(["--admin-name", "Ops", "--admin-password-file"])
        .arg(&common)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("Password: This password is one of the most common ones."));
}

#[test]
fn first_start_prints_one_setup_link_that_opens_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = muster(dir.path())
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env_remove("MUSTER_PUBLIC_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|word| word.contains("/setup?token="))
        .unwrap_or_else(|| panic!("no setup link in {first:?}"))
        .to_owned();
    assert!(
        url.starts_with(&format!("http://127.0.0.1:{port}/setup?token=")),
        "{url}"
    );
    assert!(
        url.rsplit('=').next().unwrap().len() >= 43,
        "a 256-bit token"
    );
    assert!(second.contains("listening on"), "{second}");

    let html = reqwest::blocking_get(&url);
    let _ = server.kill();
    let _ = server.wait();
    assert!(html.contains("Create workspace"), "{html}");
}

mod reqwest {
    /// A tiny blocking GET for this synchronous test.
    pub fn blocking_get(url: &str) -> String {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async { ::reqwest::get(url).await.unwrap().text().await.unwrap() })
    }
}

#[test]
fn the_settings_reference_in_docs_is_what_the_code_says() {
    let dir = tempfile::tempdir().unwrap();
    let output = muster(dir.path())
        .arg("settings-reference")
        .output()
        .unwrap();
    assert!(output.status.success());
    let generated = String::from_utf8(output.stdout).unwrap();
    for needle in [
        "`--database-url` | `DATABASE_URL` | `database-url`",
        "`--metrics-token` | `MUSTER_METRICS_TOKEN` | no (secret)",
        "`--site-addr`",
    ] {
        assert!(generated.contains(needle), "{needle} in:\n{generated}");
    }
    let written =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/settings.md"))
            .unwrap();
    assert!(
        written == generated,
        "docs/settings.md is out of date: run `target/debug/muster settings-reference > docs/settings.md`"
    );
}

/// Serves on a free port with the given log format, stops with SIGTERM, and
/// returns what it logged (standard error) and its exit status.
fn serve_then_stop(format: &str) -> (String, std::process::ExitStatus) {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = muster(dir.path())
        .env("MUSTER_LOG_FORMAT", format)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read standard output to its end (a closed pipe would fail the server's
    // later prints), and go on once it says it is listening.
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (listening, started) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            if line.contains("listening on") {
                let _ = listening.send(());
            }
        }
    });
    started
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the server starts");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let output = child.wait_with_output().unwrap();
    (String::from_utf8(output.stderr).unwrap(), output.status)
}

#[test]
fn logs_are_one_json_object_per_line_when_asked_and_text_otherwise() {
    let (json, status) = serve_then_stop("json");
    assert!(
        status.success(),
        "SIGTERM is a clean stop: {status:?}\n{json}"
    );
    let lines: Vec<serde_json::Value> = json
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let messages: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["fields"]["message"].as_str())
        .collect();
    assert!(messages.contains(&"shutting down"), "{messages:?}");
    assert!(messages.contains(&"outbox worker stopped"), "{messages:?}");
    assert!(lines
        .iter()
        .all(|l| l["level"].is_string() && l["timestamp"].is_string()));

    let (human, status) = serve_then_stop("human");
    assert!(status.success());
    assert!(human.contains("shutting down"), "{human}");
    assert!(human
        .lines()
        .all(|l| serde_json::from_str::<serde_json::Value>(l).is_err()));
}
