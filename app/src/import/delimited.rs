//! CSV, TSV and semicolon files (Excel in much of Europe writes `;`).
use super::grid::Grid;
use super::ImportError;

pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// The delimiter that splits the first lines into the most columns,
/// consistently. Quoted text is skipped. Comma when nothing splits.
pub fn sniff(text: &str) -> u8 {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(20)
        .collect();
    let mut best = (b',', 0usize, 0usize); // delimiter, lines agreeing, columns
    for delimiter in DELIMITERS {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| count_outside_quotes(l, delimiter))
            .collect();
        let Some(&first) = counts.first() else {
            continue;
        };
        if first == 0 {
            continue;
        }
        let agreeing = counts.iter().filter(|&&c| c == first).count();
        if (agreeing, first) > (best.1, best.2) {
            best = (delimiter, agreeing, first);
        }
    }
    best.0
}

fn count_outside_quotes(line: &str, delimiter: u8) -> usize {
    let mut quoted = false;
    let mut count = 0;
    for byte in line.bytes() {
        match byte {
            b'"' => quoted = !quoted,
            b if b == delimiter && !quoted => count += 1,
            _ => {}
        }
    }
    count
}

/// Every record as a row of cells. Rows may have different lengths.
///
/// `csv_core` writes each cell, unquoted, straight into the grid's buffer:
/// no record is copied or checked as UTF-8 on the way (the text is valid
/// UTF-8, and taking out quote characters, which are ASCII, keeps it so).
pub fn split(text: &str, delimiter: u8, max_rows: usize) -> Result<Grid, ImportError> {
    use csv_core::ReadRecordResult;
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut input = text.as_bytes();
    // Cells are the text less quotes and delimiters: never longer.
    let mut out = vec![0u8; input.len()];
    let mut written = 0;
    let mut ends = vec![0usize; 64];
    let mut cells_in_record = 0;
    let mut cell_ends = Vec::new();
    let mut row_ends = Vec::new();
    loop {
        let (result, read, wrote, ended) =
            reader.read_record(input, &mut out[written..], &mut ends[cells_in_record..]);
        input = &input[read..];
        cells_in_record += ended;
        written += wrote;
        match result {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => out.resize(out.len().max(64) * 2, 0),
            ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            ReadRecordResult::Record => {
                if row_ends.len() > max_rows {
                    return Err(ImportError::TooManyRows { limit: max_rows });
                }
                // A record's ends count from its start, which is where
                // the cell before it ended.
                let start = cell_ends.last().copied().unwrap_or(0);
                cell_ends.extend(ends[..cells_in_record].iter().map(|end| start + end));
                row_ends.push(cell_ends.len());
                cells_in_record = 0;
            }
            ReadRecordResult::End => break,
        }
    }
    out.truncate(written);
    let text = String::from_utf8(out).unwrap_or_else(|error| {
        // Cannot happen (see above); were it to, cells would read as empty
        // rather than as the wrong text.
        String::from_utf8_lossy(error.as_bytes()).into_owned()
    });
    Ok(Grid::from_parts(text, cell_ends, row_ends))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_the_consistent_delimiter() {
        assert_eq!(sniff("a;b;c\n1;2;3\n"), b';');
        assert_eq!(sniff("a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff("name,note\n\"x; y; z\",1\n"), b',');
        assert_eq!(sniff("just one column\n"), b',');
        assert_eq!(sniff("a|b\n1|2"), b'|');
    }

    #[test]
    fn splits_quoted_cells_and_ragged_rows() {
        let rows = split("a,b\n\"x, y\",\"multi\nline\"\nz\n", b',', 10).unwrap();
        assert_eq!(
            rows.to_vecs(),
            [vec!["a", "b"], vec!["x, y", "multi\nline"], vec!["z"]]
        );
        assert_eq!(
            split("a\nb\nc\n", b',', 1),
            Err(ImportError::TooManyRows { limit: 1 })
        );
    }

    #[test]
    fn a_row_of_many_cells_and_cells_of_many_bytes_read_whole() {
        let wide: Vec<String> = (0..300).map(|i| format!("c{i}")).collect();
        let long = "é\"".repeat(5_000);
        let text = format!("{}\n\"{}\",x\n", wide.join(";"), long.replace('"', "\"\""));
        let rows = split(&text, b';', 10).unwrap().to_vecs();
        assert_eq!(rows[0], wide);
        assert_eq!(rows[1], [format!("{long},x")]);
    }
}
