//! Finding the header row (titles and notes may come first) and the data
//! under it, without blank rows and empty trailing columns.
use super::grid::{Grid, GridRow};
use super::mapping::{known_target, Target};
use super::read::{Sheet, HEADER_SEARCH_ROWS};
use crate::domain::Email;
use serde::{Deserialize, Serialize};

/// A row given as owned cells (a row the admin edited, a row sent to the
/// JSON API); a file's rows are `TableRow`s instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    /// The row number the admin sees in their spreadsheet (1-based).
    pub number: usize,
    pub cells: Vec<String>,
}

/// A row as checking reads it: its number and its cells by column, a
/// missing cell being empty.
pub trait Row {
    fn number(&self) -> usize;
    fn cell(&self, column: usize) -> Option<&str>;
}

impl Row for SourceRow {
    fn number(&self) -> usize {
        self.number
    }

    fn cell(&self, column: usize) -> Option<&str> {
        self.cells.get(column).map(String::as_str)
    }
}

/// A data row of a table, its cells borrowed from the sheet's grid.
#[derive(Debug, Clone, Copy)]
pub struct TableRow<'a> {
    pub number: usize,
    pub cells: GridRow<'a>,
}

impl Row for TableRow<'_> {
    fn number(&self) -> usize {
        self.number
    }

    fn cell(&self, column: usize) -> Option<&str> {
        self.cells.get(column)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// 1-based row number of the header; 0 when the file has none.
    pub header_row: usize,
    pub headers: Vec<String>,
    /// The sheet's cells, moved in whole: header and blank rows stay in it.
    grid: Grid,
    /// Each data row: its index in `grid`, and its number in the file.
    data: Vec<(usize, usize)>,
}

impl Table {
    /// A table of the given rows (tests, and rows that come without a file).
    pub fn new(header_row: usize, headers: Vec<String>, rows: Vec<SourceRow>) -> Self {
        let data = rows
            .iter()
            .enumerate()
            .map(|(index, row)| (index, row.number))
            .collect();
        Self {
            header_row,
            headers,
            grid: Grid::from_rows(rows.iter().map(|row| &row.cells)),
            data,
        }
    }

    /// Data rows.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn row(&self, index: usize) -> Option<TableRow<'_>> {
        self.data.get(index).map(|&at| self.table_row(at))
    }

    /// The data rows in `range` (which must be within `len`), in order.
    pub fn rows(
        &self,
        range: std::ops::Range<usize>,
    ) -> impl ExactSizeIterator<Item = TableRow<'_>> + '_ {
        self.data[range].iter().map(|&at| self.table_row(at))
    }

    fn table_row(&self, (index, number): (usize, usize)) -> TableRow<'_> {
        TableRow {
            number,
            cells: self.grid.row(index),
        }
    }

    /// Every data row, in order.
    pub fn all_rows(&self) -> impl ExactSizeIterator<Item = TableRow<'_>> + '_ {
        self.rows(0..self.len())
    }

    /// The headers only: what the page keeps of a table its worker read.
    pub fn without_rows(&self) -> Table {
        Table {
            header_row: self.header_row,
            headers: self.headers.clone(),
            ..Table::default()
        }
    }
}

/// Where a sheet's table starts (0-based row indexes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Start {
    /// The row naming the columns; None when the data starts at once.
    pub header: Option<usize>,
    pub data: usize,
}

/// Rows looked at, past the header search, to find a column of addresses.
const CONTENT_SAMPLE_ROWS: usize = 50;

/// The header is the first of the opening rows that names an email column.
/// When no row does ("Primary Contact, Display Label"), the column whose
/// cells are addresses decides: the header is the last non-blank row above
/// its first address, and a file of bare addresses has none.
pub(crate) fn table_start(rows: &Grid) -> Option<Start> {
    if let Some(header) = named_header(rows) {
        return Some(Start {
            header: Some(header),
            data: header + 1,
        });
    }
    let (_, first) = address_column(rows.rows().take(HEADER_SEARCH_ROWS + CONTENT_SAMPLE_ROWS))?;
    if first > HEADER_SEARCH_ROWS {
        return None;
    }
    let header = rows.rows().take(first).rposition(|cells| !cells.is_blank());
    Some(Start {
        header,
        data: first,
    })
}

/// The first of the opening rows with a cell naming an email column.
pub(crate) fn named_header(rows: &Grid) -> Option<usize> {
    rows.rows()
        .take(HEADER_SEARCH_ROWS)
        .position(|cells| cells.iter().any(|c| known_target(c) == Some(Target::Email)))
}

/// The column holding the most addresses among `rows` (the leftmost on a
/// tie), and the index of its first row with one.
fn address_column<'a>(rows: impl Iterator<Item = GridRow<'a>>) -> Option<(usize, usize)> {
    // Column → (addresses, first row with one).
    let mut found: Vec<(usize, usize)> = Vec::new();
    for (index, cells) in rows.enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            if looks_like_address(cell) {
                if found.len() <= column {
                    found.resize(column + 1, (0, usize::MAX));
                }
                let (count, first) = &mut found[column];
                *count += 1;
                *first = (*first).min(index);
            }
        }
    }
    let best = (0..found.len()).max_by_key(|&c| (found[c].0, std::cmp::Reverse(c)))?;
    (found[best].0 > 0).then_some((best, found[best].1))
}

fn looks_like_address(cell: &str) -> bool {
    cell.contains('@') && Email::parse_cell(cell).is_ok()
}

impl Table {
    /// The column whose first rows hold addresses, for a file whose header
    /// names none.
    pub fn address_column(&self) -> Option<usize> {
        address_column(
            self.all_rows()
                .take(CONTENT_SAMPLE_ROWS)
                .map(|row| row.cells),
        )
        .map(|(column, _)| column)
    }
}

pub fn find_table(sheet: &Sheet) -> Option<Table> {
    table_from(sheet.rows.clone(), None)
}

/// The start the admin picked: the header's row number (from 1), or 0 for none.
pub(crate) fn chosen_start(header_row: usize) -> Start {
    match header_row {
        0 => Start {
            header: None,
            data: 0,
        },
        row => Start {
            header: Some(row - 1),
            data: row,
        },
    }
}

/// Like `find_table`, taking the sheet's cells: they move into the table
/// instead of being copied. `header_row`: the admin's choice (see
/// `ReadOptions`), else found.
pub(crate) fn table_from(rows: Grid, header_row: Option<usize>) -> Option<Table> {
    let start = match header_row {
        Some(row) if row > rows.len() => return None,
        Some(row) => chosen_start(row),
        None => table_start(&rows)?,
    };
    let header_cells = start.header.and_then(|header| rows.get(header));
    let data: Vec<(usize, usize)> = rows
        .rows()
        .enumerate()
        .skip(start.data)
        .filter(|(_, cells)| !cells.is_blank())
        .map(|(index, _)| (index, index + 1))
        .collect();
    let last_used = |cells: GridRow<'_>| cells.iter().rposition(|c| !c.trim().is_empty());
    // Blank rows add nothing to the width, so only the header and the data
    // rows kept need looking at.
    let width = header_cells
        .into_iter()
        .chain(data.iter().map(|&(index, _)| rows.row(index)))
        .filter_map(last_used)
        .max()
        .map_or(0, |last| last + 1);
    let headers = (0..width)
        .map(
            |i| match header_cells.and_then(|cells| cells.get(i)).map(str::trim) {
                Some(h) if !h.is_empty() => h.to_owned(),
                _ => format!("Column {}", i + 1),
            },
        )
        .collect();
    Some(Table {
        header_row: start.header.map_or(0, |h| h + 1),
        headers,
        grid: rows,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "s".into(),
            rows: Grid::from_rows(rows.iter().map(|r| r.iter())),
        }
    }

    fn numbers(table: &Table) -> Vec<usize> {
        table.all_rows().map(|r| r.number).collect()
    }

    #[test]
    fn the_header_may_come_after_notes_and_blank_rows() {
        let table = find_table(&sheet(&[
            &["Q3 new hires"],
            &[],
            &["E-mail", "Name", "", ""],
            &["a@x.org", "A", "", ""],
            &["", "", ""],
            &["b@x.org", "", "note"],
        ]))
        .unwrap();
        assert_eq!(table.header_row, 3);
        assert_eq!(table.headers, ["E-mail", "Name", "Column 3"]);
        assert_eq!(numbers(&table), [4, 6]);
        assert_eq!(
            table.row(1).unwrap().cells.to_vec(),
            ["b@x.org", "", "note"]
        );
    }

    #[test]
    fn no_column_named_or_holding_addresses_means_no_table() {
        assert!(find_table(&sheet(&[&["Name", "Phone"], &["A", "1"]])).is_none());
    }

    #[test]
    fn headers_muster_does_not_know_are_found_by_the_addresses_under_them() {
        let table = find_table(&sheet(&[
            &["Staff list"],
            &[],
            &["Display Label", "Primary Contact", "Access Level"],
            &["Ann", "ann@x.org", "Admin"],
            &["Bob", "not given", "Member"],
            &["Cy", "cy@x.org", "Member"],
        ]))
        .unwrap();
        assert_eq!(table.header_row, 3);
        assert_eq!(
            table.headers,
            ["Display Label", "Primary Contact", "Access Level"]
        );
        assert_eq!(table.len(), 3);
        assert_eq!(table.row(0).unwrap().number, 4);
        assert_eq!(table.address_column(), Some(1));
    }

    #[test]
    fn the_admin_may_pick_the_header_row_or_none() {
        let rows = || {
            sheet(&[
                &["Name", "Contact"],
                &["(full name)", "(work address)"],
                &["Ann", "ann@x.org"],
            ])
            .rows
        };
        let found = table_from(rows(), None).unwrap();
        assert_eq!(
            found.header_row, 2,
            "found by content: the row above the first address"
        );
        let picked = table_from(rows(), Some(1)).unwrap();
        assert_eq!(picked.headers, ["Name", "Contact"]);
        assert_eq!(numbers(&picked), [2, 3]);
        let none = table_from(rows(), Some(0)).unwrap();
        assert_eq!((none.header_row, none.len()), (0, 3));
        assert!(table_from(rows(), Some(4)).is_none());
    }

    #[test]
    fn a_list_of_bare_addresses_has_no_header_row() {
        let table = find_table(&sheet(&[&["ann@x.org"], &["bob@x.org"]])).unwrap();
        assert_eq!(table.header_row, 0);
        assert_eq!(table.headers, ["Column 1"]);
        assert_eq!(numbers(&table), [1, 2]);
    }
}
