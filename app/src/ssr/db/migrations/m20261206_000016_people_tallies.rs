//! How many people of each kind and state each workspace has, kept by the
//! Users index's writer as appended changes (see
//! `services::invitations::tally`), so a page does not count the workspace.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("people_tallies")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    .col(string("kind"))
                    .col(string("state"))
                    .col(big_integer("n"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_people_tallies_workspace")
                            .from("people_tallies", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("people_tallies_by_workspace")
                    .table("people_tallies")
                    .col("workspace_id")
                    .to_owned(),
            )
            .await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO people_tallies (workspace_id, kind, state, n) \
                 SELECT workspace_id, kind, state, COUNT(*) FROM people GROUP BY workspace_id, kind, state",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("people_tallies").to_owned())
            .await
    }
}
