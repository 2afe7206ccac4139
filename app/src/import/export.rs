//! Files Muster hands out: the import template (CSV with a BOM, and XLSX) and
//! the rejected rows of an import, in the template's columns plus "Error",
//! ready to fix and upload again. Cells that a spreadsheet would run as a
//! formula are neutralised.
use super::wire_mapping;
use std::io::{Cursor, Write};

/// The template's one example row, in `wire_mapping` order.
const EXAMPLE: [&str; 5] = [
    "ada.lovelace@example.com",
    "Ada Lovelace",
    "Member",
    "Engineering|Research",
    r#"{"site":"HQ"}"#,
];

pub const TEMPLATE_CSV_NAME: &str = "muster-invitations-template.csv";
pub const TEMPLATE_XLSX_NAME: &str = "muster-invitations-template.xlsx";

fn template_headers() -> Vec<String> {
    wire_mapping().into_iter().map(|m| m.header).collect()
}

fn template_rows() -> Vec<Vec<String>> {
    vec![
        template_headers(),
        EXAMPLE.iter().map(|s| (*s).to_owned()).collect(),
    ]
}

/// UTF-8 with a BOM, so Excel opens accented names correctly.
pub fn template_csv() -> Vec<u8> {
    csv_with_bom(&template_rows())
}

pub fn template_xlsx() -> Vec<u8> {
    xlsx(&template_rows())
}

/// A row that was not imported: its cells in template order and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub cells: [String; 5],
    pub reason: String,
}

/// The rejected rows as CSV: template columns, then "Error".
pub fn rejected_rows_csv(rows: &[RejectedRow]) -> Vec<u8> {
    let mut table = Vec::with_capacity(rows.len() + 1);
    let mut header = template_headers();
    header.push("Error".into());
    table.push(header);
    for row in rows {
        let mut cells: Vec<String> = row.cells.iter().map(|c| neutralise(c)).collect();
        cells.push(neutralise(&row.reason));
        table.push(cells);
    }
    csv_with_bom(&table)
}

/// A cell starting with `=`, `+`, `-`, `@`, tab or CR would run as a formula
/// in a spreadsheet (CSV injection); a leading apostrophe makes it text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

fn csv_with_bom(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    for row in rows {
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // XML 1.0 cannot carry other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A one-sheet workbook of text cells (inline strings: no shared-string
/// table needed), the first row bold.
pub fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        sheet.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let style = if r == 0 { r#" s="1""# } else { "" };
            sheet.push_str(&format!(
                r#"<c r="{}{}" t="inlineStr"{style}><is><t xml:space="preserve">{}</t></is></c>"#,
                column_letter(c),
                r + 1,
                xml_escape(cell)
            ));
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");

    let parts: [(&str, &str); 5] = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#,
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Invitations" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#,
        ),
        (
            "xl/styles.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="2"><xf/><xf fontId="1" applyFont="1"/></cellXfs></styleSheet>"#,
        ),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, body) in parts
        .iter()
        .map(|(n, b)| (*n, b.as_bytes()))
        .chain([("xl/worksheets/sheet1.xml", sheet.as_bytes())])
    {
        // Writing into memory cannot fail.
        let _ = zip.start_file(name, options);
        let _ = zip.write_all(body);
    }
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{run, ImportLimits, ReadOptions, RowDefaults};

    #[test]
    fn both_templates_import_as_their_example_person() {
        for (bytes, name) in [
            (template_csv(), TEMPLATE_CSV_NAME),
            (template_xlsx(), TEMPLATE_XLSX_NAME),
        ] {
            let (_, _, _, candidates) = run(
                &bytes,
                name,
                &ReadOptions::default(),
                &ImportLimits::default(),
                &RowDefaults::default(),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(candidates.len(), 1, "{name}");
            let ada = &candidates[0];
            assert!(ada.problems.is_empty(), "{name}: {:?}", ada.problems);
            assert_eq!(ada.email, "ada.lovelace@example.com");
            assert_eq!(ada.name.as_deref(), Some("Ada Lovelace"));
            assert_eq!(ada.groups, ["Engineering", "Research"]);
            assert_eq!(
                ada.metadata_map().get("site").and_then(|v| v.as_str()),
                Some("HQ")
            );
        }
    }

    #[test]
    fn the_csv_template_starts_with_a_bom() {
        assert!(template_csv().starts_with(b"\xEF\xBB\xBFEmail,Name,Role,Groups,Metadata\r\n"));
    }

    #[test]
    fn rejected_rows_keep_their_cells_and_say_why_without_formulas() {
        let rows = [RejectedRow {
            cells: [
                "=HYPERLINK(\"http://evil\")".into(),
                "@SUM(A1)".into(),
                "owner".into(),
                "-2+3".into(),
                String::new(),
            ],
            reason: "Email: not an email address".into(),
        }];
        let text = String::from_utf8(rejected_rows_csv(&rows)).unwrap();
        let mut reader = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = reader.headers().unwrap().clone();
        assert_eq!(
            headers.iter().collect::<Vec<_>>(),
            ["Email", "Name", "Role", "Groups", "Metadata", "Error"]
        );
        let record = reader.records().next().unwrap().unwrap();
        assert_eq!(
            record.iter().collect::<Vec<_>>(),
            [
                "'=HYPERLINK(\"http://evil\")",
                "'@SUM(A1)",
                "owner",
                "'-2+3",
                "",
                "Email: not an email address"
            ]
        );
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
