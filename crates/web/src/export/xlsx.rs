//! XLSX with rust_xlsxwriter. Per sheet, top to bottom: the national header block (when the
//! workbook has one), the title and subtitle lines, the header row (bold, wrapped, frozen so it
//! stays in view), the data rows with real numbers, and the notes.
//!
//! Numbers are numeric cells: counts with `#,##0`, 2-decimal numbers with `#,##0.00`, shares
//! as fractions with `0.00%`, dates as Excel dates with `dd/mm/yyyy`. Text is always written
//! as a string (never a formula), so a cell starting with `=` stays text.

use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook as XlsxWorkbook, Worksheet,
    XlsxError,
};

use super::{Cell, Kind, NationalHeader, Table, Workbook};

/// Writing the file failed (an invalid date or a size limit of the format).
#[derive(Debug, thiserror::Error)]
#[error("xlsx export: {0}")]
pub struct ExportError(#[from] XlsxError);

const NATION: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
/// Shown in an XLSX cell that has no value.
const NO_VALUE: &str = "—";

/// A valid, unique-looking sheet name from a title: the characters Excel refuses
/// (`[ ] : * ? / \`) become spaces, no apostrophe at either end, at most 31 characters,
/// and "Sheet" when nothing is left.
pub fn sheet_name(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if "[]:*?/\\".contains(c) || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let mut name = String::new();
    for ch in words.join(" ").chars() {
        if name.encode_utf16().count() + ch.len_utf16() > 31 {
            break;
        }
        name.push(ch);
    }
    let name = name.trim().trim_matches('\'').trim().to_string();
    if name.is_empty() {
        "Sheet".to_string()
    } else {
        name
    }
}

/// `base`, or `base (2)`, `base (3)` … cut to fit 31 characters: Excel compares sheet names
/// case-insensitively.
fn unique(base: String, taken: &[String]) -> String {
    let clash = |n: &str| taken.iter().any(|t| t.to_lowercase() == n.to_lowercase());
    if !clash(&base) {
        return base;
    }
    (2..)
        .map(|i| {
            let suffix = format!(" ({i})");
            let room = 31 - suffix.len();
            let head: String = base.chars().take(room).collect();
            format!("{}{suffix}", head.trim_end())
        })
        .find(|n| !clash(n))
        .expect("an unused suffix exists")
}

struct Formats {
    nation: Format,
    agency_above: Format,
    agency: Format,
    place_date: Format,
    title: Format,
    subtitle: Format,
    header: Format,
    text: Format,
    integer: Format,
    decimal: Format,
    percent: Format,
    date: Format,
    empty: Format,
    note: Format,
}

impl Formats {
    fn new() -> Formats {
        let centred = Format::new()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            nation: centred.clone().set_bold(),
            agency_above: centred.clone(),
            agency: centred.clone().set_bold(),
            place_date: centred.clone().set_italic(),
            title: centred.clone().set_bold().set_font_size(14).set_text_wrap(),
            subtitle: centred.clone().set_italic().set_text_wrap(),
            header: cell
                .clone()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_background_color("#E8E8E8"),
            text: cell.clone().set_text_wrap(),
            integer: cell.clone().set_num_format("#,##0"),
            decimal: cell.clone().set_num_format("#,##0.00"),
            percent: cell.clone().set_num_format("0.00%"),
            date: cell
                .clone()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
            empty: cell.set_align(FormatAlign::Center),
            note: Format::new().set_italic(),
        }
    }
}

/// The workbook as XLSX bytes (one sheet per table; an empty workbook has one empty sheet).
pub fn to_xlsx(book: &Workbook) -> Result<Vec<u8>, ExportError> {
    let mut wb = XlsxWorkbook::new();
    let f = Formats::new();
    let mut taken: Vec<String> = Vec::new();
    for table in &book.sheets {
        let name = unique(sheet_name(&table.title), &taken);
        let ws = wb.add_worksheet();
        ws.set_name(name.clone())?;
        taken.push(name);
        write_sheet(ws, table, book.header.as_ref(), &f)?;
    }
    if book.sheets.is_empty() {
        wb.add_worksheet();
    }
    Ok(wb.save_to_buffer()?)
}

/// A text across columns `first..=last` of `row` (merged when more than one).
fn span(
    ws: &mut Worksheet,
    row: u32,
    (first, last): (u16, u16),
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if first == last {
        ws.write_string_with_format(row, first, text, format)?;
    } else {
        ws.merge_range(row, first, row, last, text, format)?;
    }
    Ok(())
}

/// The national header block in rows 0–2; returns the next free row.
fn write_header(
    ws: &mut Worksheet,
    h: &NationalHeader,
    last_col: u16,
    f: &Formats,
) -> Result<u32, XlsxError> {
    // Agency on the left half, the nation and motto on the right half; one column: stacked.
    if last_col == 0 {
        let lines = [
            (h.agency_above.as_str(), &f.agency_above),
            (h.agency.as_str(), &f.agency),
            (NATION, &f.nation),
            (MOTTO, &f.nation),
            (h.place_date.as_str(), &f.place_date),
        ];
        for (i, (text, format)) in lines.into_iter().enumerate() {
            ws.write_string_with_format(i as u32, 0, text, format)?;
        }
        return Ok(lines.len() as u32 + 1);
    }
    let split = (last_col + 1).div_ceil(2);
    let left = (0, split - 1);
    let right = (split, last_col);
    span(ws, 0, left, &h.agency_above, &f.agency_above)?;
    span(ws, 0, right, NATION, &f.nation)?;
    span(ws, 1, left, &h.agency, &f.agency)?;
    span(ws, 1, right, MOTTO, &f.nation)?;
    span(ws, 2, right, &h.place_date, &f.place_date)?;
    Ok(4)
}

fn write_sheet(
    ws: &mut Worksheet,
    t: &Table,
    header: Option<&NationalHeader>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let ncols = t.columns.len().max(1);
    let last_col = u16::try_from(ncols - 1).map_err(|_| XlsxError::RowColumnLimitError)?;
    let mut row = match header {
        Some(h) => write_header(ws, h, last_col, f)?,
        None => 0,
    };
    span(ws, row, (0, last_col), &t.title, &f.title)?;
    ws.set_row_height(row, 22)?;
    row += 1;
    for line in &t.subtitle {
        span(ws, row, (0, last_col), line, &f.subtitle)?;
        row += 1;
    }
    row += 1;
    for (c, col) in t.columns.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, &col.header, &f.header)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    row += 1;
    for cells in &t.rows {
        for (c, col) in t.columns.iter().enumerate() {
            write_cell(ws, (row, c as u16), col.kind, cells.get(c), f)?;
        }
        row += 1;
    }
    if !t.notes.is_empty() {
        row += 1;
        for note in &t.notes {
            ws.write_string_with_format(row, 0, note, &f.note)?;
            row += 1;
        }
    }
    for (c, col) in t.columns.iter().enumerate() {
        ws.set_column_width(c as u16, width(&col.header, col.kind, &t.rows, c))?;
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    kind: Kind,
    cell: Option<&Cell>,
    f: &Formats,
) -> Result<(), XlsxError> {
    let number = |v: f64| match kind {
        Kind::Percent => (v / 100.0, &f.percent),
        Kind::Integer => (v, &f.integer),
        Kind::Text | Kind::Decimal2 | Kind::Date => (v, &f.decimal),
    };
    match cell {
        None | Some(Cell::Empty) if kind == Kind::Text => {
            ws.write_blank(row, col, &f.text)?;
        }
        None | Some(Cell::Empty) => {
            ws.write_string_with_format(row, col, NO_VALUE, &f.empty)?;
        }
        Some(Cell::Text(s)) => {
            ws.write_string_with_format(row, col, s, &f.text)?;
        }
        Some(Cell::Int(v)) => {
            let (v, format) = number(*v as f64);
            ws.write_number_with_format(row, col, v, format)?;
        }
        Some(Cell::Num(v)) => {
            let (v, format) = number(*v);
            ws.write_number_with_format(row, col, v, format)?;
        }
        Some(Cell::Date(d)) => {
            let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)?;
            ws.write_datetime_with_format(row, col, dt, &f.date)?;
        }
    }
    Ok(())
}

/// A column width in characters: the longest value (headers wrap, so they count up to 18),
/// between 8 and 50.
fn width(header: &str, kind: Kind, rows: &[Vec<Cell>], c: usize) -> f64 {
    let header_len = header
        .split_whitespace()
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0)
        .max(header.chars().count().min(18));
    let longest = rows
        .iter()
        .filter_map(|r| r.get(c))
        .map(|cell| match cell {
            Cell::Text(s) => s.chars().count(),
            Cell::Int(v) => v.to_string().len() + v.to_string().len() / 3,
            Cell::Num(_) if kind == Kind::Percent => 8,
            Cell::Num(v) => format!("{v:.2}").len() + 2,
            Cell::Date(_) => 10,
            Cell::Empty => 1,
        })
        .max()
        .unwrap_or(0);
    (header_len.max(longest) + 2).clamp(8, 50) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{Column, Kind};
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    use jiff::civil::date;
    use std::io::Cursor;

    fn sample() -> Table {
        Table {
            title: "Tình hình giải quyết hồ sơ: Quý I/2026".into(),
            subtitle: vec!["Từ 01/01/2026 đến 31/03/2026".into()],
            columns: vec![
                Column::new("Đơn vị", Kind::Text),
                Column::new("Số hồ sơ đã giải quyết", Kind::Integer),
                Column::new("Tỷ lệ đúng hạn", Kind::Percent),
                Column::new("Điểm", Kind::Decimal2),
                Column::new("Ngày cập nhật", Kind::Date),
            ],
            rows: vec![
                vec![
                    "UBND xã Mường Phăng".into(),
                    41_111u64.into(),
                    Cell::num(Some(99.72)),
                    5.73.into(),
                    date(2026, 4, 1).into(),
                ],
                vec![
                    "=1+1, \"Đồng Tháp\"".into(),
                    0u64.into(),
                    Cell::num(None),
                    Cell::Empty,
                    date(2026, 4, 2).into(),
                ],
            ],
            notes: vec!["* Tỷ lệ tính trên hồ sơ đã giải quyết trong kỳ.".into()],
        }
    }

    fn read(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        open_workbook_from_rs(Cursor::new(bytes)).expect("a valid xlsx")
    }

    #[test]
    fn numbers_are_numbers_and_text_keeps_diacritics() {
        let book = Workbook {
            sheets: vec![sample()],
            header: None,
        };
        let mut x = read(to_xlsx(&book).unwrap());
        assert_eq!(x.sheet_names(), vec!["Tình hình giải quyết hồ sơ Quý"]);
        let r = x.worksheet_range("Tình hình giải quyết hồ sơ Quý").unwrap();
        let at = |row: u32, col: u32| r.get_value((row, col)).cloned();
        // Title row 0, subtitle row 1, blank row 2, headers row 3, data from row 4.
        assert_eq!(
            at(0, 0),
            Some(Data::String(
                "Tình hình giải quyết hồ sơ: Quý I/2026".into()
            ))
        );
        assert_eq!(
            at(3, 1),
            Some(Data::String("Số hồ sơ đã giải quyết".into()))
        );
        assert_eq!(at(4, 0), Some(Data::String("UBND xã Mường Phăng".into())));
        assert_eq!(at(4, 1), Some(Data::Float(41_111.0)));
        let Some(Data::Float(p)) = at(4, 2) else {
            panic!("percent is a number: {:?}", at(4, 2))
        };
        assert!((p - 0.9972).abs() < 1e-12, "{p}");
        assert_eq!(at(4, 3), Some(Data::Float(5.73)));
        let Some(Data::DateTime(d)) = at(4, 4) else {
            panic!("a date cell: {:?}", at(4, 4))
        };
        assert_eq!(d.as_f64(), 46113.0, "1 April 2026 as an Excel serial day");
        // Text that looks like a formula stays text; no value is "—", not 0.
        assert_eq!(at(5, 0), Some(Data::String("=1+1, \"Đồng Tháp\"".into())));
        assert_eq!(at(5, 1), Some(Data::Float(0.0)));
        assert_eq!(at(5, 2), Some(Data::String("—".into())));
        assert_eq!(
            at(7, 0),
            Some(Data::String(
                "* Tỷ lệ tính trên hồ sơ đã giải quyết trong kỳ.".into()
            ))
        );
    }

    #[test]
    fn national_header_sits_above_the_table() {
        let book = Workbook {
            sheets: vec![sample(), sample()],
            header: Some(NationalHeader {
                agency_above: "UBND TỈNH ĐIỆN BIÊN".into(),
                agency: "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG".into(),
                place_date: "Điện Biên, ngày 04 tháng 12 năm 2026".into(),
            }),
        };
        let mut x = read(to_xlsx(&book).unwrap());
        let names = x.sheet_names();
        assert_eq!(names.len(), 2);
        assert_eq!(names[1], "Tình hình giải quyết hồ sơ (2)", "unique names");
        let r = x.worksheet_range(&names[1]).unwrap();
        let s = |row: u32, col: u32| match r.get_value((row, col)) {
            Some(Data::String(s)) => s.clone(),
            other => format!("{other:?}"),
        };
        // Five columns: the agency over columns A–C, the nation over D–E.
        assert_eq!(s(0, 0), "UBND TỈNH ĐIỆN BIÊN");
        assert_eq!(s(0, 3), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
        assert_eq!(s(1, 0), "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG");
        assert_eq!(s(1, 3), "Độc lập - Tự do - Hạnh phúc");
        assert_eq!(s(2, 3), "Điện Biên, ngày 04 tháng 12 năm 2026");
        assert_eq!(s(4, 0), "Tình hình giải quyết hồ sơ: Quý I/2026");
        assert_eq!(r.get_value((8, 1)), Some(&Data::Float(41_111.0)));
    }

    #[test]
    fn sheet_names_are_sanitised() {
        assert_eq!(
            sheet_name("Báo cáo [Q1/2026]: *tổng hợp?*"),
            "Báo cáo Q1 2026 tổng hợp"
        );
        assert_eq!(sheet_name("'quoted'"), "quoted");
        assert_eq!(sheet_name(" / \\ "), "Sheet");
        let long = sheet_name(&"Tỷ lệ hồ sơ giải quyết đúng hạn theo lĩnh vực".repeat(2));
        assert!(
            long.chars().count() <= 31 && long.starts_with("Tỷ lệ hồ sơ"),
            "{long}"
        );
        let taken = vec!["Sheet".to_string(), "sheet (2)".to_string()];
        assert_eq!(unique("SHEET".into(), &taken), "SHEET (3)");
        let u = unique(long.clone(), std::slice::from_ref(&long));
        assert!(u.chars().count() <= 31 && u.ends_with(" (2)"), "{u}");
        // Every sanitised name is accepted by the writer.
        let book = Workbook {
            sheets: vec![
                Table {
                    title: "a/b".into(),
                    ..Table::default()
                },
                Table {
                    title: "A b".into(),
                    ..Table::default()
                },
            ],
            header: None,
        };
        assert_eq!(
            read(to_xlsx(&book).unwrap()).sheet_names(),
            vec!["a b", "A b (2)"]
        );
        assert_eq!(
            read(to_xlsx(&Workbook::default()).unwrap())
                .sheet_names()
                .len(),
            1
        );
    }
}
