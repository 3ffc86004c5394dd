//! Catalogue as CSV: one row per procedure version, readable and editable in a spreadsheet.
//!
//! # Layout
//!
//! RFC 4180 text, UTF-8 (a leading byte-order mark is ignored on import; spreadsheet programs
//! need one to read UTF-8, so prepend [`CSV_BOM`] when serving a download), comma-separated,
//! `"`-quoted when a cell holds `,`, `"`, a line break or edge spaces, records ended by CRLF.
//! The first record is the header; columns are found by name, in any order, and all of them
//! are required:
//!
//! | column | content |
//! |---|---|
//! | `code` | national code, `1.001193` |
//! | `version` | 1, 2, 3… |
//! | `effective_from` | first day in force, `2025-07-01` (import also reads `01/07/2025`) |
//! | `effective_to` | last day in force, inclusive; empty = open-ended |
//! | `name` | official name |
//! | `field` | lĩnh vực, e.g. `Hộ tịch` |
//! | `level` | `commune`, `province`, `central`, `district` |
//! | `limit_amount`, `limit_unit` | `5` and `working_days` (`working_hours`, `calendar_days`, `months`); `0 working_days` = same day |
//! | `cutoff` | `HH:MM`; empty = office default (15:00) |
//! | `online_level` | `full` (toàn trình), `partial` (một phần), `none` |
//! | `documents` | list, see below |
//! | `fees` | list, see below; empty = no fixed national amount |
//! | `steps` | list, see below |
//! | `legal_basis` | căn cứ pháp lý |
//! | `source_note` | where the data comes from; may be empty |
//!
//! # Lists in one cell
//!
//! Items are separated by `;` (spaces around are ignored). Inside an item, `\` escapes the next
//! character, so a name may contain `\;`, `\|` or `\\`.
//!
//! - `documents`: `NAME (FORM) xCOUNT`, where FORM is `bản chính`, `bản sao`,
//!   `bản sao có chứng thực` or `bản chính hoặc bản sao` (the codes `original`, `copy`,
//!   `certified_copy`, `original_or_copy` are read too). The last parenthesis is the form, so
//!   the name itself may end with one:
//!   `Tờ khai đăng ký khai sinh (bản chính) x1; Giấy chứng sinh (bản chính) x1`
//! - `fees`: `DESCRIPTION = AMOUNT` in đồng; the last `=` splits; the amount is digits, and
//!   `20.000` or `20,000` are read too:
//!   `Lệ phí đăng ký thường trú, nộp trực tiếp = 20000; Lệ phí đăng ký thường trú, nộp trực tuyến = 10000`
//! - `steps`: `NAME | ROLE | AMOUNT UNIT`, ROLE being a role code:
//!   `Tiếp nhận, kiểm tra hồ sơ | reception | 1 working_hours; Ký cấp trích lục | head | 1 working_hours`
//!
//! Export then import gives back identical values.
//!
//! # Report rows
//!
//! Row n of an [`ImportReport`] is the n-th record after the header, i.e. spreadsheet row
//! n + 1. Blank records are skipped but counted. Row 0 is the file: `csv-header` (a column
//! missing, unknown or repeated) or `csv-syntax` (an unterminated quote, after which nothing
//! can be read).

use super::raw::{RawDoc, RawFee, RawStep, RawVersion, format_time};
use super::{ImportReport, Issue, ProcedureVersion};
use crate::DomainError;

/// UTF-8 byte-order mark, for downloads opened in spreadsheet programs.
pub const CSV_BOM: &str = "\u{feff}";

/// Column names, in the order [`to_csv`] writes them.
pub const COLUMNS: [&str; 16] = [
    "code",
    "version",
    "effective_from",
    "effective_to",
    "name",
    "field",
    "level",
    "limit_amount",
    "limit_unit",
    "cutoff",
    "online_level",
    "documents",
    "fees",
    "steps",
    "legal_basis",
    "source_note",
];

// ---------------------------------------------------------------------------------------------
// Export

/// One header record and one record per version.
pub fn to_csv(versions: &[ProcedureVersion]) -> String {
    let mut out = String::new();
    write_record(&mut out, COLUMNS.iter().map(|c| (*c).to_owned()));
    for v in versions {
        write_record(&mut out, row_of(v).into_iter());
    }
    out
}

fn row_of(v: &ProcedureVersion) -> [String; 16] {
    let p = &v.procedure;
    let documents = p
        .documents
        .iter()
        .map(|d| {
            format!(
                "{} ({}) x{}",
                escape(&d.name, false),
                d.form.label_vi(),
                d.count
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let fees = p
        .fees
        .iter()
        .map(|f| format!("{} = {}", escape(&f.description, false), f.amount_vnd))
        .collect::<Vec<_>>()
        .join("; ");
    let steps = p
        .steps
        .iter()
        .map(|s| {
            format!(
                "{} | {} | {} {}",
                escape(&s.name, true),
                escape(&s.role, true),
                s.limit.amount,
                s.limit.unit.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    [
        p.code.to_string(),
        v.version.to_string(),
        v.effective_from.to_string(),
        v.effective_to.map(|d| d.to_string()).unwrap_or_default(),
        p.name.clone(),
        p.field.clone(),
        p.level.as_str().to_owned(),
        p.limit.amount.to_string(),
        p.limit.unit.as_str().to_owned(),
        p.cutoff.map(format_time).unwrap_or_default(),
        p.online_level.as_str().to_owned(),
        documents,
        fees,
        steps,
        p.legal_basis.clone(),
        v.source_note.clone(),
    ]
}

fn write_record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        let needs_quotes = f.contains([',', '"', '\n', '\r'])
            || f.starts_with(char::is_whitespace)
            || f.ends_with(char::is_whitespace);
        if needs_quotes {
            out.push('"');
            out.push_str(&f.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&f);
        }
    }
    out.push_str("\r\n");
}

/// Escapes `\` and `;` (and `|` inside steps) for a list item.
fn escape(s: &str, pipe: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\\' || c == ';' || (pipe && c == '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Import

/// Reads a catalogue CSV. Every problem is reported with its row; rows without problems are
/// returned, also when other rows are bad.
pub fn from_csv(text: &str) -> ImportReport {
    let mut report = ImportReport::default();
    let text = text.strip_prefix(CSV_BOM).unwrap_or(text);
    let (records, syntax_error) = parse_records(text);
    let mut records = records.into_iter();

    let Some(header) = records.next() else {
        match syntax_error {
            Some((_, detail)) => report.file_error("", "csv-syntax", detail),
            None => report.file_error("", "csv-header", "the file is empty".into()),
        }
        return report;
    };
    let Some(columns) = header_columns(&header, &mut report) else {
        return report;
    };

    for (i, record) in records.enumerate() {
        let row = i + 1;
        if record.len() == 1 && record[0].trim().is_empty() {
            continue;
        }
        if record.len() != header.len() {
            report.errors.push(super::RowError {
                row,
                code: None,
                field: String::new(),
                error_code: "csv-syntax",
                detail: format!("{} cells, the header has {}", record.len(), header.len()),
            });
            continue;
        }
        let cells = Cells {
            record: &record,
            columns: &columns,
        };
        let (raw, list_issues) = raw_of(&cells);
        let result = if list_issues.is_empty() {
            raw.build()
        } else {
            // Some list items could not be read: report them, and the problems of the other
            // fields (problems found in the partly read lists would only repeat them).
            let lists: Vec<String> = list_issues
                .iter()
                .map(|i| i.field.split('[').next().unwrap_or_default().to_owned())
                .collect();
            let mut issues = list_issues;
            if let Err(more) = raw.build() {
                issues.extend(
                    more.into_iter()
                        .filter(|m| !lists.iter().any(|l| m.field.starts_with(l.as_str()))),
                );
            }
            Err(issues)
        };
        report.push_row(row, raw.code_hint(), result);
    }

    if let Some((record, detail)) = syntax_error {
        report.errors.push(super::RowError {
            row: record,
            code: None,
            field: String::new(),
            error_code: "csv-syntax",
            detail,
        });
    }
    report
}

/// Positions of [`COLUMNS`] in the header, or file errors.
fn header_columns(header: &[String], report: &mut ImportReport) -> Option<Vec<usize>> {
    let names: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut ok = true;
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            continue;
        }
        if !COLUMNS.contains(&n.as_str()) {
            report.file_error(n, "csv-header", format!("unknown column {n:?}"));
            ok = false;
        } else if names[..i].contains(n) {
            report.file_error(n, "csv-header", format!("column {n:?} appears twice"));
            ok = false;
        }
    }
    let mut positions = Vec::with_capacity(COLUMNS.len());
    for c in COLUMNS {
        match names.iter().position(|n| n == c) {
            Some(p) => positions.push(p),
            None => {
                report.file_error(c, "csv-header", format!("missing column {c:?}"));
                ok = false;
            }
        }
    }
    ok.then_some(positions)
}

/// One data record, with cells found by column name.
struct Cells<'a> {
    record: &'a [String],
    columns: &'a [usize],
}

impl Cells<'_> {
    fn get(&self, name: &str) -> &str {
        let idx = COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
        self.record[self.columns[idx]].as_str()
    }
}

/// The row's text values, and problems in reading its list cells.
fn raw_of(cells: &Cells<'_>) -> (RawVersion, Vec<Issue>) {
    let cell = |name: &str| cells.get(name);
    let mut issues = Vec::new();
    let documents = list_of(
        cells,
        "documents",
        "NAME (FORM) xCOUNT",
        parse_document,
        &mut issues,
    );
    let fees = list_of(
        cells,
        "fees",
        "DESCRIPTION = AMOUNT",
        parse_fee,
        &mut issues,
    );
    let steps = list_of(
        cells,
        "steps",
        "NAME | ROLE | AMOUNT UNIT",
        parse_step,
        &mut issues,
    );

    let text = |name: &str| cell(name).to_owned();
    let raw = RawVersion {
        code: text("code"),
        name: text("name"),
        field: text("field"),
        level: text("level"),
        documents,
        limit_amount: text("limit_amount"),
        limit_unit: text("limit_unit"),
        cutoff: text("cutoff"),
        fees,
        online_level: text("online_level"),
        steps,
        legal_basis: text("legal_basis"),
        version: text("version"),
        effective_from: text("effective_from"),
        effective_to: text("effective_to"),
        source_note: text("source_note"),
    };
    (raw, issues)
}

/// The items of list column `column` (`documents`, `fees` or `steps`), each read by `parse`;
/// an item it cannot read is a `csv-list-syntax` issue naming the `shape` expected.
fn list_of<T>(
    cells: &Cells<'_>,
    column: &'static str,
    shape: &str,
    parse: impl Fn(&str) -> Option<T>,
    issues: &mut Vec<Issue>,
) -> Vec<T> {
    let mut out = Vec::new();
    for (i, item) in split_items(cells.get(column)).iter().enumerate() {
        match parse(item) {
            Some(v) => out.push(v),
            None => issues.push(Issue::new(
                format!("{column}[{}]", i + 1),
                DomainError::field("csv-list-syntax", column),
                format!("{item:?} is not \"{shape}\""),
            )),
        }
    }
    out
}

/// `DESCRIPTION = AMOUNT`; the description is unescaped.
fn parse_fee(item: &str) -> Option<RawFee> {
    let (d, a) = item.rsplit_once('=')?;
    Some(RawFee {
        description: unescape(d.trim()),
        amount: a.trim().to_owned(),
    })
}

/// `NAME (FORM) xCOUNT`; the name is unescaped.
fn parse_document(item: &str) -> Option<RawDoc> {
    let (head, count) = item.rsplit_once('x')?;
    if count.is_empty() || !count.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let head = head.trim_end().strip_suffix(')')?;
    let (name, form) = head.rsplit_once('(')?;
    let name = name.trim_end();
    if name.is_empty() {
        return None;
    }
    Some(RawDoc {
        name: unescape(name),
        form: form.trim().to_owned(),
        count: count.to_owned(),
    })
}

/// `NAME | ROLE | AMOUNT UNIT`.
fn parse_step(item: &str) -> Option<RawStep> {
    let parts = split_unescaped(item, '|');
    let [name, role, limit] = parts.as_slice() else {
        return None;
    };
    let mut limit = limit.split_whitespace();
    let (amount, unit) = (limit.next()?, limit.next()?);
    if limit.next().is_some() {
        return None;
    }
    Some(RawStep {
        name: unescape(name.trim()),
        role: unescape(role.trim()),
        amount: amount.to_owned(),
        unit: unit.to_owned(),
    })
}

/// Non-empty, trimmed items of a list cell, still escaped.
fn split_items(cell: &str) -> Vec<String> {
    split_unescaped(cell, ';')
        .into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Splits at `sep` where it is not escaped; escapes are kept in the parts.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        let cur = parts.last_mut().expect("never empty");
        if c == '\\' {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
        } else if c == sep {
            parts.push(String::new());
        } else {
            cur.push(c);
        }
    }
    parts
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// RFC 4180 records. On an unterminated quote, the records before it and
/// `(index of the broken record, detail)`.
fn parse_records(text: &str) -> (Vec<Vec<String>>, Option<(usize, String)>) {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if in_quotes {
        let index = records.len();
        return (
            records,
            Some((index, "a quoted cell is never closed".to_owned())),
        );
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    (records, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_follow_rfc_4180() {
        let (r, e) = parse_records("a,\"b,c\",\"d \"\"e\"\"\"\r\n1,2,3\n\n");
        assert_eq!(e, None);
        assert_eq!(
            r,
            vec![
                vec!["a".to_owned(), "b,c".into(), "d \"e\"".into()],
                vec!["1".to_owned(), "2".into(), "3".into()],
                vec!["".to_owned()],
            ]
        );
        let (r, e) = parse_records("a,b\n\"open,c\n");
        assert_eq!(r.len(), 1);
        assert_eq!(e.map(|e| e.0), Some(1));
    }

    #[test]
    fn written_fields_read_back() {
        let fields = [
            "plain",
            "with, comma",
            "with \"quote\"",
            " edge ",
            "",
            "Tờ khai",
        ];
        let mut out = String::new();
        write_record(&mut out, fields.iter().map(|f| (*f).to_owned()));
        let (r, e) = parse_records(&out);
        assert_eq!(e, None);
        assert_eq!(
            r,
            vec![fields.iter().map(|f| (*f).to_owned()).collect::<Vec<_>>()]
        );
    }

    #[test]
    fn list_items_escape_their_separators() {
        let name = r"Giấy tờ A; hoặc B | C \ D (nếu có)";
        let item = format!("{} (bản sao) x2", escape(name, false));
        let d = parse_document(&split_items(&item)[0]).unwrap();
        assert_eq!(
            (d.name.as_str(), d.form.as_str(), d.count.as_str()),
            (name, "bản sao", "2")
        );
        let step = format!("{} | head | 1 working_days", escape(name, true));
        let s = parse_step(&split_items(&step)[0]).unwrap();
        assert_eq!(s.name, name);
        assert_eq!(
            (s.role.as_str(), s.amount.as_str(), s.unit.as_str()),
            ("head", "1", "working_days")
        );
        assert!(parse_document("Tờ khai x1").is_none());
        assert!(parse_document("Tờ khai (bản chính)").is_none());
        assert!(parse_step("Ký | head").is_none());
    }
}
