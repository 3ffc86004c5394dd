//! Administrators' edits to the announced calendar: what a valid announced day is.

use jiff::civil::{Date, Weekday};

use super::work::{AnnouncedDay, DayKind};
use crate::{DomainError, text};

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Parse a local date `YYYY-MM-DD` within the calendar's range.
pub fn parse_date(s: &str) -> Result<Date, DomainError> {
    let d: Date = s
        .trim()
        .parse()
        .map_err(|_| DomainError::field("date-format", "date"))?;
    if !(1900..=2199).contains(&d.year()) {
        return Err(DomainError::field("date-out-of-range", "date"));
    }
    Ok(d)
}

/// An announced day as an administrator enters it. A make-up working day falls on a weekend;
/// a compensatory or swapped day off falls on a weekday (anything else changes nothing).
/// Holidays may fall on a weekend (they are listed so compensation can be computed).
pub fn parse_announced_day(
    date: &str,
    kind: &str,
    name_vi: &str,
    notice: &str,
) -> Result<AnnouncedDay, DomainError> {
    let date = parse_date(date)?;
    let kind = DayKind::parse(kind)?;
    let name = text::clean(name_vi, "name", 1, 200)?;
    let notice = text::clean(notice, "notice", 1, 100)?;
    match kind {
        DayKind::MakeupWorkday if !is_weekend(date) => {
            return Err(DomainError::field("makeup-not-weekend", "date"));
        }
        DayKind::CompensatoryOff | DayKind::SwappedOff if is_weekend(date) => {
            return Err(DomainError::field("day-off-on-weekend", "date"));
        }
        _ => {}
    }
    Ok(AnnouncedDay::new(date, kind, &name, &notice))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_days() {
        let d =
            parse_announced_day("2026-08-22", "makeup_workday", "Làm bù", "9441/TB-BNV").unwrap();
        assert_eq!(d.kind, DayKind::MakeupWorkday);
        assert!(
            parse_announced_day("2026-08-31", "swapped_off", "Nghỉ hoán đổi", "9441/TB-BNV")
                .is_ok()
        );
        assert!(
            parse_announced_day(
                "2026-11-24",
                "holiday",
                "Ngày Văn hóa Việt Nam",
                "Nghị quyết 80-NQ/TW"
            )
            .is_ok()
        );
    }

    #[test]
    fn refused_days() {
        let code = |r: Result<AnnouncedDay, DomainError>| r.unwrap_err().code;
        assert_eq!(
            code(parse_announced_day(
                "2026-08-24",
                "makeup_workday",
                "x",
                "y"
            )),
            "makeup-not-weekend"
        );
        assert_eq!(
            code(parse_announced_day(
                "2026-08-23",
                "compensatory_off",
                "x",
                "y"
            )),
            "day-off-on-weekend"
        );
        assert_eq!(
            code(parse_announced_day("24/11/2026", "holiday", "x", "y")),
            "date-format"
        );
        assert_eq!(
            code(parse_announced_day("2300-01-01", "holiday", "x", "y")),
            "date-out-of-range"
        );
        assert_eq!(
            code(parse_announced_day("2026-11-24", "feast", "x", "y")),
            "unknown-day-kind"
        );
        assert_eq!(
            code(parse_announced_day("2026-11-24", "holiday", " ", "y")),
            "required"
        );
        assert_eq!(
            code(parse_announced_day("2026-11-24", "holiday", "x", "")),
            "required"
        );
    }
}
