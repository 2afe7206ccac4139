//! Import jobs: a file handed to the server whole, kept in the database until
//! its job ends, and run by whichever instance claims it (a lease, renewed
//! after every chunk, so a job whose instance died is taken up again).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("import_jobs")
                    .col(pk_auto("id"))
                    .col(integer("workspace_id"))
                    .col(integer_null("actor_user_id"))
                    .col(integer_null("api_token_id"))
                    .col(string("file_name"))
                    .col(text("options"))
                    // queued | running | done | failed | cancelled
                    .col(string("state"))
                    .col(integer_null("batch_id"))
                    .col(integer_null("total_rows"))
                    .col(integer_null("ready_rows"))
                    .col(integer("committed_rows"))
                    .col(text_null("error"))
                    .col(string_null("lease_owner"))
                    .col(big_integer_null("lease_until"))
                    .col(integer("attempts"))
                    .col(big_integer("created_at"))
                    .col(big_integer("updated_at"))
                    .col(big_integer_null("finished_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_jobs_workspace")
                            .from("import_jobs", "workspace_id")
                            .to("workspaces", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("import_jobs_state")
                    .table("import_jobs")
                    .col("state")
                    .col("id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("import_job_files")
                    .col(integer("job_id").primary_key())
                    .col(blob("content"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_job_files_job")
                            .from("import_job_files", "job_id")
                            .to("import_jobs", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["import_job_files", "import_jobs"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
