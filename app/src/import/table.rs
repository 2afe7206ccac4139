//! Finding the header row (titles and notes may come first) and the data
//! under it, without blank rows and empty trailing columns.
use super::mapping::{known_target, Target};
use super::read::{Sheet, HEADER_SEARCH_ROWS};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRow {
    /// The row number the admin sees in their spreadsheet (1-based).
    pub number: usize,
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// 1-based row number of the header.
    pub header_row: usize,
    pub headers: Vec<String>,
    pub rows: Vec<SourceRow>,
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// The first of the opening rows that names an email column is the header.
/// The row (0-based) naming the columns: the first of the first rows with an
/// email column.
pub(crate) fn header_index(rows: &[Vec<String>]) -> Option<usize> {
    rows.iter()
        .take(HEADER_SEARCH_ROWS)
        .position(|cells| cells.iter().any(|c| known_target(c) == Some(Target::Email)))
}

pub fn find_table(sheet: &Sheet) -> Option<Table> {
    table_from(sheet.rows.clone())
}

/// Like `find_table`, taking the rows: the cells move into the table
/// instead of being copied (100,000 rows are half a million strings).
pub(crate) fn table_from(mut rows: Vec<Vec<String>>) -> Option<Table> {
    let header_index = header_index(&rows)?;
    let data = rows.split_off(header_index + 1);
    let header_cells = rows.pop().unwrap_or_default();
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
                number: header_index + offset + 2,
                cells,
            }
        })
        .collect();
    Some(Table {
        header_row: header_index + 1,
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
    fn no_email_column_means_no_table() {
        assert!(find_table(&sheet(&[&["Name", "Phone"], &["A", "1"]])).is_none());
    }
}
