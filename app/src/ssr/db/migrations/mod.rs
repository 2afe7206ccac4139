use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_invitations;
mod m20261123_000003_people_indexes;
mod m20261123_000004_groups;
mod m20261123_000005_avatars;
mod m20261123_000006_people_index;
mod m20261123_000007_imports;
mod m20261201_000008_rate_limits;
mod m20261201_000009_api_tokens;
mod m20261202_000010_outbox_by_invitation;
mod m20261204_000011_import_jobs;
mod m20261204_000012_workspace_settings;
mod m20261204_000013_personal_message;
mod m20261206_000014_bulk_changes;
mod m20261206_000015_people_covering_indexes;
mod m20261206_000016_people_tallies;
mod m20261207_000017_import_undo;
mod m20261207_000018_column_choices;
mod m20261207_000019_member_updates;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_invitations::Migration),
            Box::new(m20261123_000003_people_indexes::Migration),
            Box::new(m20261123_000004_groups::Migration),
            Box::new(m20261123_000005_avatars::Migration),
            Box::new(m20261123_000006_people_index::Migration),
            Box::new(m20261123_000007_imports::Migration),
            Box::new(m20261201_000008_rate_limits::Migration),
            Box::new(m20261201_000009_api_tokens::Migration),
            Box::new(m20261202_000010_outbox_by_invitation::Migration),
            Box::new(m20261204_000011_import_jobs::Migration),
            Box::new(m20261204_000012_workspace_settings::Migration),
            Box::new(m20261204_000013_personal_message::Migration),
            Box::new(m20261206_000014_bulk_changes::Migration),
            Box::new(m20261206_000015_people_covering_indexes::Migration),
            Box::new(m20261206_000016_people_tallies::Migration),
            Box::new(m20261207_000017_import_undo::Migration),
            Box::new(m20261207_000018_column_choices::Migration),
            Box::new(m20261207_000019_member_updates::Migration),
        ]
    }
}
