//! `muster import FILE`: the browser's import, from the command line. The
//! same pipeline reads and checks the file; the same service commits it in
//! chunks (one batch, shown under Recent imports like any other).
use super::{operator_in, workspace_error};
use anyhow::{bail, Context};
use app::domain::{ExpiryDays, GroupName, PersonalMessage, Role};
use app::import::{self, Candidate, ForEveryone, ReadOptions};
use app::model::imports::{
    ConflictChoices, ImportRow, OutcomeCounts, RowOutcome, RowOutcomeKind, WorkspaceMatch,
};
use app::model::member_updates::PlannedUpdate;
use app::ssr::services::import_commit::{
    SKIP_ARCHIVED, SKIP_EXPIRED, SKIP_MEMBER, SKIP_PENDING, SKIP_UNCHANGED,
};
use app::ssr::services::imports as import_service;
use app::ssr::services::member_updates;
use app::ssr::services::{mailer::Mailer, outbox, workspace_settings};
use app::ssr::AppState;
use clap::Args;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// A CSV, TSV, TXT, XLSX, XLS or ODS file, as the Upload tab takes.
    pub file: PathBuf,
    /// The workspace's slug, as in /w/{slug} (with --server, the token's workspace).
    #[arg(long, required_unless_present = "server")]
    pub workspace: Option<String>,
    /// Hand the file to a running Muster at this address instead of writing
    /// to the database here; it imports it in the background, and this
    /// follows its progress. Needs an API token.
    #[arg(long, conflicts_with = "dry_run")]
    pub server: Option<url::Url>,
    /// A file holding the API token for --server (otherwise MUSTER_API_TOKEN).
    #[arg(long, requires = "server")]
    pub token_file: Option<PathBuf>,
    /// Admin, Builder or Member for every row (overrides the file's Role column).
    #[arg(long)]
    pub role: Option<String>,
    /// Groups for every row, separated by `|` or `,` (overrides the file's Groups column).
    #[arg(long)]
    pub groups: Option<String>,
    /// Create groups the workspace does not have yet (otherwise those rows fail).
    #[arg(long)]
    pub create_groups: bool,
    /// Send a new link to people whose invitation is still pending (otherwise skipped).
    #[arg(long)]
    pub resend_pending: bool,
    /// Skip people whose invitation expired (otherwise they are invited again).
    #[arg(long)]
    pub skip_expired: bool,
    /// Update the role, groups and metadata of people already active members
    /// from their rows (otherwise skipped); a column the file lacks changes
    /// nothing. With --dry-run, prints each change.
    #[arg(long)]
    pub update_members: bool,
    /// Mail each invitation (sent now; what fails is retried by the server).
    #[arg(long)]
    pub send_emails: bool,
    /// Days the links live, 1 to 30 (otherwise the workspace's setting).
    #[arg(long, value_parser = expiry_days)]
    pub expires_in_days: Option<ExpiryDays>,
    /// Your own words in each mail (up to 500 characters).
    #[arg(long, value_parser = personal_message)]
    pub message: Option<PersonalMessage>,
    /// The workbook sheet to read, by name or number (the best guess otherwise).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Check the file and say what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With --dry-run: a JSON object per row (its number, address, outcome,
    /// reason and every problem found, warnings too) instead of the report.
    #[arg(long, requires = "dry_run")]
    pub json: bool,
}

/// What happened to each row, in file order, and whether any row failed.
pub async fn run(state: &AppState, args: ImportArgs) -> anyhow::Result<bool> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let file_name = file_name(&args.file);
    let role = args
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let groups = args
        .groups
        .as_deref()
        .map(GroupName::parse_list)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--groups: {e}"))?
        .map(|names| {
            names
                .iter()
                .map(|n| n.as_str().to_owned())
                .collect::<Vec<_>>()
        });
    let slug = args.workspace.as_deref().unwrap_or_default();
    let workspace = operator_in(state, slug).await?;

    let limits = state.import_settings().limits;
    let options = ReadOptions {
        sheet: match &args.sheet {
            Some(sheet) => Some(sheet_index(&bytes, &file_name, &limits, sheet)?),
            None => None,
        },
        ..ReadOptions::default()
    };
    let checked = import::check_file(
        &bytes,
        &file_name,
        &options,
        &limits,
        &ForEveryone {
            role,
            groups,
            default_role: Some(
                workspace_settings::default_role(&state.db, workspace.workspace_id)
                    .await
                    .map_err(workspace_error)?,
            ),
        },
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    let candidates = checked.candidates;
    let choices = ConflictChoices {
        resend_pending: args.resend_pending,
        create_groups: args.create_groups,
        skip_expired: args.skip_expired,
        update_members: args.update_members.then_some(checked.fields),
    };
    let outcomes = if args.dry_run {
        predict(state, workspace.workspace_id, &candidates, choices).await?
    } else {
        let (batch, outcomes) = import_service::commit_file(
            state,
            workspace,
            &file_name,
            &candidates,
            import_service::Sending {
                send_email: args.send_emails,
                expiry: args.expires_in_days,
                message: args.message.clone(),
            },
            choices,
            |done, total| eprintln!("committed {done} of {total} rows"),
        )
        .await
        .map_err(workspace_error)?;
        eprintln!("import {batch}: `muster imports undo --workspace {slug} {batch}` undoes it");
        outcomes
    };
    if args.json {
        return print_json(&outcomes, &candidates);
    }
    let failed = print_report(&outcomes, args.dry_run);
    if args.send_emails && !args.dry_run {
        deliver(state).await?;
    }
    Ok(failed)
}

/// `--expires-in-days`: checked as the API checks `expires_in_days`.
fn expiry_days(text: &str) -> Result<ExpiryDays, String> {
    let days: i64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of days"))?;
    ExpiryDays::parse(days).map_err(|e| e.to_string())
}

/// `--message`: checked as the API checks `message`; empty is none.
fn personal_message(text: &str) -> Result<PersonalMessage, String> {
    PersonalMessage::parse(text)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "the message is empty".to_owned())
}

/// The file's own name, as the batch shows it.
pub(super) fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map_or_else(|| "import".to_owned(), |n| n.to_string_lossy().into_owned())
}

/// `--sheet` as a 1-based number or a sheet name.
fn sheet_index(
    bytes: &[u8],
    file_name: &str,
    limits: &import::ImportLimits,
    wanted: &str,
) -> anyhow::Result<usize> {
    let file = import::read(bytes, file_name, &ReadOptions::default(), limits)?;
    let names: Vec<&str> = file.sheets.iter().map(|s| s.name.as_str()).collect();
    if let Some(index) = names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(wanted))
    {
        return Ok(index);
    }
    match wanted.parse::<usize>() {
        Ok(number) if (1..=names.len()).contains(&number) => Ok(number - 1),
        _ => bail!("--sheet: no sheet {wanted:?}; this file has {names:?}"),
    }
}

/// What committing would do, from where each person stands in the workspace.
async fn predict(
    state: &AppState,
    workspace_id: i32,
    candidates: &[Candidate],
    choices: ConflictChoices,
) -> anyhow::Result<Vec<RowOutcome>> {
    let mut outcomes: Vec<RowOutcome> = Vec::with_capacity(candidates.len());
    let ready: Vec<&Candidate> = candidates.iter().filter(|c| c.is_ready()).collect();
    for chunk in ready.chunks(import_service::MAX_CHECK) {
        let emails: Vec<String> = chunk.iter().map(|c| c.email.clone()).collect();
        let matches =
            import_service::check(&state.db, workspace_id, &emails, state.clock.now_millis())
                .await
                .map_err(workspace_error)?;
        // What updating the members would change, by row.
        let planned: HashMap<usize, PlannedUpdate> = match choices.update_members {
            Some(fields) => {
                let rows: Vec<ImportRow> = chunk
                    .iter()
                    .zip(&matches)
                    .filter(|(_, found)| **found == WorkspaceMatch::Member)
                    .map(|(row, _)| ImportRow::from(*row))
                    .collect();
                member_updates::plan(&state.db, workspace_id, &rows, fields)
                    .await
                    .map_err(workspace_error)?
                    .into_iter()
                    .map(|p| (p.row, p))
                    .collect()
            }
            None => HashMap::new(),
        };
        outcomes.extend(chunk.iter().zip(matches).map(|(row, found)| {
            let skip = |why: &str| RowOutcomeKind::Skipped(why.to_owned());
            let update = choices.update_members.is_some();
            let kind = match found {
                WorkspaceMatch::New => RowOutcomeKind::Invited,
                WorkspaceMatch::Member if update => match planned.get(&row.row) {
                    Some(p) if !p.changes.is_empty() => {
                        RowOutcomeKind::Updated(p.changes.describe())
                    }
                    _ => skip(SKIP_UNCHANGED),
                },
                WorkspaceMatch::Archived if update => skip(SKIP_ARCHIVED),
                WorkspaceMatch::Member | WorkspaceMatch::Archived => skip(SKIP_MEMBER),
                WorkspaceMatch::Pending if choices.resend_pending => RowOutcomeKind::Resent,
                WorkspaceMatch::Pending => skip(SKIP_PENDING),
                WorkspaceMatch::Expired if choices.skip_expired => skip(SKIP_EXPIRED),
                WorkspaceMatch::Expired => RowOutcomeKind::Invited,
            };
            RowOutcome {
                row: row.row,
                email: row.email.clone(),
                kind,
            }
        }));
    }
    outcomes.extend(
        candidates
            .iter()
            .filter(|c| !c.is_ready())
            .map(RowOutcome::refused),
    );
    outcomes.sort_by_key(|o| o.row);
    Ok(outcomes)
}

/// One line per row, then "N invited · M skipped · K failed". True when a row failed.
pub(super) fn print_report(outcomes: &[RowOutcome], dry_run: bool) -> bool {
    for outcome in outcomes {
        let why = outcome
            .kind
            .reason()
            .map(|w| format!("  {w}"))
            .unwrap_or_default();
        let label = outcome.kind.outcome().as_str();
        println!("row {:>6}  {label:<7}  {}{why}", outcome.row, outcome.email);
    }
    let counts = OutcomeCounts::of(outcomes.iter().map(|o| &o.kind));
    let dry = if dry_run {
        " (dry run: nothing written)"
    } else {
        ""
    };
    println!("{}{dry}", counts.summary());
    counts.failed > 0
}

/// `--dry-run --json`: a JSON object per row, in file order: its number,
/// address, what would happen and why, and every problem the file check
/// found (warnings too), as the Upload tab's preview shows them.
fn print_json(outcomes: &[RowOutcome], candidates: &[Candidate]) -> anyhow::Result<bool> {
    let problems: HashMap<usize, &[import::Problem]> = candidates
        .iter()
        .map(|c| (c.row, c.problems.as_slice()))
        .collect();
    for outcome in outcomes {
        let line = serde_json::json!({
            "row": outcome.row,
            "email": outcome.email,
            "outcome": outcome.kind.outcome().as_str(),
            "reason": outcome.kind.reason(),
            "problems": problems.get(&outcome.row).copied().unwrap_or_default(),
        });
        println!("{line}");
    }
    Ok(outcomes
        .iter()
        .any(|o| matches!(o.kind, RowOutcomeKind::Failed(_))))
}

/// Sends the mail just queued. What cannot go out now stays queued with a
/// backoff; a running server's worker retries it.
async fn deliver(state: &AppState) -> anyhow::Result<()> {
    let mailer =
        Mailer::from_settings(state.settings.smtp_url.as_deref(), &state.settings.data_dir)
            .map_err(|e| anyhow::anyhow!(e))?;
    let worker = format!("cli-{}", std::process::id());
    let mut total = outbox::PassReport::default();
    loop {
        let pass = outbox::deliver_due(state, &mailer, &worker, 200)
            .await
            .map_err(|e| anyhow::anyhow!("sending mail: {e}"))?;
        if pass.handled() == 0 {
            break;
        }
        total.sent += pass.sent;
        total.retried += pass.retried;
        total.failed += pass.failed;
        total.bounced += pass.bounced;
    }
    let place = if mailer.writes_files() {
        format!(
            " (no SMTP_URL: written to {})",
            state.settings.data_dir.join("mail").display()
        )
    } else {
        String::new()
    };
    eprintln!(
        "mail: {} sent{place}, {} to retry, {} failed, {} bounced",
        total.sent, total.retried, total.failed, total.bounced
    );
    Ok(())
}
