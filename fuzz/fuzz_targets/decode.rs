//! Text decoding with every encoding and delimiter choice the admin can make:
//! any bytes give rows of valid text or an `ImportError`, never a panic.
#![no_main]
use app::import::{self, ImportLimits, ReadOptions, TextEncoding};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&choice, bytes)) = data.split_first() else {
        return;
    };
    let encoding = TextEncoding::ALL
        .get(usize::from(choice & 0x07))
        .copied();
    let delimiter = [None, Some(b','), Some(b';'), Some(b'\t'), Some(b'|')][usize::from(choice >> 5) % 5];
    let options = ReadOptions { encoding, delimiter, sheet: None, header_row: None };
    let limits = ImportLimits { max_bytes: 1 << 20, max_rows: 10_000 };
    if let Ok(file) = import::read(bytes, "people.txt", &options, &limits) {
        for sheet in &file.sheets {
            assert!(sheet.rows.len() <= limits.max_rows + 1);
        }
    }
});
