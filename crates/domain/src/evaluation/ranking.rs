//! The annual ranking (reference §1.1 "Levels", "Quota", "Periods"; §1.2 special cases; §1.3 for
//! years up to 2025; §8.2 rules 1–3).
//!
//! - [`rank_annual`]: one officer. Under a scored rule set (335): the average of the period
//!   scores weighted by the months each covers (monthly and quarterly scores may mix, e.g. after
//!   a transfer; the months scored are the time worked); fewer than `min_months` → not ranked;
//!   `bands.level(average)`; any [`Override`] forces `not_completed`. Under the qualitative rule
//!   set (90/2020): the head's proposed level, capped by the 2020 rules.
//! - [`apply_quota`]: the excellent quota of one unit × task group. Those over the cap, lowest
//!   scores first, move down to `good` with the reason `quota_exceeded`; the outcome also gives
//!   the cap under the other reading of the denominator, for the warning the reference asks for.
//! - [`cap_to_unit`]: a head's level is never above the unit's.
//!
//! Ambiguities resolved: quota ties at the cut are broken by officer id (deterministic) and
//! flagged (`tie_at_cut`); a qualitative proposal without a score sorts after scored ones.
//!
//! Errors (code, field): `period-outside-year` (`scores`), `period-overlap` (`scores`),
//! `points-above-scale` (`scores`), `rule-set-mismatch` (`qualitative`): scores given to a
//! qualitative rule set or a proposal to a scored one.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{QuotaBase, QuotaRules, RankingBasis, RuleSet};
use super::units::{Level, Period, Points};
use crate::DomainError;

/// An approved period score counted in the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodScore {
    pub period: Period,
    pub total: Points,
}

/// Why a ranking is forced to `not_completed` whatever the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OverrideKind {
    /// A conclusion of ideological or moral degradation.
    Degradation,
    /// A reprimand-or-heavier sanction in the year for a duty-related violation
    /// (see [`super::discipline::DisciplineCase::ranking_override`]).
    Sanction,
    /// Leaders: corruption or waste in a unit they directly manage.
    LeaderCorruption,
}

impl OverrideKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Degradation => "degradation",
            Self::Sanction => "sanction",
            Self::LeaderCorruption => "leader_corruption",
        }
    }
}

/// An override with the reference of its source (decision number, conclusion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub kind: OverrideKind,
    pub reference: String,
}

/// 90/2020 (years up to 2025): the head's qualitative proposal and the facts that cap it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualitativeInput {
    pub proposed: Level,
    pub months_worked: u8,
    /// Months absent in the year.
    pub absent_months: u8,
    /// The absence was maternity leave (no cap).
    pub maternity_leave: bool,
    /// Number of task criteria and how many missed their targets (> 50 % missed → KHT).
    pub task_criteria: u16,
    pub task_criteria_missed: u16,
    /// Staff excellent: 100 % of tasks done and at least 50 % over-fulfilled.
    pub excellent_conditions_met: bool,
}

/// Input of [`rank_annual`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualInput {
    pub officer: Uuid,
    pub year: i16,
    /// Approved period scores (scored rule sets), including those from a previous unit.
    pub scores: Vec<PeriodScore>,
    pub overrides: Vec<Override>,
    /// `Some` under a qualitative rule set.
    pub qualitative: Option<QualitativeInput>,
}

/// Why a level was lowered. Codes as in `as_str`; `Override(kind)` serialises as
/// `{"override": "<kind>"}` and its `as_str` is the kind's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustReason {
    Override(OverrideKind),
    /// Over the excellent quota of the group.
    QuotaExceeded,
    /// A head above the unit's level.
    AboveUnitLevel,
    /// 90/2020: absent 3 months or more.
    AbsentMonths,
    /// 90/2020: more than half the task criteria missed.
    TaskCriteriaMissed,
    /// 90/2020: excellent without its conditions.
    ExcellentConditions,
}

impl AdjustReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Override(k) => k.as_str(),
            Self::QuotaExceeded => "quota_exceeded",
            Self::AboveUnitLevel => "above_unit_level",
            Self::AbsentMonths => "absent_months",
            Self::TaskCriteriaMissed => "task_criteria_missed",
            Self::ExcellentConditions => "excellent_conditions",
        }
    }
}

/// One lowering of a level, with its reason (listed to the officer and in the minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub from: Level,
    pub to: Level,
    pub reason: AdjustReason,
}

/// Why there is no level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotRanked {
    /// Fewer months worked than the rule set's minimum.
    TooFewMonths,
}

/// The annual ranking of one officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnualRanking {
    pub officer: Uuid,
    pub year: i16,
    pub rule_set: String,
    pub months_counted: u8,
    /// Weighted average of the period scores (scored rule sets).
    pub average: Option<Points>,
    /// The level before any adjustment (band of the average, or the proposal).
    pub suggested: Option<Level>,
    pub overrides: Vec<Override>,
    pub adjustments: Vec<Adjustment>,
    /// The level after every adjustment; `None` when not ranked.
    pub level: Option<Level>,
    pub not_ranked: Option<NotRanked>,
}

impl AnnualRanking {
    fn lower(&mut self, to: Level, reason: AdjustReason) {
        if let Some(from) = self.level
            && to < from
        {
            self.adjustments.push(Adjustment { from, to, reason });
            self.level = Some(to);
        }
    }
}

fn months_and_average(input: &AnnualInput) -> Result<(u8, Option<Points>), DomainError> {
    let mut mask = 0u16;
    let (mut months, mut weighted) = (0i64, 0i64);
    for s in &input.scores {
        if s.period.calendar_year() != input.year || matches!(s.period, Period::Year { .. }) {
            return Err(DomainError::field("period-outside-year", "scores"));
        }
        if mask & s.period.month_mask() != 0 {
            return Err(DomainError::field("period-overlap", "scores"));
        }
        if s.total < Points::ZERO || s.total > Points::whole(100) {
            return Err(DomainError::field("points-above-scale", "scores"));
        }
        mask |= s.period.month_mask();
        months += i64::from(s.period.months());
        weighted += s.total.0 * i64::from(s.period.months());
    }
    let avg = (months > 0).then(|| Points(weighted / months));
    Ok((u8::try_from(months).unwrap_or(12), avg))
}

/// Ranks one officer for `input.year` under `rules`. See the module header.
pub fn rank_annual(input: &AnnualInput, rules: &RuleSet) -> Result<AnnualRanking, DomainError> {
    let mismatch = DomainError::field("rule-set-mismatch", "qualitative");
    let mut r = AnnualRanking {
        officer: input.officer,
        year: input.year,
        rule_set: rules.code.clone(),
        months_counted: 0,
        average: None,
        suggested: None,
        overrides: input.overrides.clone(),
        adjustments: Vec::new(),
        level: None,
        not_ranked: None,
    };
    match (rules.ranking, &input.qualitative) {
        (RankingBasis::Scored, None) => {
            let (months, avg) = months_and_average(input)?;
            r.months_counted = months;
            r.average = avg;
            if months < rules.min_months {
                r.not_ranked = Some(NotRanked::TooFewMonths);
                return Ok(r);
            }
            r.suggested = avg.map(|a| rules.bands.level(a));
        }
        (RankingBasis::Qualitative, Some(q)) if input.scores.is_empty() => {
            r.months_counted = q.months_worked.min(12);
            if q.months_worked < rules.min_months {
                r.not_ranked = Some(NotRanked::TooFewMonths);
                return Ok(r);
            }
            r.suggested = Some(q.proposed);
        }
        _ => return Err(mismatch),
    }
    r.level = r.suggested;
    if let Some(q) = &input.qualitative {
        if q.proposed == Level::Excellent && !q.excellent_conditions_met {
            r.lower(Level::Good, AdjustReason::ExcellentConditions);
        }
        if q.absent_months >= rules.absent_months_cap && !q.maternity_leave {
            r.lower(Level::Completed, AdjustReason::AbsentMonths);
        }
        if u32::from(q.task_criteria_missed) * 2 > u32::from(q.task_criteria) {
            r.lower(Level::NotCompleted, AdjustReason::TaskCriteriaMissed);
        }
    }
    for o in &input.overrides {
        r.lower(Level::NotCompleted, AdjustReason::Override(o.kind));
    }
    Ok(r)
}

/// An officer moved down by the quota.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MovedDown {
    pub officer: Uuid,
    pub score: Option<Points>,
    pub reason: AdjustReason,
}

/// What [`apply_quota`] did to a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaOutcome {
    /// The reading of the denominator applied.
    pub base: QuotaBase,
    pub base_count: u32,
    pub cap: u32,
    /// The cap under the other reading (shown as a warning: the rule is unresolved).
    pub other_reading_cap: u32,
    /// Officers kept at excellent, best first.
    pub kept: Vec<Uuid>,
    /// Officers moved down to good, best first, each with the reason.
    pub moved_down: Vec<MovedDown>,
    /// The last kept and the first moved down have the same score.
    pub tie_at_cut: bool,
}

/// Applies the excellent quota to one unit × task group (rankings after overrides). Members
/// not ranked are ignored. Changes `group` in place: those over the cap become `good` with an
/// [`Adjustment`] `quota_exceeded`.
pub fn apply_quota(
    group: &mut [AnnualRanking],
    rules: &QuotaRules,
    outstanding_unit: bool,
) -> QuotaOutcome {
    let count = |l: Level| {
        u32::try_from(group.iter().filter(|r| r.level == Some(l)).count()).unwrap_or(u32::MAX)
    };
    let (good, excellent) = (count(Level::Good), count(Level::Excellent));
    let base_of = |b: QuotaBase| match b {
        QuotaBase::GoodOnly => good,
        QuotaBase::GoodAndExcellent => good + excellent,
    };
    let base_count = base_of(rules.base);
    let cap = rules.cap(base_count, outstanding_unit);
    let other_reading_cap = rules.cap(base_of(rules.base.other()), outstanding_unit);
    let mut order: Vec<usize> = (0..group.len())
        .filter(|&i| group[i].level == Some(Level::Excellent))
        .collect();
    // Best first: higher average, scored before unscored, then officer id.
    order.sort_by(|&i, &j| {
        let (a, b) = (&group[i], &group[j]);
        b.average
            .cmp(&a.average)
            .then_with(|| a.officer.cmp(&b.officer))
    });
    let cut = usize::try_from(cap).unwrap_or(usize::MAX).min(order.len());
    let tie_at_cut =
        cut > 0 && cut < order.len() && group[order[cut - 1]].average == group[order[cut]].average;
    let kept = order[..cut].iter().map(|&i| group[i].officer).collect();
    let moved_down = order[cut..]
        .iter()
        .map(|&i| {
            let r = &mut group[i];
            r.lower(Level::Good, AdjustReason::QuotaExceeded);
            MovedDown {
                officer: r.officer,
                score: r.average,
                reason: AdjustReason::QuotaExceeded,
            }
        })
        .collect();
    QuotaOutcome {
        base: rules.base,
        base_count,
        cap,
        other_reading_cap,
        kept,
        moved_down,
        tie_at_cut,
    }
}

/// A head's level is never above the unit's: lowers `head` to `unit_level` with the reason
/// `above_unit_level`. Returns whether it changed.
pub fn cap_to_unit(head: &mut AnnualRanking, unit_level: Level) -> bool {
    let before = head.level;
    head.lower(unit_level, AdjustReason::AboveUnitLevel);
    before != head.level
}
