use crate::model::bulk::BulkAction;
use sea_orm::entity::prelude::*;

/// One bulk change and how far it has got (see migration 14).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bulk_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workspace_id: i32,
    pub actor_user_id: Option<i32>,
    pub action: BulkAction,
    pub role: Option<crate::domain::Role>,
    pub group_id: Option<i32>,
    pub group_name: Option<String>,
    pub search: String,
    pub status: String,
    pub named: Option<String>,
    pub total: i32,
    pub cursor: String,
    pub done: i32,
    pub applied: i32,
    pub skipped: String,
    /// The one Activity entry that tells of it, kept up to date as it goes.
    pub audit_id: Option<i32>,
    pub created_at: i64,
    pub finished_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
