//! A workspace's own settings, and what they mean for a new invitation: its
//! default role, how long links live (the instance's MUSTER_INVITE_EXPIRY_HOURS
//! until an admin picks a lifetime), reminders, and whether mail starts on.
use super::audit::{self, AuditAction};
use super::Actor;
use crate::domain::{lifetime_label, ExpiryDays, Role, WorkspaceName};
use crate::error::AppError;
use crate::model::workspace::WorkspaceSettings;
use crate::ssr::db::begin_write;
use crate::ssr::db::entities::workspace;
use crate::ssr::settings::Settings;
use crate::ssr::AppState;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};

/// How long the links of a new invitation live, in hours: the request's
/// choice, else the workspace's default, else the instance's.
pub fn lifetime_hours(
    settings: &Settings,
    workspace: &workspace::Model,
    choice: Option<ExpiryDays>,
) -> u32 {
    choice
        .or_else(|| stored_expiry(workspace))
        .map_or(settings.invite_expiry_hours, ExpiryDays::hours)
}

fn stored_expiry(workspace: &workspace::Model) -> Option<ExpiryDays> {
    workspace
        .invite_expiry_days
        .and_then(|days| ExpiryDays::parse(i64::from(days)).ok())
}

/// The role of people invited without one.
pub async fn default_role(
    db: &impl sea_orm::ConnectionTrait,
    workspace_id: i32,
) -> Result<Role, AppError> {
    Ok(workspace::Entity::find_by_id(workspace_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?
        .default_role)
}

pub fn view(settings: &Settings, workspace: &workspace::Model) -> WorkspaceSettings {
    WorkspaceSettings {
        name: workspace.name.clone(),
        default_role: workspace.default_role,
        expiry_days: stored_expiry(workspace),
        server_expiry_hours: settings.invite_expiry_hours,
        reminders: workspace.reminders,
        send_email_default: workspace.send_email_default,
    }
}

/// The settings page's form, checked.
pub struct SettingsChange {
    pub name: WorkspaceName,
    pub default_role: Role,
    /// None: back to the instance's lifetime.
    pub expiry_days: Option<ExpiryDays>,
    pub reminders: bool,
    pub send_email_default: bool,
}

/// Saves the settings and audits what changed (nothing is recorded when
/// nothing did).
pub async fn save(
    state: &AppState,
    by: Actor,
    change: SettingsChange,
) -> Result<WorkspaceSettings, AppError> {
    let txn = begin_write(&state.db).await?;
    let found = workspace::Entity::find_by_id(by.workspace_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let before = view(&state.settings, &found);
    let after = WorkspaceSettings {
        name: change.name.as_str().to_owned(),
        default_role: change.default_role,
        expiry_days: change.expiry_days,
        server_expiry_hours: state.settings.invite_expiry_hours,
        reminders: change.reminders,
        send_email_default: change.send_email_default,
    };
    let changes = differences(&before, &after);
    if !changes.is_empty() {
        let mut row: workspace::ActiveModel = found.into();
        row.name = Set(after.name.clone());
        row.default_role = Set(after.default_role);
        row.invite_expiry_days = Set(after.expiry_days.map(|d| i32::from(d.days())));
        row.reminders = Set(after.reminders);
        row.send_email_default = Set(after.send_email_default);
        row.update(&txn).await?;
        audit::record(
            &txn,
            Some(by.workspace_id),
            by.user_id,
            AuditAction::WorkspaceSettingsChanged,
            serde_json::json!({ "changes": changes }),
            state.clock.now_millis(),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// "Invitations expire after: 7 days → 14 days", one per setting that changed.
fn differences(before: &WorkspaceSettings, after: &WorkspaceSettings) -> Vec<String> {
    let on_off = |on: bool| if on { "on" } else { "off" }.to_owned();
    let lifetime = |s: &WorkspaceSettings| {
        let label = lifetime_label(s.invite_defaults().lifetime_hours);
        match s.expiry_days {
            Some(_) => label,
            None => format!("the server's default ({label})"),
        }
    };
    [
        ("Name", before.name.clone(), after.name.clone()),
        (
            "Default role",
            before.default_role.label().to_owned(),
            after.default_role.label().to_owned(),
        ),
        (
            "Invitations expire after",
            lifetime(before),
            lifetime(after),
        ),
        (
            "Reminders",
            on_off(before.reminders),
            on_off(after.reminders),
        ),
        (
            "Invitation emails by default",
            on_off(before.send_email_default),
            on_off(after.send_email_default),
        ),
    ]
    .into_iter()
    .filter(|(_, from, to)| from != to)
    .map(|(what, from, to)| format!("{what}: {from} → {to}"))
    .collect()
}
