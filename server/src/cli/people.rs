//! `muster people ACTION`: the Users page's bulk actions from the command
//! line, for everyone matching `--status`/`--search` or the addresses given.
use super::{operator_in, workspace_error};
use app::domain::{Email, GroupName, Role};
use app::model::bulk::BulkAction;
use app::model::users::StatusFilter;
use app::ssr::services::bulk::{self, NewBulk, Target};
use app::ssr::AppState;
use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Action {
    /// A new link and mail for each invitation (the old links stop working).
    Resend,
    /// The invitations' links stop working at once.
    Revoke,
    /// Give everyone `--role` (members at once; invitations on joining).
    ChangeRole,
    /// Put everyone in `--group` (created if missing).
    AddToGroup,
    /// Take everyone out of `--group`.
    RemoveFromGroup,
    /// Archive members: they can no longer use the workspace.
    Archive,
    /// Remove members from the workspace (their accounts stay).
    Remove,
}

#[derive(Args, Debug)]
pub struct PeopleArgs {
    pub action: Action,
    #[command(flatten)]
    pub whom: Whom,
    /// For change-role: admin, builder or member.
    #[arg(long)]
    pub role: Option<String>,
    /// For add-to-group and remove-from-group.
    #[arg(long)]
    pub group: Option<String>,
}

/// The people a bulk action is for.
#[derive(Args, Debug)]
pub struct Whom {
    /// The workspace's slug, as in /w/{slug}.
    #[arg(long)]
    pub workspace: String,
    /// Everyone with this status: invited, expired, active, archived, revoked
    /// or mail_problems.
    #[arg(long)]
    pub status: Option<String>,
    /// Everyone whose address or name contains this text.
    #[arg(long)]
    pub search: Option<String>,
    /// These people, by address (instead of --status/--search).
    pub emails: Vec<String>,
}

impl Whom {
    pub fn target(&self) -> anyhow::Result<Target> {
        if !self.emails.is_empty() {
            if self.status.is_some() || self.search.is_some() {
                anyhow::bail!("give addresses, or --status/--search, not both");
            }
            let emails = self
                .emails
                .iter()
                .map(|e| Email::parse(e).map_err(|why| anyhow::anyhow!("{e}: {why}")))
                .collect::<anyhow::Result<_>>()?;
            return Ok(Target::Addresses(emails));
        }
        if self.status.is_none() && self.search.is_none() {
            anyhow::bail!("say whom: addresses, or --status and/or --search");
        }
        let status = StatusFilter::parse(self.status.as_deref().unwrap_or_default())
            .map_err(|e| anyhow::anyhow!("--status: {e}"))?;
        Ok(Target::Matching {
            search: self.search.clone().unwrap_or_default(),
            status,
        })
    }
}

pub async fn run(state: &AppState, args: PeopleArgs) -> anyhow::Result<()> {
    let role = args
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--role: {e}"))?;
    let group = args
        .group
        .as_deref()
        .map(GroupName::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--group: {e}"))?;
    let action = match args.action {
        Action::Resend => BulkAction::Resend,
        Action::Revoke => BulkAction::Revoke,
        Action::ChangeRole => BulkAction::ChangeRole,
        Action::AddToGroup => BulkAction::AddToGroup,
        Action::RemoveFromGroup => BulkAction::RemoveFromGroup,
        Action::Archive => BulkAction::Archive,
        Action::Remove => BulkAction::Remove,
    };
    run_bulk(state, action, &args.whom, role, group).await
}

/// Runs a bulk change to the end and prints what it did.
pub async fn run_bulk(
    state: &AppState,
    action: BulkAction,
    whom: &Whom,
    role: Option<Role>,
    group: Option<GroupName>,
) -> anyhow::Result<()> {
    let by = operator_in(state, &whom.workspace).await?;
    let new = NewBulk {
        action,
        role,
        group,
        target: whom.target()?,
    };
    let done = bulk::run(state, by, new).await.map_err(workspace_error)?;
    println!("{}", done.summary);
    Ok(())
}
