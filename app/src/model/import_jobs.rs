//! An import handed to the server whole (the JSON API, `muster import
//! --server`): a job any instance may run, in the background.
use serde::{Deserialize, Serialize};

/// Where an import job stands. Stored as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
pub enum JobState {
    /// Waiting for an instance to take it.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "queued"))]
    Queued,
    /// An instance holds it (while its lease lasts) and commits its chunks.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "running"))]
    Running,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "done"))]
    Done,
    /// The file could not be read, or a chunk could not be committed.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "failed"))]
    Failed,
    /// Stopped on request; the chunks committed before stay.
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "cancelled"))]
    Cancelled,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
}

/// What the job was asked to do with the file, kept with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOptions {
    pub send_email: bool,
    /// How long the links live; the workspace's default when absent.
    #[serde(default)]
    pub expiry: Option<crate::domain::ExpiryDays>,
    /// The admin's own words in every mail.
    #[serde(default)]
    pub message: Option<crate::domain::PersonalMessage>,
    /// For every row, over the file's Role column.
    pub role: Option<crate::domain::Role>,
    /// For every row, over the file's Groups column.
    pub groups: Option<Vec<String>>,
    /// The workbook sheet (0-based); the best guess when absent.
    pub sheet: Option<usize>,
    pub choices: super::imports::ConflictChoices,
}
