//! The bulk import pipeline: bytes of a CSV/TSV/TXT or XLSX/XLS/ODS file in,
//! checked invitation candidates out. Pure (no I/O, no clock): the browser runs
//! it to preview, the server runs it again on what the browser sends.
//!
//! read (`read`) → decode and split (`decode`, `delimited`, `workbook`) →
//! find the header row (`table`) → map columns (`mapping`) → validate rows
//! (`validate`).
mod decode;
mod delimited;
pub mod export;
mod grid;
pub(crate) mod mapping;
mod read;
mod row_check;
mod table;
mod validate;
mod workbook;
pub mod worker_messages;

pub use decode::TextEncoding;
pub use grid::{Grid, GridRow};
pub use mapping::{guess_mapping, ColumnMapping, Target};
pub use read::{read, FileKind, ReadFile, ReadOptions, Sheet};
pub use row_check::{CheckedSlice, RowCheck};
pub use table::{find_table, Row, SourceRow, Table, TableRow};
pub use validate::{
    edit, flag_duplicates, mark_twin, validate, validate_row, Candidate, Problem, RowDefaults,
    Severity,
};

use serde::{Deserialize, Serialize};

/// Bounds checked before any heavy work. Settings on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLimits {
    pub max_bytes: usize,
    pub max_rows: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_bytes: 50 * 1024 * 1024,
            max_rows: 100_000,
        }
    }
}

/// Why a whole file cannot be imported. Row problems are `Problem`s instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ImportError {
    #[error("The file is {size_mb} MB; the limit is {limit_mb} MB.")]
    TooLarge { size_mb: usize, limit_mb: usize },
    #[error(
        "The file has more than {limit} rows; the limit is {limit}. Split it into smaller files."
    )]
    TooManyRows { limit: usize },
    #[error("The file is empty.")]
    Empty,
    #[error("This workbook would expand to more than {limit_mb} MB when opened (or is compressed suspiciously well), so it was not opened. Save it again from your spreadsheet program, or export it as CSV.")]
    WorkbookTooLarge { limit_mb: usize },
    #[error("This file could not be read as a spreadsheet ({detail}). It may be damaged or truncated; export it again, or save it as CSV.")]
    BadWorkbook { detail: String },
    #[error("This file type is not supported. Use CSV, TSV, TXT, XLSX, XLS or ODS.")]
    UnsupportedType,
    #[error("No column of email addresses was found: no column is named like Email, and none holds addresses in its first rows.")]
    NoEmailColumn,
    #[error("The file has column names but no rows of people.")]
    NoRows,
    /// The browser's file worker stopped before it finished (it ran out of
    /// memory, or failed).
    #[error("Reading the file stopped before it finished. Choose it again; if this happens again, save it as CSV and choose that.")]
    ReaderStopped,
}

/// The columns of a row as the browser sends it to be committed:
/// email, name, role, groups (`|`-separated), metadata (JSON). The server
/// checks those rows with `validate_row` and this mapping.
pub fn wire_mapping() -> Vec<ColumnMapping> {
    [
        ("Email", Target::Email),
        ("Name", Target::Name),
        ("Role", Target::Role),
        ("Groups", Target::Groups),
        ("Metadata", Target::Metadata),
    ]
    .into_iter()
    .enumerate()
    .map(|(column, (header, target))| ColumnMapping {
        column,
        header: header.to_owned(),
        target,
        default: None,
    })
    .collect()
}

/// A file read, its sheet chosen and its header row found: what the admin
/// can still adjust (how it is read, how columns map) before rows are checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prepared {
    pub kind: FileKind,
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    pub sheet_names: Vec<String>,
    pub sheet: usize,
    pub table: Table,
    pub mapping: Vec<ColumnMapping>,
    /// The sheet's first rows in a line each ("Name, Email, Role"), for
    /// picking the header row by hand.
    pub opening_rows: Vec<String>,
}

impl Prepared {
    /// Everything but the table's rows: what the page keeps of a file its
    /// worker read (the rows stay in the worker).
    pub fn without_rows(&self) -> Prepared {
        Prepared {
            kind: self.kind,
            encoding: self.encoding,
            delimiter: self.delimiter,
            sheet_names: self.sheet_names.clone(),
            sheet: self.sheet,
            table: self.table.without_rows(),
            mapping: self.mapping.clone(),
            opening_rows: self.opening_rows.clone(),
        }
    }

    /// Whether a header named the column of addresses (otherwise it was found
    /// by its content, and the admin should look at the columns).
    pub fn email_header_is_named(&self) -> bool {
        self.mapping.iter().any(|m| {
            m.target == Target::Email && mapping::known_target(&m.header) == Some(Target::Email)
        })
    }

    /// What was detected, in a sentence for the admin.
    pub fn describe(&self) -> String {
        match self.kind {
            FileKind::Delimited => format!(
                "Text file, {}, separated by {}; {}.",
                self.encoding.map_or("UTF-8", TextEncoding::label),
                delimiter_name(self.delimiter.unwrap_or(b',')),
                self.header_described()
            ),
            _ => format!(
                "Workbook, sheet “{}”; {}.",
                self.sheet_names.get(self.sheet).map_or("", String::as_str),
                self.header_described()
            ),
        }
    }

    fn header_described(&self) -> String {
        match self.table.header_row {
            0 => "no header row, columns numbered".to_owned(),
            row => format!("header on row {row}"),
        }
    }

    /// The header of the column mapped to email (for duplicate messages).
    pub fn email_header(&self) -> &str {
        self.mapping
            .iter()
            .find(|m| m.target == Target::Email)
            .map_or("Email", |m| m.header.as_str())
    }
}

/// A line per opening row (its first cells, shortened), for the header picker.
fn opening_rows(rows: &Grid) -> Vec<String> {
    const MAX_CHARS: usize = 60;
    rows.rows()
        .take(read::HEADER_SEARCH_ROWS)
        .map(|cells| {
            let line = cells
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            if line.chars().count() <= MAX_CHARS {
                line
            } else {
                line.chars().take(MAX_CHARS).chain(['…']).collect()
            }
        })
        .collect()
}

/// The separators a text file may use, as the admin names them.
pub const DELIMITERS: [(u8, &str); 4] = [
    (b',', "commas"),
    (b';', "semicolons"),
    (b'\t', "tabs"),
    (b'|', "vertical bars"),
];

pub fn delimiter_name(delimiter: u8) -> &'static str {
    DELIMITERS
        .iter()
        .find(|(d, _)| *d == delimiter)
        .map_or("commas", |(_, name)| name)
}

/// The table of one sheet; its rows move out of `file`.
fn table_of(
    file: &mut ReadFile,
    sheet: usize,
    options: &ReadOptions,
    limits: &ImportLimits,
) -> Result<Table, ImportError> {
    let sheet = file.sheets.get_mut(sheet).ok_or(ImportError::Empty)?;
    let blank = sheet.rows.rows().all(|cells| cells.is_blank());
    if options
        .header_row
        .is_some_and(|row| row >= sheet.rows.len())
    {
        return Err(ImportError::NoRows);
    }
    let rows = std::mem::take(&mut sheet.rows);
    let table = table::table_from(rows, options.header_row).ok_or(if blank {
        ImportError::Empty
    } else {
        ImportError::NoEmailColumn
    })?;
    if table.is_empty() {
        return Err(ImportError::NoRows);
    }
    if table.len() > limits.max_rows {
        return Err(ImportError::TooManyRows {
            limit: limits.max_rows,
        });
    }
    Ok(table)
}

/// Reads the file and finds its table; rows are checked afterwards (the
/// browser does that in slices so the page stays responsive).
pub fn prepare(
    bytes: &[u8],
    file_name: &str,
    options: &ReadOptions,
    limits: &ImportLimits,
) -> Result<Prepared, ImportError> {
    let mut file = read(bytes, file_name, options, limits)?;
    let sheet = options.sheet.unwrap_or_else(|| file.best_sheet());
    let opening_rows = file
        .sheets
        .get(sheet)
        .map(|s| opening_rows(&s.rows))
        .unwrap_or_default();
    let table = table_of(&mut file, sheet, options, limits)?;
    Ok(Prepared {
        opening_rows,
        kind: file.kind,
        encoding: file.encoding,
        delimiter: file.delimiter,
        sheet_names: file.sheets.iter().map(|s| s.name.clone()).collect(),
        sheet,
        mapping: guess_mapping(&table),
        table,
    })
}

/// Everything the pipeline produces for one file, ready to preview (the
/// chosen sheet's rows are in the table, no longer in the file).
pub fn run(
    bytes: &[u8],
    file_name: &str,
    options: &ReadOptions,
    limits: &ImportLimits,
    defaults: &RowDefaults,
) -> Result<(ReadFile, Table, Vec<ColumnMapping>, Vec<Candidate>), ImportError> {
    let mut file = read(bytes, file_name, options, limits)?;
    let sheet = options.sheet.unwrap_or_else(|| file.best_sheet());
    let table = table_of(&mut file, sheet, options, limits)?;
    let mapping = guess_mapping(&table);
    let candidates = validate(&table, &mapping, defaults);
    Ok((file, table, mapping, candidates))
}

/// One role and one set of groups for every row, replacing the file's
/// columns (which are then not read, so their odd values fail nothing).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ForEveryone {
    pub role: Option<crate::domain::Role>,
    pub groups: Option<Vec<String>>,
    /// For rows without a role of their own (the workspace's default role);
    /// Member when None.
    pub default_role: Option<crate::domain::Role>,
}

/// A file checked without a preview: its rows, and the fields updating
/// members from it takes (those it has columns for, or gives everyone).
pub struct CheckedRows {
    pub candidates: Vec<Candidate>,
    pub fields: crate::model::member_updates::UpdateFields,
}

/// The whole pipeline for a file committed without a preview (the command
/// line, the JSON API): read, find the table, map, and check every row.
pub fn check_file(
    bytes: &[u8],
    file_name: &str,
    options: &ReadOptions,
    limits: &ImportLimits,
    everyone: &ForEveryone,
) -> Result<CheckedRows, ImportError> {
    let prepared = prepare(bytes, file_name, options, limits)?;
    let mut fields = crate::model::member_updates::UpdateFields::of_mapping(&prepared.mapping);
    fields.role |= everyone.role.is_some();
    fields.groups |= everyone.groups.is_some();
    let mapping: Vec<ColumnMapping> = prepared
        .mapping
        .into_iter()
        .map(|mut column| {
            let overridden = match column.target {
                Target::Role => everyone.role.is_some(),
                Target::Groups => everyone.groups.is_some(),
                _ => false,
            };
            if overridden {
                column.target = Target::Ignore;
            }
            column
        })
        .collect();
    let mut candidates = validate(
        &prepared.table,
        &mapping,
        &RowDefaults {
            role: everyone.role.or(everyone.default_role),
        },
    );
    if let Some(groups) = &everyone.groups {
        for candidate in &mut candidates {
            candidate.groups.clone_from(groups);
        }
    }
    Ok(CheckedRows { candidates, fields })
}
