//! The shipped schedules and their text format.
//!
//! Format, one day per line: `date | kind | notice | name_vi`, e.g.
//! `2026-02-16 | holiday | 9441/TB-BNV | Tết Âm lịch`. `kind` is a [`DayKind`] code. Blank
//! lines and lines starting with `#` are ignored; spaces around fields are trimmed.

use jiff::civil::Date;

use super::work::{AnnouncedDay, DayKind};

/// The announced public-sector schedules for 2020–2027 (see the header of the file for what
/// is confirmed).
const BUILTIN: &str = include_str!("announced_vn.txt");

/// A line of schedule text could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseAnnouncedError {
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

/// Parses schedule text (see the module docs).
pub fn parse_announced(text: &str) -> Result<Vec<AnnouncedDay>, ParseAnnouncedError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |message: String| ParseAnnouncedError {
            line: i + 1,
            message,
        };
        let fields: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
        let [date, kind, notice, name] = fields[..] else {
            return Err(err(format!(
                "expected 4 fields `date | kind | notice | name_vi`, got {}",
                fields.len()
            )));
        };
        let date: Date = date
            .parse()
            .map_err(|e| err(format!("bad date {date:?}: {e}")))?;
        let kind = DayKind::parse(kind).map_err(|_| err(format!("unknown kind {kind:?}")))?;
        if notice.is_empty() || name.is_empty() {
            return Err(err("notice and name_vi must not be empty".to_owned()));
        }
        out.push(AnnouncedDay::new(date, kind, name, notice));
    }
    Ok(out)
}

/// Writes days in the format [`parse_announced`] reads.
pub fn format_announced(days: &[AnnouncedDay]) -> String {
    days.iter()
        .map(|d| {
            format!(
                "{} | {} | {} | {}\n",
                d.date,
                d.kind.as_str(),
                d.notice,
                d.name_vi
            )
        })
        .collect()
}

/// The schedules shipped with congbo: 2020–2026 as announced, 2027 from the statutory rules
/// (not yet announced when written).
pub fn builtin_announced() -> Vec<AnnouncedDay> {
    // The text is part of the binary and checked by the tests below.
    parse_announced(BUILTIN).expect("built-in schedule parses")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::statutory::statutory_days;
    use jiff::civil::Weekday;

    #[test]
    fn builtin_parses_and_covers_2020_to_2027() {
        let days = builtin_announced();
        let years: std::collections::BTreeSet<i16> = days.iter().map(|d| d.date.year()).collect();
        assert_eq!(years, (2020..=2027).collect());
        // Sorted, no duplicate dates.
        assert!(days.windows(2).all(|w| w[0].date < w[1].date));
    }

    #[test]
    fn builtin_rows_are_coherent() {
        for d in builtin_announced() {
            let weekend = matches!(d.date.weekday(), Weekday::Saturday | Weekday::Sunday);
            match d.kind {
                DayKind::MakeupWorkday => assert!(weekend, "{d:?}"),
                DayKind::CompensatoryOff | DayKind::SwappedOff => assert!(!weekend, "{d:?}"),
                DayKind::Holiday => {}
            }
            assert!(!d.name_vi.is_empty() && !d.notice.is_empty());
        }
    }

    #[test]
    fn each_swap_has_its_makeup_day() {
        let days = builtin_announced();
        let count = |k| days.iter().filter(|d| d.kind == k).count();
        assert_eq!(count(DayKind::SwappedOff), count(DayKind::MakeupWorkday));
    }

    #[test]
    fn holidays_per_year() {
        let days = builtin_announced();
        for year in 2020..=2027 {
            let n = days
                .iter()
                .filter(|d| i32::from(d.date.year()) == year && d.kind == DayKind::Holiday)
                .count();
            assert_eq!(n, if year == 2020 { 10 } else { 11 }, "{year}");
        }
    }

    #[test]
    fn weekend_holidays_are_compensated_or_inside_a_block() {
        // In 2020–2027 every holiday on a weekend (Tết blocks included) has exactly one
        // compensatory day, as Labour Code Art. 111.3 requires.
        let days = builtin_announced();
        for year in 2020..=2027 {
            let of_year: Vec<_> = days
                .iter()
                .filter(|d| i32::from(d.date.year()) == year)
                .collect();
            let weekend_holidays = of_year
                .iter()
                .filter(|d| {
                    d.kind == DayKind::Holiday
                        && matches!(d.date.weekday(), Weekday::Saturday | Weekday::Sunday)
                })
                .count();
            let comps = of_year
                .iter()
                .filter(|d| d.kind == DayKind::CompensatoryOff)
                .count();
            assert_eq!(weekend_holidays, comps, "{year}");
        }
    }

    #[test]
    fn builtin_2027_is_the_statutory_schedule() {
        let shipped: Vec<AnnouncedDay> = builtin_announced()
            .into_iter()
            .filter(|d| d.date.year() == 2027)
            .collect();
        assert_eq!(shipped, statutory_days(2027));
    }

    #[test]
    fn format_and_parse_round_trip() {
        let days = builtin_announced();
        assert_eq!(parse_announced(&format_announced(&days)).unwrap(), days);
    }

    #[test]
    fn parse_errors_name_the_line() {
        let e = parse_announced("# c\n\n2026-02-30 | holiday | x | y\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse_announced("2026-02-16 | party | x | y").unwrap_err();
        assert!(e.message.contains("unknown kind"));
        let e = parse_announced("2026-02-16 | holiday | x").unwrap_err();
        assert!(e.message.contains("4 fields"));
        let e = parse_announced("2026-02-16 | holiday |  | y").unwrap_err();
        assert!(e.message.contains("empty"));
    }
}
