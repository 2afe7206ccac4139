//! Bulk changes on the wire: one action applied to many people of the Users
//! table (those ticked, or everyone matching a search and status), in chunks
//! the browser asks for one after the other.
use crate::domain::Role;
use crate::model::users::PersonId;
use serde::{Deserialize, Serialize};

/// What a bulk change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sea_orm::EnumIter, sea_orm::DeriveActiveEnum))]
#[cfg_attr(feature = "ssr", sea_orm(rs_type = "String", db_type = "Text"))]
#[serde(rename_all = "snake_case")]
pub enum BulkAction {
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "resend"))]
    Resend,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "revoke"))]
    Revoke,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "change_role"))]
    ChangeRole,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "add_to_group"))]
    AddToGroup,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "remove_from_group"))]
    RemoveFromGroup,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "archive"))]
    Archive,
    #[cfg_attr(feature = "ssr", sea_orm(string_value = "remove"))]
    Remove,
}

impl BulkAction {
    pub const ALL: [BulkAction; 7] = [
        BulkAction::Resend,
        BulkAction::Revoke,
        BulkAction::ChangeRole,
        BulkAction::AddToGroup,
        BulkAction::RemoveFromGroup,
        BulkAction::Archive,
        BulkAction::Remove,
    ];

    /// The name of its button (the same as the row menu's, where there is one).
    pub fn label(self) -> &'static str {
        match self {
            BulkAction::Resend => "Resend invite",
            BulkAction::Revoke => "Revoke invite",
            BulkAction::ChangeRole => "Change role",
            BulkAction::AddToGroup => "Add to group",
            BulkAction::RemoveFromGroup => "Remove from group",
            BulkAction::Archive => "Archive",
            BulkAction::Remove => "Remove",
        }
    }

    /// Its name in the JSON API and on the command line.
    pub fn key(self) -> &'static str {
        match self {
            BulkAction::Resend => "resend",
            BulkAction::Revoke => "revoke",
            BulkAction::ChangeRole => "change_role",
            BulkAction::AddToGroup => "add_to_group",
            BulkAction::RemoveFromGroup => "remove_from_group",
            BulkAction::Archive => "archive",
            BulkAction::Remove => "remove",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The question asked before it runs: "Revoke 1,204 invitations? Their
    /// links stop working." `count` is how many people it is asked of.
    pub fn question(self, count: u64, role: Option<Role>, group: &str) -> String {
        let n = thousands(count);
        let people = if count == 1 { "person" } else { "people" };
        let invitations = if count == 1 {
            "invitation"
        } else {
            "invitations"
        };
        match self {
            BulkAction::Resend => format!(
                "Resend {n} {invitations}? Each gets a new link and a new mail; the old links stop working."
            ),
            BulkAction::Revoke => {
                format!("Revoke {n} {invitations}? Their links stop working.")
            }
            BulkAction::ChangeRole => format!(
                "Make {n} {people} {}? Members change at once; invitations give that role on joining.",
                role.map_or("…", Role::label)
            ),
            BulkAction::AddToGroup => format!("Add {n} {people} to {group}?"),
            BulkAction::RemoveFromGroup => format!("Take {n} {people} out of {group}?"),
            BulkAction::Archive => format!(
                "Archive {n} {people}? They can no longer use this workspace until unarchived."
            ),
            BulkAction::Remove => format!(
                "Remove {n} {people} from this workspace? Their accounts stay; they lose access here."
            ),
        }
    }

    /// "Revoked 1,204 invitations": what was done, for the result line and
    /// the Activity page.
    pub fn done(self, applied: u64, role: Option<Role>, group: &str) -> String {
        let n = thousands(applied);
        let people = if applied == 1 { "person" } else { "people" };
        let invitations = if applied == 1 {
            "invitation"
        } else {
            "invitations"
        };
        match self {
            BulkAction::Resend => format!("Resent {n} {invitations}"),
            BulkAction::Revoke => format!("Revoked {n} {invitations}"),
            BulkAction::ChangeRole => {
                format!("Made {n} {people} {}", role.map_or("…", Role::label))
            }
            BulkAction::AddToGroup => format!("Added {n} {people} to {group}"),
            BulkAction::RemoveFromGroup => format!("Took {n} {people} out of {group}"),
            BulkAction::Archive => format!("Archived {n} {people}"),
            BulkAction::Remove => format!("Removed {n} {people}"),
        }
    }
}

/// Whom a bulk change is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkTarget {
    /// The people ticked in the table.
    People(Vec<PersonId>),
    /// Everyone the table's search and status filter match, on every page.
    Matching { search: String, status: String },
}

/// At most this many people may be named one by one (a page is fifty).
pub const MAX_NAMED: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkRequest {
    pub action: BulkAction,
    /// For `ChangeRole`.
    pub role: Option<Role>,
    /// For `AddToGroup` and `RemoveFromGroup`: the group's name.
    pub group: Option<String>,
    pub target: BulkTarget,
}

/// People a change did not apply to, and why ("already a member").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub reason: String,
    pub count: u64,
}

/// Where a bulk change stands after a chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkProgress {
    pub id: i32,
    pub action: BulkAction,
    /// People it was asked of when it started.
    pub total: u64,
    /// People looked at so far (changed or skipped).
    pub done: u64,
    pub applied: u64,
    pub skipped: Vec<Skipped>,
    /// Where the next chunk starts; send it back with the next step, so a
    /// step sent twice is done once.
    pub cursor: String,
    pub finished: bool,
    /// "Revoked 1,204 invitations; 3 skipped (already accepted)."
    pub summary: String,
}

/// 2000 → "2,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_the_count_and_the_effect() {
        assert_eq!(
            BulkAction::Revoke.question(1_204, None, ""),
            "Revoke 1,204 invitations? Their links stop working."
        );
        assert_eq!(
            BulkAction::ChangeRole.question(1, Some(Role::Builder), ""),
            "Make 1 person Builder? Members change at once; invitations give that role on joining."
        );
        assert_eq!(
            BulkAction::AddToGroup.done(2_000, None, "Sales"),
            "Added 2,000 people to Sales"
        );
    }

    #[test]
    fn actions_have_stable_keys() {
        for action in BulkAction::ALL {
            assert_eq!(BulkAction::from_key(action.key()), Some(action));
        }
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
