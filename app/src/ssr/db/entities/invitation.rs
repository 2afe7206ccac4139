use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub workspace_id: i32,
    pub email: String,
    pub email_key: String,
    pub display_name: Option<String>,
    pub role: crate::domain::Role,
    pub metadata: String,
    pub invited_by: Option<i32>,
    pub nonce: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub accepted_user_id: Option<i32>,
    pub revoked_at: Option<i64>,
    pub send_count: i32,
    pub delivery: crate::domain::DeliveryState,
    /// How long its links live: chosen when it was made, kept for resends.
    pub lifetime_hours: i32,
    /// When its reminder is due; None: none is (sent, cancelled, or never).
    pub remind_at: Option<i64>,
    pub reminded_at: Option<i64>,
    /// The admin's own words, shown in its mail.
    pub message: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
