//! What the page and its file worker say to each other. Each message is JSON
//! text: the page decodes a slice of 1,000 checked rows in about 15 ms (a
//! release build, 2,000 took 25 to 45), so no message it receives makes a
//! long task; the worker's answers are the pipeline's own types.
use super::{
    CheckedSlice, ColumnMapping, ImportError, ImportLimits, Prepared, ReadOptions, RowDefaults,
};
use serde::{Deserialize, Serialize};

/// Rows per message of checked rows.
pub const SLICE_ROWS: usize = 1_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Keep this file (posted with the message) for the requests that follow.
    Open { name: String },
    /// Read the file and find its table.
    Prepare {
        id: u64,
        options: ReadOptions,
        limits: ImportLimits,
    },
    /// Check the rows of the file as read with `options`, mapped so.
    Check {
        id: u64,
        options: ReadOptions,
        limits: ImportLimits,
        mapping: Vec<ColumnMapping>,
        defaults: RowDefaults,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// Listening: requests may follow.
    Ready,
    /// The worker cannot run the pipeline (its module did not load): the
    /// page does the work itself.
    Unavailable,
    /// The file is read into the worker.
    Opened,
    /// The file's table, without its rows (they stay in the worker).
    Prepared {
        id: u64,
        result: Result<Prepared, ImportError>,
    },
    /// The next slice of checked rows, in order, sent as soon as it is
    /// checked; the last one says every row is checked.
    Rows { id: u64, slice: CheckedSlice },
    /// The file could not be read as the check asked (the page asks only
    /// about a file it has seen read so; it says so rather than show nothing).
    Unreadable { id: u64, error: ImportError },
}

impl ToWorker {
    pub fn id(&self) -> Option<u64> {
        match self {
            ToWorker::Open { .. } => None,
            ToWorker::Prepare { id, .. } | ToWorker::Check { id, .. } => Some(*id),
        }
    }
}

impl FromWorker {
    /// The request this answers, if any.
    pub fn id(&self) -> Option<u64> {
        match self {
            FromWorker::Ready | FromWorker::Unavailable | FromWorker::Opened => None,
            FromWorker::Prepared { id, .. }
            | FromWorker::Rows { id, .. }
            | FromWorker::Unreadable { id, .. } => Some(*id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows cross as JSON text: every field of a candidate (metadata, a
    /// failed row's source cells, duplicates) comes back as it went.
    #[test]
    fn checked_rows_and_tables_cross_unchanged() {
        let file = "Email,Name,Role,Metadata\n\
                    ada@example.com,Ada,admin,\"{\"\"team\"\": \"\"core\"\", \"\"n\"\": [1, 2.5]}\"\n\
                    not-an-address,Bob,,\n\
                    ADA@example.com,Ada again,,\n";
        let prepared = crate::import::prepare(
            file.as_bytes(),
            "people.csv",
            &Default::default(),
            &Default::default(),
        )
        .unwrap();
        let defaults = Default::default();
        let slice = crate::import::RowCheck::new(&prepared.table, &prepared.mapping, &defaults)
            .next_slice(SLICE_ROWS);
        // Row 4 repeats row 2's address: the page marks it.
        assert_eq!(slice.twins, vec![(2, 2)]);
        assert!(slice.is_last());
        for message in [
            FromWorker::Rows { id: 3, slice },
            FromWorker::Prepared {
                id: 2,
                result: Ok(prepared.without_rows()),
            },
            FromWorker::Prepared {
                id: 4,
                result: Err(ImportError::TooManyRows { limit: 10 }),
            },
            FromWorker::Unreadable {
                id: 5,
                error: ImportError::Empty,
            },
        ] {
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), message);
        }
    }
}
