//! CSV (RFC 4180) read and written: the bytes of a spreadsheet, nothing about what its rows
//! mean. Pure computation, like `imaging`: it knows nothing of requests, callers or storage.

use std::borrow::Cow;

use crate::model::spreadsheet::to_cell;

/// A spreadsheet as read: its header row and its data rows, each cell as text.
#[derive(Debug)]
pub struct Sheet {
    pub header: Vec<String>,
    /// `rows[i]` is the spreadsheet's row `i + 2` (the header is row 1).
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is empty; its first row must name the columns")]
    Empty,
    #[error("row {row} is not UTF-8 text; save the file as \"CSV UTF-8\"")]
    NotUtf8 { row: usize },
    #[error("row {row} could not be read as CSV: {reason}")]
    Malformed { row: usize, reason: String },
    #[error("the file has more than {max} rows; split it into files of at most {max}")]
    TooManyRows { max: usize },
}

/// Reads `bytes` as CSV: UTF-8 with or without a byte-order mark, separated by `,` or by `;`
/// (as spreadsheets save it where the decimal mark is a comma), whichever the header row
/// uses more. Blank lines are skipped. More than `max_rows` data rows is an error before any
/// row past them is read.
pub fn read(bytes: &[u8], max_rows: usize) -> Result<Sheet, SheetError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let row = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(SheetError::NotUtf8 { row });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(bytes))
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.records();
    let header = match records.next() {
        None => return Err(SheetError::Empty),
        Some(record) => record.map_err(|e| malformed(1, &e))?,
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    if header.iter().all(String::is_empty) {
        return Err(SheetError::Empty);
    }
    let mut rows = Vec::new();
    for record in records {
        let row = rows.len() + 2;
        if rows.len() == max_rows {
            return Err(SheetError::TooManyRows { max: max_rows });
        }
        let record = record.map_err(|e| malformed(row, &e))?;
        rows.push(record.iter().map(str::to_owned).collect());
    }
    Ok(Sheet { header, rows })
}

fn malformed(row: usize, err: &csv::Error) -> SheetError {
    let reason = match err.kind() {
        csv::ErrorKind::Utf8 { .. } => "it is not UTF-8 text".to_owned(),
        _ => "a quoted cell is not closed".to_owned(),
    };
    SheetError::Malformed { row, reason }
}

/// `;` when the first line has more of them than commas, else `,`.
fn separator(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
    if count(b';') > count(b',') { b';' } else { b',' }
}

/// Rows written as CSV: quoted where needed, CRLF line ends, and each cell a spreadsheet would
/// run as a formula neutralised ([`to_cell`]).
pub fn write_rows<'a, R>(rows: impl IntoIterator<Item = R>) -> Vec<u8>
where
    R: IntoIterator<Item = Cow<'a, str>>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .has_headers(false)
        .from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| to_cell(&c).into_owned()).collect();
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&cells);
    }
    writer.into_inner().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(sheet: &Sheet) -> Vec<Vec<&str>> {
        sheet.rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect()
    }

    #[test]
    fn reads_bom_semicolons_quotes_and_newlines() {
        let sheet =
            read(b"\xEF\xBB\xBFName;Age\r\n\"Ann; \"\"Jr\"\"\";30\n\"two\nlines\";4\n\n", 10)
                .unwrap();
        assert_eq!(sheet.header, ["Name", "Age"]);
        assert_eq!(cells(&sheet), [vec!["Ann; \"Jr\"", "30"], vec!["two\nlines", "4"]]);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert_eq!(read(b"", 10).unwrap_err(), SheetError::Empty);
        assert_eq!(read(b"\xEF\xBB\xBF", 10).unwrap_err(), SheetError::Empty);
        assert_eq!(read(b"name\nok\n\xE9t\xE9\n", 10).unwrap_err(), SheetError::NotUtf8 { row: 3 });
        assert_eq!(read(b"name\na\nb\nc\n", 2).unwrap_err(), SheetError::TooManyRows { max: 2 });
        assert!(read(b"name\na\nb\n", 2).is_ok());
    }

    #[test]
    fn writes_what_it_reads() {
        let rows = vec![
            vec![Cow::from("a,b"), Cow::from("say \"hi\"")],
            vec![Cow::from("line\nbreak"), Cow::from("=1+1")],
        ];
        let bytes = write_rows(rows);
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\"\r\n\"line\nbreak\",'=1+1\r\n"
        );
        let sheet = read(&[b"x,y\r\n".as_slice(), &bytes].concat(), 10).unwrap();
        assert_eq!(cells(&sheet), [vec!["a,b", "say \"hi\""], vec!["line\nbreak", "'=1+1"]]);
    }
}
