//! Groups as the groups page lists them.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub id: i32,
    pub name: String,
    pub members: u64,
    /// Open invitations that will put people in this group.
    pub invited: u64,
}
