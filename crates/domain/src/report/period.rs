//! Reporting periods: a month, a quarter, a half year (H1 = January–June, H2 = July–December),
//! a year, or a custom range of days. Bounds are Vietnam calendar dates, both inclusive
//! (turn them into instants with [`crate::time::days_range`]).
//!
//! Two cut-offs exist:
//! - [`Cutoff::Calendar`] (the default): a month is its calendar month, and so on.
//! - [`Cutoff::Decree09`]: the statutory reporting period of Decree 09/2019/NĐ-CP (on the
//!   state administrative reporting regime), Article 12, as commonly cited: a monthly report
//!   counts from the 15th of the previous month to the 14th of the report month; a quarterly
//!   one from the 15th of the month before the quarter to the 14th of the quarter's last
//!   month; the 6-month one from 15/12 of the previous year to 14/6; the yearly one from 15/12
//!   of the previous year to 14/12. Our reference (shared/reference/domain-vn.md) does NOT
//!   confirm this article; it is offered as an option for offices that must report on it,
//!   never as the default. Check the official text before relying on it.

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The longest custom period, in days (two years, leap days included).
pub const CUSTOM_MAX_DAYS: i32 = 731;

/// What kind of period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodKind {
    Month,
    Quarter,
    /// Six months: H1 = January–June, H2 = July–December.
    Half,
    Year,
    Custom,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
            PeriodKind::Custom => "custom",
        }
    }
    /// Error: `period-kind` (`kind`).
    pub fn parse(s: &str) -> Result<PeriodKind, DomainError> {
        match s.trim() {
            "month" => Ok(PeriodKind::Month),
            "quarter" => Ok(PeriodKind::Quarter),
            "half" => Ok(PeriodKind::Half),
            "year" => Ok(PeriodKind::Year),
            "custom" => Ok(PeriodKind::Custom),
            _ => Err(DomainError::field("period-kind", "kind")),
        }
    }
    /// Months in one period of this kind (`None` for custom).
    fn months_long(self) -> Option<i8> {
        match self {
            PeriodKind::Month => Some(1),
            PeriodKind::Quarter => Some(3),
            PeriodKind::Half => Some(6),
            PeriodKind::Year => Some(12),
            PeriodKind::Custom => None,
        }
    }
}

/// Where the periods of a kind start and end (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cutoff {
    #[default]
    Calendar,
    /// Decree 09/2019/NĐ-CP Art. 12 (unconfirmed by our reference; an option).
    Decree09,
}

/// A reporting period: `from..=to`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: Date,
    /// Inclusive.
    pub to: Date,
    pub cutoff: Cutoff,
}

fn format_err(field: &'static str) -> DomainError {
    DomainError::field("period-format", field)
}

/// Digits only, of exactly `len` characters.
fn digits(s: &str, len: usize) -> Option<i32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn year_of(s: &str) -> Option<i16> {
    digits(s, 4)
        .filter(|y| (1900..=2999).contains(y))
        .map(|y| y as i16)
}

/// A trimmed, non-empty value.
fn nonempty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// `yyyy-mm-dd`, strictly.
fn parse_date(s: &str, field: &'static str) -> Result<Date, DomainError> {
    let s = s.trim();
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format_err(field));
    };
    let (Some(y), Some(m), Some(d)) = (year_of(y), digits(m, 2), digits(d, 2)) else {
        return Err(format_err(field));
    };
    Date::new(y, m as i8, d as i8).map_err(|_| format_err(field))
}

/// The first month (1–12) of the period of `kind` numbered `index` (1-based).
fn first_month(kind: PeriodKind, index: i8) -> i8 {
    let len = kind.months_long().unwrap_or(12);
    (index - 1) * len + 1
}

impl Period {
    /// The calendar period of `kind` (not custom) numbered `index` in `year`: month 1–12,
    /// quarter 1–4, half 1–2, year 1.
    fn nth(kind: PeriodKind, year: i16, index: i8) -> Option<Period> {
        let len = kind.months_long()?;
        if index < 1 || i32::from(index) * i32::from(len) > 12 {
            return None;
        }
        let from = Date::new(year, first_month(kind, index), 1).ok()?;
        let to = Date::new(year, first_month(kind, index) + len - 1, 1)
            .ok()?
            .last_of_month();
        Some(Period {
            kind,
            from,
            to,
            cutoff: Cutoff::Calendar,
        })
    }

    /// The calendar period of `kind` (not custom) that contains `day`.
    fn containing(kind: PeriodKind, day: Date) -> Option<Period> {
        let len = kind.months_long()?;
        Period::nth(kind, day.year(), (day.month() - 1) / len + 1)
    }

    /// Reads a period from a form or a query string. `value` is "2026-03" (month), "2026-Q1"
    /// (quarter), "2026-H1" (half), "2026" (year); absent or empty, the period of that kind
    /// containing `today`. A custom period takes `from` and `to` (`yyyy-mm-dd`, inclusive).
    /// The result uses calendar cut-offs; see [`Period::with_cutoff`].
    ///
    /// Errors: `period-kind` (`kind`), `period-format` (`period`, `from`, `to`),
    /// `period-inverted` (`to`), `period-too-long` (`to`), `period-future` (`period`).
    pub fn parse(
        kind: &str,
        value: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
        today: Date,
    ) -> Result<Period, DomainError> {
        let kind = PeriodKind::parse(kind)?;
        let value = nonempty(value);
        let period = match (kind, value) {
            (PeriodKind::Custom, _) => {
                let from = parse_date(nonempty(from).ok_or(format_err("from"))?, "from")?;
                let to = parse_date(nonempty(to).ok_or(format_err("to"))?, "to")?;
                if to < from {
                    return Err(DomainError::field("period-inverted", "to"));
                }
                let p = Period {
                    kind,
                    from,
                    to,
                    cutoff: Cutoff::Calendar,
                };
                if p.day_count() > CUSTOM_MAX_DAYS {
                    return Err(DomainError::field("period-too-long", "to"));
                }
                p
            }
            (_, None) => Period::containing(kind, today).ok_or(format_err("period"))?,
            (_, Some(v)) => Period::parse_value(kind, v).ok_or(format_err("period"))?,
        };
        if period.from > today {
            return Err(DomainError::field("period-future", "period"));
        }
        Ok(period)
    }

    fn parse_value(kind: PeriodKind, v: &str) -> Option<Period> {
        let (year, rest) = match v.split_once('-') {
            Some((y, rest)) => (year_of(y)?, Some(rest)),
            None => (year_of(v)?, None),
        };
        let index = match (kind, rest) {
            (PeriodKind::Year, None) => 1,
            (PeriodKind::Month, Some(m)) => digits(m, 2)? as i8,
            (PeriodKind::Quarter, Some(q)) => digits(q.strip_prefix(['Q', 'q'])?, 1)? as i8,
            (PeriodKind::Half, Some(h)) => digits(h.strip_prefix(['H', 'h'])?, 1)? as i8,
            _ => return None,
        };
        Period::nth(kind, year, index)
    }

    /// The same period with the given cut-off. Under [`Cutoff::Decree09`] a month, quarter,
    /// half or year runs from the 15th of the month before its first month to the 14th of its
    /// last month (6 months: 15/12 of the previous year – 14/6; year: 15/12 – 14/12). Custom
    /// periods are unchanged.
    pub fn with_cutoff(self, cutoff: Cutoff) -> Period {
        if self.kind == PeriodKind::Custom || self.cutoff == cutoff {
            return Period { cutoff, ..self };
        }
        let (year, index) = self.year_index();
        let Some(cal) = Period::nth(self.kind, year, index) else {
            return self;
        };
        match cutoff {
            Cutoff::Calendar => cal,
            Cutoff::Decree09 => {
                let before = cal.from.first_of_month() - 1.month();
                Period {
                    kind: self.kind,
                    from: before.with().day(15).build().unwrap_or(before),
                    to: cal.to.with().day(14).build().unwrap_or(cal.to),
                    cutoff,
                }
            }
        }
    }

    /// The year and the 1-based number of the period within it (month 1–12, quarter 1–4,
    /// half 1–2, year 1; custom: the year of `to` and 1). Under either cut-off the period's
    /// last day lies in its last month, so `to` names it.
    fn year_index(&self) -> (i16, i8) {
        match self.kind.months_long() {
            Some(len) => (self.to.year(), (self.to.month() - 1) / len + 1),
            None => (self.to.year(), 1),
        }
    }

    /// The period of the same kind and cut-off just before this one (last month, last
    /// quarter …); for a custom period, the same number of days ending the day before.
    pub fn previous(&self) -> Period {
        match self.kind.months_long() {
            Some(len) => {
                let (year, index) = self.year_index();
                let (year, index) = if index > 1 {
                    (year, index - 1)
                } else {
                    (year - 1, 12 / len)
                };
                Period::nth(self.kind, year, index).map_or(*self, |p| p.with_cutoff(self.cutoff))
            }
            None => {
                let to = self.from - 1.day();
                let from = to - (self.day_count() - 1).days();
                Period { from, to, ..*self }
            }
        }
    }

    /// Days in the period, both ends counted.
    pub fn day_count(&self) -> i32 {
        (self.to - self.from).get_days() + 1
    }

    pub fn contains(&self, day: Date) -> bool {
        self.from <= day && day <= self.to
    }

    /// Each calendar (year, month) the period touches, in order (for trends).
    pub fn months(&self) -> Vec<(i16, i8)> {
        let mut out = Vec::new();
        let mut m = self.from.first_of_month();
        while m <= self.to {
            out.push((m.year(), m.month()));
            m += 1.month();
        }
        out
    }

    /// A stable key: "2026-03", "2026-Q1", "2026-H1", "2026", "2026-01-05..2026-02-10".
    /// The cut-off is not part of the key (it is an office setting, not a different period).
    pub fn key(&self) -> String {
        let (year, index) = self.year_index();
        match self.kind {
            PeriodKind::Month => format!("{year:04}-{index:02}"),
            PeriodKind::Quarter => format!("{year:04}-Q{index}"),
            PeriodKind::Half => format!("{year:04}-H{index}"),
            PeriodKind::Year => format!("{year:04}"),
            PeriodKind::Custom => format!("{}..{}", self.from, self.to),
        }
    }

    /// The locale message naming the period, and its arguments. Messages (both locales):
    /// `period-month` {$month, $year} ("Tháng 3/2026"), `period-quarter` {$quarter (Roman
    /// I–IV), $year} ("Quý I/2026"), `period-half-1` / `period-half-2` {$year} ("6 tháng đầu
    /// năm 2026"), `period-year` {$year} ("Năm 2026"), `period-custom` {$from, $to as
    /// dd/mm/yyyy}.
    pub fn label_key(&self) -> (&'static str, Vec<(&'static str, String)>) {
        let (year, index) = self.year_index();
        let y = ("year", year.to_string());
        match self.kind {
            PeriodKind::Month => ("period-month", vec![("month", index.to_string()), y]),
            PeriodKind::Quarter => {
                let roman = ["I", "II", "III", "IV"][(index - 1).clamp(0, 3) as usize];
                ("period-quarter", vec![("quarter", roman.to_string()), y])
            }
            PeriodKind::Half if index == 1 => ("period-half-1", vec![y]),
            PeriodKind::Half => ("period-half-2", vec![y]),
            PeriodKind::Year => ("period-year", vec![y]),
            PeriodKind::Custom => (
                "period-custom",
                vec![
                    ("from", crate::time::dmy(self.from)),
                    ("to", crate::time::dmy(self.to)),
                ],
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 5, 20);

    fn p(kind: &str, value: Option<&str>) -> Result<Period, DomainError> {
        Period::parse(kind, value, None, None, TODAY)
    }
    fn custom(from: &str, to: &str) -> Result<Period, DomainError> {
        Period::parse("custom", None, Some(from), Some(to), TODAY)
    }

    #[test]
    fn kinds_parse_to_calendar_bounds_and_keys() {
        let m = p("month", Some("2026-02")).unwrap();
        assert_eq!(
            (m.from, m.to, m.key()),
            (date(2026, 2, 1), date(2026, 2, 28), "2026-02".into())
        );
        let q = p("quarter", Some("2026-Q1")).unwrap();
        assert_eq!(
            (q.from, q.to, q.key()),
            (date(2026, 1, 1), date(2026, 3, 31), "2026-Q1".into())
        );
        let h = p("half", Some("2025-H2")).unwrap();
        assert_eq!(
            (h.from, h.to, h.key()),
            (date(2025, 7, 1), date(2025, 12, 31), "2025-H2".into())
        );
        let y = p("year", Some("2024")).unwrap();
        assert_eq!(
            (y.from, y.to, y.day_count()),
            (date(2024, 1, 1), date(2024, 12, 31), 366)
        );
        let c = custom("2026-01-05", "2026-02-10").unwrap();
        assert_eq!(
            (c.key(), c.day_count()),
            ("2026-01-05..2026-02-10".into(), 37)
        );
    }

    #[test]
    fn defaults_contain_today() {
        for kind in ["month", "quarter", "half", "year"] {
            let d = p(kind, None).unwrap();
            assert!(d.contains(TODAY), "{kind}");
            assert_eq!(d, p(kind, Some("")).unwrap());
        }
        assert_eq!(p("quarter", None).unwrap().key(), "2026-Q2");
        assert_eq!(p("half", None).unwrap().key(), "2026-H1");
    }

    #[test]
    fn refusals_carry_code_and_field() {
        let e = |r: Result<Period, DomainError>| r.map(|_| ()).unwrap_err();
        assert_eq!(
            e(p("week", None)),
            DomainError::field("period-kind", "kind")
        );
        for (kind, bad) in [
            ("month", "2026-13"),
            ("month", "2026-3"),
            ("month", "2026"),
            ("quarter", "2026-Q5"),
            ("quarter", "2026-03"),
            ("half", "2026-H3"),
            ("year", "26"),
            ("year", "2026-01"),
        ] {
            assert_eq!(
                e(p(kind, Some(bad))),
                DomainError::field("period-format", "period"),
                "{kind} {bad}"
            );
        }
        assert_eq!(e(custom("2026-1-5", "2026-02-10")).field, Some("from"));
        assert_eq!(e(custom("2026-01-05", "2026-02-30")).field, Some("to"));
        assert_eq!(
            e(Period::parse(
                "custom",
                None,
                None,
                Some("2026-01-01"),
                TODAY
            ))
            .field,
            Some("from")
        );
        assert_eq!(
            e(custom("2026-02-10", "2026-01-05")),
            DomainError::field("period-inverted", "to")
        );
        assert_eq!(
            e(custom("2023-01-01", "2025-01-01")),
            DomainError::field("period-too-long", "to")
        );
        assert!(
            custom("2023-01-01", "2024-12-31").is_ok(),
            "two years exactly"
        );
        assert_eq!(
            e(p("month", Some("2026-06"))),
            DomainError::field("period-future", "period")
        );
        assert_eq!(e(custom("2026-05-21", "2026-05-30")).code, "period-future");
        assert!(
            p("month", Some("2026-05")).is_ok(),
            "the current month, although unfinished"
        );
    }

    #[test]
    fn previous_of_each_kind() {
        let key = |k: &str, v: &str| p(k, Some(v)).unwrap().previous().key();
        assert_eq!(key("month", "2026-01"), "2025-12");
        assert_eq!(key("month", "2026-03"), "2026-02");
        assert_eq!(key("quarter", "2026-Q1"), "2025-Q4");
        assert_eq!(key("half", "2025-H2"), "2025-H1");
        assert_eq!(key("half", "2026-H1"), "2025-H2");
        assert_eq!(key("year", "2026"), "2025");
        let c = custom("2026-01-05", "2026-02-10").unwrap().previous();
        assert_eq!(
            (c.from, c.to, c.day_count()),
            (date(2025, 11, 29), date(2026, 1, 4), 37)
        );
    }

    #[test]
    fn months_touched() {
        assert_eq!(
            p("quarter", Some("2025-Q4")).unwrap().months(),
            vec![(2025, 10), (2025, 11), (2025, 12)]
        );
        assert_eq!(
            custom("2025-12-31", "2026-01-01").unwrap().months(),
            vec![(2025, 12), (2026, 1)]
        );
        assert_eq!(p("year", Some("2025")).unwrap().months().len(), 12);
    }

    #[test]
    fn decree09_cutoffs() {
        let d = |k: &str, v: &str| p(k, Some(v)).unwrap().with_cutoff(Cutoff::Decree09);
        let m = d("month", "2026-03");
        assert_eq!(
            (m.from, m.to, m.key()),
            (date(2026, 2, 15), date(2026, 3, 14), "2026-03".into())
        );
        let jan = d("month", "2026-01");
        assert_eq!((jan.from, jan.to), (date(2025, 12, 15), date(2026, 1, 14)));
        let q = d("quarter", "2026-Q2");
        assert_eq!((q.from, q.to), (date(2026, 3, 15), date(2026, 6, 14)));
        let h = d("half", "2026-H1");
        assert_eq!((h.from, h.to), (date(2025, 12, 15), date(2026, 6, 14)));
        let y = d("year", "2025");
        assert_eq!(
            (y.from, y.to, y.key()),
            (date(2024, 12, 15), date(2025, 12, 14), "2025".into())
        );
        // previous keeps the cut-off, and the periods tile without gaps.
        let prev = m.previous();
        assert_eq!(
            (prev.from, prev.to, prev.cutoff),
            (date(2026, 1, 15), date(2026, 2, 14), Cutoff::Decree09)
        );
        assert_eq!(jan.previous().key(), "2025-12");
        assert_eq!(
            m.with_cutoff(Cutoff::Calendar),
            p("month", Some("2026-03")).unwrap()
        );
    }

    #[test]
    fn label_keys_and_args() {
        let (k, a) = p("quarter", Some("2026-Q1")).unwrap().label_key();
        assert_eq!(
            (k, a),
            (
                "period-quarter",
                vec![("quarter", "I".into()), ("year", "2026".into())]
            )
        );
        let (k, a) = p("month", Some("2026-03")).unwrap().label_key();
        assert_eq!(
            (k, a),
            (
                "period-month",
                vec![("month", "3".into()), ("year", "2026".into())]
            )
        );
        assert_eq!(
            p("half", Some("2026-H1")).unwrap().label_key().0,
            "period-half-1"
        );
        assert_eq!(
            p("half", Some("2025-H2")).unwrap().label_key().0,
            "period-half-2"
        );
        let (k, a) = custom("2026-01-05", "2026-02-10").unwrap().label_key();
        assert_eq!(
            (k, a[0].1.as_str(), a[1].1.as_str()),
            ("period-custom", "05/01/2026", "10/02/2026")
        );
    }
}
