use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "workspaces")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    #[sea_orm(unique)]
    pub slug: String,
    pub created_at: i64,
    /// The role of people invited without one.
    pub default_role: crate::domain::Role,
    /// How long links live; None: the instance's MUSTER_INVITE_EXPIRY_HOURS.
    pub invite_expiry_days: Option<i32>,
    /// Whether invitees get a reminder before their link expires.
    pub reminders: bool,
    /// Whether "Send invitation emails" starts ticked.
    pub send_email_default: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
