//! Updating people already in the workspace from an imported file: which of
//! the file's fields an update takes, where a member stands now, and what a
//! row would change. The browser shows these changes in the Review and the
//! server applies them; both compute them here.
use super::imports::ImportRow;
use crate::domain::{GroupName, Role};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The fields an update takes from the file: those it has a column for. A
/// file without a Role column changes no one's role, nor does an empty Role
/// cell (`ImportRow::role_defaulted`); with a Groups column,
/// a member's groups become the row's (an empty cell: no group); metadata
/// keys in the file are set, other keys stay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateFields {
    #[serde(default)]
    pub role: bool,
    #[serde(default)]
    pub groups: bool,
    #[serde(default)]
    pub metadata: bool,
}

impl UpdateFields {
    pub const ALL: UpdateFields = UpdateFields {
        role: true,
        groups: true,
        metadata: true,
    };

    /// The fields the file's mapped columns hold.
    pub fn of_mapping(mapping: &[crate::import::ColumnMapping]) -> Self {
        use crate::import::Target;
        let has = |wanted: fn(&Target) -> bool| mapping.iter().any(|m| wanted(&m.target));
        UpdateFields {
            role: has(|t| *t == Target::Role),
            groups: has(|t| *t == Target::Groups),
            metadata: has(|t| matches!(t, Target::Metadata | Target::MetadataKey(_))),
        }
    }
}

/// An active member as the workspace holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberNow {
    pub role: Role,
    /// Group names as stored.
    pub groups: Vec<String>,
    pub metadata: Map<String, Value>,
}

/// One metadata entry a row changes; `from` None: the key was not set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetadataChange {
    pub key: String,
    pub from: Option<Value>,
    pub to: Value,
}

/// What a row changes for a member (empty: nothing; the row is unchanged).
/// Kept with the import's row, so that an undo can put each change back.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberChanges {
    /// (from, to)
    #[serde(default)]
    pub role: Option<(Role, Role)>,
    #[serde(default)]
    pub groups_added: Vec<String>,
    #[serde(default)]
    pub groups_removed: Vec<String>,
    #[serde(default)]
    pub metadata: Vec<MetadataChange>,
}

impl MemberChanges {
    /// What `row` would change for a member who stands as `now`.
    pub fn between(now: &MemberNow, row: &ImportRow, fields: UpdateFields) -> Self {
        let role = (fields.role && !row.role_defaulted && row.role != now.role)
            .then_some((now.role, row.role));
        let (mut groups_added, mut groups_removed) = (Vec::new(), Vec::new());
        if fields.groups {
            let has = |list: &[String], name: &str| {
                list.iter()
                    .any(|g| GroupName::key_of(g) == GroupName::key_of(name))
            };
            for group in &row.groups {
                if !has(&now.groups, group) && !has(&groups_added, group) {
                    groups_added.push(group.clone());
                }
            }
            groups_removed = now
                .groups
                .iter()
                .filter(|g| !has(&row.groups, g))
                .cloned()
                .collect();
        }
        let metadata = if fields.metadata {
            row.metadata
                .iter()
                .filter(|(key, value)| now.metadata.get(*key) != Some(*value))
                .map(|(key, value)| MetadataChange {
                    key: key.clone(),
                    from: now.metadata.get(key).cloned(),
                    to: value.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        MemberChanges {
            role,
            groups_added,
            groups_removed,
            metadata,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.role.is_none()
            && self.groups_added.is_empty()
            && self.groups_removed.is_empty()
            && self.metadata.is_empty()
    }

    /// "Role: Member → Builder · Groups: + Sales − Support · Department: Ops → Sales".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some((from, to)) = self.role {
            parts.push(format!("Role: {from} → {to}"));
        }
        if !self.groups_added.is_empty() || !self.groups_removed.is_empty() {
            let added = self.groups_added.iter().map(|g| format!("+ {g}"));
            let removed = self.groups_removed.iter().map(|g| format!("− {g}"));
            parts.push(format!(
                "Groups: {}",
                added.chain(removed).collect::<Vec<_>>().join(" ")
            ));
        }
        for change in &self.metadata {
            let shown = |v: &Value| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let from = change.from.as_ref().map_or("(none)".to_owned(), shown);
            parts.push(format!("{}: {from} → {}", change.key, shown(&change.to)));
        }
        if parts.is_empty() {
            "No change".to_owned()
        } else {
            parts.join(" · ")
        }
    }
}

/// A member row of the file and what updating them would change, as the
/// server computed it for the Review (or the command line's dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedUpdate {
    pub row: usize,
    pub changes: MemberChanges,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(role: Role, groups: &[&str], metadata: Value) -> ImportRow {
        ImportRow {
            row: 2,
            email: "a@example.com".into(),
            name: None,
            role,
            role_defaulted: false,
            groups: groups.iter().map(|g| g.to_string()).collect(),
            metadata: metadata.as_object().cloned().unwrap_or_default(),
        }
    }

    fn now() -> MemberNow {
        MemberNow {
            role: Role::Member,
            groups: vec!["Support".into(), "Ops".into()],
            metadata: json!({ "department": "Ops", "site": "Lyon" })
                .as_object()
                .cloned()
                .unwrap(),
        }
    }

    #[test]
    fn a_row_names_each_change_and_keeps_what_the_file_does_not_say() {
        let changes = MemberChanges::between(
            &now(),
            &row(
                Role::Builder,
                &["sales", "OPS"],
                json!({ "department": "Sales" }),
            ),
            UpdateFields::ALL,
        );
        assert_eq!(
            changes.describe(),
            "Role: Member → Builder · Groups: + sales − Support · department: Ops → Sales"
        );
    }

    #[test]
    fn fields_the_file_has_no_column_for_change_nothing() {
        let fields = UpdateFields {
            role: false,
            groups: false,
            metadata: true,
        };
        let changes = MemberChanges::between(
            &now(),
            &row(Role::Admin, &[], json!({ "department": "Ops", "floor": 3 })),
            fields,
        );
        assert_eq!(changes.describe(), "floor: (none) → 3");
        let same = MemberChanges::between(&now(), &row(Role::Admin, &[], json!({})), fields);
        assert!(same.is_empty());
        assert_eq!(same.describe(), "No change");
    }

    #[test]
    fn an_empty_role_cell_keeps_the_members_role() {
        let mut defaulted = row(Role::Builder, &["Support", "Ops"], json!({}));
        defaulted.role_defaulted = true;
        let changes = MemberChanges::between(&now(), &defaulted, UpdateFields::ALL);
        assert!(changes.is_empty(), "{}", changes.describe());
    }
}
