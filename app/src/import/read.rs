//! From bytes to sheets of text cells, whatever the file type.
use super::decode::{self, TextEncoding};
use super::grid::Grid;
use super::{delimited, workbook, ImportError, ImportLimits};
use serde::{Deserialize, Serialize};

/// How many rows before the header row may be notes, titles or blanks.
pub const HEADER_SEARCH_ROWS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FileKind {
    Delimited,
    Xlsx,
    Xls,
    Ods,
}

/// What the admin may override after seeing what was detected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    /// Index into `ReadFile::sheets`; the best guess when None.
    pub sheet: Option<usize>,
    /// The header's row number (from 1) as the admin picked it; 0: the file
    /// has none. Found from the rows when None.
    #[serde(default)]
    pub header_row: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    /// Row `i` is the file's row `i + 1`; trailing empty cells may be absent.
    pub rows: Grid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadFile {
    pub kind: FileKind,
    /// For text files: the encoding and delimiter used.
    pub encoding: Option<TextEncoding>,
    pub delimiter: Option<u8>,
    pub sheets: Vec<Sheet>,
}

impl ReadFile {
    /// The first sheet with a header naming an email column, else the first
    /// with a column of addresses.
    pub fn best_sheet(&self) -> usize {
        let sheets = || self.sheets.iter();
        sheets()
            .position(|sheet| super::table::named_header(&sheet.rows).is_some())
            .or_else(|| sheets().position(|sheet| super::table::table_start(&sheet.rows).is_some()))
            .unwrap_or(0)
    }
}

pub fn read(
    bytes: &[u8],
    file_name: &str,
    options: &ReadOptions,
    limits: &ImportLimits,
) -> Result<ReadFile, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge {
            size_mb: bytes.len().div_ceil(1024 * 1024),
            limit_mb: limits.max_bytes / (1024 * 1024),
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    let max_rows = limits.max_rows + HEADER_SEARCH_ROWS;
    let kind = kind_of(bytes, file_name)?;
    if kind != FileKind::Delimited {
        return Ok(ReadFile {
            kind,
            encoding: None,
            delimiter: None,
            sheets: workbook::read(bytes, kind, max_rows)?,
        });
    }
    let (encoding, text) = match options.encoding {
        Some(encoding) => (encoding, decode::decode(bytes, encoding)),
        None => decode::detect_and_decode(bytes),
    };
    let delimiter = options.delimiter.unwrap_or_else(|| delimited::sniff(&text));
    let rows =
        delimited::split(&text, delimiter, max_rows).map_err(|_| ImportError::TooManyRows {
            limit: limits.max_rows,
        })?;
    Ok(ReadFile {
        kind,
        encoding: Some(encoding),
        delimiter: Some(delimiter),
        sheets: vec![Sheet {
            name: file_name.to_owned(),
            rows,
        }],
    })
}

/// The content decides (zip, OLE compound file, or text); the extension only
/// tells ODS from XLSX and refuses types that are neither.
fn kind_of(bytes: &[u8], file_name: &str) -> Result<FileKind, ImportError> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    match extension.as_str() {
        "xlsx" | "xlsm" | "ods" | "xls" if !is_zip && !is_ole => Err(ImportError::BadWorkbook {
            detail: "it is not a spreadsheet file inside".into(),
        }),
        "ods" => Ok(FileKind::Ods),
        _ if is_zip => Ok(FileKind::Xlsx),
        _ if is_ole => Ok(FileKind::Xls),
        "" | "csv" | "tsv" | "txt" | "tab" => Ok(FileKind::Delimited),
        _ => Err(ImportError::UnsupportedType),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked_before_anything_else() {
        let limits = ImportLimits {
            max_bytes: 10,
            max_rows: 100,
        };
        assert_eq!(
            read(&[b'a'; 11], "big.csv", &ReadOptions::default(), &limits),
            Err(ImportError::TooLarge {
                size_mb: 1,
                limit_mb: 0
            })
        );
        assert_eq!(
            read(b" \r\n", "blank.csv", &ReadOptions::default(), &limits),
            Err(ImportError::Empty)
        );
    }

    #[test]
    fn the_content_decides_the_kind() {
        assert_eq!(kind_of(b"a,b", "people.csv"), Ok(FileKind::Delimited));
        assert_eq!(kind_of(b"PK\x03\x04...", "export"), Ok(FileKind::Xlsx));
        assert_eq!(kind_of(b"PK\x03\x04...", "people.ods"), Ok(FileKind::Ods));
        assert!(matches!(
            kind_of(b"Name,Email", "renamed.xlsx"),
            Err(ImportError::BadWorkbook { .. })
        ));
        assert_eq!(
            kind_of(b"%PDF-1.4", "people.pdf"),
            Err(ImportError::UnsupportedType)
        );
    }
}
