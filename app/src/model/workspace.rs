//! What the workspace frame (top bar, navigation) shows.
use serde::{Deserialize, Serialize};

/// What the workspace frame (top bar, navigation) needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceFrame {
    pub workspace_name: String,
    pub slug: String,
    pub viewer_name: String,
    pub viewer_email: String,
    pub viewer_is_admin: bool,
}
