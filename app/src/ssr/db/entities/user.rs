use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// As the person gave it (domain in punycode).
    pub email: String,
    /// Canonical identity: unique.
    #[sea_orm(unique)]
    pub email_key: String,
    pub display_name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub created_at: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
