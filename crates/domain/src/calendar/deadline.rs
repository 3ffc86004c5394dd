//! Legal deadlines (hạn giải quyết) of a dossier, counted from its receipt.
//!
//! 1. **Effective receipt day.** The receipt day if it is a working day and the dossier was
//!    received before the procedure's cut-off time (default 15:00); otherwise the next working
//!    day. (A desk on duty during a holiday may receive dossiers; their clock starts on the next
//!    working day.)
//! 2. **Working days** (ngày làm việc): a limit of N is due on the N-th working day after the
//!    effective receipt day; N = 0 (same day) is due on the effective receipt day.
//! 3. **Working hours** (giờ): office hours (default 07:30–11:30 and 13:30–17:00) of working
//!    days only. The clock starts at the receipt time (moved to the next opening if received
//!    outside office hours) on the effective receipt day, or at opening time on the next
//!    working day when the receipt was after the cut-off or on a non-working day.
//! 4. **Calendar days** (ngày) and **months** (tháng), Civil Code 2015 Art. 147–148: the period
//!    starts the day after the event (the effective receipt day); N days end on the N-th day
//!    after it; N months end on the same day number N months later, or the last day of that
//!    month if it is shorter; a period ending on a non-working day ends on the next working day.
//!
//! [`due`] returns a local date-time: for day and month limits the close of office hours on
//! the due date (17:00 by default), for hour limits the exact instant. [`due_date`] returns the
//! date only.

use jiff::SignedDuration;
use jiff::civil::{Date, DateTime, Time, time};
use serde::{Deserialize, Serialize};

use super::work::WorkCalendar;
use crate::DomainError;
use crate::text;

/// Unit of a procedure's time limit (the `DonViTinh` of the national portal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    /// Ngày làm việc.
    WorkingDays,
    /// Giờ (office hours of working days).
    WorkingHours,
    /// Ngày (calendar days).
    CalendarDays,
    /// Tháng.
    Months,
}

impl LimitUnit {
    pub const ALL: [LimitUnit; 4] = [
        LimitUnit::WorkingDays,
        LimitUnit::WorkingHours,
        LimitUnit::CalendarDays,
        LimitUnit::Months,
    ];

    /// Stable code for storage.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitUnit::WorkingDays => "working_days",
            LimitUnit::WorkingHours => "working_hours",
            LimitUnit::CalendarDays => "calendar_days",
            LimitUnit::Months => "months",
        }
    }

    pub fn parse(s: &str) -> Result<Self, DomainError> {
        text::by_name(
            &Self::ALL,
            Self::as_str,
            s,
            DomainError::field("unknown-limit-unit", "unit"),
        )
    }

    /// Vietnamese label as published with procedures.
    pub fn label_vi(self) -> &'static str {
        match self {
            LimitUnit::WorkingDays => "ngày làm việc",
            LimitUnit::WorkingHours => "giờ",
            LimitUnit::CalendarDays => "ngày",
            LimitUnit::Months => "tháng",
        }
    }
}

/// A procedure's time limit, e.g. "05 ngày làm việc".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeLimit {
    pub amount: u32,
    pub unit: LimitUnit,
}

impl TimeLimit {
    pub const fn working_days(amount: u32) -> Self {
        Self {
            amount,
            unit: LimitUnit::WorkingDays,
        }
    }
    pub const fn working_hours(amount: u32) -> Self {
        Self {
            amount,
            unit: LimitUnit::WorkingHours,
        }
    }
    pub const fn calendar_days(amount: u32) -> Self {
        Self {
            amount,
            unit: LimitUnit::CalendarDays,
        }
    }
    pub const fn months(amount: u32) -> Self {
        Self {
            amount,
            unit: LimitUnit::Months,
        }
    }

    /// A limit of zero: the result is given the day the dossier is received ("Trong ngày").
    pub const fn is_same_day(&self) -> bool {
        self.amount == 0
    }
}

impl std::fmt::Display for TimeLimit {
    /// "05 ngày làm việc", as written on receipts; "Trong ngày" for a same-day procedure.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_same_day() {
            return f.write_str("Trong ngày");
        }
        write!(f, "{:02} {}", self.amount, self.unit.label_vi())
    }
}

/// Per-procedure (or per-office) counting rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineRules {
    /// Dossiers received at or after this local time count as received the next working day.
    pub cutoff: Time,
    /// Office hours of a working day, as `[start, end)` intervals.
    pub office_hours: Vec<(Time, Time)>,
}

impl Default for DeadlineRules {
    /// Cut-off 15:00; office hours 07:30–11:30 and 13:30–17:00.
    fn default() -> Self {
        Self {
            cutoff: time(15, 0, 0, 0),
            office_hours: default_office_hours(),
        }
    }
}

fn default_office_hours() -> Vec<(Time, Time)> {
    vec![
        (time(7, 30, 0, 0), time(11, 30, 0, 0)),
        (time(13, 30, 0, 0), time(17, 0, 0, 0)),
    ]
}

impl DeadlineRules {
    /// Checks office hours: at least one interval, each with start < end, in order and not
    /// overlapping. The counting functions tolerate bad input (see [`Self::intervals`]), but
    /// an admin form should refuse it.
    pub fn validate(&self) -> Result<(), DomainError> {
        if self.office_hours.is_empty() {
            return Err(DomainError::field("office-hours-empty", "office_hours"));
        }
        let ordered = self.office_hours.iter().all(|(s, e)| s < e)
            && self.office_hours.windows(2).all(|w| w[0].1 <= w[1].0);
        if !ordered {
            return Err(DomainError::field("office-hours-invalid", "office_hours"));
        }
        Ok(())
    }

    /// The office hours as sorted, merged, non-empty intervals; the defaults if none is usable.
    pub fn intervals(&self) -> Vec<(Time, Time)> {
        let mut v: Vec<(Time, Time)> = self
            .office_hours
            .iter()
            .copied()
            .filter(|(s, e)| s < e)
            .collect();
        v.sort();
        let mut merged: Vec<(Time, Time)> = Vec::with_capacity(v.len());
        for (s, e) in v {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        if merged.is_empty() {
            default_office_hours()
        } else {
            merged
        }
    }

    /// Close of office hours (end of the last interval), the time given to day-unit deadlines.
    pub fn closing_time(&self) -> Time {
        self.intervals()
            .last()
            .map_or(time(17, 0, 0, 0), |&(_, e)| e)
    }
}

/// The day the clock starts from: the receipt day if it is a working day and the receipt was
/// before the cut-off, else the next working day.
pub fn effective_receipt_day(
    cal: &WorkCalendar,
    received_local: DateTime,
    rules: &DeadlineRules,
) -> Date {
    let day = received_local.date();
    if cal.is_working_day(day) && received_local.time() < rules.cutoff {
        day
    } else {
        cal.next_working_day(day)
    }
}

/// The due date of `limit` for a dossier received at `received_local` (Vietnam local time).
pub fn due_date(
    cal: &WorkCalendar,
    received_local: DateTime,
    limit: TimeLimit,
    rules: &DeadlineRules,
) -> Date {
    due(cal, received_local, limit, rules).date()
}

/// The due local date-time of `limit` for a dossier received at `received_local`.
/// Day and month limits are due at the close of office hours of the due date.
pub fn due(
    cal: &WorkCalendar,
    received_local: DateTime,
    limit: TimeLimit,
    rules: &DeadlineRules,
) -> DateTime {
    let start = effective_receipt_day(cal, received_local, rules);
    let close = rules.closing_time();
    match limit.unit {
        LimitUnit::WorkingDays => cal.add_working_days(start, limit.amount).to_datetime(close),
        LimitUnit::CalendarDays => {
            // Clamped to jiff's largest span of days; saturates at the end of its range.
            let days = i64::from(limit.amount).min(7_000_000);
            let last = start.saturating_add(jiff::Span::new().days(days));
            cal.working_day_on_or_after(last).to_datetime(close)
        }
        LimitUnit::Months => {
            // jiff clamps to the last day of a shorter month (31 January + 1 month = 28/29
            // February), as Civil Code Art. 148 requires.
            let months = i64::from(limit.amount).min(19_998 * 12);
            let last = start.saturating_add(jiff::Span::new().months(months));
            cal.working_day_on_or_after(last).to_datetime(close)
        }
        LimitUnit::WorkingHours => {
            let from = if start == received_local.date() {
                received_local.time()
            } else {
                Time::midnight()
            };
            add_office_time(cal, start, from, limit.amount, rules)
        }
    }
}

/// Walks `hours` of office time forward from `from` on working day `day`.
fn add_office_time(
    cal: &WorkCalendar,
    mut day: Date,
    mut from: Time,
    hours: u32,
    rules: &DeadlineRules,
) -> DateTime {
    let intervals = rules.intervals();
    let mut remaining = SignedDuration::from_hours(i64::from(hours));
    loop {
        for &(open, close) in &intervals {
            let begin = open.max(from);
            if begin >= close {
                continue;
            }
            let available = close.duration_since(begin);
            if remaining <= available {
                // `begin + remaining <= close`, so this cannot overflow the day.
                return day.to_datetime(begin.saturating_add(remaining));
            }
            remaining -= available;
        }
        let next = cal.next_working_day(day);
        if next == day {
            // End of jiff's range: nothing later to count on.
            return day.to_datetime(rules.closing_time());
        }
        day = next;
        from = Time::midnight();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, datetime};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn cal() -> &'static WorkCalendar {
        static CAL: OnceLock<WorkCalendar> = OnceLock::new();
        CAL.get_or_init(WorkCalendar::builtin)
    }

    fn wd(received: DateTime, n: u32) -> Date {
        due_date(
            cal(),
            received,
            TimeLimit::working_days(n),
            &DeadlineRules::default(),
        )
    }

    fn at9(y: i16, m: i8, d: i8) -> DateTime {
        datetime(y, m, d, 9, 0, 0, 0)
    }

    /// §5 test vectors (cut-off 15:00, receipt at 09:00).
    #[test]
    fn working_day_vectors_2026() {
        assert_eq!(wd(at9(2026, 2, 12), 5), date(2026, 2, 26));
        assert_eq!(wd(at9(2026, 2, 13), 1), date(2026, 2, 23));
        assert_eq!(wd(at9(2026, 4, 24), 3), date(2026, 5, 4));
        // The make-up Saturday 22/8 counts as a working day.
        assert_eq!(wd(at9(2026, 8, 20), 3), date(2026, 8, 24));
        assert_eq!(wd(at9(2026, 8, 28), 1), date(2026, 9, 3));
        assert_eq!(wd(at9(2026, 12, 30), 2), date(2027, 1, 4));
    }

    #[test]
    fn receipt_after_cutoff_shifts_by_a_working_day() {
        let late = |y, m, d| datetime(y, m, d, 16, 0, 0, 0);
        assert_eq!(wd(late(2026, 2, 12), 5), date(2026, 2, 27));
        assert_eq!(wd(late(2026, 2, 13), 1), date(2026, 2, 24));
        assert_eq!(wd(late(2026, 8, 20), 3), date(2026, 8, 25));
        // Exactly at the cut-off counts as late.
        assert_eq!(
            wd(datetime(2026, 3, 2, 15, 0, 0, 0), 1),
            wd(late(2026, 3, 2), 1)
        );
        assert_eq!(wd(datetime(2026, 3, 2, 14, 59, 59, 0), 1), date(2026, 3, 3));
    }

    #[test]
    fn same_day_and_non_working_receipt() {
        assert_eq!(wd(at9(2026, 3, 2), 0), date(2026, 3, 2));
        // Received on Saturday (desk on duty): the clock starts Monday.
        assert_eq!(wd(at9(2026, 3, 7), 0), date(2026, 3, 9));
        assert_eq!(wd(at9(2026, 3, 7), 1), date(2026, 3, 10));
        // Received during Tết.
        assert_eq!(wd(at9(2026, 2, 18), 1), date(2026, 2, 24));
    }

    #[test]
    fn due_returns_close_of_office_hours_for_day_units() {
        let r = DeadlineRules::default();
        let got = due(cal(), at9(2026, 2, 12), TimeLimit::working_days(5), &r);
        assert_eq!(got, datetime(2026, 2, 26, 17, 0, 0, 0));
    }

    #[test]
    fn working_hours() {
        let r = DeadlineRules::default();
        let h = |received, n| due(cal(), received, TimeLimit::working_hours(n), &r);
        // 09:00 + 2 h = 11:00; + 4 h crosses lunch: 11:30 then 13:30 + 1.5 h = 15:00.
        assert_eq!(h(at9(2026, 3, 2), 2), datetime(2026, 3, 2, 11, 0, 0, 0));
        assert_eq!(h(at9(2026, 3, 2), 4), datetime(2026, 3, 2, 15, 0, 0, 0));
        // Exactly the end of the morning stays at 11:30.
        assert_eq!(
            h(datetime(2026, 3, 2, 7, 30, 0, 0), 4),
            datetime(2026, 3, 2, 11, 30, 0, 0)
        );
        // 8 h from 09:00 Friday 13/2: 6 h on Friday, then Tết, then 2 h on Monday 23/2.
        assert_eq!(h(at9(2026, 2, 13), 8), datetime(2026, 2, 23, 9, 30, 0, 0));
        // Received at lunch, before the cut-off: counting starts at 13:30.
        assert_eq!(
            h(datetime(2026, 3, 2, 12, 0, 0, 0), 1),
            datetime(2026, 3, 2, 14, 30, 0, 0)
        );
        // Received after the cut-off: counting starts at next day's opening.
        assert_eq!(
            h(datetime(2026, 3, 2, 16, 0, 0, 0), 1),
            datetime(2026, 3, 3, 8, 30, 0, 0)
        );
        // Zero hours: the start of counting.
        assert_eq!(
            h(datetime(2026, 3, 2, 6, 0, 0, 0), 0),
            datetime(2026, 3, 2, 7, 30, 0, 0)
        );
        // 24 h = 3.2 office days.
        assert_eq!(
            h(datetime(2026, 3, 2, 7, 30, 0, 0), 24),
            datetime(2026, 3, 5, 9, 0, 0, 0)
        );
    }

    #[test]
    fn calendar_days_and_months() {
        let r = DeadlineRules::default();
        let d = |received, limit| due_date(cal(), received, limit, &r);
        // 10 days from Thursday 12/2/2026 end Sunday 22/2 (in Tết) → Monday 23/2.
        assert_eq!(
            d(at9(2026, 2, 12), TimeLimit::calendar_days(10)),
            date(2026, 2, 23)
        );
        // 5 days from Monday 2/3 end Saturday 7/3 → Monday 9/3.
        assert_eq!(
            d(at9(2026, 3, 2), TimeLimit::calendar_days(5)),
            date(2026, 3, 9)
        );
        assert_eq!(
            d(at9(2026, 3, 3), TimeLimit::calendar_days(2)),
            date(2026, 3, 5)
        );
        // One month from 31 March ends 30 April (holiday) → 1 May (holiday) → 2–3 May are the
        // weekend → Monday 4 May.
        assert_eq!(d(at9(2026, 3, 31), TimeLimit::months(1)), date(2026, 5, 4));
        // One month from 30 January 2026 ends 28 February (Saturday) → Monday 2 March.
        assert_eq!(d(at9(2026, 1, 30), TimeLimit::months(1)), date(2026, 3, 2));
        // Three months from 15 June ends 15 September (Tuesday).
        assert_eq!(d(at9(2026, 6, 15), TimeLimit::months(3)), date(2026, 9, 15));
        // Received on Saturday 7/3: the event day is Monday 9/3; 1 month → 9/4.
        assert_eq!(d(at9(2026, 3, 7), TimeLimit::months(1)), date(2026, 4, 9));
    }

    #[test]
    fn rules_validation_and_tolerance() {
        assert!(DeadlineRules::default().validate().is_ok());
        let empty = DeadlineRules {
            cutoff: time(15, 0, 0, 0),
            office_hours: vec![],
        };
        assert_eq!(empty.validate().unwrap_err().code, "office-hours-empty");
        assert_eq!(empty.intervals(), default_office_hours());
        let bad = DeadlineRules {
            cutoff: time(15, 0, 0, 0),
            office_hours: vec![
                (time(13, 0, 0, 0), time(17, 0, 0, 0)),
                (time(8, 0, 0, 0), time(14, 0, 0, 0)),
            ],
        };
        assert_eq!(bad.validate().unwrap_err().code, "office-hours-invalid");
        assert_eq!(bad.intervals(), vec![(time(8, 0, 0, 0), time(17, 0, 0, 0))]);
        assert_eq!(bad.closing_time(), time(17, 0, 0, 0));
    }

    #[test]
    fn units_and_display() {
        for u in LimitUnit::ALL {
            assert_eq!(LimitUnit::parse(u.as_str()), Ok(u));
        }
        assert!(LimitUnit::parse("weeks").is_err());
        assert_eq!(TimeLimit::working_days(5).to_string(), "05 ngày làm việc");
        for same_day in [
            TimeLimit::working_days(0),
            TimeLimit::working_hours(0),
            TimeLimit::calendar_days(0),
        ] {
            assert_eq!(same_day.to_string(), "Trong ngày");
        }
        assert_eq!(TimeLimit::months(12).to_string(), "12 tháng");
    }

    #[test]
    fn far_future_does_not_hang() {
        let r = DeadlineRules::default();
        let end = datetime(9999, 12, 30, 9, 0, 0, 0);
        let got = due(cal(), end, TimeLimit::working_days(30), &r);
        assert_eq!(got.date(), Date::MAX);
        let got = due(cal(), end, TimeLimit::months(5), &r);
        assert_eq!(got.date(), Date::MAX);
        let got = due(cal(), end, TimeLimit::working_hours(100), &r);
        assert_eq!(got.date(), Date::MAX);
    }

    #[test]
    fn twenty_thousand_deadlines() {
        // The CLI computes 20,000 deadlines; this must stay fast (well under a second in a
        // release build; the assertion is loose for debug builds on busy machines).
        let r = DeadlineRules::default();
        let c = cal();
        let start = std::time::Instant::now();
        let base = date(2020, 1, 1);
        let mut acc = 0i64;
        for i in 0..20_000i64 {
            let day = base.saturating_add(jiff::Span::new().days(i % 3650));
            let received = day.to_datetime(time((7 + i % 11) as i8, 0, 0, 0));
            let got = due_date(c, received, TimeLimit::working_days((i % 45) as u32), &r);
            acc += i64::from(got.day());
        }
        assert!(acc > 0);
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }

    fn received_strategy() -> impl Strategy<Value = DateTime> {
        (0i64..4_383, 0i8..24, 0i8..60).prop_map(|(days, h, m)| {
            date(2019, 1, 1)
                .saturating_add(jiff::Span::new().days(days))
                .to_datetime(time(h, m, 0, 0))
        })
    }

    proptest! {
        #[test]
        fn due_is_a_working_day(received in received_strategy(), n in 0u32..80) {
            prop_assert!(cal().is_working_day(wd(received, n)));
        }

        #[test]
        fn due_is_monotonic_in_n(received in received_strategy(), n in 0u32..80, k in 1u32..20) {
            prop_assert!(wd(received, n) < wd(received, n + k));
        }

        #[test]
        fn due_is_after_the_effective_receipt_day(received in received_strategy(), n in 1u32..80) {
            let eff = effective_receipt_day(cal(), received, &DeadlineRules::default());
            prop_assert!(cal().is_working_day(eff));
            prop_assert!(eff >= received.date());
            prop_assert!(wd(received, n) > eff);
            prop_assert_eq!(wd(received, 0), eff);
        }

        #[test]
        fn splitting_n_agrees(received in received_strategy(), a in 0u32..40, b in 0u32..40) {
            let whole = wd(received, a + b);
            let stepped = cal().add_working_days(wd(received, a), b);
            prop_assert_eq!(whole, stepped);
        }

        #[test]
        fn working_hours_land_in_office_hours(received in received_strategy(), n in 0u32..60) {
            let r = DeadlineRules::default();
            let got = due(cal(), received, TimeLimit::working_hours(n), &r);
            prop_assert!(cal().is_working_day(got.date()));
            let t = got.time();
            prop_assert!(r.intervals().iter().any(|&(s, e)| s <= t && t <= e));
            let more = due(cal(), received, TimeLimit::working_hours(n + 1), &r);
            prop_assert!(more > got);
        }

        #[test]
        fn calendar_day_limits_end_on_working_days_not_early(
            received in received_strategy(),
            n in 0u32..400,
        ) {
            let r = DeadlineRules::default();
            let eff = effective_receipt_day(cal(), received, &r);
            let got = due_date(cal(), received, TimeLimit::calendar_days(n), &r);
            prop_assert!(cal().is_working_day(got));
            prop_assert!(got >= eff.saturating_add(jiff::Span::new().days(i64::from(n))));
        }
    }
}
