use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_invitations;
mod m20261123_000003_people_indexes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_invitations::Migration),
            Box::new(m20261123_000003_people_indexes::Migration),
        ]
    }
}
