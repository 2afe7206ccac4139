//! Bulk changes: one action over many people of the Users table, done a
//! chunk at a time. The row keeps where it has got to (the last address
//! done, in the order of the Users index), so a chunk asked for twice is done
//! once, and what it did (counts, and why people were skipped).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("bulk_changes")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    .col(integer_null("actor_user_id"))
                    .col(string("action"))
                    .col(string_null("role"))
                    .col(integer_null("group_id"))
                    .col(string_null("group_name"))
                    // Everyone matching a search and status, or the people
                    // named (JSON: {"members": [...], "invitations": [...]}).
                    .col(text("search"))
                    .col(string("status"))
                    .col(text_null("named"))
                    .col(integer("total"))
                    .col(text("cursor"))
                    .col(integer("done"))
                    .col(integer("applied"))
                    // JSON: {"reason": count}
                    .col(text("skipped"))
                    .col(integer_null("audit_id"))
                    .col(big_integer("created_at"))
                    .col(big_integer_null("finished_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_bulk_changes_workspace")
                            .from("bulk_changes", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("bulk_changes").to_owned())
            .await
    }
}
