//! Row validation as the server runs it on what a browser sends (the five
//! wire columns): any cell text gives a candidate, and a ready one is clean.
#![no_main]
use app::domain::Email;
use app::import::{validate_row, wire_mapping, RowDefaults, SourceRow};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Cells separated by U+0001, which no real cell needs.
    let cells: Vec<String> = text.split('\u{1}').take(5).map(str::to_owned).collect();
    let row = SourceRow { number: 2, cells };
    let candidate = validate_row(&row, &wire_mapping(), &RowDefaults::default());
    if candidate.is_ready() {
        Email::parse(&candidate.email).expect("a ready row's address parses again");
        if let Some(name) = &candidate.name {
            assert!(!name.chars().any(char::is_control), "control characters in a name: {name:?}");
        }
    }
});
