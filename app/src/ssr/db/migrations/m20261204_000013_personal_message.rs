//! The admin's own words in an invitation's mail, kept with the invitation
//! (resends and reminders carry them) and with an import's batch.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["invitations", "import_batches"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(text_null("message"))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["import_batches", "invitations"] {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .drop_column("message")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
