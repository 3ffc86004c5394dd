//! Working days (ngày làm việc) of the public sector: Monday–Friday, minus public holidays,
//! compensatory days and swapped days off, plus make-up Saturdays.
//!
//! Two layers, both data:
//! 1. the **announced schedule**: rows of [`AnnouncedDay`], each citing the document that
//!    announced it (shipped for 2020–2027 in `announced_vn.txt`, edited by administrators later);
//! 2. the **statutory rules** ([`statutory_days`]) for years nobody has announced.
//!
//! A year counts as *announced* when the list holds at least one [`DayKind::Holiday`] dated in
//! it; its statutory layer is then not generated, so an announced year must list **all** its
//! holidays (also those on weekends, which name the day and justify the compensatory day).
//! Rows of the other kinds always apply on their own date, whatever the year: a swap announced
//! with next year's schedule (e.g. 31 December off, made up on a January Saturday) works even
//! when the December is otherwise statutory.
//!
//! When several rows share a date, a make-up working day wins over a day off, and among days
//! off a holiday wins over a compensatory day, which wins over a swapped day; announced rows win
//! over statutory ones.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::statutory::statutory_days;
use crate::DomainError;
use crate::text;

/// What makes a day special in the working calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday (ngày nghỉ lễ, Tết), Labour Code Art. 112.
    Holiday,
    /// A day off compensating a holiday that fell on a weekend (nghỉ bù), Art. 111.3.
    CompensatoryOff,
    /// A working day moved away to lengthen a holiday (nghỉ hoán đổi); made up on a
    /// [`DayKind::MakeupWorkday`].
    SwappedOff,
    /// A Saturday (or Sunday) worked to make up a swapped day (làm bù). A working day.
    MakeupWorkday,
}

impl DayKind {
    pub const ALL: [DayKind; 4] = [
        DayKind::Holiday,
        DayKind::CompensatoryOff,
        DayKind::SwappedOff,
        DayKind::MakeupWorkday,
    ];

    /// Stable code, used in storage and in the data file.
    pub fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::CompensatoryOff => "compensatory_off",
            DayKind::SwappedOff => "swapped_off",
            DayKind::MakeupWorkday => "makeup_workday",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        text::by_name(
            &Self::ALL,
            Self::as_str,
            s,
            DomainError::field("unknown-day-kind", "kind"),
        )
    }

    /// Short Vietnamese label for listings.
    pub fn label_vi(self) -> &'static str {
        match self {
            DayKind::Holiday => "Nghỉ lễ, Tết",
            DayKind::CompensatoryOff => "Nghỉ bù",
            DayKind::SwappedOff => "Nghỉ hoán đổi",
            DayKind::MakeupWorkday => "Làm bù",
        }
    }

    /// True for the kinds that take a day off.
    pub fn is_day_off(self) -> bool {
        !matches!(self, DayKind::MakeupWorkday)
    }

    /// Which row wins when several share a date (lower wins).
    fn priority(self) -> u8 {
        match self {
            DayKind::MakeupWorkday => 0,
            DayKind::Holiday => 1,
            DayKind::CompensatoryOff => 2,
            DayKind::SwappedOff => 3,
        }
    }
}

impl std::fmt::Display for DayKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One special day of a schedule, with the document it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnouncedDay {
    pub date: Date,
    pub kind: DayKind,
    /// User-facing name, e.g. "Tết Âm lịch", "Nghỉ bù Giỗ Tổ Hùng Vương".
    pub name_vi: String,
    /// The announcing document, e.g. "9441/TB-BNV", or the statute for rule-derived days,
    /// e.g. "Bộ luật Lao động 2019, Điều 112".
    pub notice: String,
}

impl AnnouncedDay {
    pub fn new(date: Date, kind: DayKind, name_vi: &str, notice: &str) -> Self {
        Self {
            date,
            kind,
            name_vi: name_vi.to_owned(),
            notice: notice.to_owned(),
        }
    }
}

/// Why a day is not an ordinary working weekday (see [`WorkCalendar::why`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Reason {
    /// An ordinary Saturday or Sunday.
    Weekend,
    /// A day of the announced schedule or of the statutory rules.
    Special(AnnouncedDay),
}

/// Years whose tables are cached: all of jiff's range (a slot is 16 bytes until used).
const CACHE_FIRST_YEAR: i32 = -9999;
const CACHE_LAST_YEAR: i32 = 9999;

/// The public-sector working calendar. Cheap to query: each year is built once, on first use,
/// into a bitset of working days (lock-free reads afterwards). `Send + Sync`; share it in an
/// `Arc`.
#[derive(Clone)]
pub struct WorkCalendar {
    /// Announced rows, grouped by the year of their date.
    announced: HashMap<i32, Vec<AnnouncedDay>>,
    /// Years with at least one announced holiday: no statutory layer for them.
    announced_years: BTreeSet<i32>,
    years: Box<[OnceLock<Box<YearTable>>]>,
}

impl std::fmt::Debug for WorkCalendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkCalendar")
            .field("announced_years", &self.announced_years)
            .field(
                "announced_rows",
                &self.announced.values().map(Vec::len).sum::<usize>(),
            )
            .finish()
    }
}

impl WorkCalendar {
    /// A calendar from announced rows (any order); statutory rules fill the other years.
    pub fn new(announced: Vec<AnnouncedDay>) -> Self {
        let mut by_year: HashMap<i32, Vec<AnnouncedDay>> = HashMap::new();
        let mut announced_years = BTreeSet::new();
        for day in announced {
            let year = i32::from(day.date.year());
            if day.kind == DayKind::Holiday {
                announced_years.insert(year);
            }
            by_year.entry(year).or_default().push(day);
        }
        let slots = (CACHE_LAST_YEAR - CACHE_FIRST_YEAR + 1) as usize;
        Self {
            announced: by_year,
            announced_years,
            years: (0..slots).map(|_| OnceLock::new()).collect(),
        }
    }

    /// The calendar with the schedules shipped in this crate (2020–2027, see
    /// [`super::builtin_announced`]).
    pub fn builtin() -> Self {
        Self::new(super::builtin_announced())
    }

    /// True when `year` follows an announced schedule rather than the statutory rules.
    pub fn is_announced_year(&self, year: i32) -> bool {
        self.announced_years.contains(&year)
    }

    /// Is `date` a working day of the public sector?
    pub fn is_working_day(&self, date: Date) -> bool {
        self.with_year(i32::from(date.year()), |t| t.is_working(date))
    }

    /// Why `date` is not an ordinary working weekday: `None` for a plain Monday–Friday working
    /// day; the special day (holiday, compensatory, swapped, make-up) if there is one;
    /// otherwise [`Reason::Weekend`] for Saturday and Sunday.
    pub fn why(&self, date: Date) -> Option<Reason> {
        self.with_year(i32::from(date.year()), |t| {
            if let Ok(i) = t.special.binary_search_by_key(&date, |d| d.date) {
                Some(Reason::Special(t.special[i].clone()))
            } else if is_weekend(date) {
                Some(Reason::Weekend)
            } else {
                None
            }
        })
    }

    /// All effective special days of `year` (announced or statutory), sorted by date, one per
    /// date, including holidays that fall on a weekend.
    pub fn special_days(&self, year: i32) -> Vec<AnnouncedDay> {
        self.with_year(year, |t| t.special.clone())
    }

    /// For a year listing (`congbo calendar year 2026`): every weekday that is not worked and
    /// every make-up working day, with its reason, sorted by date.
    pub fn non_working_weekdays_and_makeup_days(&self, year: i32) -> Vec<AnnouncedDay> {
        self.with_year(year, |t| {
            t.special
                .iter()
                .filter(|d| !d.kind.is_day_off() || !is_weekend(d.date))
                .cloned()
                .collect()
        })
    }

    /// Number of working days in `year`.
    pub fn working_days_in_year(&self, year: i32) -> u32 {
        self.with_year(year, |t| t.working.iter().map(|w| w.count_ones()).sum())
    }

    /// The first working day strictly after `date`. Saturates at the last date jiff supports.
    pub fn next_working_day(&self, date: Date) -> Date {
        let mut d = date;
        while let Ok(next) = d.tomorrow() {
            d = next;
            if self.is_working_day(d) {
                return d;
            }
        }
        d
    }

    /// `date` itself if it is a working day, else the next working day.
    pub fn working_day_on_or_after(&self, date: Date) -> Date {
        if self.is_working_day(date) {
            date
        } else {
            self.next_working_day(date)
        }
    }

    /// The `n`-th working day after `date` (`date` itself does not count; `n = 0` returns
    /// `date` unchanged).
    pub fn add_working_days(&self, date: Date, n: u32) -> Date {
        (0..n).fold(date, |d, _| self.next_working_day(d))
    }

    fn with_year<R>(&self, year: i32, f: impl FnOnce(&YearTable) -> R) -> R {
        if (CACHE_FIRST_YEAR..=CACHE_LAST_YEAR).contains(&year) {
            let slot = &self.years[(year - CACHE_FIRST_YEAR) as usize];
            f(slot.get_or_init(|| Box::new(self.build_year(year))))
        } else {
            // Not a year of any `Date`: an empty table.
            f(&self.build_year(year))
        }
    }

    fn build_year(&self, year: i32) -> YearTable {
        let mut rows: Vec<AnnouncedDay> = self.announced.get(&year).cloned().unwrap_or_default();
        if !self.is_announced_year(year) {
            rows.extend(statutory_days(year));
        }
        YearTable::new(year, rows)
    }
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// One year of the calendar.
#[derive(Clone)]
struct YearTable {
    /// Bit `ordinal - 1` is set when that day of the year is a working day.
    working: [u64; 6],
    /// Effective special days, sorted by date, one per date.
    special: Vec<AnnouncedDay>,
}

impl YearTable {
    fn new(year: i32, mut rows: Vec<AnnouncedDay>) -> Self {
        // Stable sort: among rows of equal date and priority, the earlier (announced) one wins.
        rows.sort_by_key(|r| (r.date, r.kind.priority()));
        rows.dedup_by_key(|r| r.date);
        let mut table = YearTable {
            working: [0; 6],
            special: rows,
        };
        let Some(first) = i16::try_from(year)
            .ok()
            .and_then(|y| Date::new(y, 1, 1).ok())
        else {
            return table;
        };
        for (i, d) in first.series(jiff::Span::new().days(1)).enumerate() {
            if d.year() != first.year() {
                break;
            }
            if !is_weekend(d) {
                table.set(i, true);
            }
        }
        let marks: Vec<(usize, bool)> = table
            .special
            .iter()
            .map(|r| (ordinal(r.date), !r.kind.is_day_off()))
            .collect();
        for (i, working) in marks {
            table.set(i, working);
        }
        table
    }

    fn set(&mut self, i: usize, working: bool) {
        let (word, bit) = (i / 64, i % 64);
        if working {
            self.working[word] |= 1 << bit;
        } else {
            self.working[word] &= !(1 << bit);
        }
    }

    fn is_working(&self, date: Date) -> bool {
        let i = ordinal(date);
        self.working[i / 64] & (1 << (i % 64)) != 0
    }
}

/// Zero-based day of the year.
fn ordinal(date: Date) -> usize {
    (date.day_of_year() - 1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn cal() -> WorkCalendar {
        WorkCalendar::builtin()
    }

    #[test]
    fn day_kind_codes_round_trip() {
        for k in DayKind::ALL {
            assert_eq!(DayKind::parse(k.as_str()), Ok(k));
        }
        assert!(DayKind::parse("nope").is_err());
    }

    #[test]
    fn tet_2026_block() {
        let c = cal();
        for d in 14..=22 {
            assert!(!c.is_working_day(date(2026, 2, d)), "2026-02-{d}");
        }
        assert!(c.is_working_day(date(2026, 2, 13)));
        assert!(c.is_working_day(date(2026, 2, 23)));
        match c.why(date(2026, 2, 17)) {
            Some(Reason::Special(d)) => {
                assert_eq!(d.kind, DayKind::Holiday);
                assert_eq!(d.notice, "9441/TB-BNV");
                assert_eq!(d.name_vi, "Tết Âm lịch");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c.why(date(2026, 2, 14)), Some(Reason::Weekend));
        assert_eq!(c.why(date(2026, 2, 12)), None);
    }

    #[test]
    fn national_day_2026_swap() {
        let c = cal();
        assert!(c.is_working_day(date(2026, 8, 22)), "make-up Saturday");
        assert!(!c.is_working_day(date(2026, 8, 31)), "swapped Monday");
        assert!(!c.is_working_day(date(2026, 9, 1)));
        assert!(!c.is_working_day(date(2026, 9, 2)));
        assert!(c.is_working_day(date(2026, 9, 3)));
        match c.why(date(2026, 8, 22)) {
            Some(Reason::Special(d)) => assert_eq!(d.kind, DayKind::MakeupWorkday),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn gio_to_2026_compensated_on_monday() {
        let c = cal();
        assert!(!c.is_working_day(date(2026, 4, 27)));
        match c.why(date(2026, 4, 27)) {
            Some(Reason::Special(d)) => assert_eq!(d.kind, DayKind::CompensatoryOff),
            other => panic!("{other:?}"),
        }
        assert!(c.is_working_day(date(2026, 4, 28)));
        assert!(!c.is_working_day(date(2026, 4, 30)));
        assert!(!c.is_working_day(date(2026, 5, 1)));
    }

    #[test]
    fn year_listing_2026() {
        let c = cal();
        let rows: Vec<(Date, DayKind)> = c
            .non_working_weekdays_and_makeup_days(2026)
            .into_iter()
            .map(|d| (d.date, d.kind))
            .collect();
        use DayKind::*;
        let expected = vec![
            (date(2026, 1, 1), Holiday),
            (date(2026, 1, 2), SwappedOff),
            (date(2026, 1, 10), MakeupWorkday),
            (date(2026, 2, 16), Holiday),
            (date(2026, 2, 17), Holiday),
            (date(2026, 2, 18), Holiday),
            (date(2026, 2, 19), Holiday),
            (date(2026, 2, 20), Holiday),
            (date(2026, 4, 27), CompensatoryOff),
            (date(2026, 4, 30), Holiday),
            (date(2026, 5, 1), Holiday),
            (date(2026, 8, 22), MakeupWorkday),
            (date(2026, 8, 31), SwappedOff),
            (date(2026, 9, 1), Holiday),
            (date(2026, 9, 2), Holiday),
        ];
        assert_eq!(rows, expected);
        // 261 weekdays in 2026, 13 weekdays off, 2 make-up Saturdays.
        assert_eq!(c.working_days_in_year(2026), 261 - 13 + 2);
    }

    /// Historic facts from §5.2 of the domain reference.
    #[test]
    fn historic_years() {
        let c = cal();
        let off = |y, m, d| !c.is_working_day(date(y, m, d));
        // 2020: Tết 23–29 January; Giỗ Tổ Thursday 2 April.
        assert!((23..=29).all(|d| off(2020, 1, d)));
        assert!(!off(2020, 1, 22) && !off(2020, 1, 30));
        assert!(off(2020, 4, 2));
        // 2021: Tết 10–16 February; Giỗ Tổ 21 April.
        assert!((10..=16).all(|d| off(2021, 2, d)));
        assert!(!off(2021, 2, 9) && !off(2021, 2, 17));
        assert!(off(2021, 4, 21));
        // 2022: 30/4 and 1/5 on the weekend, compensated 2–3 May.
        assert!(off(2022, 5, 2) && off(2022, 5, 3) && !off(2022, 5, 4));
        // 2023: Tết 20–26 January; 29/4–3/5 off.
        assert!((20..=26).all(|d| off(2023, 1, d)));
        assert!(!off(2023, 1, 19) && !off(2023, 1, 27));
        assert!(off(2023, 5, 2) && off(2023, 5, 3) && !off(2023, 5, 4));
        // 2024: Tết 8–14 February; Giỗ Tổ 18 April; 27/4–1/5 with make-up Saturday 4/5.
        assert!((8..=14).all(|d| off(2024, 2, d)));
        assert!(!off(2024, 2, 7) && !off(2024, 2, 15));
        assert!(off(2024, 4, 18) && off(2024, 4, 29) && !off(2024, 5, 4));
        // 2025: Tết 25/1–2/2; 30/4–4/5 with make-up Saturday 26/4.
        assert!((27..=31).all(|d| off(2025, 1, d)));
        assert!(!off(2025, 1, 24) && !off(2025, 2, 3));
        assert!(off(2025, 5, 2) && !off(2025, 4, 26));
        // 2027 (statutory): 1/1 is a Friday holiday.
        assert!(off(2027, 1, 1) && !off(2027, 1, 4));
    }

    #[test]
    fn statutory_years_are_generated() {
        let c = cal();
        assert!(!c.is_announced_year(2028));
        assert!(c.is_announced_year(2026));
        // 2028: Tết Wednesday 26 January: 25–29 January are the statutory days; Saturday 29
        // is compensated on Monday 31.
        assert!((25..=31).all(|d| !c.is_working_day(date(2028, 1, d))));
        assert!(c.is_working_day(date(2028, 1, 24)));
        assert!(c.is_working_day(date(2028, 2, 1)));
        // 2030: 2 September is a Monday → Tuesday 3 September is the second holiday.
        assert!(!c.is_working_day(date(2030, 9, 3)));
        assert!(c.is_working_day(date(2030, 9, 4)));
        // Far years work too.
        assert!(!c.is_working_day(date(2300, 1, 1)));
        assert!(!c.is_working_day(date(9999, 1, 1)));
        assert_eq!(c.special_days(40_000), vec![]);
    }

    #[test]
    fn empty_calendar_is_statutory_everywhere() {
        let c = WorkCalendar::new(vec![]);
        assert!(!c.is_announced_year(2026));
        // Statutory 2026: Tết 16–20 February as announced, but 1 September only by rule and no
        // swap: 31 August is worked, 22 August is not.
        assert!(!c.is_working_day(date(2026, 2, 16)));
        assert!(c.is_working_day(date(2026, 8, 31)));
        assert!(!c.is_working_day(date(2026, 8, 22)));
    }

    #[test]
    fn overlay_rows_apply_in_statutory_years() {
        let swap = vec![
            AnnouncedDay::new(
                date(2030, 12, 31),
                DayKind::SwappedOff,
                "Nghỉ hoán đổi",
                "test",
            ),
            AnnouncedDay::new(date(2031, 1, 4), DayKind::MakeupWorkday, "Làm bù", "test"),
        ];
        let c = WorkCalendar::new(swap);
        assert!(!c.is_announced_year(2030));
        assert!(!c.is_working_day(date(2030, 12, 31)));
        assert!(c.is_working_day(date(2031, 1, 4)));
        assert!(!c.is_working_day(date(2031, 1, 1)), "statutory still there");
    }

    #[test]
    fn makeup_wins_over_day_off_on_same_date() {
        let rows = vec![
            AnnouncedDay::new(date(2030, 6, 8), DayKind::Holiday, "x", "test"),
            AnnouncedDay::new(date(2030, 6, 8), DayKind::MakeupWorkday, "y", "test"),
        ];
        let c = WorkCalendar::new(rows);
        assert!(c.is_working_day(date(2030, 6, 8)));
    }

    #[test]
    fn add_working_days_basics() {
        let c = cal();
        let d = date(2026, 2, 12);
        assert_eq!(c.add_working_days(d, 0), d);
        assert_eq!(c.add_working_days(d, 1), date(2026, 2, 13));
        assert_eq!(c.add_working_days(d, 2), date(2026, 2, 23));
        assert_eq!(c.next_working_day(date(2026, 8, 28)), date(2026, 9, 3));
        assert_eq!(
            c.working_day_on_or_after(date(2026, 2, 14)),
            date(2026, 2, 23)
        );
        assert_eq!(c.next_working_day(Date::MAX), Date::MAX);
    }
}
