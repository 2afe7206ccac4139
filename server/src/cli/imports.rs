//! `muster imports list|undo`: the Imports page, for scripts and operators.
use super::{operator_in, workspace_error};
use app::domain::format_date_time;
use app::ssr::services::{import_undo, imports};
use app::ssr::AppState;
use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum ImportsCommand {
    /// The workspace's imports, newest first: id, when, file, counts, and
    /// whether it was undone.
    List {
        #[arg(long)]
        workspace: String,
    },
    /// Revoke the invitations an import created that are still open (their
    /// links stop working); people who joined through them stay. Safe to
    /// run twice.
    Undo {
        #[arg(long)]
        workspace: String,
        /// The import's id, as `muster imports list` and `muster import` print it.
        id: i32,
    },
}

pub async fn run(state: &AppState, command: ImportsCommand) -> anyhow::Result<()> {
    match command {
        ImportsCommand::List { workspace } => {
            let by = operator_in(state, &workspace).await?;
            let batches = imports::list(&state.db, by.workspace_id)
                .await
                .map_err(workspace_error)?;
            for batch in batches {
                let undone = batch
                    .undone
                    .map(|u| format!("  undone {}", format_date_time(u.undone_at)))
                    .unwrap_or_default();
                println!(
                    "{:>6}  {}  {}  {}{undone}",
                    batch.id,
                    format_date_time(batch.created_at),
                    batch.file_name,
                    batch.counts.summary(),
                );
            }
        }
        ImportsCommand::Undo { workspace, id } => {
            let by = operator_in(state, &workspace).await?;
            let undo = import_undo::undo(state, by, id)
                .await
                .map_err(|e| match e {
                    app::error::AppError::NotFound => {
                        anyhow::anyhow!("there is no import {id} in {workspace:?}")
                    }
                    other => workspace_error(other),
                })?;
            println!("{}", undo.summary());
        }
    }
    Ok(())
}
