//! Suggestions from evidence, never applied automatically (issue 14; reference §8.1
//! "GeneralCriteria", §8.3 E7).
//!
//! - [`register_suggestions`]: entries proposed for the strengths-and-weaknesses register, e.g.
//!   a weakness when an officer has at least 3 low ratings citing the same conduct clause in one
//!   calendar month, a strength for a month with at least 30 ratings, ≥ 95 % satisfied and no
//!   upheld conduct complaint. A head accepts or discards each suggestion.
//! - [`suggest_service_attitude`] (E7, **our own proposal**, to be approved by the commune; no
//!   legal formula exists): a number for general criterion (b), service attitude, shown beside
//!   the evidence. The evaluator always enters the final number.
//!
//! Ambiguities resolved ([C]): "in a month" is a calendar month (it matches the scoring
//! periods); in E7, full marks are the base only when ≥ 95 % are satisfied, and each upheld
//! conduct complaint takes 1 point off that base (never below 0); below 95 % no number is
//! suggested (the evaluator judges), but the complaints still show; the low-satisfaction flag
//! needs at least 30 ratings. Nothing here refuses.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::units::{Pct, Period, Points};

/// A low rating of an officer and the conduct clauses (`code/item`) its reasons cite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LowRating {
    pub officer: Uuid,
    pub on: Date,
    /// Reference of the rating (for the evidence list).
    pub reference: String,
    pub cites: Vec<String>,
}

/// An officer's rating figures for one month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    pub officer: Uuid,
    pub period: Period,
    pub ratings: u32,
    pub satisfied: u32,
    pub upheld_conduct_complaints: u32,
}

/// Configurable thresholds of the register suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionRules {
    /// Low ratings citing one clause in a month (3).
    pub low_ratings_same_clause: u32,
    /// A strength month: at least this many ratings (30) ...
    pub strength_min_ratings: u32,
    /// ... and at least this share satisfied (95), with no upheld conduct complaint.
    pub strength_min_satisfied_pct: u8,
}

impl Default for SuggestionRules {
    fn default() -> Self {
        Self {
            low_ratings_same_clause: 3,
            strength_min_ratings: 30,
            strength_min_satisfied_pct: 95,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    Strength,
    Weakness,
}

/// What a suggestion is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionCode {
    /// Several low ratings citing the same clause in a month.
    RepeatedLowRatingsClause,
    /// A month with many ratings, nearly all satisfied, no upheld complaint.
    HighSatisfaction,
}

impl SuggestionCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RepeatedLowRatingsClause => "repeated_low_ratings_clause",
            Self::HighSatisfaction => "high_satisfaction",
        }
    }
}

/// A suggested register entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub officer: Uuid,
    pub kind: SuggestionKind,
    pub code: SuggestionCode,
    pub clause: Option<String>,
    pub period: Period,
    /// References of the evidence (ratings).
    pub evidence: Vec<String>,
}

fn month_of(d: Date) -> Period {
    Period::Month {
        year: d.year(),
        month: d.month(),
    }
}

/// Suggestions from low ratings and monthly figures, in a stable order (officer, month,
/// clause).
pub fn register_suggestions(
    low: &[LowRating],
    months: &[MonthFigures],
    rules: &SuggestionRules,
) -> Vec<Suggestion> {
    let mut by_clause: BTreeMap<(Uuid, Date, &str), Vec<String>> = BTreeMap::new();
    for r in low {
        let first = r.on.first_of_month();
        let mut cites: Vec<&str> = r.cites.iter().map(String::as_str).collect();
        cites.sort_unstable();
        cites.dedup();
        for c in cites {
            by_clause
                .entry((r.officer, first, c))
                .or_default()
                .push(r.reference.clone());
        }
    }
    let mut out: Vec<Suggestion> = by_clause
        .into_iter()
        .filter(|(_, refs)| {
            u32::try_from(refs.len()).unwrap_or(u32::MAX) >= rules.low_ratings_same_clause
        })
        .map(|((officer, first, clause), evidence)| Suggestion {
            officer,
            kind: SuggestionKind::Weakness,
            code: SuggestionCode::RepeatedLowRatingsClause,
            clause: Some(clause.to_owned()),
            period: month_of(first),
            evidence,
        })
        .collect();
    out.extend(
        months
            .iter()
            .filter(|m| {
                m.ratings >= rules.strength_min_ratings.max(1)
                    && m.upheld_conduct_complaints == 0
                    && Pct::ratio(m.satisfied.into(), m.ratings.into())
                        >= Pct::whole(rules.strength_min_satisfied_pct.into())
            })
            .map(|m| Suggestion {
                officer: m.officer,
                kind: SuggestionKind::Strength,
                code: SuggestionCode::HighSatisfaction,
                clause: None,
                period: m.period,
                evidence: Vec::new(),
            }),
    );
    out
}

/// The evidence shown beside general criterion (b), service attitude.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AttitudeEvidence {
    pub ratings: u32,
    pub satisfied: u32,
    pub upheld_conduct_complaints: u32,
    /// Clauses breached by the upheld complaints (`code/item`).
    pub complaint_clauses: Vec<String>,
    pub apologies: u32,
}

/// E7 thresholds (our proposal), configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttitudeRules {
    pub full_marks_min_satisfied_pct: u8,
    pub deduction_per_complaint: Points,
    pub flag_below_satisfied_pct: u8,
    pub flag_min_ratings: u32,
}

impl Default for AttitudeRules {
    fn default() -> Self {
        Self {
            full_marks_min_satisfied_pct: 95,
            deduction_per_complaint: Points::whole(1),
            flag_below_satisfied_pct: 80,
            flag_min_ratings: 30,
        }
    }
}

/// What is shown to the evaluator beside criterion (b). Never applied automatically.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttitudeSuggestion {
    /// Suggested points, `None` when the proposal gives no number.
    pub suggested: Option<Points>,
    pub satisfied: Option<Pct>,
    /// Below 80 % satisfied on at least 30 ratings: a flag for the evaluator, no number.
    pub low_satisfaction_flag: bool,
    pub evidence: AttitudeEvidence,
}

/// E7: a suggestion for criterion (b) out of `criterion_max`.
pub fn suggest_service_attitude(
    evidence: &AttitudeEvidence,
    criterion_max: Points,
    rules: &AttitudeRules,
) -> AttitudeSuggestion {
    let satisfied = (evidence.ratings > 0)
        .then(|| Pct::ratio(evidence.satisfied.into(), evidence.ratings.into()));
    let high =
        satisfied.is_some_and(|p| p >= Pct::whole(rules.full_marks_min_satisfied_pct.into()));
    let suggested = high.then(|| {
        let off = rules.deduction_per_complaint.0 * i64::from(evidence.upheld_conduct_complaints);
        Points((criterion_max.0 - off).max(0))
    });
    let low_satisfaction_flag = evidence.ratings >= rules.flag_min_ratings
        && satisfied.is_some_and(|p| p < Pct::whole(rules.flag_below_satisfied_pct.into()));
    AttitudeSuggestion {
        suggested,
        satisfied,
        low_satisfaction_flag,
        evidence: evidence.clone(),
    }
}
