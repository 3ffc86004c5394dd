//! Time in Vietnam, in one place. congbo stores instants as microseconds since the Unix epoch
//! (UTC) and shows, groups and counts days in Vietnam's civil time: UTC+7 all year, with no
//! daylight saving. Every conversion between the two goes through this module.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

use crate::error::DomainError;

/// Vietnam's offset from UTC, in hours (Asia/Ho_Chi_Minh; no daylight saving).
pub const VN_OFFSET_HOURS: i8 = 7;

/// Microseconds in a day.
pub const DAY_MICROS: i64 = 24 * 3600 * 1_000_000;

/// Vietnam's time zone (a fixed UTC+7 offset).
pub fn vn() -> TimeZone {
    TimeZone::fixed(Offset::constant(VN_OFFSET_HOURS))
}

/// An instant (micros UTC) as Vietnam local date and time. Out-of-range instants read as the
/// epoch.
pub fn local(micros: i64) -> DateTime {
    Timestamp::from_microsecond(micros)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(vn())
        .datetime()
}

/// A Vietnam local date and time as an instant (micros UTC).
pub fn micros(local: DateTime) -> i64 {
    local
        .to_zoned(vn())
        .map(|z| z.timestamp().as_microsecond())
        .unwrap_or(0)
}

/// The Vietnam calendar date of an instant (micros UTC): "today" when given now.
pub fn local_date(micros: i64) -> Date {
    local(micros).date()
}

/// The Vietnam calendar date of a timestamp. Days roll over at 00:00 in Vietnam, not UTC.
pub fn date_of(at: Timestamp) -> Date {
    at.to_zoned(vn()).date()
}

/// The instant (micros UTC) at which a Vietnam calendar day starts.
pub fn day_start(date: Date) -> i64 {
    micros(date.to_datetime(Time::midnight()))
}

/// The half-open range of instants `[start, end)` covering the Vietnam days `from..=to`.
pub fn days_range(from: Date, to: Date) -> (i64, i64) {
    let end = to.checked_add(1.day()).map_or(i64::MAX, day_start);
    (day_start(from), end)
}

/// A span of Vietnam local days, both ends included: the period a figure or a list covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub from: Date,
    pub to: Date,
}

impl Days {
    /// The half-open range of instants covering these days (see [`days_range`]).
    pub fn range(&self) -> (i64, i64) {
        days_range(self.from, self.to)
    }
}

/// A day as typed (`YYYY-MM-DD`); blank or absent is `None`. Error: `invalid-date` on `field`.
pub fn parse_day(v: Option<&str>, field: &'static str) -> Result<Option<Date>, DomainError> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            Date::strptime("%Y-%m-%d", v).map_err(|_| DomainError::field("invalid-date", field))
        })
        .transpose()
}

/// A date as `dd/mm/yyyy`, the way Vietnamese pages and forms print it.
pub fn dmy(date: Date) -> String {
    date.strftime("%d/%m/%Y").to_string()
}

/// A `YYYY-MM-DD` text as `dd/mm/yyyy` (returned unchanged if it is not a date).
pub fn dmy_text(d: &str) -> String {
    d.parse::<Date>().map(dmy).unwrap_or_else(|_| d.to_string())
}

/// A local date and time as `YYYY-MM-DDTHH:MM:SS` (no offset), the API's local format.
pub fn iso(local: DateTime) -> String {
    local.strftime("%Y-%m-%dT%H:%M:%S").to_string()
}

/// An instant (micros UTC) as Vietnam local `YYYY-MM-DDTHH:MM:SS`.
pub fn iso_local(micros: i64) -> String {
    iso(local(micros))
}

/// An instant as Vietnam local `dd/mm/yyyy HH:MM`.
pub fn dmy_hm(micros: i64) -> String {
    local(micros).strftime("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(s: &str) -> i64 {
        s.parse::<Timestamp>().unwrap().as_microsecond()
    }

    #[test]
    fn vietnam_days_roll_over_at_local_midnight() {
        assert_eq!(local_date(ts("2026-02-22T16:59:59Z")), date(2026, 2, 22));
        assert_eq!(local_date(ts("2026-02-22T17:00:00Z")), date(2026, 2, 23));
        assert_eq!(
            date_of("2026-02-23T16:59:59Z".parse().unwrap()),
            date(2026, 2, 23)
        );
    }

    #[test]
    fn local_and_micros_round_trip() {
        let t = date(2026, 9, 2).at(8, 30, 0, 0);
        assert_eq!(local(micros(t)), t);
        assert_eq!(day_start(date(2026, 2, 23)), ts("2026-02-22T17:00:00Z"));
        let (a, b) = days_range(date(2026, 1, 1), date(2026, 1, 31));
        assert_eq!(b - a, 31 * DAY_MICROS);
    }

    #[test]
    fn dates_print_day_first() {
        assert_eq!(dmy(date(2026, 3, 5)), "05/03/2026");
        assert_eq!(dmy_text("2026-03-05"), "05/03/2026");
        assert_eq!(dmy_text("hôm nay"), "hôm nay");
        assert_eq!(dmy_hm(ts("2026-03-05T01:07:00Z")), "05/03/2026 08:07");
        assert_eq!(iso_local(ts("2026-03-05T01:07:09Z")), "2026-03-05T08:07:09");
    }
}
