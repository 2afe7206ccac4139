use sea_orm::entity::prelude::*;

/// An import handed to the server whole, run by whichever instance claims it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "import_jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workspace_id: i32,
    /// Who asked: an admin's account, or none (an API token or the operator).
    pub actor_user_id: Option<i32>,
    pub api_token_id: Option<i32>,
    pub file_name: String,
    /// `JobOptions` as JSON.
    pub options: String,
    pub state: crate::model::import_jobs::JobState,
    /// The import's batch (its counts and row records), once the file is read.
    pub batch_id: Option<i32>,
    /// Rows the file holds, once read.
    pub total_rows: Option<i32>,
    /// Rows ready to commit, and how many of them are committed.
    pub ready_rows: Option<i32>,
    pub committed_rows: i32,
    pub error: Option<String>,
    /// The instance running it, and until when its claim holds.
    pub lease_owner: Option<String>,
    pub lease_until: Option<i64>,
    pub attempts: i32,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
