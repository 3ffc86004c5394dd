//! On-time classification by the national rule (reference §1 "Computation: is_on_time" and
//! §3.2 indicator 2.1) and the "due soon" flag.

use jiff::civil::{Date, DateTime};

use crate::calendar::WorkCalendar;

/// How a dossier ended against its appointment date, stored when processing ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnTime {
    /// Trước hạn: closed before the (extended) appointment date.
    Early,
    /// Đúng hạn: closed on the (extended) appointment date.
    OnTime,
    /// Quá hạn / trễ hạn: closed after it, or more than one supplement request.
    Late,
}

impl OnTime {
    /// Stable identifier (`early`, `on-time`, `late`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Early => "early",
            Self::OnTime => "on-time",
            Self::Late => "late",
        }
    }

    /// Not late.
    pub fn is_in_time(self) -> bool {
        self != Self::Late
    }
}

/// The appointment date `due` pushed back by the supplement waits.
///
/// Rule: the citizen's supplement time is excluded by moving the due date forward by the
/// number of **working days** each wait covered. A wait from `start` to `end` covers the
/// working days strictly after `start`'s date up to and including `end`'s date — the same
/// counting as for the limit itself (the day of the triggering event does not count, Civil
/// Code Art. 147): a request answered the same day costs nothing, a request on Tuesday answered
/// on Wednesday moves the due date by one working day. Waits are first clipped to
/// `[received, until]`, so a wait before receipt (the clock had not started) or after the end
/// is ignored, and a wait still open at `until` counts up to `until`.
pub fn effective_due(
    received: DateTime,
    due: Date,
    until: DateTime,
    supplement_pauses: &[(DateTime, DateTime)],
    calendar: &WorkCalendar,
) -> Date {
    let paused: u32 = supplement_pauses
        .iter()
        .map(|&(start, end)| {
            let start = start.max(received);
            let end = end.min(until);
            working_days_between(start.date(), end.date(), calendar)
        })
        .sum();
    calendar.add_working_days(due, paused)
}

/// Working days `d` with `from < d <= to` (0 when `to <= from`).
fn working_days_between(from: Date, to: Date, calendar: &WorkCalendar) -> u32 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d = calendar.next_working_day(d);
        if d <= to {
            n += 1;
        }
    }
    n
}

/// The on-time status of a dossier received at `received`, promised for `due` and closed
/// (processing finished, or refused / stopped / withdrawn) at `closed_at`.
///
/// - More than one supplement request (`supplement_requests > 1`) is [`OnTime::Late`]
///   whatever the dates ("guide once"; the national 766 computation).
/// - Otherwise the due date is extended by the supplement waits ([`effective_due`]) and the
///   closing date compared with it: before → [`OnTime::Early`], the same day →
///   [`OnTime::OnTime`], after → [`OnTime::Late`]. Comparison is by (local) date: a day limit
///   runs to the end of its last day.
pub fn on_time_status(
    received: DateTime,
    due: Date,
    closed_at: DateTime,
    supplement_pauses: &[(DateTime, DateTime)],
    supplement_requests: u32,
    calendar: &WorkCalendar,
) -> OnTime {
    if supplement_requests > 1 {
        return OnTime::Late;
    }
    let due = effective_due(received, due, closed_at, supplement_pauses, calendar);
    by_date(closed_at.date(), due)
}

pub(crate) fn by_date(closed: Date, due: Date) -> OnTime {
    match closed.cmp(&due) {
        std::cmp::Ordering::Less => OnTime::Early,
        std::cmp::Ordering::Equal => OnTime::OnTime,
        std::cmp::Ordering::Greater => OnTime::Late,
    }
}

/// Overlay flag of an open dossier (not a state): `SAP_QUA_HAN` / `QUA_HAN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineFlag {
    /// Closed, or the due date is further than the warning window.
    None,
    /// Sắp quá hạn: due within `warn_working_days` working days — time to issue Form 04.
    DueSoon,
    /// Quá hạn: the due date has passed and the dossier is not closed.
    Overdue,
}

/// The flag of a dossier due on `due` (already extended by supplement waits, see
/// [`effective_due`]) at `now_local`. `warn_working_days` is configurable (default 1 in
/// [`super::DossierRules`]): with 1, a dossier due today or on the next working day is flagged.
pub fn deadline_flag(
    due: Date,
    now_local: DateTime,
    closed: bool,
    warn_working_days: u32,
    calendar: &WorkCalendar,
) -> DeadlineFlag {
    let today = now_local.date();
    if closed {
        DeadlineFlag::None
    } else if today > due {
        DeadlineFlag::Overdue
    } else if calendar.add_working_days(today, warn_working_days) >= due {
        DeadlineFlag::DueSoon
    } else {
        DeadlineFlag::None
    }
}
