//! `muster import FILE --server URL`: the file handed to a running Muster as
//! an import job (`POST /api/v1/imports`), its progress followed until it
//! ends, then every row's result printed as a local import prints them.
use super::import::{file_name, print_report, ImportArgs};
use crate::api_v1::import_types::{ImportJob, ImportRowsPage, JobState};
use crate::api_v1::types::ErrorBody;
use anyhow::{bail, Context};
use app::model::imports::{RowOutcome, RowOutcomeKind};
use std::time::Duration;

/// How often the job is asked how it is going.
const POLL: Duration = Duration::from_millis(500);
const PAGE_SIZE: u32 = 1_000;

/// Runs the import on the server; true when a row failed.
pub async fn run(args: &ImportArgs, server: &url::Url) -> anyhow::Result<bool> {
    let token = token(args)?;
    let content =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let file_name = file_name(&args.file);
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()?;
    let api =
        |path: &str| -> anyhow::Result<url::Url> { Ok(server.join(&format!("api/v1/{path}"))?) };
    let mut query: Vec<(&str, String)> = vec![
        ("file_name", file_name.clone()),
        ("send_email", args.send_emails.to_string()),
        ("resend_pending", args.resend_pending.to_string()),
        ("create_groups", args.create_groups.to_string()),
        ("skip_expired", args.skip_expired.to_string()),
        ("update_members", args.update_members.to_string()),
    ];
    if let Some(expiry) = args.expires_in_days {
        query.push(("expires_in_days", expiry.days().to_string()));
    }
    if let Some(message) = &args.message {
        query.push(("message", message.as_str().to_owned()));
    }
    if let Some(role) = &args.role {
        query.push(("role", role.clone()));
    }
    if let Some(groups) = &args.groups {
        query.push(("groups", groups.clone()));
    }
    if let Some(sheet) = &args.sheet {
        let number: u32 = sheet.parse().map_err(|_| {
            anyhow::anyhow!("--sheet: with --server, give the sheet's number (from 1)")
        })?;
        query.push(("sheet", number.to_string()));
    }
    let response = client
        .post(api("imports")?)
        .bearer_auth(&token)
        .query(&query)
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .body(content)
        .send()
        .await
        .with_context(|| format!("sending {file_name} to {server}"))?;
    let mut job: ImportJob = answer(response).await?;
    eprintln!("{server} queued {file_name} as import job {}", job.id);
    let mut last = (None, -1);
    while !job.state.is_finished() {
        tokio::time::sleep(POLL).await;
        job = answer(
            client
                .get(api(&format!("imports/{}", job.id))?)
                .bearer_auth(&token)
                .send()
                .await?,
        )
        .await?;
        if (job.ready_rows, job.committed_rows) != last {
            last = (job.ready_rows, job.committed_rows);
            if let Some(ready) = job.ready_rows {
                eprintln!("committed {} of {ready} rows", job.committed_rows);
            }
        }
    }
    let mut outcomes = Vec::new();
    for page in 1.. {
        let rows: ImportRowsPage = answer(
            client
                .get(api(&format!("imports/{}/rows", job.id))?)
                .bearer_auth(&token)
                .query(&[("page", page), ("page_size", PAGE_SIZE)])
                .send()
                .await?,
        )
        .await?;
        let last_page = rows.items.len() < PAGE_SIZE as usize;
        outcomes.extend(rows.items.into_iter().map(|row| RowOutcome {
            row: row.row,
            email: row.email,
            kind: RowOutcomeKind::stored(row.outcome.into(), row.reason),
        }));
        if last_page {
            break;
        }
    }
    let failed = print_report(&outcomes, false);
    match job.state {
        JobState::Done => Ok(failed),
        JobState::Cancelled => bail!("the import was cancelled; the rows above were committed"),
        _ => bail!(
            "the import failed: {}",
            job.error.as_deref().unwrap_or("no reason given")
        ),
    }
}

/// The token from --token-file, or MUSTER_API_TOKEN.
fn token(args: &ImportArgs) -> anyhow::Result<String> {
    let token = match &args.token_file {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("reading the token from {}", path.display()))?,
        None => std::env::var("MUSTER_API_TOKEN").map_err(|_| {
            anyhow::anyhow!("--server needs an API token: --token-file FILE, or MUSTER_API_TOKEN")
        })?,
    };
    let token = token.trim().to_owned();
    if token.is_empty() {
        bail!("the API token is empty");
    }
    Ok(token)
}

/// The body of a successful answer, or the server's error as a sentence.
async fn answer<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> anyhow::Result<T> {
    let status = response.status();
    if status.is_success() {
        return Ok(response.json().await?);
    }
    let text = response.text().await.unwrap_or_default();
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => bail!("the server answered {status}: {}", body.error.message),
        Err(_) => bail!("the server answered {status}"),
    }
}
