//! The audit log: who did what, written in the transaction that did it.
//! Read back as sentences by `activity`.
use crate::ssr::db::entities::audit_log;
use crate::ssr::db::insert_batched;
use sea_orm::entity::prelude::*;
use sea_orm::{ConnectionTrait, DbErr, Set};

/// Everything that is audited. Stored as the `string_value`; the Activity
/// page has a sentence for each (an exhaustive match), so a new action
/// cannot be added without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "Text")]
pub enum AuditAction {
    #[sea_orm(string_value = "workspace.created")]
    WorkspaceCreated,
    #[sea_orm(string_value = "workspace.settings_changed")]
    WorkspaceSettingsChanged,
    #[sea_orm(string_value = "member.added")]
    MemberAdded,
    #[sea_orm(string_value = "member.role_changed")]
    MemberRoleChanged,
    #[sea_orm(string_value = "member.archived")]
    MemberArchived,
    #[sea_orm(string_value = "member.unarchived")]
    MemberUnarchived,
    #[sea_orm(string_value = "member.removed")]
    MemberRemoved,
    /// Role, groups or metadata changed by an imported file.
    #[sea_orm(string_value = "member.updated")]
    MemberUpdated,
    #[sea_orm(string_value = "invitation.created")]
    InvitationCreated,
    #[sea_orm(string_value = "invitation.resent")]
    InvitationResent,
    #[sea_orm(string_value = "invitation.revoked")]
    InvitationRevoked,
    #[sea_orm(string_value = "invitation.accepted")]
    InvitationAccepted,
    #[sea_orm(string_value = "invitation.email_changed")]
    InvitationEmailChanged,
    #[sea_orm(string_value = "invitation.role_changed")]
    InvitationRoleChanged,
    #[sea_orm(string_value = "api_token.created")]
    ApiTokenCreated,
    #[sea_orm(string_value = "api_token.revoked")]
    ApiTokenRevoked,
    #[sea_orm(string_value = "group.created")]
    GroupCreated,
    #[sea_orm(string_value = "group.renamed")]
    GroupRenamed,
    #[sea_orm(string_value = "group.deleted")]
    GroupDeleted,
    #[sea_orm(string_value = "groups.assigned")]
    GroupsAssigned,
    #[sea_orm(string_value = "import.started")]
    ImportStarted,
    #[sea_orm(string_value = "import.undone")]
    ImportUndone,
    /// One entry for a whole bulk change, brought up to date as it goes.
    #[sea_orm(string_value = "people.bulk_changed")]
    BulkChanged,
}

/// Who writes the audit entries of a change to many people: the change, one
/// per person (a row's action, an import), or its caller, once for all (a
/// bulk change: "Revoked 1,204 invitations").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audited {
    EachPerson,
    OnceByCaller,
}

/// One entry to record.
pub struct Entry {
    pub workspace_id: Option<i32>,
    /// None when an operator acted from the command line.
    pub actor_user_id: Option<i32>,
    pub action: AuditAction,
    pub detail: serde_json::Value,
}

impl Entry {
    fn into_row(self, at: i64) -> audit_log::ActiveModel {
        audit_log::ActiveModel {
            workspace_id: Set(self.workspace_id),
            actor_user_id: Set(self.actor_user_id),
            action: Set(self.action),
            detail: Set(self.detail.to_string()),
            created_at: Set(at),
            ..Default::default()
        }
    }
}

/// Records who did what. Call it inside the transaction that did it.
pub async fn record(
    db: &impl ConnectionTrait,
    workspace_id: Option<i32>,
    actor_user_id: Option<i32>,
    action: AuditAction,
    detail: serde_json::Value,
    now: i64,
) -> Result<(), DbErr> {
    let entry = Entry {
        workspace_id,
        actor_user_id,
        action,
        detail,
    };
    entry.into_row(now).insert(db).await.map(|_| ())
}

/// Records many entries at once (a bulk change), in as few statements as the
/// database allows.
pub async fn record_all(
    db: &impl ConnectionTrait,
    entries: Vec<Entry>,
    at: i64,
) -> Result<(), DbErr> {
    let rows: Vec<audit_log::ActiveModel> = entries.into_iter().map(|e| e.into_row(at)).collect();
    insert_batched(db, rows, None).await
}
