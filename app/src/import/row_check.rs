//! Checking a table's rows a slice at a time, so the browser (in its file
//! worker, or on the page where no worker can start) can report progress
//! between slices and give up when something newer comes in. Run to its end
//! it is `validate`: the same candidates, problems and order.
use super::mapping::{ColumnMapping, Target};
use super::table::Table;
use super::validate::{flag_duplicates, validate_row, Candidate, RowDefaults};

pub struct RowCheck<'a> {
    table: &'a Table,
    mapping: &'a [ColumnMapping],
    defaults: &'a RowDefaults,
    /// Rows checked so far.
    checked: usize,
    /// Those not yet taken.
    candidates: Vec<Candidate>,
}

impl<'a> RowCheck<'a> {
    pub fn new(table: &'a Table, mapping: &'a [ColumnMapping], defaults: &'a RowDefaults) -> Self {
        Self {
            table,
            mapping,
            defaults,
            checked: 0,
            candidates: Vec::with_capacity(table.rows.len()),
        }
    }

    /// Checks up to `rows` more rows; true while some are left.
    pub fn step(&mut self, rows: usize) -> bool {
        let end = self.checked.saturating_add(rows).min(self.table.rows.len());
        self.candidates.extend(
            self.table.rows[self.checked..end]
                .iter()
                .map(|row| validate_row(row, self.mapping, self.defaults)),
        );
        self.checked = end;
        !self.is_done()
    }

    pub fn is_done(&self) -> bool {
        self.checked == self.table.rows.len()
    }

    /// Rows checked so far, of all.
    pub fn progress(&self) -> (usize, usize) {
        (self.checked, self.table.rows.len())
    }

    /// The rows checked since the last take, to pass on while the rest is
    /// checked (duplicates are then the taker's to mark: `find_twins`).
    pub fn take_checked(&mut self) -> Vec<Candidate> {
        std::mem::take(&mut self.candidates)
    }

    /// Checks what is left, then marks rows repeating an earlier address.
    /// For a check none of whose rows were taken.
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
        let table = Table {
            header_row: 1,
            headers: vec!["Email".into(), "Name".into()],
            rows,
        };
        let mapping = guess_mapping(&table);
        let defaults = RowDefaults::default();
        let mut check = RowCheck::new(&table, &mapping, &defaults);
        let mut seen = Vec::new();
        while check.step(7) {
            seen.push(check.progress());
        }
        assert_eq!(seen, vec![(7, 25), (14, 25), (21, 25)]);
        assert_eq!(check.progress(), (25, 25));
        let sliced = check.finish();
        let whole = crate::import::validate(&table, &mapping, &defaults);
        assert_eq!(sliced, whole);
        assert_eq!(sliced.iter().filter(|c| !c.is_ready()).count(), 5);

        // Taken slice by slice (as the file worker passes them on), with the
        // twins marked after: the same again.
        let mut check = RowCheck::new(&table, &mapping, &defaults);
        let mut taken = Vec::new();
        while check.step(7) {
            taken.extend(check.take_checked());
        }
        taken.extend(check.take_checked());
        let twins =
            crate::import::find_twins(taken.iter().map(|c| (c.email_key.as_deref(), c.row)));
        crate::import::mark_twins(&mut taken, &twins, "Email");
        assert_eq!(taken, whole);
    }
}
