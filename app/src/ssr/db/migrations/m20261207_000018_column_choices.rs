//! The column choices of a committed import, kept per workspace under the
//! signature of the file's headers, so the next file with the same headers
//! starts from them.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("column_choices")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    // SHA-256 (hex) of the headers as `header_signature` normalises them.
                    .col(string_len("signature", 64))
                    // JSON: the headers as the file had them.
                    .col(text("headers"))
                    // JSON: `ColumnChoices`.
                    .col(text("choices"))
                    .col(text("file_name"))
                    .col(integer_null("saved_by"))
                    .col(big_integer("saved_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_column_choices_workspace")
                            .from("column_choices", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_column_choices_signature")
                    .table("column_choices")
                    .col("workspace_id")
                    .col("signature")
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("column_choices").to_owned())
            .await
    }
}
