//! Decision 766/QĐ-TTg (23/6/2022): the real-time service-quality index (Bộ chỉ số 766),
//! reference `domain-vn.md` §3.
//!
//! - [`rules`]: the [`Indicator`]s and their [`Group`]s, and [`Rules766`], one version of the
//!   weights, full-points thresholds and [`Band`]s as data with an effective date
//!   ([`Rules766::select`] picks the version in force on a date).
//! - [`score`](mod@score): the raw counts congbo knows ([`Inputs`]), and [`score()`], which
//!   turns them into a [`Scorecard`]: every indicator with its numerator, denominator, rate
//!   and points, or [`NoData`] (never a zero) where congbo lacks the facts or the period has
//!   nothing to count; the total and maximum over the computed indicators, and the band.
//!
//! Arithmetic: a rate is `numerator ÷ denominator` in percent rounded to 2 decimals; points
//! are `min(max, rate ÷ full_at × max)` from the rounded rate, rounded to 2 decimals. A unit
//! above is scored from the sum of its subtree's raw counts ([`Inputs::aggregate`]).
//!
//! Computed today: 2.1 (on time), 5.2 (feedback on time), 5.3 (feedback satisfaction),
//! 5.4 (satisfaction in handling). Not collected: groups 1, 3 and 4.
//!
//! Refusals (codes, field in brackets):
//! - `index766-no-rules`: no version of the rules is in force on the date asked.
//! - `index766-count-exceeds` (`closed_complained_or_disliked` / `on_time` / `satisfied`):
//!   a part is larger than its whole.
//! - `index766-rules-duplicate`, `index766-rules-points`, `index766-rules-threshold`,
//!   `index766-rules-bands` (`groups` / `indicators` / `bands`): a version of the rules is
//!   inconsistent ([`Rules766::validate`]).
//!
//! Pure: no IO, no clock. Labels (group, indicator, band, formula) are keys for the locale
//! files, never text.

pub mod rules;
pub mod score;

#[cfg(test)]
mod tests;

pub use rules::{Band, BandRule, Group, GroupRule, Indicator, IndicatorRule, Rules766};
pub use score::{
    DossierCounts, FeedbackCounts, GroupResult, IndicatorResult, Inputs, NoData, Scorecard, Status,
    Timeliness, handling_satisfaction_pct, percent, score,
};
