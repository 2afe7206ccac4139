use sea_orm::entity::prelude::*;

/// One row per person in a workspace's Users table (a member, or their
/// newest invitation not yet accepted): the keys that filter, sort and page
/// it, kept in step with memberships and invitations by
/// `services::invitations::index`. Details are read from the source tables.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "people")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub workspace_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub email_key: String,
    /// member | invitation
    pub kind: String,
    /// The user id of a member, or the invitation id.
    pub ref_id: i32,
    /// 1 when there is no name yet (sorted after the named).
    pub unnamed: i32,
    /// Lower case (Unicode), for sorting and searching.
    pub sort_name: String,
    pub sort_email: String,
    /// active | archived (members); open | revoked (invitations). Whether an
    /// open invitation has expired is decided at query time.
    pub state: String,
    pub since: i64,
    pub expires_at: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
