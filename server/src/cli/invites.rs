//! `muster invites list|resend|revoke`: what the Users page does to
//! invitations, for scripts and operators.
use super::people::{run_bulk, Whom};
use super::{operator_in, workspace_error};
use app::domain::{format_date_time, Email, PersonStatus};
use app::model::bulk::BulkAction;
use app::model::users::{PeopleSort, PersonId, StatusFilter};
use app::ssr::services::people::PersonKind;
use app::ssr::services::{invitations, people, Actor};
use app::ssr::AppState;
use clap::{Args, Subcommand};

#[derive(Subcommand, Debug)]
pub enum InvitesCommand {
    /// Every invitation not yet accepted, oldest first, one per line.
    List {
        #[arg(long)]
        workspace: String,
        /// Only these: invited (still open), expired, revoked, or mail_problems
        /// (bounced, or failed after every retry).
        #[arg(long, value_parser = ["invited", "expired", "revoked", "mail_problems"])]
        status: Option<String>,
        /// Only addresses or names containing this text.
        #[arg(long, default_value = "")]
        search: String,
    },
    /// A new link (the old one stops working), a fresh expiry and a new mail.
    Resend(Targets),
    /// The link stops working at once; mail not yet sent is cancelled.
    Revoke(Targets),
}

#[derive(Args, Debug)]
pub struct Targets {
    #[arg(long)]
    pub workspace: String,
    /// Every invitation with this status (invited, expired, mail_problems…),
    /// done as one bulk change; instead of naming people.
    #[arg(long, conflicts_with = "people")]
    pub status: Option<String>,
    /// With --status: only addresses or names containing this text.
    #[arg(long, requires = "status")]
    pub search: Option<String>,
    /// Email addresses, or invitation ids as `invites list` prints them.
    #[arg(required_unless_present = "status")]
    pub people: Vec<String>,
}

impl Targets {
    /// The filter form (`--status`), as a bulk change's target.
    fn matching(&self) -> Option<Whom> {
        self.status.as_ref().map(|status| Whom {
            workspace: self.workspace.clone(),
            status: Some(status.clone()),
            search: self.search.clone(),
            emails: Vec::new(),
        })
    }
}

/// Runs the command; false when any person could not be acted on.
pub async fn run(state: &AppState, command: InvitesCommand) -> anyhow::Result<bool> {
    match command {
        InvitesCommand::List {
            workspace,
            status,
            search,
        } => {
            list(state, &workspace, status, search).await?;
            Ok(true)
        }
        InvitesCommand::Resend(targets) => {
            if let Some(whom) = targets.matching() {
                run_bulk(state, BulkAction::Resend, &whom, None, None).await?;
                return Ok(true);
            }
            each(state, targets, "resent", |state, by, id| async move {
                invitations::resend_one(&state, by, id).await
            })
            .await
        }
        InvitesCommand::Revoke(targets) => {
            if let Some(whom) = targets.matching() {
                run_bulk(state, BulkAction::Revoke, &whom, None, None).await?;
                return Ok(true);
            }
            each(state, targets, "revoked", |state, by, id| async move {
                invitations::revoke_one(&state, by, id).await
            })
            .await
        }
    }
}

async fn list(
    state: &AppState,
    workspace: &str,
    status: Option<String>,
    search: String,
) -> anyhow::Result<()> {
    let by = operator_in(state, workspace).await?;
    let status = StatusFilter::parse(status.as_deref().unwrap_or_default())
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut filter = people::Filter {
        search,
        status,
        kind: Some(PersonKind::Invitation),
        sort: PeopleSort::Newest,
        page: 0,
        after: None,
    };
    let mut shown = 0;
    println!(
        "{:>8}  {:<8}  {:<9}  {:<26}  email  name",
        "id", "status", "mail", "expires"
    );
    loop {
        let page = people::list(
            &state.db,
            by.workspace_id,
            &filter,
            state.clock.now_millis(),
        )
        .await
        .map_err(workspace_error)?;
        for row in &page.rows {
            let PersonId::Invitation(id) = row.id else {
                continue;
            };
            let status = match row.status {
                PersonStatus::Invited { .. } => "invited",
                PersonStatus::Expired => "expired",
                PersonStatus::Revoked => "revoked",
                _ => continue,
            };
            println!(
                "{id:>8}  {status:<8}  {:<9}  {:<26}  {}  {}",
                row.delivery.map_or("-", |d| d.as_str()),
                row.expires_at.map_or_else(String::new, format_date_time),
                row.email,
                row.name
            );
            shown += 1;
        }
        if (page.page + 1) * page.page_size >= page.total {
            break;
        }
        filter.page = page.page + 1;
        filter.after = page.next;
    }
    eprintln!("{shown} invitations");
    Ok(())
}

/// Acts on each person in turn, saying what happened to each; one that
/// cannot be acted on does not stop the others.
async fn each<F, Fut>(
    state: &AppState,
    targets: Targets,
    done: &str,
    act: F,
) -> anyhow::Result<bool>
where
    F: Fn(AppState, Actor, i32) -> Fut,
    Fut: std::future::Future<Output = Result<(), app::error::AppError>>,
{
    let by = operator_in(state, &targets.workspace).await?;
    let mut all_done = true;
    for person in &targets.people {
        let result = match find(state, by, person).await {
            Ok(id) => act(state.clone(), by, id).await.map_err(|e| e.to_string()),
            Err(why) => Err(why),
        };
        match result {
            Ok(()) => println!("{person}: {done}"),
            Err(why) => {
                all_done = false;
                println!("{person}: not {done}: {why}");
            }
        }
    }
    Ok(all_done)
}

/// An invitation id, or the newest invitation to an address.
async fn find(state: &AppState, by: Actor, person: &str) -> Result<i32, String> {
    if let Ok(id) = person.parse::<i32>() {
        return Ok(id);
    }
    let email = Email::parse(person).map_err(|e| e.0)?;
    invitations::newest_for(&state.db, by.workspace_id, &email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "nobody with this address was invited to this workspace".to_owned())
}
