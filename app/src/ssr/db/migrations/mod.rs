use sea_orm_migration::prelude::*;

mod m20261123_000001_foundation;
mod m20261123_000002_invitations;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_foundation::Migration),
            Box::new(m20261123_000002_invitations::Migration),
        ]
    }
}
