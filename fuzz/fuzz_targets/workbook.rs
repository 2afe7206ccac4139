//! Workbooks (XLSX, ODS, XLS) from hostile bytes: read to rows or refused with
//! an `ImportError` (zip bombs included), never a panic or a runaway allocation.
#![no_main]
use app::import::{self, ImportLimits, ReadOptions, RowDefaults};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let name = ["people.xlsx", "people.ods", "people.xls"][usize::from(choice) % 3];
    let limits = ImportLimits { max_bytes: 1 << 20, max_rows: 10_000 };
    let _ = import::run(bytes, name, &ReadOptions::default(), &limits, &RowDefaults::default());
});
