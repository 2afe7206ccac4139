//! What the page and its file worker say to each other. Each message is JSON
//! text: the page decodes a slice of 2,000 checked rows in a few
//! milliseconds, so no message it receives makes a long task, and the
//! worker's answers are the pipeline's own types.
use super::{
    Candidate, ColumnMapping, ImportError, ImportLimits, Prepared, ReadOptions, RowDefaults,
};
use serde::{Deserialize, Serialize};

/// Rows per progress report and per message of checked rows.
pub const SLICE_ROWS: usize = 2_000;

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
    Progress {
        id: u64,
        done: usize,
        total: usize,
    },
    /// The next slice of checked rows, in order (sent as they are checked).
    Rows {
        id: u64,
        rows: Vec<Candidate>,
    },
    /// Every row has been sent; these repeat an earlier row's address:
    /// (index, the first row's number), as `import::find_twins` gives them.
    Checked {
        id: u64,
        twins: Vec<(usize, usize)>,
    },
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
            | FromWorker::Progress { id, .. }
            | FromWorker::Rows { id, .. }
            | FromWorker::Checked { id, .. } => Some(*id),
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
        let rows = crate::import::validate(&prepared.table, &prepared.mapping, &Default::default());
        assert_eq!(rows.iter().filter(|c| c.is_ready()).count(), 1);
        for message in [
            FromWorker::Rows { id: 3, rows },
            FromWorker::Prepared {
                id: 2,
                result: Ok(prepared.without_rows()),
            },
            FromWorker::Prepared {
                id: 4,
                result: Err(ImportError::TooManyRows { limit: 10 }),
            },
        ] {
            let text = serde_json::to_string(&message).unwrap();
            assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), message);
        }
    }
}
