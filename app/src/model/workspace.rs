//! What the workspace frame (top bar, navigation) shows, and the workspace's
//! own settings.
use crate::domain::{ExpiryDays, Role};
use serde::{Deserialize, Serialize};

/// What the workspace frame (top bar, navigation) needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceFrame {
    pub workspace_name: String,
    pub slug: String,
    pub viewer_name: String,
    pub viewer_email: String,
    pub viewer_is_admin: bool,
    /// What the Invite and Upload tabs start with.
    pub invite_defaults: InviteDefaults,
}

/// How a new invitation starts out in this workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteDefaults {
    pub role: Role,
    /// How long links live unless chosen otherwise.
    pub lifetime_hours: u32,
    /// Whether "Send invitation emails" starts ticked.
    pub send_email: bool,
}

/// The workspace settings page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSettings {
    pub name: String,
    pub default_role: Role,
    /// None: the server's lifetime (`server_expiry_hours`).
    pub expiry_days: Option<ExpiryDays>,
    /// The instance's MUSTER_INVITE_EXPIRY_HOURS.
    pub server_expiry_hours: u32,
    pub reminders: bool,
    pub send_email_default: bool,
}

impl WorkspaceSettings {
    pub fn invite_defaults(&self) -> InviteDefaults {
        InviteDefaults {
            role: self.default_role,
            lifetime_hours: self
                .expiry_days
                .map_or(self.server_expiry_hours, ExpiryDays::hours),
            send_email: self.send_email_default,
        }
    }
}
