//! Bulk imports: one batch per uploaded file, one row record per file row, so
//! a chunk sent twice is answered from what was recorded, never done twice.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("import_batches")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    .col(integer_null("created_by"))
                    .col(string("file_name"))
                    .col(integer("total_rows"))
                    .col(integer("invited"))
                    .col(integer("resent"))
                    .col(integer("skipped"))
                    .col(integer("failed"))
                    .col(boolean("send_email"))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_batches_workspace")
                            .from("import_batches", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_rows")
                    .col(integer("batch_id"))
                    .col(integer("row_number"))
                    .col(string("email"))
                    // invited | resent | skipped | failed
                    .col(string("outcome"))
                    .col(text_null("message"))
                    .col(integer_null("invitation_id"))
                    .primary_key(Index::create().col("batch_id").col("row_number"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_rows_batch")
                            .from("import_rows", "batch_id")
                            .to("import_batches", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["import_rows", "import_batches"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
