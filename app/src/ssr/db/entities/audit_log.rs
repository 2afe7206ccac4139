use sea_orm::entity::prelude::*;

/// Who did what, when.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workspace_id: Option<i32>,
    /// None when done by an operator from the command line.
    pub actor_user_id: Option<i32>,
    pub action: crate::ssr::services::audit::AuditAction,
    /// A JSON object with the details.
    pub detail: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
