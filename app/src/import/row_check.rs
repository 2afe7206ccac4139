//! Checking a table's rows a slice at a time, so the browser (in its file
//! worker, or on the page where no worker can start) can show each slice as
//! it comes and give up when something newer comes in. Run to its end it is
//! `validate`: the same candidates, problems and order.
use super::mapping::{ColumnMapping, Target};
use super::table::Table;
use super::validate::{flag_duplicates, validate_row, Candidate, RowDefaults, TwinFinder};
use serde::{Deserialize, Serialize};

/// The next rows checked, as the page takes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedSlice {
    pub rows: Vec<Candidate>,
    /// Those repeating an earlier row's address (of this slice or one
    /// before): (index among all rows, first row's number), for `mark_twin`.
    pub twins: Vec<(usize, usize)>,
    /// Rows checked so far, of all.
    pub done: usize,
    pub total: usize,
}

impl CheckedSlice {
    /// Every row has been checked: no slice follows.
    pub fn is_last(&self) -> bool {
        self.done == self.total
    }
}

pub struct RowCheck<'a> {
    table: &'a Table,
    mapping: &'a [ColumnMapping],
    defaults: &'a RowDefaults,
    /// Rows checked so far.
    checked: usize,
    /// Those not yet taken.
    candidates: Vec<Candidate>,
    /// Addresses of the rows taken so far, for the twins of the next slice.
    twins: TwinFinder<String>,
}

impl<'a> RowCheck<'a> {
    pub fn new(table: &'a Table, mapping: &'a [ColumnMapping], defaults: &'a RowDefaults) -> Self {
        Self {
            table,
            mapping,
            defaults,
            checked: 0,
            candidates: Vec::new(),
            twins: TwinFinder::with_capacity(0),
        }
    }

    /// Checks up to `rows` more rows; true while some are left.
    fn step(&mut self, rows: usize) -> bool {
        let end = self.checked.saturating_add(rows).min(self.table.len());
        self.candidates.reserve(end - self.checked);
        self.candidates.extend(
            self.table
                .rows(self.checked..end)
                .map(|row| validate_row(&row, self.mapping, self.defaults)),
        );
        self.checked = end;
        !self.is_done()
    }

    fn is_done(&self) -> bool {
        self.checked == self.table.len()
    }

    /// Checks up to `rows` more rows and hands them over, with those of
    /// them repeating an earlier row's address (the taker marks them).
    pub fn next_slice(&mut self, rows: usize) -> CheckedSlice {
        self.step(rows);
        let rows = std::mem::take(&mut self.candidates);
        let twins = self
            .twins
            .next_rows(rows.iter().map(|c| (c.email_key.clone(), c.row)));
        CheckedSlice {
            rows,
            twins,
            done: self.checked,
            total: self.table.len(),
        }
    }

    /// Checks what is left, then marks rows repeating an earlier address.
    /// For a check none of whose rows were handed over.
    pub fn finish(mut self) -> Vec<Candidate> {
        self.step(usize::MAX);
        let email_column = self
            .mapping
            .iter()
            .find(|m| m.target == Target::Email)
            .map_or("Email", |m| m.header.as_str());
        flag_duplicates(&mut self.candidates, email_column);
        self.candidates
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{guess_mapping, table::SourceRow};

    #[test]
    fn slices_give_the_rows_one_pass_gives() {
        let rows = (0..25)
            .map(|i| SourceRow {
                number: i + 2,
                // Every fifth row repeats the address of the row before it.
                cells: vec![
                    format!("p{}@example.com", i - usize::from(i % 5 == 4)),
                    format!("Person {i}"),
                ],
            })
            .collect();
        let table = Table::new(1, vec!["Email".into(), "Name".into()], rows);
        let mapping = guess_mapping(&table);
        let defaults = RowDefaults::default();
        let whole = crate::import::validate(&table, &mapping, &defaults);
        assert_eq!(whole.iter().filter(|c| !c.is_ready()).count(), 5);

        // Handed over slice by slice (as the file worker passes them on),
        // each slice's twins marked as it comes: the same rows.
        let mut check = RowCheck::new(&table, &mapping, &defaults);
        let mut taken = Vec::new();
        let mut seen = Vec::new();
        loop {
            let slice = check.next_slice(7);
            seen.push((slice.done, slice.total, slice.rows.len()));
            let last = slice.is_last();
            taken.extend(slice.rows);
            for (index, first) in slice.twins {
                crate::import::mark_twin(&mut taken[index], first, "Email");
            }
            if last {
                break;
            }
        }
        assert_eq!(
            seen,
            vec![(7, 25, 7), (14, 25, 7), (21, 25, 7), (25, 25, 4)]
        );
        assert_eq!(taken, whole);
    }

    /// A table without rows is one last slice, so the taker hears the end.
    #[test]
    fn a_table_without_rows_is_one_empty_last_slice() {
        let table = Table::new(1, vec!["Email".into()], Vec::new());
        let mapping = guess_mapping(&table);
        let defaults = RowDefaults::default();
        let slice = RowCheck::new(&table, &mapping, &defaults).next_slice(7);
        assert!(slice.is_last());
        assert_eq!((slice.rows.len(), slice.done, slice.total), (0, 0, 0));
    }
}
