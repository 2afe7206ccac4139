//! An import can update the members it names: each updated row keeps what it
//! changed (so an undo can put it back), the batch counts its updated rows,
//! and an undo counts the updates it put back.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column): one column per statement, as SQLite adds them.
const COLUMNS: [(&str, &str); 3] = [
    ("import_batches", "updated"),
    ("import_batches", "undo_restored"),
    ("import_rows", "changes"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in COLUMNS {
            let definition = match column {
                "updated" => integer(column).default(0).to_owned(),
                "undo_restored" => integer_null(column),
                _ => text_null(column),
            };
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(definition)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in COLUMNS {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
