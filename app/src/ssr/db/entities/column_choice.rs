use sea_orm::entity::prelude::*;

/// How a workspace's admin read a file with these headers, last time.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "column_choices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workspace_id: i32,
    pub signature: String,
    /// JSON array of the headers.
    pub headers: String,
    /// JSON `ColumnChoices`.
    pub choices: String,
    pub file_name: String,
    pub saved_by: Option<i32>,
    pub saved_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
