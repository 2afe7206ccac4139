//! Workspaces, accounts, memberships, sessions, the setup token and the audit log.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("workspaces")
                    .col(pk_auto("id"))
                    .col(string("name"))
                    .col(string_uniq("slug"))
                    .col(big_integer("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_auto("id"))
                    .col(string("email"))
                    .col(string_uniq("email_key"))
                    .col(string("display_name"))
                    .col(string("password_hash"))
                    .col(big_integer("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("memberships")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    .col(integer("user_id"))
                    .col(string("role"))
                    .col(string("status"))
                    .col(text("metadata"))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .foreign_key(&mut cascade("memberships", "workspace_id", "workspaces"))
                    .foreign_key(&mut cascade("memberships", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("memberships_workspace_user")
                    .table("memberships")
                    .col("workspace_id")
                    .col("user_id")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("memberships_user")
                    .table("memberships")
                    .col("user_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(string("id_hash").primary_key())
                    .col(integer("user_id"))
                    .col(big_integer("created_at"))
                    .col(big_integer("expires_at"))
                    .foreign_key(&mut cascade("sessions", "user_id", "users"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("sessions_user")
                    .table("sessions")
                    .col("user_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("setup_tokens")
                    .col(string("token_hash").primary_key())
                    .col(big_integer("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(pk_auto("id"))
                    .col(integer_null("workspace_id"))
                    .col(integer_null("actor_user_id"))
                    .col(string("action"))
                    .col(text("detail"))
                    .col(big_integer("created_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_log_workspace_time")
                    .table("audit_log")
                    .col("workspace_id")
                    .col("created_at")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "audit_log",
            "setup_tokens",
            "sessions",
            "memberships",
            "users",
            "workspaces",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn cascade(
    from: &'static str,
    column: &'static str,
    to: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from}_{column}"))
        .from(from, column)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}
