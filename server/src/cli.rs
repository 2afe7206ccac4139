//! `muster` and its subcommands.
mod import;
mod imports;
mod invites;
mod people;
mod remote;

use crate::config::SettingsArgs;
use anyhow::{bail, Context};
use app::domain::{DisplayName, Email, Role};
use app::error::AppError;
use app::ssr::services::{api_tokens, common_passwords, members, setup, workspaces, Actor};
use app::ssr::AppState;
use clap::{Parser, Subcommand};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Parser, Debug)]
#[command(
    name = "muster",
    version,
    about = "Invite people into a workspace: one at a time, or a hundred thousand from a file.",
    after_help = "Every setting can also be given in Leptos.toml ([muster] table) or by its environment variable."
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the web app (what `muster` does with no subcommand).
    Serve,
    /// Create the first workspace and its admin without the browser.
    Setup {
        #[arg(long)]
        workspace_name: String,
        #[arg(long)]
        admin_email: String,
        #[arg(long)]
        admin_name: String,
        /// File holding the admin's password (`-` for standard input).
        #[arg(long)]
        admin_password_file: PathBuf,
    },
    /// Manage people in a workspace.
    #[command(subcommand)]
    Members(MembersCommand),
    /// Invite everyone in a CSV or Excel file, as the Upload tab does: prints
    /// each row's outcome and "N invited · M skipped · K failed"; exits
    /// non-zero when a row failed.
    Import(import::ImportArgs),
    /// List the workspace's imports, or undo one.
    #[command(subcommand)]
    Imports(imports::ImportsCommand),
    /// List, resend or revoke invitations.
    #[command(subcommand)]
    Invites(invites::InvitesCommand),
    /// Act on many people at once, as the Users page's bulk actions do:
    /// everyone matching --status/--search, or the addresses given.
    People(people::PeopleArgs),
    /// Create an API token for a workspace (printed once; admins see it on the API tokens page).
    #[command(subcommand)]
    ApiTokens(ApiTokensCommand),
    /// Print the settings reference (docs/settings.md) as Markdown.
    SettingsReference,
}

#[derive(Subcommand, Debug)]
pub enum ApiTokensCommand {
    /// Prints the new token on standard output, and nothing else.
    Create {
        #[arg(long)]
        workspace: String,
        /// What will use it.
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum MembersCommand {
    /// Add a person with a password (creating their account if needed).
    Add {
        /// The workspace's slug, as in /w/{slug}.
        #[arg(long)]
        workspace: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// Admin, Builder or Member.
        #[arg(long, default_value = "Member")]
        role: String,
        /// File holding the password (`-` for standard input).
        #[arg(long)]
        password_file: PathBuf,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::SettingsReference) = cli.command {
        print!("{}", crate::settings_reference::markdown());
        return Ok(());
    }
    let config = cli.settings.resolve()?;
    crate::telemetry::init(config.settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => crate::startup::serve(config).await,
        Command::Setup {
            workspace_name,
            admin_email,
            admin_name,
            admin_password_file,
        } => {
            let password = read_password(&admin_password_file)?;
            let form =
                setup::NewWorkspace::parse(&workspace_name, &admin_name, &admin_email, &password)
                    .map_err(|e| anyhow::anyhow!("{}", field_message(&e)))?;
            let state = crate::startup::connect(config.settings).await?;
            let created =
                setup::create_first_workspace(&state, form, setup::SetupAuthority::Operator)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Created workspace {:?} with admin {}. Log in at {}",
                created.workspace.name,
                created.admin.email,
                state.settings.link("/login")
            );
            Ok(())
        }
        Command::Members(MembersCommand::Add {
            workspace,
            email,
            name,
            role,
            password_file,
        }) => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            let name = DisplayName::parse(&name).map_err(|e| anyhow::anyhow!("--name: {e}"))?;
            let role = Role::parse(&role).map_err(|e| anyhow::anyhow!("--role: {e}"))?;
            let password = common_passwords::new_account_password(&read_password(&password_file)?)
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            let state = crate::startup::connect(config.settings).await?;
            members::add_with_password(&state, &workspace, &email, &name, role, &password)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => {
                        anyhow::anyhow!("there is no workspace {workspace:?}")
                    }
                    other => anyhow::anyhow!("{other}"),
                })?;
            println!("Added {email} to {workspace} as {role}.");
            Ok(())
        }
        Command::Import(args) => {
            let failed = match &args.server {
                Some(server) => remote::run(&args, server).await?,
                None => {
                    let state = crate::startup::connect(config.settings).await?;
                    import::run(&state, args).await?
                }
            };
            if failed {
                bail!("some rows failed (listed above with their reasons)");
            }
            Ok(())
        }
        Command::ApiTokens(ApiTokensCommand::Create { workspace, name }) => {
            let state = crate::startup::connect(config.settings).await?;
            let by = operator_in(&state, &workspace).await?;
            let (_, secret) = api_tokens::create(&state.db, by, &name, state.clock.now_millis())
                .await
                .map_err(workspace_error)?;
            println!("{secret}");
            Ok(())
        }
        // Answered above, before any setting is read.
        Command::SettingsReference => Ok(()),
        Command::People(args) => {
            let state = crate::startup::connect(config.settings).await?;
            people::run(&state, args).await
        }
        Command::Imports(command) => {
            let state = crate::startup::connect(config.settings).await?;
            imports::run(&state, command).await
        }
        Command::Invites(command) => {
            let state = crate::startup::connect(config.settings).await?;
            if !invites::run(&state, command).await? {
                bail!("some invitations were not changed (listed above with their reasons)");
            }
            Ok(())
        }
    }
}

/// The operator acting in a workspace (no user: Recent imports says "command line").
async fn operator_in(state: &AppState, slug: &str) -> anyhow::Result<Actor> {
    let workspace = workspaces::find_by_slug(&state.db, slug)
        .await
        .map_err(workspace_error)?
        .ok_or_else(|| anyhow::anyhow!("there is no workspace {slug:?}"))?;
    Ok(Actor {
        workspace_id: workspace.id,
        user_id: None,
    })
}

/// A service error as the operator should read it.
fn workspace_error(error: AppError) -> anyhow::Error {
    anyhow::anyhow!("{}", field_message(&error))
}

fn field_message(error: &AppError) -> String {
    app::ssr::request::log_failure(error);
    match error {
        AppError::Invalid { field, message } => format!("{field}: {message}"),
        other => other.to_string(),
    }
}

/// Reads a password from a file or stdin, without its final line break.
fn read_password(path: &Path) -> anyhow::Result<String> {
    let mut text = String::new();
    if path == Path::new("-") {
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the password from standard input")?;
    } else {
        text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    }
    let password = text.strip_suffix('\n').unwrap_or(&text);
    let password = password.strip_suffix('\r').unwrap_or(password).to_owned();
    if password.is_empty() {
        bail!("the password file is empty");
    }
    Ok(password)
}
