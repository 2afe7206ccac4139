use super::services::passwords::PasswordHasher;
use super::Settings;
use crate::error::AppError;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// Everything a request needs, provided to pages and server functions as Leptos context.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub passwords: Arc<PasswordHasher>,
}

impl AppState {
    pub fn new(db: DatabaseConnection, settings: Settings) -> Result<Self, AppError> {
        let passwords = PasswordHasher::new(
            settings.password_hash_memory_kib,
            settings.password_hash_iterations,
        )?;
        Ok(Self {
            db,
            settings: Arc::new(settings),
            passwords: Arc::new(passwords),
        })
    }

    /// The state of the current request.
    pub fn current() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Self>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            AppError::Internal
        })
    }
}
