//! Hostile and damaged files get a clear error, never a panic; what the csv
//! writer writes, the pipeline reads back unchanged.
use app::import::{self, ImportError, ImportLimits, ReadOptions, RowDefaults};
use proptest::prelude::*;
use std::io::Write;

fn run(bytes: &[u8], name: &str) -> Result<usize, ImportError> {
    import::run(
        bytes,
        name,
        &ReadOptions::default(),
        &ImportLimits::default(),
        &RowDefaults::default(),
    )
    .map(|(_, _, _, candidates)| candidates.len())
}

fn zip_with(entry: &str, content: &[u8]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    writer
        .start_file(entry, zip::write::SimpleFileOptions::default())
        .unwrap();
    writer.write_all(content).unwrap();
    writer.finish().unwrap();
    out.into_inner()
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_inflated() {
    // 64 MB of zeros compress to about 64 KB: a ratio no spreadsheet has.
    let bomb = zip_with("xl/worksheets/sheet1.xml", &vec![0u8; 64 * 1024 * 1024]);
    assert!(bomb.len() < 1024 * 1024, "{}", bomb.len());
    assert!(matches!(
        run(&bomb, "people.xlsx"),
        Err(ImportError::WorkbookTooLarge { .. })
    ));
}

#[test]
fn a_truncated_workbook_gets_a_clear_message() {
    let whole = std::fs::read(format!(
        "{}/../fixtures/it-portal.xlsx",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    for cut in [10, whole.len() / 2, whole.len() - 30] {
        let error = run(&whole[..cut], "it-portal.xlsx").unwrap_err();
        assert!(
            matches!(error, ImportError::BadWorkbook { .. }),
            "cut at {cut}: {error:?}"
        );
        assert!(error.to_string().contains("damaged or truncated"));
    }
}

#[test]
fn row_and_size_limits_are_enforced() {
    let limits = ImportLimits {
        max_bytes: 1024 * 1024,
        max_rows: 100,
    };
    let mut csv = String::from("Email\n");
    for i in 0..200 {
        csv.push_str(&format!("p{i}@example.com\n"));
    }
    // Far past the limit: refused while reading.
    let error =
        import::read(csv.as_bytes(), "many.csv", &ReadOptions::default(), &limits).unwrap_err();
    assert_eq!(error, ImportError::TooManyRows { limit: 100 });
    // Just past it (101 people): refused once the header is known.
    let just_over: String = csv.lines().take(102).map(|l| format!("{l}\n")).collect();
    let error = import::run(
        just_over.as_bytes(),
        "many.csv",
        &ReadOptions::default(),
        &limits,
        &RowDefaults::default(),
    )
    .unwrap_err();
    assert_eq!(error, ImportError::TooManyRows { limit: 100 });
    let at_limit: String = csv.lines().take(101).map(|l| format!("{l}\n")).collect();
    assert!(import::run(
        at_limit.as_bytes(),
        "many.csv",
        &ReadOptions::default(),
        &limits,
        &RowDefaults::default()
    )
    .is_ok());
    assert_eq!(
        error.to_string(),
        "The file has more than 100 rows; the limit is 100. Split it into smaller files."
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), name in "(people\\.(csv|txt|tsv|xlsx|xls|ods)|export)") {
        let _ = run(&bytes, &name);
    }

    #[test]
    fn arbitrary_zips_never_panic(content in proptest::collection::vec(any::<u8>(), 0..512), entry in "(xl/workbook\\.xml|xl/worksheets/sheet1\\.xml|content\\.xml|\\[Content_Types\\]\\.xml)") {
        let _ = run(&zip_with(&entry, &content), "book.xlsx");
        let _ = run(&zip_with(&entry, &content), "book.ods");
    }

    #[test]
    fn csv_written_then_read_gives_the_same_rows(rows in proptest::collection::vec(proptest::collection::vec("[a-zA-Z0-9 ,;\"\n\té@.-]{0,12}", 1..5), 1..20)) {
        let mut writer = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
        for row in &rows {
            writer.write_record(row).unwrap();
        }
        let bytes = writer.into_inner().unwrap();
        prop_assume!(!bytes.iter().all(|b| b.is_ascii_whitespace()));
        let options = ReadOptions { delimiter: Some(b','), ..ReadOptions::default() };
        let file = import::read(&bytes, "rows.csv", &options, &ImportLimits::default()).unwrap();
        prop_assert_eq!(&file.sheets[0].rows.to_vecs(), &rows);
    }
}
