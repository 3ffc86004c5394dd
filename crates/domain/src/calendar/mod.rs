//! Calendar: the Vietnamese lunisolar calendar (âm lịch), public holidays and working days,
//! and legal deadlines counted in working days, office hours, calendar days or months.
//!
//! - [`lunar`]: solar ↔ lunar conversion from Meeus's astronomical formulas (UTC+7 for
//!   Vietnam, any offset for comparison), Tết, leap months.
//! - [`statutory`]: holidays derived from the Labour Code for years without an announced
//!   schedule.
//! - [`work`]: [`WorkCalendar`], the data-driven working calendar (announced rows + statutory
//!   rules + weekends).
//! - [`data`]: the shipped 2020–2027 schedules (`announced_vn.txt`) and their text format.
//! - [`deadline`]: due dates and times of a dossier from its receipt.
//!
//! Everything here is pure: no clock, no IO. Callers pass local (UTC+7) dates and times.

pub mod data;
pub mod deadline;
pub mod edit;
pub mod lunar;
pub mod statutory;
pub mod work;

pub use data::{ParseAnnouncedError, builtin_announced, format_announced, parse_announced};
pub use deadline::{DeadlineRules, LimitUnit, TimeLimit, due, due_date, effective_receipt_day};
pub use edit::{parse_announced_day, parse_date};
pub use lunar::{
    CN_TZ_HOURS, LunarDate, VN_TZ_HOURS, leap_month, lunar_to_solar, month_length, solar_to_lunar,
    tet, year_name_vi,
};
pub use statutory::{national_day_second, statutory_days};
pub use work::{AnnouncedDay, DayKind, Reason, WorkCalendar};
