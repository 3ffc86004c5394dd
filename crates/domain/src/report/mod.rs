//! Building blocks of reports and dashboards (issue 13): reporting periods, duration
//! histograms for waits and service times, and shares with their sample size. Pure: callers
//! pass "today" and the counts in.
//!
//! Error codes (each has `err-<code>` in the locale files):
//! - `period-kind` (`kind`): not one of month, quarter, half, year, custom;
//! - `period-format` (`period`, `from` or `to`): a value that does not read as the kind's
//!   form ("2026-03", "2026-Q1", "2026-H1", "2026", or `yyyy-mm-dd` for custom bounds);
//! - `period-inverted` (`to`): a custom period ending before it starts;
//! - `period-too-long` (`to`): a custom period over [`period::CUSTOM_MAX_DAYS`] days;
//! - `period-future` (`period`): a period that starts after today.

pub mod histogram;
pub mod period;
pub mod periodic;
pub mod rollup;
pub mod shares;

pub use histogram::{BOUNDS, BUCKETS, Histogram, bucket_of};
pub use period::{Cutoff, Period, PeriodKind};
pub use shares::{SMALL_SAMPLE, Share, is_small_sample, pct, per_thousand, round2};
