//! Mail is found by its invitation when one is resent, revoked or accepted;
//! without this index each of those scanned the whole outbox, so an import
//! renewing or resending many invitations grew quadratically (measured).
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("outbox_invitation")
                    .table("outbox")
                    .col("invitation_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("outbox_invitation")
                    .table("outbox")
                    .to_owned(),
            )
            .await
    }
}
