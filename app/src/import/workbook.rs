//! Excel and OpenDocument workbooks via calamine. XLSX and ODS are zip files:
//! their directory is checked before anything is inflated, so a zip bomb is
//! refused with a message instead of taking the tab down.
use super::grid::Grid;
use super::read::{FileKind, Sheet};
use super::ImportError;
use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsx};
use std::borrow::Cow;
use std::io::Cursor;

/// The most a workbook may expand to when unzipped.
pub const MAX_EXPANDED_BYTES: u64 = 256 * 1024 * 1024;
/// Spreadsheet XML compresses about 10:1; far beyond that is a bomb.
const MAX_RATIO: u64 = 100;
/// Cells past this column are ignored: no real list of people is that wide.
pub const MAX_COLUMNS: usize = 256;

fn bad(error: impl std::fmt::Display) -> ImportError {
    ImportError::BadWorkbook {
        detail: error.to_string(),
    }
}

pub fn read(bytes: &[u8], kind: FileKind, max_rows: usize) -> Result<Vec<Sheet>, ImportError> {
    if matches!(kind, FileKind::Xlsx | FileKind::Ods) {
        check_zip(bytes)?;
    }
    match kind {
        FileKind::Xlsx => read_xlsx(bytes, max_rows),
        FileKind::Ods => {
            let mut book: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(bad)?;
            read_ranges(&mut book, max_rows)
        }
        FileKind::Xls => {
            let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(bad)?;
            read_ranges(&mut book, max_rows)
        }
        FileKind::Delimited => Err(ImportError::UnsupportedType),
    }
}

/// Reads sizes from the zip directory only.
fn check_zip(bytes: &[u8]) -> Result<(), ImportError> {
    let too_large = ImportError::WorkbookTooLarge {
        limit_mb: (MAX_EXPANDED_BYTES / (1024 * 1024)) as usize,
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(bad)?;
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index_raw(index).map_err(bad)?;
        let size = entry.size();
        total = total.saturating_add(size);
        let ratio = size / entry.compressed_size().max(1);
        if total > MAX_EXPANDED_BYTES || (size > 1024 * 1024 && ratio > MAX_RATIO) {
            return Err(too_large);
        }
    }
    Ok(())
}

/// Streams cells, so the memory used follows the cells present, never the
/// sheet's claimed dimensions.
fn read_xlsx(bytes: &[u8], max_rows: usize) -> Result<Vec<Sheet>, ImportError> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(bad)?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let mut reader = book.worksheet_cells_reader(&name).map_err(bad)?;
        let mut rows = Placer::default();
        while let Some(cell) = reader.next_cell().map_err(bad)? {
            let (row, column) = cell.get_position();
            let (row, column) = (row as usize, column as usize);
            if column >= MAX_COLUMNS {
                continue;
            }
            let text = xlsx_text(cell.get_value());
            if text.is_empty() {
                continue;
            }
            if row >= max_rows {
                return Err(ImportError::TooManyRows {
                    limit: max_rows.saturating_sub(super::read::HEADER_SEARCH_ROWS),
                });
            }
            rows.place(row, column, &text);
        }
        sheets.push(Sheet {
            name,
            rows: rows.finish(),
        });
    }
    Ok(sheets)
}

/// Cells placed by position. Workbooks list them row by row, left to right,
/// so each is appended to the grid; one out of that order is set aside and
/// put in its place at the end.
#[derive(Default)]
struct Placer {
    grid: Grid,
    /// Cells written in the row being written (the grid's next row).
    column: usize,
    out_of_order: Vec<(usize, usize, String)>,
}

impl Placer {
    fn place(&mut self, row: usize, column: usize, text: &str) {
        let open_row = self.grid.len();
        if row < open_row || (row == open_row && column < self.column) {
            self.out_of_order.push((row, column, text.to_owned()));
            return;
        }
        while self.grid.len() < row {
            self.grid.end_row();
            self.column = 0;
        }
        while self.column < column {
            self.grid.push_cell("");
            self.column += 1;
        }
        self.grid.push_cell(text);
        self.column += 1;
    }

    fn finish(mut self) -> Grid {
        if self.column > 0 {
            self.grid.end_row();
        }
        if self.out_of_order.is_empty() {
            return self.grid;
        }
        let mut rows = self.grid.to_vecs();
        for (row, column, text) in self.out_of_order {
            if rows.len() <= row {
                rows.resize_with(row + 1, Vec::new);
            }
            let cells = &mut rows[row];
            if cells.len() <= column {
                cells.resize(column + 1, String::new());
            }
            cells[column] = text;
        }
        Grid::from_rows(rows)
    }
}

/// XLS and ODS, through calamine's ranges.
fn read_ranges<'b, R>(book: &mut R, max_rows: usize) -> Result<Vec<Sheet>, ImportError>
where
    R: Reader<Cursor<&'b [u8]>>,
    R::Error: std::fmt::Display,
{
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(bad)?;
        let mut rows = Placer::default();
        if let Some((top, left)) = range.start() {
            let (top, left) = (top as usize, left as usize);
            if top + range.height() > max_rows {
                return Err(ImportError::TooManyRows {
                    limit: max_rows.saturating_sub(super::read::HEADER_SEARCH_ROWS),
                });
            }
            for (i, cells) in range.rows().enumerate() {
                for (j, value) in cells
                    .iter()
                    .enumerate()
                    .take(MAX_COLUMNS.saturating_sub(left))
                {
                    let text = data_text(value);
                    if !text.is_empty() {
                        rows.place(top + i, left + j, &text);
                    }
                }
            }
        }
        sheets.push(Sheet {
            name,
            rows: rows.finish(),
        });
    }
    Ok(sheets)
}

fn xlsx_text<'v>(value: &'v DataRef<'_>) -> Cow<'v, str> {
    match value {
        DataRef::String(text) => Cow::Borrowed(text.trim()),
        DataRef::SharedString(text) => Cow::Borrowed(text.trim()),
        DataRef::Int(n) => Cow::Owned(n.to_string()),
        DataRef::Float(f) => Cow::Owned(number_text(*f)),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) => Cow::Owned(dt.to_string()),
        DataRef::DateTimeIso(text) | DataRef::DurationIso(text) => Cow::Borrowed(text),
        DataRef::Error(_) | DataRef::Empty => Cow::Borrowed(""),
    }
}

fn data_text(value: &Data) -> Cow<'_, str> {
    match value {
        Data::String(text) => Cow::Borrowed(text.trim()),
        Data::Float(f) => Cow::Owned(number_text(*f)),
        Data::Error(_) => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string().trim().to_owned()),
    }
}

/// Whole numbers without ".0" (a phone or employee number typed as a number).
fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// The export's workbook with its sheet's XML changed by `edit`.
    fn edited_xlsx(rows: &[Vec<String>], edit: impl Fn(&str) -> String) -> Vec<u8> {
        let original = super::super::export::xlsx(rows);
        let mut archive = zip::ZipArchive::new(Cursor::new(&original[..])).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..archive.len() {
            let mut entry = archive.by_index(index).unwrap();
            let name = entry.name().unwrap().into_owned();
            let mut body = String::new();
            entry.read_to_string(&mut body).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                body = edit(&body);
            }
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(body.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    #[test]
    fn a_sheet_whose_dimension_runs_backwards_is_read_by_its_cells() {
        // Found by the workbook fuzz target: calamine 0.38 subtracts the
        // corners of `<dimension ref>` unchecked, which panics where overflow
        // checks are on (see the calamine profile in Cargo.toml).
        let rows = vec![
            vec!["Email".to_owned(), "Name".to_owned()],
            vec!["ada@example.com".to_owned(), "Ada".to_owned()],
        ];
        let bytes = edited_xlsx(&rows, |sheet| {
            sheet.replacen("<sheetData>", r#"<dimension ref="B2:A1"/><sheetData>"#, 1)
        });
        let sheets = read(&bytes, FileKind::Xlsx, 100).expect("read");
        assert_eq!(sheets.len(), 1);
        assert_eq!(sheets[0].rows.to_vecs(), rows);
    }

    #[test]
    fn cells_out_of_row_order_are_put_in_their_place() {
        let mut placer = Placer::default();
        placer.place(1, 1, "b2");
        placer.place(3, 0, "a4");
        placer.place(0, 2, "c1"); // an earlier row
        placer.place(3, 0, "A4"); // the same cell again: the later wins
        assert_eq!(
            placer.finish().to_vecs(),
            [vec!["", "", "c1"], vec!["", "b2"], vec![], vec!["A4"]]
        );
        let mut in_order = Placer::default();
        in_order.place(0, 0, "a1");
        in_order.place(0, 2, "c1");
        in_order.place(2, 1, "b3");
        assert_eq!(
            in_order.finish().to_vecs(),
            [vec!["a1", "", "c1"], vec![], vec!["", "b3"]]
        );
    }
}
