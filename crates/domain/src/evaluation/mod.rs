//! Officer evaluation (issue 14): monthly scoring under Decree 335/2025, the annual ranking
//! (Decree 90/2020 for years up to 2025), discipline records (Decree 172/2025), commendation
//! titles and the strengths-and-weaknesses register. Reference: `officer-evaluation.md`.
//!
//! - [`units`]: [`Points`] and [`Pct`] (fixed-point thousandths, floored), [`Level`]
//!   (`excellent`, `good`, `completed`, `not_completed`), [`Period`] (month, quarter, year).
//! - [`rules`]: [`RuleSet`] versioned by `effective_from`, chosen with [`rule_set_for`]; every
//!   [C] item of the reference is a field with its default.
//! - [`score`]: [`compute`] a [`ScoreSnapshot`] from task lines × the [`OutputCatalogue`]'s
//!   conversion factors and the evaluator's general criteria (each ≤ its maximum).
//! - [`flow`]: the [`EvaluationForm`] flow draft → self_assessed → reviewed → approved → locked,
//!   with return for correction; the officer never evaluates or approves their own form.
//! - [`ranking`]: [`rank_annual`], the excellent quota [`apply_quota`] (both readings of the
//!   denominator) and [`cap_to_unit`] (a head never above the unit).
//! - [`discipline`]: [`DisciplineCase`] steps, deadlines and limitation;
//!   [`DisciplineCase::affects_ranking`] feeds the annual override.
//! - [`commendation`]: title eligibility and [`propose`] with the fighter cap.
//! - [`register`]: the kinds of register entries and what an entry may cite.
//! - [`suggestions`]: register suggestions from evidence and the E7 service-attitude proposal.
//!
//! Codes of states, levels, titles and reasons are stable snake_case strings (the same in
//! `as_str` and serde); labels come from the locale files. Refusals are [`crate::DomainError`]
//! with kebab-case codes, listed in each module's header. Nothing here reads a clock: callers
//! pass dates in.
//!
//! The two state machines keep their `apply` in their module: `flow::apply` (evaluation form)
//! and `discipline::apply` (discipline case).
//!
//! Worked examples of the reference §8.3 are tests in `tests.rs` (`e1_…` to `e7_…`).

pub mod commendation;
pub mod discipline;
pub mod flow;
pub mod ranking;
pub mod register;
pub mod rules;
pub mod score;
pub mod suggestions;
pub mod units;

#[cfg(test)]
mod tests;

pub use commendation::{
    Candidate, CommendationRules, Proposals, Title, TitleReason, eligible, propose,
};
pub use discipline::{
    Ballot, CaseAction, CaseState, Council, Decision, Deferral, DeferralReason, DisciplineCase,
    DisciplineRules, FormVote, LimitationClass, NewCase, ReviewMeeting, Sanction, Severity,
    SkipBasis, recommendation,
};
pub use flow::{
    EvaluationForm, FlowAction, FlowRules, FlowState, FlowTransition, ReturnNote, check_editable,
};
pub use ranking::{
    AdjustReason, Adjustment, AnnualInput, AnnualRanking, MovedDown, NotRanked, Override,
    OverrideKind, PeriodScore, QualitativeInput, QuotaOutcome, apply_quota, cap_to_unit,
    rank_annual,
};
pub use register::EntryKind;
pub use rules::{
    Bands, CriterionMax, MonthDay, QuotaBase, QuotaRules, RankingBasis, Rounding, RuleSet,
    rule_set_for, share_of,
};
pub use score::{
    CatalogueItem, Delay, Excuse, Factor, Formula, GeneralEntry, ItemOutcome, LeaderInputs,
    LineResult, OutputCatalogue, QualityFailure, ScoreInput, ScoreSnapshot, TaskLine,
    check_general, compute, unit_result,
};
pub use suggestions::{
    AttitudeEvidence, AttitudeRules, AttitudeSuggestion, LowRating, MonthFigures, Suggestion,
    SuggestionCode, SuggestionKind, SuggestionRules, register_suggestions,
    suggest_service_attitude,
};
pub use units::{Level, Pct, Period, Points};
