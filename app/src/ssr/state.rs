use super::services::link_signer::LinkSigner;
use super::services::passwords::PasswordHasher;
use super::time::Clock;
use super::Settings;
use crate::error::AppError;
use sea_orm::DatabaseConnection;
use std::sync::Arc;
use tokio::sync::Notify;

/// Everything a request needs, provided to pages and server functions as Leptos context.
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub settings: Arc<Settings>,
    pub passwords: Arc<PasswordHasher>,
    /// Derives invitation links from the server key.
    pub links: Arc<LinkSigner>,
    /// Wakes the outbox worker when mail is queued.
    pub outbox_wakeup: Arc<Notify>,
    /// Wakes the import-job worker when a job is queued.
    pub import_wakeup: Arc<Notify>,
    /// The time as the app sees it (tests move it forward).
    pub clock: Clock,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        settings: Settings,
        link_key: [u8; 32],
    ) -> Result<Self, AppError> {
        let passwords = PasswordHasher::new(
            settings.password_hash_memory_kib,
            settings.password_hash_iterations,
        )?;
        Ok(Self {
            db,
            settings: Arc::new(settings),
            passwords: Arc::new(passwords),
            links: Arc::new(LinkSigner::new(link_key)),
            outbox_wakeup: Arc::new(Notify::new()),
            import_wakeup: Arc::new(Notify::new()),
            clock: Clock::default(),
        })
    }

    pub fn import_settings(&self) -> crate::model::imports::UploadSettings {
        crate::model::imports::UploadSettings {
            limits: crate::import::ImportLimits {
                max_bytes: usize::try_from(self.settings.import_max_bytes).unwrap_or(usize::MAX),
                max_rows: usize::try_from(self.settings.import_max_rows).unwrap_or(usize::MAX),
            },
            smtp_configured: self.settings.smtp_url.is_some(),
        }
    }

    /// The state of the current request.
    pub fn current() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Self>()
            .ok_or_else(|| AppError::unexpected("AppState missing from the Leptos context"))
    }
}
