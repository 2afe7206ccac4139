//! The whole pipeline on a CSV: decode, split, find the header, map columns,
//! validate every row. Every row that comes out ready has an address that
//! parses again, as the server will parse it.
#![no_main]
use app::domain::Email;
use app::import::{self, ImportLimits, ReadOptions, RowDefaults};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = ImportLimits { max_bytes: 1 << 20, max_rows: 10_000 };
    let Ok((_, _, _, candidates)) = import::run(
        data,
        "people.csv",
        &ReadOptions::default(),
        &limits,
        &RowDefaults::default(),
    ) else {
        return;
    };
    for candidate in candidates.iter().filter(|c| c.is_ready()) {
        let email = Email::parse(&candidate.email).expect("a ready row's address parses again");
        assert_eq!(Some(email.key()), candidate.email_key.as_deref());
    }
});
