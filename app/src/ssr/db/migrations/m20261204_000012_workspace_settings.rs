//! A workspace's own settings (default role, link lifetime, reminders, whether
//! mail starts on), each invitation's lifetime and reminder, and what an
//! outbox row delivers. One column per ALTER: SQLite takes no more.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn add(table: &'static str, column: ColumnDef) -> TableAlterStatement {
    Table::alter().table(table).add_column(column).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for alter in [
            add(
                "workspaces",
                string("default_role").default("member").to_owned(),
            ),
            // NULL: the instance's MUSTER_INVITE_EXPIRY_HOURS.
            add("workspaces", integer_null("invite_expiry_days").to_owned()),
            add("workspaces", boolean("reminders").default(true).to_owned()),
            add(
                "workspaces",
                boolean("send_email_default").default(true).to_owned(),
            ),
            add(
                "invitations",
                integer("lifetime_hours").default(168).to_owned(),
            ),
            add("invitations", big_integer_null("remind_at").to_owned()),
            add("invitations", big_integer_null("reminded_at").to_owned()),
            add("outbox", string("kind").default("invitation").to_owned()),
            // NULL: the workspace's default when the batch's rows are committed.
            add("import_batches", integer_null("expiry_days").to_owned()),
        ] {
            manager.alter_table(alter).await?;
        }
        let db = manager.get_connection();
        // Invitations made before: their lifetime as given, and a reminder
        // for those whose mail went out and that live long enough.
        db.execute_unprepared(
            "UPDATE invitations SET lifetime_hours = CAST((expires_at - created_at) / 3600000 AS INTEGER)",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE invitations SET remind_at = expires_at - 172800000 \
             WHERE accepted_at IS NULL AND revoked_at IS NULL AND delivery = 'sent' \
               AND lifetime_hours >= 96",
        )
        .await?;
        // The reminder sweep reads only the rows that have one due.
        db.execute_unprepared(
            "CREATE INDEX invitations_remind_at ON invitations (remind_at) WHERE remind_at IS NOT NULL",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX invitations_remind_at")
            .await?;
        for (table, column) in [
            ("import_batches", "expiry_days"),
            ("outbox", "kind"),
            ("invitations", "reminded_at"),
            ("invitations", "remind_at"),
            ("invitations", "lifetime_hours"),
            ("workspaces", "send_email_default"),
            ("workspaces", "reminders"),
            ("workspaces", "invite_expiry_days"),
            ("workspaces", "default_role"),
        ] {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
