//! Groups of people per workspace, on members and on invitations.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn link_table(
    table: &'static str,
    owner: &'static str,
    owner_table: &'static str,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(integer(owner))
        .col(integer("group_id"))
        .primary_key(Index::create().col(owner).col("group_id"))
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_owner"))
                .from(table, owner)
                .to(owner_table, "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_group"))
                .from(table, "group_id")
                .to("workspace_groups", "id")
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("workspace_groups")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    .col(string("name"))
                    // Lower case: "Sales" and "sales" are one group.
                    .col(string("name_key"))
                    .col(big_integer("created_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_workspace_groups_workspace")
                            .from("workspace_groups", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("workspace_groups_unique_name")
                    .table("workspace_groups")
                    .col("workspace_id")
                    .col("name_key")
                    .unique()
                    .to_owned(),
            )
            .await?;
        for (table, owner, owner_table) in [
            ("membership_groups", "membership_id", "memberships"),
            ("invitation_groups", "invitation_id", "invitations"),
        ] {
            manager
                .create_table(link_table(table, owner, owner_table))
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("{table}_by_group"))
                        .table(table)
                        .col("group_id")
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["invitation_groups", "membership_groups", "workspace_groups"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
