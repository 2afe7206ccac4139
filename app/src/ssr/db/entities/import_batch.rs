use sea_orm::entity::prelude::*;

/// One uploaded file: who, which file, when, and how it went.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_batches")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workspace_id: i32,
    pub created_by: Option<i32>,
    pub file_name: String,
    pub total_rows: i32,
    pub invited: i32,
    pub resent: i32,
    pub skipped: i32,
    pub failed: i32,
    /// Members whose role, groups or metadata the file changed.
    pub updated: i32,
    pub send_email: bool,
    /// The link lifetime chosen for the file; None: the workspace's default.
    pub expiry_days: Option<i32>,
    /// The admin's own words for every mail of the file.
    pub message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Set when the import was undone, with who did it (None: the command
    /// line) and what it did.
    pub undone_at: Option<i64>,
    pub undone_by: Option<i32>,
    pub undo_revoked: Option<i32>,
    pub undo_stayed: Option<i32>,
    /// Member updates the undo put back.
    pub undo_restored: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
