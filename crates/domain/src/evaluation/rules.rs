//! Versioned, effective-dated evaluation rule sets (reference `officer-evaluation.md` §0, §8.1).
//!
//! Two rule sets ship: [`RuleSet::nd_335_2025`] (scored out of 100, from 2026-01-01) and
//! [`RuleSet::nd_90_2020`] (qualitative annual ranking, for years up to 2025). [`rule_set_for`]
//! picks the one in force on a date: a monthly or quarterly score uses the first day of its
//! period, an annual ranking the 1 January of its year (335 applies to the whole of 2026).
//!
//! Every value the reference marks [C] is a field with the stated default, so an office can
//! change it: the split of the 30 general points over criteria (a)–(c) (default 10/10/10, the
//! reference gives no split), the quota denominator and rounding, the 25 % quota of an
//! outstanding unit, the 6-month minimum for *công chức*, the reminder days.
//!
//! Errors: `no-rule-set` (no rule set in force on the date), `rule-set-invalid` (field named:
//! `general_criteria`, `bands`, `quota`, `deduction_per_failure_pct`, `min_months`).

use jiff::ToSpan;
use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

use super::units::{Level, Points};
use crate::DomainError;

/// How a year is ranked under the rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankingBasis {
    /// Decree 335/2025: average of the monthly/quarterly scores, banded.
    Scored,
    /// Decree 90/2020 + 48/2023: the level is proposed by the head on qualitative criteria.
    Qualitative,
}

impl RankingBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scored => "scored",
            Self::Qualitative => "qualitative",
        }
    }
}

/// Lower bounds of the levels: `score >= excellent` → excellent, and so on; below `completed`
/// → not completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bands {
    pub excellent: Points,
    pub good: Points,
    pub completed: Points,
}

impl Bands {
    /// The level a score reaches (reference §8.2 rule 1, before any override).
    pub fn level(&self, score: Points) -> Level {
        if score >= self.excellent {
            Level::Excellent
        } else if score >= self.good {
            Level::Good
        } else if score >= self.completed {
            Level::Completed
        } else {
            Level::NotCompleted
        }
    }
}

/// A general criterion (*tiêu chí chung*) and its maximum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionMax {
    /// Stable code, e.g. `ethics_discipline`.
    pub code: String,
    pub max: Points,
}

/// What the excellent quota is a share of (reference §8.2 rule 3, open question 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuotaBase {
    /// Only those ranked good, not counting the excellent candidates (default; E4 → 1 of 5).
    GoodOnly,
    /// Those ranked good plus the excellent candidates (E4 alternative → 2 of 10).
    GoodAndExcellent,
}

impl QuotaBase {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GoodOnly => "good_only",
            Self::GoodAndExcellent => "good_and_excellent",
        }
    }
    /// The other reading (shown beside the applied one as a warning).
    pub fn other(self) -> Self {
        match self {
            Self::GoodOnly => Self::GoodAndExcellent,
            Self::GoodAndExcellent => Self::GoodOnly,
        }
    }
}

/// Rounding of a quota (share × count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// Round down (default: the reference's §8.2 rule 3).
    Floor,
    /// Round half up.
    Nearest,
}

/// `pct` % of `count`, rounded as asked.
pub fn share_of(count: u32, pct: u8, rounding: Rounding) -> u32 {
    let n = u64::from(count) * u64::from(pct);
    let v = match rounding {
        Rounding::Floor => n / 100,
        Rounding::Nearest => (n + 50) / 100,
    };
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// The excellent quota of a unit × task group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaRules {
    /// Default 20 (% of the base).
    pub pct: u8,
    /// A unit recognised as outstanding: default 25 [A for 233; C for 335].
    pub outstanding_unit_pct: u8,
    pub base: QuotaBase,
    pub rounding: Rounding,
}

impl QuotaRules {
    /// The cap for a base count under `base`.
    pub fn cap(&self, base_count: u32, outstanding_unit: bool) -> u32 {
        let pct = if outstanding_unit {
            self.outstanding_unit_pct
        } else {
            self.pct
        };
        share_of(base_count, pct, self.rounding)
    }
}

/// A day of the year (a deadline such as "before 15 December").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthDay {
    pub month: i8,
    pub day: i8,
}

/// One evaluation rule set, in force from `effective_from` until the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSet {
    /// Stable code, e.g. `nd-335-2025`.
    pub code: String,
    /// The legal basis as written on documents (a document number, not a label).
    pub basis: String,
    pub effective_from: Date,
    pub ranking: RankingBasis,
    /// Maximum of the general criteria (30).
    pub general_max: Points,
    /// Maximum of the task results (70).
    pub task_max: Points,
    /// The general criteria and their maxima; they add up to `general_max`. Default 10/10/10 [C].
    pub general_criteria: Vec<CriterionMax>,
    /// Share of an item's quality or progress points lost per failure or delay (25).
    pub deduction_per_failure_pct: u8,
    pub bands: Bands,
    pub quota: QuotaRules,
    /// Fewer months worked in the year → not ranked (6).
    pub min_months: u8,
    /// 90/2020 only: absent this many months or more (maternity leave excepted) → at most
    /// "completed" (3).
    pub absent_months_cap: u8,
    /// Rank before this day of the year (15 December).
    pub rank_before: MonthDay,
    /// Bodies with special cycles: before this day of the next year (15 January).
    pub special_rank_before: MonthDay,
    /// Reminders this many days before a period closes or a ranking is due [C] (14, 7, 2).
    pub reminder_days_before: Vec<u16>,
}

fn criteria_10_10_10() -> Vec<CriterionMax> {
    [
        "ethics_discipline",
        "competence_service_attitude",
        "innovation",
    ]
    .into_iter()
    .map(|code| CriterionMax {
        code: code.into(),
        max: Points::whole(10),
    })
    .collect()
}

impl RuleSet {
    /// Decree 335/2025/NĐ-CP, in force 2026-01-01 (reference §1.1, §8.1 seed values).
    pub fn nd_335_2025() -> Self {
        Self {
            code: "nd-335-2025".into(),
            basis: "335/2025/NĐ-CP".into(),
            effective_from: date(2026, 1, 1),
            ranking: RankingBasis::Scored,
            general_max: Points::whole(30),
            task_max: Points::whole(70),
            general_criteria: criteria_10_10_10(),
            deduction_per_failure_pct: 25,
            bands: Bands {
                excellent: Points::whole(90),
                good: Points::whole(70),
                completed: Points::whole(50),
            },
            quota: QuotaRules {
                pct: 20,
                outstanding_unit_pct: 25,
                base: QuotaBase::GoodOnly,
                rounding: Rounding::Floor,
            },
            min_months: 6,
            absent_months_cap: 3,
            rank_before: MonthDay { month: 12, day: 15 },
            special_rank_before: MonthDay { month: 1, day: 15 },
            reminder_days_before: vec![14, 7, 2],
        }
    }

    /// Decree 90/2020/NĐ-CP as amended by 48/2023: qualitative ranking, years up to 2025
    /// (reference §1.3). The scoring fields are kept for shape but [`super::score::compute`]
    /// refuses this set.
    pub fn nd_90_2020() -> Self {
        Self {
            code: "nd-90-2020".into(),
            basis: "90/2020/NĐ-CP; 48/2023/NĐ-CP".into(),
            effective_from: date(2020, 8, 1),
            ranking: RankingBasis::Qualitative,
            ..Self::nd_335_2025()
        }
    }

    /// The rule sets shipped with congbo, oldest first.
    pub fn builtin() -> Vec<Self> {
        vec![Self::nd_90_2020(), Self::nd_335_2025()]
    }

    /// Checks a rule set an administrator edits. Error: `rule-set-invalid` with the field.
    pub fn validate(&self) -> Result<(), DomainError> {
        let bad = |f| Err(DomainError::field("rule-set-invalid", f));
        let sum: i64 = self.general_criteria.iter().map(|c| c.max.0).sum();
        let mut codes: Vec<&str> = self
            .general_criteria
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        codes.sort_unstable();
        codes.dedup();
        if self.general_criteria.is_empty()
            || codes.len() != self.general_criteria.len()
            || self.general_criteria.iter().any(|c| c.max.0 <= 0)
            || sum != self.general_max.0
        {
            return bad("general_criteria");
        }
        let b = &self.bands;
        if !(Points::ZERO < b.completed && b.completed < b.good && b.good < b.excellent) {
            return bad("bands");
        }
        if self.quota.pct > 100 || self.quota.outstanding_unit_pct > 100 {
            return bad("quota");
        }
        if !(1..=100).contains(&self.deduction_per_failure_pct) {
            return bad("deduction_per_failure_pct");
        }
        if self.min_months > 12 {
            return bad("min_months");
        }
        Ok(())
    }

    /// The maximum of the general criterion `code`.
    pub fn criterion_max(&self, code: &str) -> Option<Points> {
        self.general_criteria
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.max)
    }

    /// The day before which the ranking of `year` must be decided (15/12, or 15/01 of the next
    /// year for bodies with special cycles).
    pub fn rank_before(&self, year: i16, special_cycle: bool) -> Date {
        let (y, md) = if special_cycle {
            (year + 1, self.special_rank_before)
        } else {
            (year, self.rank_before)
        };
        date(y, md.month, md.day)
    }

    /// Reminder dates before `deadline`, earliest first.
    pub fn reminders(&self, deadline: Date) -> Vec<Date> {
        let mut v: Vec<Date> = self
            .reminder_days_before
            .iter()
            .map(|d| deadline.saturating_sub(i64::from(*d).days()))
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// The rule set in force on `on`: the latest `effective_from <= on`. Error: `no-rule-set`.
pub fn rule_set_for(sets: &[RuleSet], on: Date) -> Result<&RuleSet, DomainError> {
    sets.iter()
        .filter(|s| s.effective_from <= on)
        .max_by_key(|s| s.effective_from)
        .ok_or(DomainError::new("no-rule-set"))
}
