//! A sheet's cells in one buffer: a cell is a range of one text, so reading
//! 100,000 rows makes three growing allocations instead of half a million
//! strings (in WASM, allocating and freeing those was a third of the check).
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grid {
    /// Every cell's text, one after another.
    text: String,
    /// Where each cell ends in `text`, row after row.
    cell_ends: Vec<usize>,
    /// Where each row ends in `cell_ends`.
    row_ends: Vec<usize>,
}

impl Grid {
    /// Adds a cell to the row being written.
    pub fn push_cell(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.cell_ends.push(self.text.len());
    }

    /// Ends the row being written (a row may have no cells).
    pub fn end_row(&mut self) {
        self.row_ends.push(self.cell_ends.len());
    }

    /// Adds a whole row.
    pub fn push_row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        for cell in cells {
            self.push_cell(cell.as_ref());
        }
        self.end_row();
    }

    pub fn from_rows<R, S>(rows: impl IntoIterator<Item = R>) -> Self
    where
        R: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut grid = Self::default();
        for row in rows {
            grid.push_row(row);
        }
        grid
    }

    /// A grid from its parts, as a reader that writes the buffer itself
    /// makes them (see the fields).
    pub(crate) fn from_parts(text: String, cell_ends: Vec<usize>, row_ends: Vec<usize>) -> Self {
        Self {
            text,
            cell_ends,
            row_ends,
        }
    }

    /// Rows written so far.
    pub fn len(&self) -> usize {
        self.row_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_ends.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<GridRow<'_>> {
        (index < self.len()).then(|| self.row(index))
    }

    /// Row `index`, which must exist.
    pub(crate) fn row(&self, index: usize) -> GridRow<'_> {
        let end = self.row_ends[index];
        let start = match index {
            0 => 0,
            _ => self.row_ends[index - 1],
        };
        let text_start = match start {
            0 => 0,
            _ => self.cell_ends[start - 1],
        };
        GridRow {
            text: &self.text,
            text_start,
            ends: &self.cell_ends[start..end],
        }
    }

    pub fn rows(&self) -> impl DoubleEndedIterator<Item = GridRow<'_>> + ExactSizeIterator + '_ {
        (0..self.len()).map(|index| self.row(index))
    }

    /// Every row as owned cells (for tests and small tables).
    pub fn to_vecs(&self) -> Vec<Vec<String>> {
        self.rows().map(|row| row.to_vec()).collect()
    }
}

/// One row's cells, borrowed from its grid.
#[derive(Debug, Clone, Copy)]
pub struct GridRow<'a> {
    text: &'a str,
    /// Where the row's first cell starts in `text`.
    text_start: usize,
    ends: &'a [usize],
}

impl<'a> GridRow<'a> {
    /// Cells written in this row (trailing empty ones may be absent).
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, column: usize) -> Option<&'a str> {
        let end = *self.ends.get(column)?;
        let start = match column {
            0 => self.text_start,
            _ => self.ends[column - 1],
        };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &'a str> + ExactSizeIterator + 'a {
        let row = *self;
        (0..row.len()).map(move |column| row.get(column).unwrap_or_default())
    }

    /// No cell holds more than spaces.
    pub fn is_blank(&self) -> bool {
        self.iter().all(|cell| cell.trim().is_empty())
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_give_back_the_cells_written_empty_rows_and_cells_included() {
        let rows = vec![
            vec!["Email", "Name"],
            vec![],
            vec!["", "Zoë", ""],
            vec!["ann@x.org"],
        ];
        let grid = Grid::from_rows(&rows);
        assert_eq!(grid.len(), 4);
        assert_eq!(grid.to_vecs(), rows);
        let third = grid.get(2).unwrap();
        assert_eq!(
            (third.len(), third.get(1), third.get(3)),
            (3, Some("Zoë"), None)
        );
        assert!(grid.get(1).unwrap().is_blank() && !third.is_blank());
        assert!(grid.get(4).is_none());
    }
}
