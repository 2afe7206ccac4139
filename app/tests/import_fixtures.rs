//! Every real-shaped file in `fixtures/` goes through the whole import
//! pipeline and yields exactly these people, roles, groups, metadata and problems.
use app::domain::Role;
use app::import::{
    self, Candidate, FileKind, ImportLimits, ReadOptions, RowDefaults, Target, TextEncoding,
};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (row, email, name, role, groups, metadata as JSON, problems as "column: message")
type Person = (
    usize,
    String,
    Option<String>,
    Role,
    Vec<String>,
    String,
    Vec<String>,
);

fn people(candidates: &[Candidate]) -> Vec<Person> {
    candidates
        .iter()
        .map(|c| {
            (
                c.row,
                c.email.clone(),
                c.name.clone(),
                c.role,
                c.groups.clone(),
                serde_json::Value::Object(c.metadata_map()).to_string(),
                c.problems
                    .iter()
                    .map(|p| format!("{}: {}", p.column, p.message))
                    .collect(),
            )
        })
        .collect()
}

fn person(
    row: usize,
    email: &str,
    name: Option<&str>,
    role: Role,
    groups: &[&str],
    metadata: &str,
    problems: &[&str],
) -> Person {
    (
        row,
        email.to_owned(),
        name.map(str::to_owned),
        role,
        groups.iter().map(|g| g.to_string()).collect(),
        metadata.to_owned(),
        problems.iter().map(|p| p.to_string()).collect(),
    )
}

fn run(name: &str) -> (import::ReadFile, import::Table, Vec<Candidate>) {
    let (file, table, _mapping, candidates) = import::run(
        &fixture(name),
        name,
        &ReadOptions::default(),
        &ImportLimits::default(),
        &RowDefaults::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    (file, table, candidates)
}

const NO_NAME: &str = "No name: they will choose one when they sign up.";

#[test]
fn deepomatic_columns_keep_the_description_as_metadata() {
    let (file, _, candidates) = run("deepomatic-columns.csv");
    assert_eq!(
        (file.kind, file.encoding, file.delimiter),
        (FileKind::Delimited, Some(TextEncoding::Utf8), Some(b','))
    );
    assert_eq!(
        people(&candidates),
        [
            person(
                2,
                "marc@deepo.example",
                Some("Marc Dupont"),
                Role::Member,
                &[],
                r#"{"Description":"annotator, night shift"}"#,
                &[]
            ),
            person(
                3,
                "sofia@deepo.example",
                Some("Sofia Rossi"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
        ]
    );
}

#[test]
fn excel_semicolons_with_a_bom_and_french_headers() {
    let (file, table, candidates) = run("excel-semicolon-bom.csv");
    assert_eq!(
        (file.encoding, file.delimiter),
        (Some(TextEncoding::Utf8), Some(b';'))
    );
    assert_eq!(table.headers, ["Prénom", "Nom", "Adresse e-mail", "Rôle"]);
    assert_eq!(
        people(&candidates),
        [
            person(
                2,
                "elodie.fabre@exemple.fr",
                Some("Élodie Fabre"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
            person(
                3,
                "juergen.gross@beispiel.de",
                Some("Jürgen Groß"),
                Role::Admin,
                &[],
                "{}",
                &[]
            ),
        ]
    );
}

#[test]
fn excel_unicode_text_is_utf16_with_tabs() {
    let (file, _, candidates) = run("excel-unicode-text.txt");
    assert_eq!(
        (file.encoding, file.delimiter),
        (Some(TextEncoding::Utf16Le), Some(b'\t'))
    );
    assert_eq!(
        people(&candidates),
        [
            person(
                2,
                "orjan@firma.no",
                Some("Ørjan Haugen"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
            person(
                3,
                "li.lei@example.cn",
                Some("李 雷"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
        ]
    );
}

#[test]
fn windows_1252_is_decoded() {
    let (file, _, candidates) = run("windows-1252.csv");
    assert_eq!(file.encoding, Some(TextEncoding::Windows1252));
    assert_eq!(
        people(&candidates),
        [
            person(
                2,
                "jose.ibanez@example.es",
                Some("José Ibáñez"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
            person(
                3,
                "francois.cote@example.ca",
                Some("François Côté"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
        ]
    );
}

#[test]
fn tooljet_columns_with_role_aliases_groups_and_metadata() {
    let (_, _, candidates) = run("tooljet-columns.csv");
    assert_eq!(
        people(&candidates),
        [
            person(
                2,
                "john@corp.com",
                Some("John Doe"),
                Role::Admin,
                &["Manager"],
                r#"{"apiKey":"abc123"}"#,
                &[]
            ),
            person(
                3,
                "ana.silva@corp.com",
                Some("Ana"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
            person(
                4,
                "k.nakamura@corp.com",
                Some("Nakamura"),
                Role::Builder,
                &["Manager", "Support"],
                r#"{"team":"tokyo"}"#,
                &[]
            ),
            person(
                5,
                "Lea.Mueller@corp.com",
                Some("Lea Müller"),
                Role::Member,
                &["Support"],
                "{}",
                &[]
            ),
        ]
    );
}

#[test]
fn mixed_problems_are_named_by_row_column_and_reason() {
    let (_, _, candidates) = run("mixed-problems.csv");
    assert_eq!(
        people(&candidates),
        [
            person(
                2,
                "valid@example.com",
                Some("Valid Person"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
            person(
                3,
                "not-an-email",
                Some("No At Sign"),
                Role::Member,
                &[],
                "{}",
                &["Email: An email address needs an @ between the name and the domain."]
            ),
            person(
                4,
                "",
                Some("Missing Email"),
                Role::Member,
                &[],
                "{}",
                &["Email: Enter an email address."]
            ),
            person(
                5,
                "VALID@example.com",
                Some("Duplicate Case"),
                Role::Member,
                &[],
                "{}",
                &["Email: The same address as row 2; only row 2 is kept."]
            ),
            person(
                6,
                "badrole@example.com",
                Some("Bad Role"),
                Role::Member,
                &[],
                "{}",
                &["Role: \"Overlord\" is not a role. Use Admin, Builder or Member."]
            ),
            person(
                7,
                "badjson@example.com",
                Some("Bad Json"),
                Role::Member,
                &[],
                "{}",
                &["Metadata: Metadata is not valid JSON (line 1, column 2)."]
            ),
            person(
                8,
                "spaced@example.com",
                Some("Spaces Around"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
            person(
                9,
                "noname@example.com",
                None,
                Role::Member,
                &[],
                "{}",
                &[&format!("Name: {NO_NAME}")]
            ),
        ]
    );
    let ready = candidates.iter().filter(|c| c.is_ready()).count();
    assert_eq!(ready, 3);
}

#[test]
fn it_portal_workbook_with_defaults_for_empty_cells() {
    let bytes = fixture("it-portal.xlsx");
    let file = import::read(
        &bytes,
        "it-portal.xlsx",
        &ReadOptions::default(),
        &ImportLimits::default(),
    )
    .unwrap();
    assert_eq!(file.kind, FileKind::Xlsx);
    let table = import::find_table(&file.sheets[0]).unwrap();
    let mut mapping = import::guess_mapping(&table);
    let targets: Vec<&Target> = mapping.iter().map(|m| &m.target).collect();
    assert_eq!(
        targets,
        [
            &Target::Name,
            &Target::Email,
            &Target::Role,
            &Target::MetadataKey("Site".into())
        ]
    );
    // As the admin would: empty "User type" means Standard, empty "Site" means HQ.
    mapping[2].default = Some("Standard".into());
    mapping[3].default = Some("HQ".into());
    let candidates = import::validate(&table, &mapping, &RowDefaults::default());
    assert_eq!(
        people(&candidates),
        [
            person(
                2,
                "priya.raman@example.org",
                Some("Priya Raman"),
                Role::Admin,
                &[],
                r#"{"Site":"Chennai"}"#,
                &[]
            ),
            person(
                3,
                "tom.berg@example.org",
                Some("Tom Berg"),
                Role::Member,
                &[],
                r#"{"Site":"HQ"}"#,
                &[]
            ),
            person(
                4,
                "zoe.martin@example.org",
                Some("Zoë Martin"),
                Role::Member,
                &[],
                r#"{"Site":"HQ"}"#,
                &[]
            ),
        ]
    );
}

#[test]
fn multi_sheet_workbook_picks_the_sheet_with_people_and_finds_its_header() {
    let (file, table, candidates) = run("multi-sheet.xlsx");
    let names: Vec<&str> = file.sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Read me", "New hires"]);
    let bytes = fixture("multi-sheet.xlsx");
    let unread = import::read(
        &bytes,
        "multi-sheet.xlsx",
        &ReadOptions::default(),
        &ImportLimits::default(),
    )
    .unwrap();
    assert_eq!(unread.best_sheet(), 1);
    assert_eq!(table.header_row, 3);
    assert_eq!(
        people(&candidates),
        [
            person(
                4,
                "amy.chen@example.com",
                Some("Amy Chen"),
                Role::Member,
                &[],
                "{}",
                &[]
            ),
            person(
                5,
                "raj.patel@example.com",
                Some("Raj Patel"),
                Role::Builder,
                &[],
                "{}",
                &[]
            ),
        ]
    );
}

/// The browser prepares a file, then checks its rows in slices: the same
/// people as the one-go pipeline, for every fixture.
#[test]
fn preparing_then_checking_row_by_row_gives_what_the_whole_pipeline_gives() {
    for name in [
        "deepomatic-columns.csv",
        "excel-semicolon-bom.csv",
        "excel-unicode-text.txt",
        "it-portal.xlsx",
        "mixed-problems.csv",
        "multi-sheet.xlsx",
        "tooljet-columns.csv",
        "windows-1252.csv",
    ] {
        let bytes = fixture(name);
        let prepared = import::prepare(
            &bytes,
            name,
            &ReadOptions::default(),
            &ImportLimits::default(),
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut rows: Vec<Candidate> = prepared
            .table
            .all_rows()
            .map(|row| import::validate_row(&row, &prepared.mapping, &RowDefaults::default()))
            .collect();
        import::flag_duplicates(&mut rows, prepared.email_header());
        let (_, _, whole) = run(name);
        assert_eq!(people(&rows), people(&whole), "{name}");
    }
}

#[test]
fn a_file_read_again_with_the_admins_choices_says_what_it_used() {
    let bytes = fixture("excel-semicolon-bom.csv");
    let detected = import::prepare(
        &bytes,
        "f.csv",
        &ReadOptions::default(),
        &ImportLimits::default(),
    )
    .unwrap();
    assert_eq!(
        detected.describe(),
        "Text file, UTF-8, separated by semicolons; header on row 1."
    );
    let as_commas = ReadOptions {
        delimiter: Some(b','),
        ..ReadOptions::default()
    };
    assert_eq!(
        import::prepare(&bytes, "f.csv", &as_commas, &ImportLimits::default()).unwrap_err(),
        import::ImportError::NoEmailColumn
    );
    let as_cp1252 = ReadOptions {
        encoding: Some(TextEncoding::Windows1252),
        ..ReadOptions::default()
    };
    let mojibake = import::prepare(&bytes, "f.csv", &as_cp1252, &ImportLimits::default()).unwrap();
    assert!(mojibake.describe().starts_with("Text file, Windows-1252"));
    assert!(
        mojibake.table.headers[0].ends_with("PrÃ©nom"),
        "read as asked, even when wrong"
    );

    let workbook = fixture("multi-sheet.xlsx");
    let prepared = import::prepare(
        &workbook,
        "m.xlsx",
        &ReadOptions::default(),
        &ImportLimits::default(),
    )
    .unwrap();
    assert!(prepared.sheet_names.len() > 1);
    assert_eq!(
        prepared.describe(),
        "Workbook, sheet “New hires”; header on row 3."
    );
}

fn check_bytes(bytes: &[u8], name: &str) -> Result<import::Prepared, import::ImportError> {
    import::prepare(
        bytes,
        name,
        &ReadOptions::default(),
        &ImportLimits::default(),
    )
}

#[test]
fn a_file_whose_column_names_muster_does_not_know_is_mapped_by_its_addresses() {
    let bytes = "Display Label,Primary Contact,Access Level\r\n\
                 Ann Lee,ann@example.com,Admin\r\n\
                 Bo Chan,bo@example.com,Member\r\n";
    let prepared = check_bytes(bytes.as_bytes(), "crm.csv").unwrap();
    assert_eq!(
        prepared.describe(),
        "Text file, UTF-8, separated by commas; header on row 1."
    );
    let targets: Vec<Target> = prepared.mapping.iter().map(|m| m.target.clone()).collect();
    assert_eq!(
        targets,
        [
            Target::MetadataKey("Display Label".into()),
            Target::Email,
            Target::Role
        ]
    );
    let candidates = import::validate(&prepared.table, &prepared.mapping, &RowDefaults::default());
    assert_eq!(candidates.len(), 2);
    assert!(candidates.iter().all(Candidate::is_ready));
    assert_eq!(candidates[0].email, "ann@example.com");
    assert_eq!(candidates[0].role, Role::Admin);
}

#[test]
fn a_list_of_bare_addresses_imports_without_a_header() {
    let prepared = check_bytes(b"ann@example.com\nbo@example.com\n", "list.txt").unwrap();
    assert_eq!(prepared.table.header_row, 0);
    assert!(prepared
        .describe()
        .ends_with("no header row, columns numbered."));
    let candidates = import::validate(&prepared.table, &prepared.mapping, &RowDefaults::default());
    let rows: Vec<(usize, &str)> = candidates
        .iter()
        .map(|c| (c.row, c.email.as_str()))
        .collect();
    assert_eq!(rows, [(1, "ann@example.com"), (2, "bo@example.com")]);
}

#[test]
fn only_a_file_with_nothing_to_map_to_email_is_refused() {
    assert_eq!(
        check_bytes(b"Name,Phone\nAnn,555\n", "phones.csv").unwrap_err(),
        import::ImportError::NoEmailColumn
    );
    assert_eq!(
        check_bytes(b"Name,Email,Role\n", "header-only.csv").unwrap_err(),
        import::ImportError::NoRows
    );
    assert_eq!(
        check_bytes(b"Name,Email\n,\n , \n", "header-and-blanks.csv").unwrap_err(),
        import::ImportError::NoRows
    );
    assert_eq!(
        import::ImportError::NoRows.to_string(),
        "The file has column names but no rows of people."
    );
    assert_eq!(
        check_bytes(b",,\n,,\n", "blank.csv").unwrap_err(),
        import::ImportError::Empty
    );
}

#[test]
fn a_quoted_name_cell_with_a_line_break_imports_on_one_line() {
    let bytes = b"Email,Name\nann@example.com,\"Ann\r\nLee\"\nbo@example.com,Bo\n";
    let (_, _, _, candidates) = import::run(
        bytes,
        "alt-enter.csv",
        &ReadOptions::default(),
        &ImportLimits::default(),
        &RowDefaults::default(),
    )
    .unwrap();
    assert_eq!(candidates.len(), 2);
    assert!(candidates[0].is_ready());
    assert_eq!(candidates[0].name.as_deref(), Some("Ann Lee"));
    assert_eq!(
        people(&candidates[..1])[0].6,
        ["Name: Line breaks, tabs or repeated spaces in the name became single spaces."]
    );
    assert_eq!(
        candidates[1].row, 3,
        "as a spreadsheet numbers it: the break starts no row"
    );
}

#[test]
fn the_admin_picks_the_header_row_when_the_guess_is_wrong() {
    // A row of notes under the names: the row above the first address is
    // taken for the header until the admin says otherwise.
    let bytes = b"Name,Contact,Level\n(full name),(work address),(Admin or Member)\nAnn Lee,ann@example.com,Admin\n";
    let guessed = check_bytes(bytes, "units.csv").unwrap();
    assert_eq!(guessed.table.header_row, 2);
    assert_eq!(
        guessed.opening_rows,
        [
            "Name, Contact, Level",
            "(full name), (work address), (Admin or Member)",
            "Ann Lee, ann@example.com, Admin"
        ]
    );
    let pick = |header_row| {
        import::prepare(
            bytes,
            "units.csv",
            &ReadOptions {
                header_row: Some(header_row),
                ..ReadOptions::default()
            },
            &ImportLimits::default(),
        )
    };
    let picked = pick(1).unwrap();
    assert_eq!(picked.table.headers, ["Name", "Contact", "Level"]);
    let targets: Vec<Target> = picked.mapping.iter().map(|m| m.target.clone()).collect();
    assert_eq!(
        targets,
        [
            Target::Name,
            Target::Email,
            Target::MetadataKey("Level".into())
        ]
    );
    let rows: Vec<usize> = picked.table.all_rows().map(|r| r.number).collect();
    assert_eq!(rows, [2, 3], "the notes row is a row to fix or remove now");
    assert_eq!(
        pick(0).unwrap().table.len(),
        3,
        "no header: every row is a person"
    );
    assert_eq!(
        pick(3).unwrap_err(),
        import::ImportError::NoRows,
        "nothing under the last row"
    );
}
