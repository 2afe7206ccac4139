//! The Users table's index: one narrow row per person, so filtering, sorting
//! and paging 100,000 people walks an index instead of sorting a union.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("people")
                    .col(integer("workspace_id"))
                    .col(string("email_key"))
                    .col(string("kind"))
                    .col(integer("ref_id"))
                    .col(integer("unnamed"))
                    .col(string("sort_name"))
                    .col(string("sort_email"))
                    .col(string("state"))
                    .col(big_integer("since"))
                    .col(big_integer_null("expires_at"))
                    .primary_key(Index::create().col("workspace_id").col("email_key"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_people_workspace")
                            .from("people", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes: [(&str, &[&str]); 3] = [
            (
                "people_by_name",
                &["workspace_id", "unnamed", "sort_name", "sort_email"],
            ),
            ("people_by_email", &["workspace_id", "sort_email"]),
            ("people_by_since", &["workspace_id", "since"]),
        ];
        for (name, columns) in indexes {
            let mut index = Index::create();
            index.name(name).table("people");
            for column in columns {
                index.col(*column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        // Filled after every migration has run (`db::connect`): the fill reads
        // the tables as this build knows them, columns added later included.
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table("people").to_owned())
            .await
    }
}
