//! Remembered column choices: how an admin read a file with these headers
//! (what each column is used as, values for empty cells, sheet, separator,
//! encoding), saved when it was imported and offered for the next such file.
use crate::import::{ColumnMapping, Prepared, ReadOptions, Target, TextEncoding};
use serde::{Deserialize, Serialize};

/// One column's choice, in the file's column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedColumn {
    pub target: Target,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnChoices {
    pub columns: Vec<SavedColumn>,
    /// The workbook sheet read, by name.
    pub sheet: Option<String>,
    pub delimiter: Option<u8>,
    pub encoding: Option<TextEncoding>,
}

impl ColumnChoices {
    /// The most columns, and characters in a header, value or key, kept.
    pub const MAX_COLUMNS: usize = 500;
    pub const MAX_CHARS: usize = 200;

    /// What was chosen for a file as read.
    pub fn of(prepared: &Prepared) -> Self {
        Self {
            columns: prepared
                .mapping
                .iter()
                .map(|m| SavedColumn {
                    target: m.target.clone(),
                    default: m.default.clone(),
                })
                .collect(),
            sheet: (prepared.sheet_names.len() > 1)
                .then(|| prepared.sheet_names.get(prepared.sheet).cloned())
                .flatten(),
            delimiter: prepared.delimiter,
            encoding: prepared.encoding,
        }
    }

    /// How to read the file again to follow these choices, when that
    /// differs from how it was read (`prepared`, as detected).
    pub fn read_options(&self, prepared: &Prepared) -> Option<ReadOptions> {
        let detected = ReadOptions {
            encoding: prepared.encoding,
            delimiter: prepared.delimiter,
            sheet: Some(prepared.sheet),
            header_row: None,
        };
        let sheet = self
            .sheet
            .as_ref()
            .and_then(|name| prepared.sheet_names.iter().position(|s| s == name));
        let wanted = ReadOptions {
            encoding: self.encoding.or(detected.encoding),
            delimiter: self.delimiter.or(detected.delimiter),
            sheet: sheet.or(detected.sheet),
            header_row: None,
        };
        (wanted != detected).then_some(wanted)
    }

    /// The mapping these choices give a table with `mapping`'s columns; None
    /// when the column count differs (the file is not one like it).
    pub fn mapping_for(&self, mapping: &[ColumnMapping]) -> Option<Vec<ColumnMapping>> {
        (self.columns.len() == mapping.len()).then(|| {
            mapping
                .iter()
                .zip(&self.columns)
                .map(|(column, saved)| ColumnMapping {
                    target: saved.target.clone(),
                    default: saved.default.clone(),
                    ..column.clone()
                })
                .collect()
        })
    }

    /// Within bounds (the server keeps only such).
    pub fn check(&self, headers: &[String]) -> Result<(), String> {
        let long = |text: &str| text.chars().count() > Self::MAX_CHARS;
        if headers.is_empty() || headers.len() > Self::MAX_COLUMNS {
            return Err(format!("Between 1 and {} columns.", Self::MAX_COLUMNS));
        }
        if headers.iter().any(|h| long(h)) || self.sheet.as_deref().is_some_and(long) {
            return Err(format!("Names of at most {} characters.", Self::MAX_CHARS));
        }
        for column in &self.columns {
            let key_too_long = matches!(&column.target, Target::MetadataKey(key) if long(key));
            if key_too_long || column.default.as_deref().is_some_and(long) {
                return Err(format!("Values of at most {} characters.", Self::MAX_CHARS));
            }
        }
        if self.columns.len() != headers.len() {
            return Err("One choice per column.".into());
        }
        Ok(())
    }
}

/// Choices as saved for a workspace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedChoices {
    pub id: i32,
    pub headers: Vec<String>,
    pub choices: ColumnChoices,
    /// The file they were saved with.
    pub file_name: String,
    pub saved_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{self, ImportLimits};

    fn detected(bytes: &[u8]) -> Prepared {
        import::prepare(
            bytes,
            "f.csv",
            &ReadOptions::default(),
            &ImportLimits::default(),
        )
        .unwrap()
    }

    #[test]
    fn a_file_is_read_again_only_where_the_saved_choices_differ() {
        let commas = detected(b"Email,Name\nann@example.com,Ann\n");
        let same = ColumnChoices::of(&commas);
        assert_eq!(same.read_options(&commas), None, "read as saved already");
        let semicolons = ColumnChoices {
            delimiter: Some(b';'),
            ..same.clone()
        };
        assert_eq!(
            semicolons.read_options(&commas),
            Some(ReadOptions {
                encoding: commas.encoding,
                delimiter: Some(b';'),
                sheet: Some(0),
                header_row: None,
            })
        );
        let unknown_sheet = ColumnChoices {
            sheet: Some("Gone".into()),
            ..same
        };
        assert_eq!(
            unknown_sheet.read_options(&commas),
            None,
            "a sheet the file lacks is not asked for"
        );
    }
}
