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
pub fn split(text: &str, delimiter: u8, max_rows: usize) -> Result<Grid, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut grid = Grid::default();
    let mut record = csv::StringRecord::new();
    // The csv reader only fails on I/O errors, which a byte slice cannot have.
    while reader.read_record(&mut record).unwrap_or(false) {
        if grid.len() > max_rows {
            return Err(ImportError::TooManyRows { limit: max_rows });
        }
        grid.push_row(&record);
    }
    Ok(grid)
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
}
