use sea_orm::entity::prelude::*;

/// What happened to one row of an imported file.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_rows")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub batch_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub row_number: i32,
    pub email: String,
    pub outcome: crate::model::imports::Outcome,
    pub message: Option<String>,
    pub invitation_id: Option<i32>,
    /// An updated member's changes (JSON `MemberChanges`), for an undo.
    pub changes: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
