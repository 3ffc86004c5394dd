//! CSV for spreadsheets and scripts: UTF-8 with a byte-order mark (so Excel opens Vietnamese
//! text correctly), RFC 4180 (comma separated, CRLF line ends, fields with a comma, quote or
//! line break quoted, quotes doubled). Only the header row and the data rows are written: the
//! title, subtitle and notes belong to the XLSX and printed forms.
//!
//! Numbers are unformatted with a dot decimal (`41111`, `39.19`); shares are numbers 0–100
//! and their header ends with "(%)"; dates are `yyyy-mm-dd`; no value is an empty field. A
//! text cell beginning with `=`, `+`, `-`, `@`, tab or carriage return gets a leading `'` so a
//! spreadsheet does not run it as a formula (CSV injection).

use super::{Cell, Kind, Table};

/// The byte-order mark that starts every file.
pub const BOM: char = '\u{FEFF}';

/// The table as CSV text (BOM included).
pub fn to_csv(table: &Table) -> String {
    let mut out = String::new();
    out.push(BOM);
    let headers: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            if c.kind == Kind::Percent && !c.header.trim_end().ends_with("(%)") {
                field(&format!("{} (%)", c.header.trim_end()))
            } else {
                field(&c.header)
            }
        })
        .collect();
    line(&mut out, &headers);
    for row in &table.rows {
        let cells: Vec<String> = (0..table.columns.len())
            .map(|i| row.get(i).map_or_else(String::new, cell))
            .collect();
        line(&mut out, &cells);
    }
    out
}

fn line(out: &mut String, fields: &[String]) {
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Empty => String::new(),
        Cell::Text(s) if s.starts_with(['=', '+', '-', '@', '\t', '\r']) => field(&format!("'{s}")),
        Cell::Text(s) => field(s),
        Cell::Int(v) => v.to_string(),
        Cell::Num(v) if v.is_finite() => v.to_string(),
        Cell::Num(_) => String::new(),
        Cell::Date(d) => d.to_string(),
    }
}

/// A field, quoted when it holds a comma, a quote or a line break (RFC 4180 §2.6–2.7).
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Column;
    use jiff::civil::date;

    fn table() -> Table {
        Table {
            title: "Không xuất ra CSV".into(),
            subtitle: vec!["Không xuất".into()],
            columns: vec![
                Column::new("Đơn vị, lĩnh vực", Kind::Text),
                Column::new("Số hồ sơ", Kind::Integer),
                Column::new("Tỷ lệ đúng hạn", Kind::Percent),
                Column::new("Điểm", Kind::Decimal2),
                Column::new("Ngày", Kind::Date),
            ],
            rows: vec![
                vec![
                    "Xã \"Mường\" Phăng, Điện Biên".into(),
                    41_111u64.into(),
                    Cell::num(Some(99.72)),
                    5.73.into(),
                    date(2026, 4, 1).into(),
                ],
                vec![
                    "dòng 1\ndòng 2".into(),
                    0u64.into(),
                    Cell::num(None),
                    Cell::Empty,
                ],
                vec!["=HYPERLINK(\"x\")".into(), (-3i64).into()],
            ],
            notes: vec!["Không xuất".into()],
        }
    }

    #[test]
    fn bom_header_and_numbers() {
        let csv = to_csv(&table());
        assert!(csv.starts_with('\u{FEFF}'));
        assert_eq!(&csv.as_bytes()[..3], &[0xEF, 0xBB, 0xBF]);
        let body = csv.trim_start_matches(BOM);
        let lines: Vec<&str> = body.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "\"Đơn vị, lĩnh vực\",Số hồ sơ,Tỷ lệ đúng hạn (%),Điểm,Ngày"
        );
        assert!(!body.contains("Không xuất"), "title and notes stay out");
        assert!(body.ends_with("\r\n"));
    }

    #[test]
    fn rfc4180_quoting() {
        let csv = to_csv(&table());
        let body = csv.trim_start_matches(BOM);
        assert!(
            body.contains(
                "\r\n\"Xã \"\"Mường\"\" Phăng, Điện Biên\",41111,99.72,5.73,2026-04-01\r\n"
            )
        );
        // The line break stays inside the quoted field; short rows are padded; no value is empty.
        assert!(body.contains("\r\n\"dòng 1\ndòng 2\",0,,,\r\n"), "{body}");
        // A formula-like text is defused and still quoted for its quotes.
        assert!(
            body.ends_with("\r\n\"'=HYPERLINK(\"\"x\"\")\",-3,,,\r\n"),
            "{body}"
        );
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("cr\rhere"), "\"cr\rhere\"");
    }

    #[test]
    fn percent_header_is_not_doubled() {
        let t = Table {
            columns: vec![Column::new("Tỷ lệ (%)", Kind::Percent)],
            rows: vec![vec![Cell::Num(39.19)], vec![Cell::Num(100.0)]],
            ..Table::default()
        };
        assert_eq!(to_csv(&t), "\u{FEFF}Tỷ lệ (%)\r\n39.19\r\n100\r\n");
    }
}
