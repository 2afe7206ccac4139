//! Finding the header row (titles and notes may come first) and the data
//! under it, without blank rows and empty trailing columns.
use super::mapping::{known_target, Target};
use super::read::{Sheet, HEADER_SEARCH_ROWS};
use crate::domain::Email;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    /// The row number the admin sees in their spreadsheet (1-based).
    pub number: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// 1-based row number of the header; 0 when the file has none.
    pub header_row: usize,
    pub headers: Vec<String>,
    pub rows: Vec<SourceRow>,
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
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
pub(crate) fn table_start(rows: &[Vec<String>]) -> Option<Start> {
    if let Some(header) = named_header(rows) {
        return Some(Start {
            header: Some(header),
            data: header + 1,
        });
    }
    let (_, first) = address_column(rows.iter().take(HEADER_SEARCH_ROWS + CONTENT_SAMPLE_ROWS))?;
    if first > HEADER_SEARCH_ROWS {
        return None;
    }
    let header = rows[..first].iter().rposition(|cells| !is_blank(cells));
    Some(Start {
        header,
        data: first,
    })
}

/// The first of the opening rows with a cell naming an email column.
pub(crate) fn named_header(rows: &[Vec<String>]) -> Option<usize> {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|cells| cells.iter().any(|c| known_target(c) == Some(Target::Email)))
}

/// The column holding the most addresses among `rows` (the leftmost on a
/// tie), and the index of its first row with one.
fn address_column<'a>(rows: impl Iterator<Item = &'a Vec<String>>) -> Option<(usize, usize)> {
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
            self.rows
                .iter()
                .take(CONTENT_SAMPLE_ROWS)
                .map(|row| &row.cells),
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

/// Like `find_table`, taking the rows: the cells move into the table
/// instead of being copied (100,000 rows are half a million strings).
/// `header_row`: the admin's choice (see `ReadOptions`), else found.
pub(crate) fn table_from(mut rows: Vec<Vec<String>>, header_row: Option<usize>) -> Option<Table> {
    let start = match header_row {
        Some(row) if row > rows.len() => return None,
        Some(row) => chosen_start(row),
        None => table_start(&rows)?,
    };
    let data = rows.split_off(start.data);
    let header_cells = match start.header {
        Some(header) => std::mem::take(&mut rows[header]),
        None => Vec::new(),
    };
    let last_used = |cells: &[String]| cells.iter().rposition(|c| !c.trim().is_empty());
    let width = std::iter::once(&header_cells)
        .chain(data.iter())
        .filter_map(|cells| last_used(cells))
        .max()
        .map_or(0, |last| last + 1);
    let headers = (0..width)
        .map(|i| match header_cells.get(i).map(|h| h.trim()) {
            Some(h) if !h.is_empty() => h.to_owned(),
            _ => format!("Column {}", i + 1),
        })
        .collect();
    let rows = data
        .into_iter()
        .enumerate()
        .filter(|(_, cells)| !is_blank(cells))
        .map(|(offset, mut cells)| {
            // Cells past `width` are empty by its definition.
            cells.resize(width, String::new());
            SourceRow {
                number: start.data + offset + 1,
                cells,
            }
        })
        .collect();
    Some(Table {
        header_row: start.header.map_or(0, |h| h + 1),
        headers,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "s".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
        }
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
        let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [4, 6]);
        assert_eq!(table.rows[1].cells, ["b@x.org", "", "note"]);
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
        assert_eq!(table.rows.len(), 3);
        assert_eq!(table.rows[0].number, 4);
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
        assert_eq!(
            picked.rows.iter().map(|r| r.number).collect::<Vec<_>>(),
            [2, 3]
        );
        let none = table_from(rows(), Some(0)).unwrap();
        assert_eq!((none.header_row, none.rows.len()), (0, 3));
        assert!(table_from(rows(), Some(4)).is_none());
    }

    #[test]
    fn a_list_of_bare_addresses_has_no_header_row() {
        let table = find_table(&sheet(&[&["ann@x.org"], &["bob@x.org"]])).unwrap();
        assert_eq!(table.header_row, 0);
        assert_eq!(table.headers, ["Column 1"]);
        let numbers: Vec<usize> = table.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2]);
    }
}
