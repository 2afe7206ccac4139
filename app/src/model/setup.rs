//! Where first-run setup stands.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SetupStatus {
    /// The link is valid: show the form.
    Open,
    /// Setup is still to be done, but this link is missing or not valid.
    InvalidLink,
    /// A workspace exists: setup is closed for good.
    Closed,
}
