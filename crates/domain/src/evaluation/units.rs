//! Value types shared by the evaluation rules: [`Points`], [`Pct`], [`Level`], [`Period`].
//!
//! Points and percentages are fixed-point integers in thousandths so that the worked examples of
//! the reference come out exactly (E3: 62.125 task points) and band boundaries are never crossed
//! by a rounding error. Every division rounds **down** (floor): a score of 89.9996 stays 89.999,
//! so `band(floor(x)) == band(x)` for the thresholds 90 / 70 / 50.
//!
//! Errors: `points-format` (a points text that is not a number with at most 3 decimals),
//! `period-invalid` (month outside 1–12, quarter outside 1–4, year outside 2000–2100).

use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::text;

/// Points in thousandths ("milli-points"): 96.611 points is `Points(96_611)`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Points(pub i64);

impl Points {
    pub const ZERO: Points = Points(0);

    /// Whole points: `Points::whole(27)` is 27.000.
    pub const fn whole(n: i64) -> Self {
        Self(n * 1000)
    }

    /// The value in thousandths of a point.
    pub const fn milli(self) -> i64 {
        self.0
    }

    /// Parses `27`, `8.5`, `8,5` or `8.125` (at most 3 decimals, not negative).
    /// Error: `points-format`.
    pub fn parse(s: &str) -> Result<Self, DomainError> {
        fixed_parse(s)
            .map(Self)
            .ok_or(DomainError::new("points-format"))
    }
}

impl std::fmt::Display for Points {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&fixed_fmt(self.0))
    }
}

/// A percentage in thousandths of a percent: 99.583 % is `Pct(99_583)`, 100 % is [`Pct::FULL`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Pct(pub u32);

impl Pct {
    pub const FULL: Pct = Pct(100_000);
    pub const HALF: Pct = Pct(50_000);

    /// Whole percent: `Pct::whole(80)` is 80.000 %.
    pub const fn whole(n: u32) -> Self {
        Self(n * 1000)
    }

    /// `num / den` as a percentage, floored to 0.001 % and capped at 100 %. `den` must not be 0.
    pub fn ratio(num: u128, den: u128) -> Self {
        let v = (num * 100_000 / den).min(100_000);
        Self(u32::try_from(v).unwrap_or(100_000))
    }

    pub const fn milli(self) -> u32 {
        self.0
    }
}

impl std::fmt::Display for Pct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&fixed_fmt(i64::from(self.0)))
    }
}

fn fixed_fmt(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let (int, frac) = (v.abs() / 1000, v.abs() % 1000);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{int}.{}", f.trim_end_matches('0'))
    }
}

fn fixed_parse(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() || int.len() > 9 || frac.len() > 3 {
        return None;
    }
    if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i64 = int.parse().ok()?;
    let frac: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    Some(int * 1000 + frac)
}

/// The four quality levels (Decree 335 Art. 20; Decree 90/2020 uses the same four). Ordered from
/// the lowest: `NotCompleted < Completed < Good < Excellent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// *Không hoàn thành nhiệm vụ* (KHT).
    NotCompleted,
    /// *Hoàn thành nhiệm vụ* (HT).
    Completed,
    /// *Hoàn thành tốt nhiệm vụ* (HTT).
    Good,
    /// *Hoàn thành xuất sắc nhiệm vụ* (HTXS).
    Excellent,
}

impl Level {
    pub const ALL: [Level; 4] = [
        Level::Excellent,
        Level::Good,
        Level::Completed,
        Level::NotCompleted,
    ];

    /// Stable code (`excellent`, `good`, `completed`, `not_completed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Excellent => "excellent",
            Level::Good => "good",
            Level::Completed => "completed",
            Level::NotCompleted => "not_completed",
        }
    }

    /// Error: `level-unknown`.
    pub fn parse(s: &str) -> Result<Level, DomainError> {
        text::by_name(
            &Level::ALL,
            Level::as_str,
            s.trim(),
            DomainError::new("level-unknown"),
        )
    }
}

/// A scoring period: a month or a quarter (monthly/quarterly scoring), or a year (ranking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Period {
    Month { year: i16, month: i8 },
    Quarter { year: i16, quarter: i8 },
    Year { year: i16 },
}

const INVALID_PERIOD: DomainError = DomainError::new("period-invalid");

fn check_year(year: i16) -> Result<(), DomainError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(INVALID_PERIOD)
    }
}

impl Period {
    /// Error: `period-invalid`.
    pub fn month(year: i16, month: i8) -> Result<Self, DomainError> {
        check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err(INVALID_PERIOD);
        }
        Ok(Self::Month { year, month })
    }

    /// Error: `period-invalid`.
    pub fn quarter(year: i16, quarter: i8) -> Result<Self, DomainError> {
        check_year(year)?;
        if !(1..=4).contains(&quarter) {
            return Err(INVALID_PERIOD);
        }
        Ok(Self::Quarter { year, quarter })
    }

    /// Error: `period-invalid`.
    pub fn year(year: i16) -> Result<Self, DomainError> {
        check_year(year)?;
        Ok(Self::Year { year })
    }

    /// The calendar year the period belongs to.
    pub fn calendar_year(self) -> i16 {
        match self {
            Self::Month { year, .. } | Self::Quarter { year, .. } | Self::Year { year } => year,
        }
    }

    /// First month (1–12) and number of months covered.
    fn span(self) -> (i8, u8) {
        match self {
            Self::Month { month, .. } => (month, 1),
            Self::Quarter { quarter, .. } => ((quarter - 1) * 3 + 1, 3),
            Self::Year { .. } => (1, 12),
        }
    }

    /// Number of months covered (1, 3 or 12).
    pub fn months(self) -> u8 {
        self.span().1
    }

    /// Bit `m-1` set for each month `m` covered (to detect overlaps).
    pub fn month_mask(self) -> u16 {
        let (first, n) = self.span();
        let first = u32::try_from(first - 1).unwrap_or(0);
        ((1u16 << n) - 1) << first
    }

    /// First day of the period.
    pub fn start(self) -> Date {
        date(self.calendar_year(), self.span().0, 1)
    }

    /// Last day of the period (inclusive).
    pub fn end(self) -> Date {
        let last_month_start = self
            .start()
            .saturating_add((i64::from(self.months()) - 1).months());
        last_month_start.last_of_month()
    }

    /// A period from its kind (`month`, `quarter`, `year`) and value (`2026-03`, `2026-q1` or
    /// `2026-1`, `2026`). Error: `period-invalid` (field `period`).
    pub fn parse(kind: &str, value: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::field("period-invalid", "period");
        let v = value.trim().to_ascii_lowercase();
        let (y, rest) = v
            .split_once('-')
            .map_or((v.as_str(), None), |(a, b)| (a, Some(b)));
        let year: i16 = y.parse().map_err(|_| bad())?;
        let num = |s: &str| s.trim_start_matches('q').parse::<i8>().map_err(|_| bad());
        match (kind.trim(), rest) {
            ("month", Some(m)) => Self::month(year, num(m)?).map_err(|_| bad()),
            ("quarter", Some(q)) => Self::quarter(year, num(q)?).map_err(|_| bad()),
            ("year", None) => Self::year(year).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    /// The period of `kind` that contains `day`. Error: `period-invalid` (field `period`).
    pub fn containing(kind: &str, day: Date) -> Result<Self, DomainError> {
        let (y, m) = (day.year(), day.month());
        match kind.trim() {
            "month" => Self::month(y, m),
            "quarter" => Self::quarter(y, (m - 1) / 3 + 1),
            "year" => Self::year(y),
            _ => Err(INVALID_PERIOD),
        }
        .map_err(|_| DomainError::field("period-invalid", "period"))
    }

    /// The kind as a stable code: `month`, `quarter`, `year`.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Month { .. } => "month",
            Self::Quarter { .. } => "quarter",
            Self::Year { .. } => "year",
        }
    }

    /// Stable code: `2026-03`, `2026-q1`, `2026`.
    pub fn code(self) -> String {
        match self {
            Self::Month { year, month } => format!("{year:04}-{month:02}"),
            Self::Quarter { year, quarter } => format!("{year:04}-q{quarter}"),
            Self::Year { year } => format!("{year:04}"),
        }
    }
}
