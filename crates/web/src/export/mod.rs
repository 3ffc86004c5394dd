//! Report downloads: a neutral table model that pages fill once, written as XLSX
//! ([`xlsx::to_xlsx`]) or CSV ([`csv::to_csv`]); the same model can back a printed page.
//!
//! Percent cells hold the share as published, 0–100 with 2 decimals (what
//! `congbo_domain::report::pct` returns). XLSX stores it as a fraction with a percent number
//! format (39.19 % is the number 0.3919, so sums and charts in Excel work); CSV writes the
//! number 39.19 and the column header says "(%)".

pub mod csv;
pub mod xlsx;

pub use csv::to_csv;
pub use xlsx::{ExportError, sheet_name, to_xlsx};

/// How a column's cells are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Whole numbers (counts).
    Integer,
    /// A share 0–100 (see the module docs).
    Percent,
    /// A number shown with 2 decimals (averages, points).
    Decimal2,
    /// A calendar date (dd/mm/yyyy in XLSX, yyyy-mm-dd in CSV).
    Date,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    pub kind: Kind,
}

impl Column {
    pub fn new(header: impl Into<String>, kind: Kind) -> Column {
        Column {
            header: header.into(),
            kind,
        }
    }
}

/// One cell. `Empty` is "no value" (a share over nothing): "—" in XLSX, an empty field in CSV.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Num(f64),
    Date(jiff::civil::Date),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }
    /// A share or any optional number: `None` is [`Cell::Empty`].
    pub fn num(v: Option<f64>) -> Cell {
        v.filter(|v| v.is_finite()).map_or(Cell::Empty, Cell::Num)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<i64> for Cell {
    fn from(v: i64) -> Cell {
        Cell::Int(v)
    }
}
impl From<u64> for Cell {
    fn from(v: u64) -> Cell {
        Cell::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<u32> for Cell {
    fn from(v: u32) -> Cell {
        Cell::Int(v.into())
    }
}
impl From<f64> for Cell {
    fn from(v: f64) -> Cell {
        Cell::num(Some(v))
    }
}
impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Cell {
        Cell::num(v)
    }
}
impl From<jiff::civil::Date> for Cell {
    fn from(d: jiff::civil::Date) -> Cell {
        Cell::Date(d)
    }
}

/// A titled table: what one sheet or one CSV file holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Also the sheet's name (sanitised, see [`sheet_name`]).
    pub title: String,
    /// Lines under the title (period, office, date drawn up).
    pub subtitle: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Lines below the table (definitions, sources, "* fewer than 30 ratings").
    pub notes: Vec<String>,
}

/// The national header block of an administrative document, above each sheet's table: the
/// agency on the left, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc" on
/// the right, and the place and date under the motto.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NationalHeader {
    /// The agency above, e.g. "UBND TỈNH ĐIỆN BIÊN" (may be empty).
    pub agency_above: String,
    /// The issuing agency, e.g. "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG".
    pub agency: String,
    /// E.g. "Điện Biên, ngày 04 tháng 12 năm 2026".
    pub place_date: String,
}

/// Sheets, and the header block to put above each (none for machine-oriented downloads).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Workbook {
    pub sheets: Vec<Table>,
    pub header: Option<NationalHeader>,
}
