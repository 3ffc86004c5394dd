//! Public holidays derived from the Labour Code, for years without an announced schedule.
//!
//! Labour Code 2019 (Bộ luật Lao động 2019), Art. 112, in force from 2021:
//! - Tết Dương lịch: 1 January;
//! - Tết Âm lịch: 5 days. The government fixes them each year; we use **the last day of the
//!   lunar year plus the first four days of the new year** (1 before + 4 after, the 2026
//!   public-sector choice);
//! - Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month;
//! - Ngày Chiến thắng: 30 April; Ngày Quốc tế Lao động: 1 May;
//! - Quốc khánh: 2 September **and the day before or after**, chosen by the government. We use
//!   **1 September** (the day before), the choice of 2022, 2023, 2025 and 2026.
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
        holidays.extend(ymd(9, 1).map(|d| (d, "Quốc khánh")));
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
                (date(2027, 9, 1), Holiday),
                (date(2027, 9, 2), Holiday),
            ]
        );
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
