use sea_orm::entity::prelude::*;

/// One mail to deliver. Written in the transaction that creates or resends the
/// invitation; the mail itself is rendered at delivery time, so the link's
/// secret is never stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub invitation_id: i32,
    pub kind: crate::domain::MailKind,
    pub created_at: i64,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub claimed_until: Option<i64>,
    pub claimed_by: Option<String>,
    pub sent_at: Option<i64>,
    pub failed_at: Option<i64>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
