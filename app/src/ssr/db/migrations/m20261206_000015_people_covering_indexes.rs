//! The Users index's indexes hold what a page reads (`kind`, `ref_id`, the
//! key's tail, and for the default order the state the status filters test),
//! so skipping rows to a deep page and counting walk the index alone instead
//! of looking each row up in the table; and one by kind, newest first, for
//! the members and invitations lists of the JSON API.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The indexes this replaces, by name.
const BEFORE: [(&str, &[&str]); 3] = [
    (
        "people_by_name",
        &["workspace_id", "unnamed", "sort_name", "sort_email"],
    ),
    ("people_by_email", &["workspace_id", "sort_email"]),
    ("people_by_since", &["workspace_id", "since"]),
];

const AFTER: [(&str, &[&str]); 5] = [
    (
        "people_by_name",
        &[
            "workspace_id",
            "unnamed",
            "sort_name",
            "sort_email",
            "email_key",
            "kind",
            "ref_id",
            "state",
            "expires_at",
        ],
    ),
    (
        "people_by_email",
        &["workspace_id", "sort_email", "email_key", "kind", "ref_id"],
    ),
    (
        "people_by_since",
        &["workspace_id", "since", "email_key", "kind", "ref_id"],
    ),
    (
        "people_by_kind",
        &["workspace_id", "kind", "since", "email_key", "ref_id"],
    ),
    // Counting expired invitations without reading the rest.
    (
        "people_by_expiry",
        &["workspace_id", "state", "expires_at", "kind"],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    /// On one connection: SQLite migrations otherwise run statement by
    /// statement on the pool, and a connection whose schema was read before
    /// the DROP still sees the old index when it prepares the CREATE
    /// ("index people_by_name already exists").
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, &BEFORE, &AFTER).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        replace(manager, &AFTER, &BEFORE).await
    }
}

async fn replace(
    manager: &SchemaManager<'_>,
    old: &[(&'static str, &'static [&'static str])],
    new: &[(&'static str, &'static [&'static str])],
) -> Result<(), DbErr> {
    for (name, _) in old {
        drop_index(manager, name).await?;
    }
    for (name, columns) in new {
        let mut index = Index::create();
        index.name(*name).table("people");
        for column in *columns {
            index.col(*column);
        }
        manager.create_index(index.to_owned()).await?;
    }
    Ok(())
}

async fn drop_index(manager: &SchemaManager<'_>, name: &str) -> Result<(), DbErr> {
    // Plain SQL: the same on both databases, and no table name (PostgreSQL's
    // DROP INDEX takes none).
    manager
        .get_connection()
        .execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
        .await
        .map(|_| ())
}
