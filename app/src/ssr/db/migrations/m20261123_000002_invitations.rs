//! Invitations and the mail outbox.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("invitations")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    .col(string("email"))
                    .col(string("email_key"))
                    .col(string_null("display_name"))
                    .col(string("role"))
                    .col(text("metadata"))
                    .col(integer_null("invited_by"))
                    // Signs the link together with the server key; replaced on resend.
                    .col(string("nonce"))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .col(big_integer_null("accepted_at"))
                    .col(integer_null("accepted_user_id"))
                    .col(big_integer_null("revoked_at"))
                    .col(integer("send_count"))
                    // not_sent | queued | sent | failed
                    .col(string("delivery"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_invitations_workspace")
                            .from("invitations", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // At most one open invitation per person and workspace. Partial unique
        // indexes read the same on SQLite and PostgreSQL.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX invitations_one_open_per_email ON invitations (workspace_id, email_key) \
                 WHERE accepted_at IS NULL AND revoked_at IS NULL",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("invitations_workspace_created")
                    .table("invitations")
                    .col("workspace_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(pk_auto("id"))
                    .col(integer("invitation_id"))
                    .col(big_integer("created_at"))
                    .col(integer("attempts"))
                    .col(big_integer("next_attempt_at"))
                    // A worker's lease: others leave the row alone until it passes.
                    .col(big_integer_null("claimed_until"))
                    .col(string_null("claimed_by"))
                    .col(big_integer_null("sent_at"))
                    .col(big_integer_null("failed_at"))
                    .col(text_null("last_error"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_outbox_invitation")
                            .from("outbox", "invitation_id")
                            .to("invitations", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("outbox").to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table("invitations").to_owned())
            .await?;
        Ok(())
    }
}
