//! Indexes the Users table query needs at 100,000 rows.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("invitations_workspace_email")
                    .table("invitations")
                    .col("workspace_id")
                    .col("email_key")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("invitations_workspace_email")
                    .table("invitations")
                    .to_owned(),
            )
            .await
    }
}
