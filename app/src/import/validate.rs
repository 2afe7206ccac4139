//! Each row becomes a candidate invitation, with every problem named by row,
//! column and reason. Errors block a row; warnings do not.
use super::mapping::{ColumnMapping, Target};
use super::table::{Row, SourceRow, Table};
use crate::domain::{DisplayName, Email, GroupName, Metadata, Role};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::hash_map::{Entry, HashMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The column's header as in the file.
    pub column: String,
    pub message: String,
    pub severity: Severity,
    /// Set on "the same address as row N" problems, which depend on the
    /// other rows and are worked out again after an edit.
    pub duplicate_of: Option<usize>,
}

/// Used when the file has no value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RowDefaults {
    /// Member when None.
    pub role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub row: usize,
    /// As written to (domain in punycode), or the cell's text when invalid.
    pub email: String,
    pub email_key: Option<String>,
    pub name: Option<String>,
    pub role: Role,
    /// The file has a Role column and this row's cell is empty: `role` is
    /// the default, and updating a member from the row keeps their role.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub role_defaulted: bool,
    // What is empty is left out when rows cross to the page as JSON: a
    // fifth less to decode for a plain row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// A JSON object's text as the file gave it (checked, not parsed: most
    /// rows are only shown and sent), or empty; see `metadata_map`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub metadata: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
    /// For a row with errors: its cells as written, in `wire_mapping`
    /// order, so it can be shown, fixed and exported as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Box<[String; 5]>>,
}

impl Candidate {
    pub fn is_ready(&self) -> bool {
        !self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    pub fn has_warnings(&self) -> bool {
        self.problems
            .iter()
            .any(|p| p.severity == Severity::Warning)
    }

    /// Email, name, role, groups, metadata as text in `wire_mapping` order:
    /// what the admin edits, and what a rejected-rows file holds.
    pub fn wire_cells(&self) -> [String; 5] {
        if let Some(source) = &self.source {
            return (**source).clone();
        }
        [
            self.email.clone(),
            self.name.clone().unwrap_or_default(),
            if self.role_defaulted {
                String::new()
            } else {
                self.role.label().to_owned()
            },
            self.groups.join("|"),
            self.metadata.clone(),
        ]
    }

    /// The metadata as an object. Its text was checked by the parser that
    /// reads it here, so it always reads.
    pub fn metadata_map(&self) -> Map<String, Value> {
        if self.metadata.is_empty() {
            return Map::new();
        }
        serde_json::from_str(&self.metadata).unwrap_or_default()
    }

    /// "Column: message; …" for every error.
    pub fn error_summary(&self) -> String {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| format!("{}: {}", p.column, p.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Replaces row `index` with the admin's corrected cells (in `wire_mapping`
/// order), checked with the same code as the file, then works out the
/// duplicates again.
pub fn edit(
    candidates: &mut [Candidate],
    index: usize,
    cells: [String; 5],
    defaults: &RowDefaults,
    email_column: &str,
) {
    let Some(candidate) = candidates.get_mut(index) else {
        return;
    };
    let row = SourceRow {
        number: candidate.row,
        cells: cells.to_vec(),
    };
    *candidate = validate_row(&row, &super::wire_mapping(), defaults);
    flag_duplicates(candidates, email_column);
}

/// Every data row, then duplicates across rows (the first is kept).
pub fn validate(
    table: &Table,
    mapping: &[ColumnMapping],
    defaults: &RowDefaults,
) -> Vec<Candidate> {
    super::row_check::RowCheck::new(table, mapping, defaults).finish()
}

/// The value of the first column mapped to `target`, or its default.
fn value<'a>(
    row: &'a impl Row,
    mapping: &'a [ColumnMapping],
    target: &Target,
) -> Option<(&'a str, &'a str)> {
    let column = mapping.iter().find(|m| &m.target == target)?;
    let cell = row.cell(column.column).map(str::trim).unwrap_or("");
    let text = if cell.is_empty() {
        column.default.as_deref().map(str::trim).unwrap_or("")
    } else {
        cell
    };
    Some((column.header.as_str(), text))
}

pub fn validate_row(
    row: &impl Row,
    mapping: &[ColumnMapping],
    defaults: &RowDefaults,
) -> Candidate {
    let mut problems = Vec::new();
    let mut error = |column: &str, message: String| {
        problems.push(Problem {
            column: column.to_owned(),
            message,
            severity: Severity::Error,
            duplicate_of: None,
        })
    };

    let (email_column, email_text) = value(row, mapping, &Target::Email).unwrap_or(("Email", ""));
    let (email, email_key) = match Email::parse_cell(email_text) {
        Ok(email) => (email.as_str().to_owned(), Some(email.key().to_owned())),
        Err(e) => {
            error(email_column, e.0);
            (email_text.to_owned(), None)
        }
    };

    // A full-name column wins; otherwise first and last name joined.
    let (name_column, joined): (&str, Cow<str>) = match value(row, mapping, &Target::Name) {
        Some((column, text)) if !text.is_empty() => (column, Cow::Borrowed(text)),
        _ => {
            let parts: Vec<(&str, &str)> = [Target::FirstName, Target::LastName]
                .iter()
                .filter_map(|t| value(row, mapping, t))
                .filter(|(_, text)| !text.is_empty())
                .collect();
            (
                parts.first().map_or("Name", |(c, _)| c),
                Cow::Owned(parts.iter().map(|(_, t)| *t).collect::<Vec<_>>().join(" ")),
            )
        }
    };
    let (joined, spaced_out) = on_one_line(joined);
    let name = if joined.trim().is_empty() {
        None
    } else {
        match DisplayName::parse(&joined) {
            Ok(name) => Some(name.into_string()),
            Err(e) => {
                error(name_column, e.0);
                None
            }
        }
    };

    let role_cell = value(row, mapping, &Target::Role);
    let role_defaulted = matches!(role_cell, Some((_, text)) if text.is_empty());
    let role = match role_cell {
        Some((column, text)) if !text.is_empty() => Role::parse(text).unwrap_or_else(|e| {
            error(column, e.0);
            Role::Member
        }),
        _ => defaults.role.unwrap_or(Role::Member),
    };

    let groups = match value(row, mapping, &Target::Groups) {
        Some((column, text)) => GroupName::parse_list(text)
            .map(|names| names.iter().map(|n| n.as_str().to_owned()).collect())
            .unwrap_or_else(|e| {
                error(column, e.0);
                Vec::new()
            }),
        None => Vec::new(),
    };

    let metadata_cell = value(row, mapping, &Target::Metadata);
    let mut metadata_is_json = true;
    let mut metadata = match metadata_cell {
        Some((column, text)) => match Metadata::check(text) {
            Ok(0) => String::new(),
            Ok(_) => text.to_owned(),
            Err(e) => {
                error(column, e.0);
                metadata_is_json = false;
                String::new()
            }
        },
        None => String::new(),
    };
    let keyed: Vec<(&str, &str)> = mapping
        .iter()
        .filter_map(|column| match &column.target {
            Target::MetadataKey(key) => value(row, std::slice::from_ref(column), &column.target)
                .filter(|(_, text)| !text.is_empty())
                .map(|(_, text)| (key.as_str(), text)),
            _ => None,
        })
        .collect();
    if !keyed.is_empty() {
        metadata = with_keys(&metadata, keyed);
        if metadata.len() > Metadata::MAX_BYTES {
            error(
                "Metadata",
                format!("Metadata can be at most {} KB.", Metadata::MAX_BYTES / 1024),
            );
        }
    }

    // Kept only for rows with errors (most rows have none).
    let source = problems
        .iter()
        .any(|p| p.severity == Severity::Error)
        .then(|| {
            let text = |target: &Target| {
                value(row, mapping, target)
                    .map(|(_, t)| t.to_owned())
                    .unwrap_or_default()
            };
            let metadata_text = match metadata_cell {
                Some((_, text)) if !metadata_is_json => text.to_owned(),
                _ => metadata.clone(),
            };
            Box::new([
                email_text.to_owned(),
                joined.into_owned(),
                text(&Target::Role),
                text(&Target::Groups),
                metadata_text,
            ])
        });
    if spaced_out {
        problems.push(Problem {
            column: name_column.to_owned(),
            message: "Line breaks, tabs or repeated spaces in the name became single spaces."
                .into(),
            severity: Severity::Warning,
            duplicate_of: None,
        });
    }
    if name.is_none() && problems.is_empty() {
        problems.push(Problem {
            column: name_column.to_owned(),
            message: "No name: they will choose one when they sign up.".into(),
            severity: Severity::Warning,
            duplicate_of: None,
        });
    }
    Candidate {
        row: row.number(),
        email,
        email_key,
        name,
        role,
        role_defaulted,
        groups,
        metadata,
        problems,
        source,
    }
}

/// The metadata object's text with each column's key set (a column wins over
/// the JSON; of two columns with one key, the later). Built without a tree
/// when the row has no JSON of its own.
fn with_keys(json: &str, mut keyed: Vec<(&str, &str)>) -> String {
    if !json.is_empty() {
        let mut object: Map<String, Value> = serde_json::from_str(json).unwrap_or_default();
        for (key, text) in keyed {
            object.insert(key.to_owned(), Value::String(text.to_owned()));
        }
        return Value::Object(object).to_string();
    }
    // Sorted as an object's keys are written; of equal keys the last stays.
    keyed.reverse();
    keyed.sort_by_key(|&(key, _)| key);
    keyed.dedup_by_key(|&mut (key, _)| key);
    let mut text = String::from("{");
    for (i, (key, value)) in keyed.into_iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        // Serialising a string cannot fail.
        text.push_str(&serde_json::to_string(key).unwrap_or_default());
        text.push(':');
        text.push_str(&serde_json::to_string(value).unwrap_or_default());
    }
    text.push('}');
    text
}

/// A name cell's line breaks (Alt+Enter in Excel), tabs and runs of spaces
/// as one space each, and whether anything changed. Other control
/// characters stay, for the name's own check to refuse.
fn on_one_line(text: Cow<'_, str>) -> (Cow<'_, str>, bool) {
    let trimmed = text.trim();
    let spaced_out =
        trimmed.contains("  ") || trimmed.chars().any(|c| c.is_whitespace() && c != ' ');
    if !spaced_out {
        return (text, false);
    }
    let one_line = trimmed.split_whitespace().collect::<Vec<_>>().join(" ");
    (Cow::Owned(one_line), true)
}

/// Marks every row whose address an earlier row has (the first is kept),
/// replacing earlier marks. A removed or edited row can free its twin.
pub fn flag_duplicates(candidates: &mut [Candidate], email_column: &str) {
    let twins = find_twins(candidates.iter().map(|c| (c.email_key.as_deref(), c.row)));
    mark_twins(candidates, &twins, email_column);
}

/// For each row (its address key and row number, in order) whose address an
/// earlier row has: (its index, the first row's number).
fn find_twins<'a>(rows: impl Iterator<Item = (Option<&'a str>, usize)>) -> Vec<(usize, usize)> {
    // Borrowed keys: no copy of 100,000 addresses.
    TwinFinder::with_capacity(rows.size_hint().0).next_rows(rows)
}

/// Finds rows repeating an earlier row's address as the rows come, a slice
/// at a time (`K`: the key, borrowed or owned).
pub struct TwinFinder<K> {
    first_row: HashMap<K, usize>,
    /// Rows seen so far: the index of the next one.
    seen: usize,
}

impl<K: std::hash::Hash + Eq> TwinFinder<K> {
    pub fn with_capacity(rows: usize) -> Self {
        Self {
            first_row: HashMap::with_capacity(rows),
            seen: 0,
        }
    }

    /// The next rows (address key, row number), in order: those whose
    /// address an earlier row has, as (index among all rows, first row's number).
    pub fn next_rows(
        &mut self,
        rows: impl Iterator<Item = (Option<K>, usize)>,
    ) -> Vec<(usize, usize)> {
        let mut twins = Vec::new();
        for (key, row) in rows {
            let index = self.seen;
            self.seen += 1;
            if let Some(key) = key {
                match self.first_row.entry(key) {
                    Entry::Occupied(first) => twins.push((index, *first.get())),
                    Entry::Vacant(slot) => {
                        slot.insert(row);
                    }
                }
            }
        }
        twins
    }
}

/// Replaces the rows' duplicate marks with `twins` (from `find_twins`).
fn mark_twins(candidates: &mut [Candidate], twins: &[(usize, usize)], email_column: &str) {
    for candidate in candidates.iter_mut() {
        if candidate.problems.iter().any(|p| p.duplicate_of.is_some()) {
            candidate.problems.retain(|p| p.duplicate_of.is_none());
        }
    }
    for &(index, first) in twins {
        if let Some(candidate) = candidates.get_mut(index) {
            mark_twin(candidate, first, email_column);
        }
    }
}

/// Marks a row as repeating the address of row `first`, which is kept.
pub fn mark_twin(candidate: &mut Candidate, first: usize, email_column: &str) {
    candidate.problems.push(Problem {
        column: email_column.to_owned(),
        message: format!("The same address as row {first}; only row {first} is kept."),
        severity: Severity::Error,
        duplicate_of: Some(first),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::wire_mapping;

    fn check(rows: &[[&str; 5]]) -> Vec<Candidate> {
        let table = Table::new(
            1,
            wire_mapping().into_iter().map(|m| m.header).collect(),
            rows.iter()
                .enumerate()
                .map(|(i, cells)| SourceRow {
                    number: i + 2,
                    cells: cells.iter().map(|c| (*c).to_owned()).collect(),
                })
                .collect(),
        );
        validate(&table, &wire_mapping(), &RowDefaults::default())
    }

    fn cells(values: [&str; 5]) -> [String; 5] {
        values.map(str::to_owned)
    }

    #[test]
    fn a_row_with_errors_keeps_its_cells_as_written() {
        let rows = check(&[["not-an-email", "Eve", "Overlord", "Ops|Sales", "{oops"]]);
        assert_eq!(
            rows[0].wire_cells(),
            cells(["not-an-email", "Eve", "Overlord", "Ops|Sales", "{oops"])
        );
        assert!(rows[0]
            .error_summary()
            .contains("Role: \"Overlord\" is not a role."));
    }

    #[test]
    fn line_breaks_and_tabs_in_a_name_become_spaces_with_a_warning() {
        let rows = check(&[
            ["a@example.com", "Anne\r\nMarie \t Curie", "", "", ""],
            ["b@example.com", "Bob  Stone", "", "", ""],
            ["c@example.com", "Cy Young", "", "", ""],
            ["d@example.com", "Bell\u{7}Ringer", "", "", ""],
        ]);
        assert!(rows[0].is_ready(), "{:?}", rows[0].problems);
        assert_eq!(rows[0].name.as_deref(), Some("Anne Marie Curie"));
        assert_eq!(rows[0].problems.len(), 1);
        assert_eq!(rows[0].problems[0].severity, Severity::Warning);
        assert_eq!(rows[0].problems[0].column, "Name");
        assert!(rows[0].problems[0].message.contains("single spaces"));
        assert_eq!(rows[1].name.as_deref(), Some("Bob Stone"));
        assert!(rows[1].has_warnings());
        assert!(rows[2].problems.is_empty(), "{:?}", rows[2].problems);
        assert!(!rows[3].is_ready(), "other control characters stay errors");
        assert!(rows[3].error_summary().contains("control characters"));
    }

    #[test]
    fn an_empty_role_cell_takes_the_default_and_says_so() {
        let rows = check(&[
            ["a@example.com", "", "", "", ""],
            ["b@example.com", "", "Builder", "", ""],
        ]);
        assert_eq!((rows[0].role, rows[0].role_defaulted), (Role::Member, true));
        assert_eq!(
            (rows[1].role, rows[1].role_defaulted),
            (Role::Builder, false)
        );
        assert_eq!(rows[0].wire_cells()[2], "", "edited as it was: empty");
        let no_role_column = validate(
            &Table::new(
                1,
                vec!["Email".into()],
                vec![SourceRow {
                    number: 2,
                    cells: vec!["c@example.com".into()],
                }],
            ),
            &wire_mapping()[..1],
            &RowDefaults {
                role: Some(Role::Builder),
            },
        );
        assert_eq!(no_role_column[0].role, Role::Builder);
        assert!(
            !no_role_column[0].role_defaulted,
            "only an empty cell of a Role column is marked"
        );
    }

    #[test]
    fn a_ready_row_gives_back_what_would_be_imported() {
        let rows = check(&[[
            "  EVE@Example.com ",
            "Eve",
            "admin",
            "Ops, Sales",
            r#"{"a":1}"#,
        ]]);
        assert!(rows[0].source.is_none());
        assert_eq!(
            rows[0].wire_cells(),
            cells(["EVE@example.com", "Eve", "Admin", "Ops|Sales", r#"{"a":1}"#])
        );
    }

    #[test]
    fn fixing_a_cell_checks_the_row_again_and_frees_its_duplicate() {
        let mut rows = check(&[
            ["bad@", "A", "", "", ""],
            ["b@example.com", "B", "", "", ""],
            ["B@example.com", "C", "", "", ""],
        ]);
        assert!(!rows[0].is_ready());
        assert!(!rows[2].is_ready(), "a duplicate of row 3");
        edit(
            &mut rows,
            0,
            cells(["a@example.com", "A", "", "", ""]),
            &RowDefaults::default(),
            "Email",
        );
        assert!(rows[0].is_ready());
        assert_eq!(rows[0].row, 2, "keeps its row number");
        edit(
            &mut rows,
            1,
            cells(["other@example.com", "B", "", "", ""]),
            &RowDefaults::default(),
            "Email",
        );
        assert!(
            rows[2].is_ready(),
            "no longer a duplicate: {:?}",
            rows[2].problems
        );
        edit(
            &mut rows,
            2,
            cells(["A@example.com", "C", "", "", ""]),
            &RowDefaults::default(),
            "Email",
        );
        assert_eq!(rows[2].problems[0].duplicate_of, Some(2));
    }

    #[test]
    fn metadata_columns_join_the_json_and_the_later_column_wins() {
        let mut mapping = wire_mapping();
        for (column, key) in [(5, "site"), (6, "Team"), (7, "site")] {
            mapping.push(ColumnMapping {
                column,
                header: format!("Column {}", column + 1),
                target: Target::MetadataKey(key.into()),
                default: None,
            });
        }
        let row = |json: &str, extra: [&str; 3]| SourceRow {
            number: 2,
            cells: ["a@example.com", "A", "", "", json]
                .into_iter()
                .chain(extra)
                .map(str::to_owned)
                .collect(),
        };
        let check = |row: SourceRow| validate_row(&row, &mapping, &RowDefaults::default());
        let expected = |json: serde_json::Value| json.as_object().cloned().unwrap();

        // Columns only: written as an object's keys are, sorted.
        let plain = check(row("", ["HQ", "Ops \"A\"", "Annex"]));
        assert_eq!(plain.metadata, r#"{"Team":"Ops \"A\"","site":"Annex"}"#);
        assert_eq!(
            plain.metadata,
            serde_json::Value::Object(plain.metadata_map()).to_string()
        );
        // JSON kept as written, or joined by the columns.
        let json = check(row(r#"{ "site" : "x", "n": 1 }"#, ["", "", ""]));
        assert_eq!(json.metadata, r#"{ "site" : "x", "n": 1 }"#);
        let joined = check(row(r#"{"site":"x","n":1}"#, ["HQ", "", ""]));
        assert_eq!(
            joined.metadata_map(),
            expected(serde_json::json!({"site": "HQ", "n": 1}))
        );
        // An empty object is no metadata; bad JSON keeps the columns' keys.
        assert_eq!(check(row(" {} ", ["", "", ""])).metadata, "");
        let bad = check(row("{site: x}", ["", "Ops", ""]));
        assert!(!bad.is_ready());
        assert_eq!(bad.metadata, r#"{"Team":"Ops"}"#);
        assert_eq!(bad.wire_cells()[4], "{site: x}", "shown as written, to fix");
    }
}
