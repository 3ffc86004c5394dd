//! Public holidays derived from the Labour Code, for years without an announced schedule.
//!
//! Labour Code 2019 (Bộ luật Lao động 2019), Art. 112, in force from 2021:
//! - Tết Dương lịch: 1 January;
//! - Tết Âm lịch: 5 days. The government fixes them each year; we use **the last day of the
//!   lunar year plus the first four days of the new year** (1 before + 4 after, the 2026
//!   public-sector choice);
//! - Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month;
//! - Ngày Chiến thắng: 30 April; Ngày Quốc tế Lao động: 1 May;
//! - Quốc khánh: 2 September **and the day before or after**, chosen by the government. We
//!   follow precedent ([`national_day_second`]): the adjacent day that joins a weekend, by the
//!   weekday of 2 September:
//!
//!   | 2/9 on    | second day            | precedent |
//!   |-----------|-----------------------|-----------|
//!   | Monday    | Tuesday 3/9           | 2024      |
//!   | Tuesday   | Monday 1/9            | 2025      |
//!   | Wednesday | Tuesday 1/9 (before)  | 2026      |
//!   | Thursday  | Friday 3/9            | 2021      |
//!   | Friday    | Thursday 1/9 (before) | 2022      |
//!   | Saturday  | Friday 1/9            | 2023      |
//!   | Sunday    | Monday 3/9            | —         |
//!
//!   A Saturday or Sunday 2/9 is then compensated like any other holiday (below): Monday 4/9
//!   after a Saturday, Tuesday 4/9 after a Sunday (Monday 3/9 is already the holiday).
//!
//! Art. 111.3: a holiday falling on the weekly rest day (Saturday or Sunday for the public
//! sector) gives a compensatory day off on the next working day. Holidays are taken in date
//! order and each one on a weekend takes the first later weekday that is neither a holiday nor
//! already a compensatory day; for Tết this puts the compensation right after the five-day block.
//!
//! Before 2021 the Labour Code 2012, Art. 115, applied: the same holidays but National Day was
//! 2 September only (10 days a year). Years before 2013 (earlier codes: 4 days of Tết, no
//! Giỗ Tổ before 2007) are approximated with the 2012 rules.
//!
//! Nothing here knows about swaps (hoán đổi) or other announced choices: those are data.

use jiff::civil::{Date, Weekday};

use super::lunar::{LunarDate, VN_TZ_HOURS, lunar_to_solar, tet};
use super::work::{AnnouncedDay, DayKind};

/// Notice of a holiday under the Labour Code 2019.
pub const LC2019_HOLIDAY: &str = "Bộ luật Lao động 2019, Điều 112";
/// Notice of a compensatory day under the Labour Code 2019.
pub const LC2019_COMPENSATORY: &str = "Bộ luật Lao động 2019, Điều 111 khoản 3";
/// Notice of a holiday under the Labour Code 2012.
pub const LC2012_HOLIDAY: &str = "Bộ luật Lao động 2012, Điều 115";
/// Notice of a compensatory day under the Labour Code 2012.
pub const LC2012_COMPENSATORY: &str = "Bộ luật Lao động 2012, Điều 115 khoản 3";

/// First year under the Labour Code 2019.
const LC2019_FROM: i32 = 2021;

/// The holidays and compensatory days of `year` by the statutory rules, sorted by date.
/// Empty for years outside jiff's range.
pub fn statutory_days(year: i32) -> Vec<AnnouncedDay> {
    let Some(y) = i16::try_from(year).ok() else {
        return Vec::new();
    };
    let ymd = |m: i8, d: i8| Date::new(y, m, d).ok();
    let (holiday_notice, comp_notice) = if year >= LC2019_FROM {
        (LC2019_HOLIDAY, LC2019_COMPENSATORY)
    } else {
        (LC2012_HOLIDAY, LC2012_COMPENSATORY)
    };

    let mut holidays: Vec<(Date, &str)> = Vec::new();
    holidays.extend(ymd(1, 1).map(|d| (d, "Tết Dương lịch")));
    if let Some(t) = tet(year) {
        for offset in -1..=3_i64 {
            if let Ok(d) = t.checked_add(jiff::Span::new().days(offset)) {
                holidays.push((d, "Tết Âm lịch"));
            }
        }
    }
    if let Some(d) = lunar_to_solar(LunarDate::new(year, 3, 10), VN_TZ_HOURS) {
        holidays.push((d, "Giỗ Tổ Hùng Vương"));
    }
    holidays.extend(ymd(4, 30).map(|d| (d, "Ngày Chiến thắng")));
    holidays.extend(ymd(5, 1).map(|d| (d, "Ngày Quốc tế Lao động")));
    if year >= LC2019_FROM {
        holidays.extend(national_day_second(year).map(|d| (d, "Quốc khánh")));
    }
    holidays.extend(ymd(9, 2).map(|d| (d, "Quốc khánh")));
    // Two holidays on one date (possible only for Giỗ Tổ and 30 April) count once.
    holidays.sort_by_key(|&(d, _)| d);
    holidays.dedup_by_key(|&mut (d, _)| d);

    let mut out: Vec<AnnouncedDay> = holidays
        .iter()
        .map(|&(d, name)| AnnouncedDay::new(d, DayKind::Holiday, name, holiday_notice))
        .collect();
    let mut taken: Vec<Date> = holidays.iter().map(|&(d, _)| d).collect();
    for &(d, name) in &holidays {
        if !is_weekend(d) {
            continue;
        }
        let mut c = d;
        while let Ok(next) = c.tomorrow() {
            c = next;
            if !is_weekend(c) && !taken.contains(&c) {
                taken.push(c);
                out.push(AnnouncedDay::new(
                    c,
                    DayKind::CompensatoryOff,
                    &format!("Nghỉ bù {name}"),
                    comp_notice,
                ));
                break;
            }
        }
    }
    out.sort_by_key(|r| r.date);
    out
}

/// The second National Day holiday (Labour Code 2019, Art. 112: "2 September and the day
/// before or after") for a year without an announced schedule: the adjacent day that joins a
/// weekend, as the government chose in 2021–2026 (table in the module docs). `None` before
/// 2021 (one day only) and for years outside jiff's range.
pub fn national_day_second(year: i32) -> Option<Date> {
    if year < LC2019_FROM {
        return None;
    }
    let national_day = Date::new(i16::try_from(year).ok()?, 9, 2).ok()?;
    let day_after = match national_day.weekday() {
        Weekday::Monday | Weekday::Thursday | Weekday::Sunday => true,
        Weekday::Tuesday | Weekday::Wednesday | Weekday::Friday | Weekday::Saturday => false,
    };
    if day_after {
        national_day.tomorrow().ok()
    } else {
        national_day.yesterday().ok()
    }
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn summary(year: i32) -> Vec<(Date, DayKind)> {
        statutory_days(year)
            .into_iter()
            .map(|d| (d.date, d.kind))
            .collect()
    }

    #[test]
    fn statutory_2027() {
        use DayKind::*;
        assert_eq!(
            summary(2027),
            vec![
                (date(2027, 1, 1), Holiday),
                // Tết Saturday 6 February: Friday 5 (last day of the year) + 6–9; Saturday 6
                // and Sunday 7 are compensated on Wednesday 10 and Thursday 11.
                (date(2027, 2, 5), Holiday),
                (date(2027, 2, 6), Holiday),
                (date(2027, 2, 7), Holiday),
                (date(2027, 2, 8), Holiday),
                (date(2027, 2, 9), Holiday),
                (date(2027, 2, 10), CompensatoryOff),
                (date(2027, 2, 11), CompensatoryOff),
                (date(2027, 4, 16), Holiday),
                (date(2027, 4, 30), Holiday),
                (date(2027, 5, 1), Holiday),
                (date(2027, 5, 3), CompensatoryOff),
                // 2/9 is a Thursday: Friday 3/9 joins the weekend (as in 2021).
                (date(2027, 9, 2), Holiday),
                (date(2027, 9, 3), Holiday),
            ]
        );
    }

    /// The National Day days off (holidays and compensatory days, 25/8–10/9) of a year.
    fn national_day_off(year: i32) -> Vec<(Date, DayKind)> {
        let y = i16::try_from(year).unwrap();
        summary(year)
            .into_iter()
            .filter(|&(d, _)| d >= date(y, 8, 25) && d <= date(y, 9, 10))
            .collect()
    }

    #[test]
    fn national_day_follows_precedent_for_every_weekday() {
        use DayKind::*;
        // One year without an announced schedule for each weekday of 2 September.
        let table = [
            (2030, Weekday::Monday, vec![(2, Holiday), (3, Holiday)]),
            (2031, Weekday::Tuesday, vec![(1, Holiday), (2, Holiday)]),
            (2037, Weekday::Wednesday, vec![(1, Holiday), (2, Holiday)]),
            (2032, Weekday::Thursday, vec![(2, Holiday), (3, Holiday)]),
            (2033, Weekday::Friday, vec![(1, Holiday), (2, Holiday)]),
            // Saturday 2/9: Friday 1/9, and Monday 4/9 compensates the Saturday (as in 2023).
            (
                2028,
                Weekday::Saturday,
                vec![(1, Holiday), (2, Holiday), (4, CompensatoryOff)],
            ),
            // Sunday 2/9: Monday 3/9, and the Sunday is compensated on Tuesday 4/9.
            (
                2029,
                Weekday::Sunday,
                vec![(2, Holiday), (3, Holiday), (4, CompensatoryOff)],
            ),
        ];
        for (year, weekday, days) in table {
            let y = i16::try_from(year).unwrap();
            assert_eq!(date(y, 9, 2).weekday(), weekday, "{year}");
            let want: Vec<(Date, DayKind)> =
                days.into_iter().map(|(d, k)| (date(y, 9, d), k)).collect();
            assert_eq!(national_day_off(year), want, "{year}: 2/9 on {weekday:?}");
        }
        // The same rule on the years 2021–2026 reproduces every announced choice.
        for (year, second) in [
            (2021, date(2021, 9, 3)),
            (2022, date(2022, 9, 1)),
            (2023, date(2023, 9, 1)),
            (2024, date(2024, 9, 3)),
            (2025, date(2025, 9, 1)),
            (2026, date(2026, 9, 1)),
        ] {
            assert_eq!(national_day_second(year), Some(second), "{year}");
        }
        assert_eq!(national_day_second(2020), None, "Labour Code 2012: one day");
    }

    #[test]
    fn national_day_off_in_the_working_calendar_of_unannounced_years() {
        use crate::calendar::WorkCalendar;
        let c = WorkCalendar::builtin();
        let off = |y, m, d| !c.is_working_day(date(y, m, d));
        // Thursday 2/9/2032: Friday 3/9 off, Wednesday 1/9 worked.
        assert!(!c.is_announced_year(2032));
        assert!(off(2032, 9, 2) && off(2032, 9, 3) && !off(2032, 9, 1));
        // Sunday 2/9/2029: Monday 3/9 holiday, Tuesday 4/9 compensatory, Wednesday 5/9 worked.
        assert!(off(2029, 9, 3) && off(2029, 9, 4) && !off(2029, 9, 5));
        // 2027 is shipped in the schedule file but not announced: it follows the same rule.
        assert!(off(2027, 9, 2) && off(2027, 9, 3) && !off(2027, 9, 1));
    }

    #[test]
    fn statutory_2023_matches_what_was_announced_outside_tet() {
        use DayKind::*;
        let s = summary(2023);
        // 1/1 Sunday → 2/1; Giỗ Tổ Saturday 29/4 → 2/5; 30/4 Sunday → 3/5; 2/9 Saturday → 4/9.
        for want in [
            (date(2023, 1, 2), CompensatoryOff),
            (date(2023, 5, 2), CompensatoryOff),
            (date(2023, 5, 3), CompensatoryOff),
            (date(2023, 9, 4), CompensatoryOff),
        ] {
            assert!(s.contains(&want), "{want:?}");
        }
    }

    #[test]
    fn statutory_2026_tet_matches_announced() {
        let tet_days: Vec<Date> = statutory_days(2026)
            .into_iter()
            .filter(|d| d.name_vi == "Tết Âm lịch")
            .map(|d| d.date)
            .collect();
        assert_eq!(
            tet_days,
            (16..=20).map(|d| date(2026, 2, d)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn before_2021_national_day_is_one_day() {
        let s = statutory_days(2020);
        assert!(!s.iter().any(|d| d.date == date(2020, 9, 1)));
        assert!(s.iter().any(|d| d.date == date(2020, 9, 2)));
        assert!(
            s.iter()
                .all(|d| d.notice.starts_with("Bộ luật Lao động 2012"))
        );
        assert_eq!(
            statutory_days(2021)
                .iter()
                .filter(|d| d.kind == DayKind::Holiday)
                .count(),
            11
        );
    }

    #[test]
    fn every_year_has_its_holidays_and_compensation_on_weekdays() {
        for year in 1990..=2199 {
            let s = statutory_days(year);
            let holidays = s.iter().filter(|d| d.kind == DayKind::Holiday).count();
            let expected = if year >= 2021 { 11 } else { 10 };
            // A Giỗ Tổ on 30 April merges two holidays.
            assert!(holidays == expected || holidays == expected - 1, "{year}");
            let weekend_holidays = s
                .iter()
                .filter(|d| d.kind == DayKind::Holiday && is_weekend(d.date))
                .count();
            let comps: Vec<_> = s
                .iter()
                .filter(|d| d.kind == DayKind::CompensatoryOff)
                .collect();
            assert_eq!(comps.len(), weekend_holidays, "{year}");
            assert!(comps.iter().all(|d| !is_weekend(d.date)));
            assert!(s.iter().all(|d| i32::from(d.date.year()) == year));
        }
        assert!(statutory_days(40_000).is_empty());
    }
}
