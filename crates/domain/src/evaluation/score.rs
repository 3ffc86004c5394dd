//! The monthly (or quarterly) score under Decree 335 (reference §1.1, §8.1, §8.2 rule 4).
//!
//! ```text
//! converted assigned  A = Σ assigned_p × factor_p                 (output catalogue)
//! quantity  a = Σ completed_p × factor_p / A                        (capped at 100 %)
//! quality   b = Σ_completed items factor × (1 − 25 % × failures) / A   (item floor 0)
//! progress  c = Σ_completed items factor × (1 − 25 % × delays)   / A   (item floor 0)
//! staff     task = (a + b + c) / 3 × 70          (formula avg3_x70)
//! leader    task = (a + b + c + d + đ + e) / 6 × 70  (formula avg6_x70; d = 100 % if no
//!           subordinate is not_completed, else 50 %; đ, e entered by the evaluator)
//! total     = general (Σ criteria, each ≤ its maximum, entered by the evaluator) + task
//! ```
//!
//! A failure or delay with an excuse approved by someone other than the officer ("objective
//! cause confirmed by a competent authority") does not count; an excuse still waiting for its
//! approver counts. [`compute`] returns a [`ScoreSnapshot`]: the rule set, the formula, every
//! input and every intermediate figure, serialisable, so the score can be re-checked later.
//!
//! Ambiguities resolved (reference [C]):
//! - a, b, c are floored to 0.001 % and the task score to 0.001 point; the total is exact.
//!   E1 thus gives 96.611 (the reference shows 96.61 at two decimals), E3 exactly 86.125;
//! - a completed count above the assigned count (over-fulfilment) is accepted, but each of
//!   a, b, c is capped at 100 %, so the task score never exceeds 70;
//! - failures and delays are counted per item (`item` = dossier or ticket reference), so one
//!   item loses at most its own points (4 failures → 0, never negative).
//!
//! Errors (code, field): `rule-set-not-scored` (none), `criterion-unknown` (`general`),
//! `criterion-duplicate` (`general`), `criterion-above-max` (`general`), `points-negative`
//! (`general`), `task-product-unknown` (`task_lines`), `task-product-duplicate` (`task_lines`),
//! `task-nothing-assigned` (`task_lines`), `task-failures-exceed-completed` (`task_lines`),
//! `excuse-approved-by-self` (`excuse`), `percent-above-max` (`leader`),
//! `catalogue-invalid` (`catalogue`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rules::{Bands, CriterionMax, RankingBasis, RuleSet};
use super::units::{Level, Pct, Period, Points};
use crate::DomainError;

/// A conversion factor in thousandths: 1.0 is `Factor(1000)`, 0.5 is `Factor(500)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Factor(pub u32);

impl Factor {
    pub const ONE: Factor = Factor(1000);
}

/// One product of the output catalogue (*danh mục sản phẩm*) of a position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueItem {
    /// Position code the item belongs to, e.g. `one_stop`.
    pub position: String,
    /// Product code, e.g. `dossier_received`.
    pub code: String,
    /// Unit code, e.g. `dossier`.
    pub unit: String,
    pub factor: Factor,
}

/// The editable output catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct OutputCatalogue {
    pub items: Vec<CatalogueItem>,
}

impl OutputCatalogue {
    /// Our proposal for a one-stop position [C]: five products, factor 1.0 each.
    pub fn one_stop_default(position: &str) -> Self {
        let items = [
            ("dossier_received", "dossier"),
            ("dossier_returned", "dossier"),
            ("guidance_slip", "slip"),
            ("dossier_digitised", "dossier"),
            ("supplement_request", "request"),
        ]
        .into_iter()
        .map(|(code, unit)| CatalogueItem {
            position: position.into(),
            code: code.into(),
            unit: unit.into(),
            factor: Factor::ONE,
        })
        .collect();
        Self { items }
    }

    /// Error: `catalogue-invalid` (`catalogue`): empty code, factor 0 or above 100, or a code
    /// twice for one position.
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut seen = std::collections::HashSet::new();
        for i in &self.items {
            if i.code.trim().is_empty()
                || i.factor.0 == 0
                || i.factor.0 > 100_000
                || !seen.insert((i.position.as_str(), i.code.as_str()))
            {
                return Err(DomainError::field("catalogue-invalid", "catalogue"));
            }
        }
        Ok(())
    }

    /// The factor of `code` for `position`.
    pub fn factor(&self, position: &str, code: &str) -> Option<Factor> {
        self.items
            .iter()
            .find(|i| i.position == position && i.code == code)
            .map(|i| i.factor)
    }
}

/// An excuse for a failure or delay: counts only once approved by someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Excuse {
    pub reason: String,
    /// Who confirmed the objective cause; `None` while waiting.
    pub approved_by: Option<Uuid>,
}

/// A failed quality assessment for a major error of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QualityFailure {
    /// Dossier or ticket reference.
    pub item: String,
    pub on: jiff::civil::Date,
    pub reason: String,
    pub excuse: Option<Excuse>,
}

/// A delay of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delay {
    /// Dossier or ticket reference.
    pub item: String,
    /// Days late (information; every delay costs the same share).
    pub days: u16,
    pub excuse: Option<Excuse>,
}

/// The task results of one product in the period (filled from dossiers and tickets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskLine {
    /// Product code of the output catalogue.
    pub product: String,
    pub assigned: u32,
    pub completed: u32,
    pub quality_failures: Vec<QualityFailure>,
    pub delays: Vec<Delay>,
    /// Dossier or ticket references behind the counts.
    pub evidence: Vec<String>,
}

/// What one dossier or ticket contributed to a product, as the app reads it from the dossier
/// (or queue) records: used by [`TaskLine::from_items`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemOutcome {
    /// Dossier code or ticket reference.
    pub reference: String,
    /// Finished in the period (dossier `done`/`returned`, ticket served).
    pub completed: bool,
    /// The dossier's stored on-time status (`late` → one delay), `None` if not finished.
    pub on_time: Option<crate::dossier::OnTime>,
    /// Days late, for the record.
    pub days_late: u16,
    /// Quality failures found on it (a returned or rejected result), with their date and reason.
    pub failures: Vec<(jiff::civil::Date, String)>,
}

impl TaskLine {
    /// A task line of `product` from the items assigned to the officer in the period: every
    /// item counts as assigned, finished ones as completed, a `late` one as one delay, each
    /// failure as one quality failure; excuses start empty (an approver adds them).
    pub fn from_items(product: &str, items: &[ItemOutcome]) -> Self {
        let count = |f: fn(&ItemOutcome) -> bool| {
            u32::try_from(items.iter().filter(|i| f(i)).count()).unwrap_or(u32::MAX)
        };
        Self {
            product: product.to_owned(),
            assigned: count(|_| true),
            completed: count(|i| i.completed),
            quality_failures: items
                .iter()
                .filter(|i| i.completed)
                .flat_map(|i| {
                    i.failures.iter().map(|(on, reason)| QualityFailure {
                        item: i.reference.clone(),
                        on: *on,
                        reason: reason.clone(),
                        excuse: None,
                    })
                })
                .collect(),
            delays: items
                .iter()
                .filter(|i| i.completed && i.on_time == Some(crate::dossier::OnTime::Late))
                .map(|i| Delay {
                    item: i.reference.clone(),
                    days: i.days_late,
                    excuse: None,
                })
                .collect(),
            evidence: items.iter().map(|i| i.reference.clone()).collect(),
        }
    }
}

/// Points the evaluator gives one general criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneralEntry {
    pub criterion: String,
    pub points: Points,
}

/// The three extra criteria of a leader (Art. 15).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderInputs {
    /// Levels of the subordinates for the period (d: 100 % or 50 %, see [`unit_result`]).
    pub subordinate_levels: Vec<Level>,
    /// (đ) ability to organise the work, entered by the evaluator.
    pub organising: Pct,
    /// (e) ability to unite staff, entered by the evaluator.
    pub uniting: Pct,
}

/// Everything a score is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreInput {
    pub officer: Uuid,
    /// Position code (selects the catalogue items).
    pub position: String,
    pub period: Period,
    pub task_lines: Vec<TaskLine>,
    pub general: Vec<GeneralEntry>,
    /// `Some` for a leader (formula `avg6_x70`).
    pub leader: Option<LeaderInputs>,
}

/// The task-score formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Formula {
    /// Staff: (a + b + c) / 3 × task_max.
    Avg3X70,
    /// Leaders: (a + b + c + d + đ + e) / 6 × task_max.
    Avg6X70,
}

impl Formula {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Avg3X70 => "avg3_x70",
            Self::Avg6X70 => "avg6_x70",
        }
    }
}

/// Per-product figures, in milli-units (factor × count; 1 item of factor 1.0 = 1000).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineResult {
    pub product: String,
    pub factor: Factor,
    pub converted_assigned: u64,
    pub converted_completed: u64,
    /// Completed value after quality deductions.
    pub converted_quality: u64,
    /// Completed value after delay deductions.
    pub converted_on_time: u64,
    /// Failures and delays that counted (excused ones do not).
    pub failures_counted: u32,
    pub delays_counted: u32,
    pub failures_excused: u32,
    pub delays_excused: u32,
}

/// The score with its formula and inputs, stored with each evaluation form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreSnapshot {
    pub rule_set: String,
    pub formula: Formula,
    /// The rule values used, copied so that a later edit of the rule set does not change how
    /// this score reads.
    pub deduction_per_failure_pct: u8,
    pub task_max: Points,
    pub criteria: Vec<CriterionMax>,
    pub bands: Bands,
    pub input: ScoreInput,
    pub lines: Vec<LineResult>,
    /// (a) quantity.
    pub quantity: Pct,
    /// (b) quality.
    pub quality: Pct,
    /// (c) progress.
    pub progress: Pct,
    /// (d) unit result, leaders only.
    pub unit_result: Option<Pct>,
    pub task: Points,
    pub general: Points,
    pub total: Points,
    /// `bands.level(total)`: the monthly level (overrides apply only to the annual ranking).
    pub level: Level,
}

/// (d) for a leader: 100 % when no subordinate is `not_completed`, else 50 %.
pub fn unit_result(subordinate_levels: &[Level]) -> Pct {
    if subordinate_levels.contains(&Level::NotCompleted) {
        Pct::HALF
    } else {
        Pct::FULL
    }
}

/// Checks the general entries against the criteria maxima; returns their sum.
pub fn check_general(entries: &[GeneralEntry], rules: &RuleSet) -> Result<Points, DomainError> {
    let mut seen = std::collections::HashSet::new();
    let mut sum = 0i64;
    for e in entries {
        let max = rules
            .criterion_max(&e.criterion)
            .ok_or(DomainError::field("criterion-unknown", "general"))?;
        if !seen.insert(e.criterion.as_str()) {
            return Err(DomainError::field("criterion-duplicate", "general"));
        }
        if e.points < Points::ZERO {
            return Err(DomainError::field("points-negative", "general"));
        }
        if e.points > max {
            return Err(DomainError::field("criterion-above-max", "general"));
        }
        sum += e.points.0;
    }
    if sum > rules.general_max.0 {
        return Err(DomainError::field("criterion-above-max", "general"));
    }
    Ok(Points(sum))
}

fn counted(excuse: Option<&Excuse>, officer: Uuid) -> Result<bool, DomainError> {
    match excuse.and_then(|e| e.approved_by) {
        Some(by) if by == officer => Err(DomainError::field("excuse-approved-by-self", "excuse")),
        Some(_) => Ok(false),
        None => Ok(true),
    }
}

/// Value left of the completed items after per-item deductions, in milli-units.
fn deducted_value(
    factor: Factor,
    completed: u32,
    per_item: &BTreeMap<&str, u32>,
    pct: u8,
) -> Result<u64, DomainError> {
    let hit = u32::try_from(per_item.len()).unwrap_or(u32::MAX);
    if hit > completed {
        return Err(DomainError::field(
            "task-failures-exceed-completed",
            "task_lines",
        ));
    }
    let f = u64::from(factor.0);
    let clean = u64::from(completed - hit) * f;
    let hit_value: u64 = per_item
        .values()
        .map(|n| f * 100u64.saturating_sub(u64::from(*n) * u64::from(pct)) / 100)
        .sum();
    Ok(clean + hit_value)
}

fn line_result(
    line: &TaskLine,
    factor: Factor,
    officer: Uuid,
    pct: u8,
) -> Result<LineResult, DomainError> {
    let (mut fails, mut delays) = (BTreeMap::new(), BTreeMap::new());
    let (mut fx, mut dx) = (0u32, 0u32);
    for q in &line.quality_failures {
        if counted(q.excuse.as_ref(), officer)? {
            *fails.entry(q.item.as_str()).or_insert(0u32) += 1;
        } else {
            fx += 1;
        }
    }
    for d in &line.delays {
        if counted(d.excuse.as_ref(), officer)? {
            *delays.entry(d.item.as_str()).or_insert(0u32) += 1;
        } else {
            dx += 1;
        }
    }
    let f = u64::from(factor.0);
    Ok(LineResult {
        product: line.product.clone(),
        factor,
        converted_assigned: u64::from(line.assigned) * f,
        converted_completed: u64::from(line.completed) * f,
        converted_quality: deducted_value(factor, line.completed, &fails, pct)?,
        converted_on_time: deducted_value(factor, line.completed, &delays, pct)?,
        failures_counted: fails.values().sum(),
        delays_counted: delays.values().sum(),
        failures_excused: fx,
        delays_excused: dx,
    })
}

fn task_lines(
    input: &ScoreInput,
    catalogue: &OutputCatalogue,
    rules: &RuleSet,
) -> Result<Vec<LineResult>, DomainError> {
    let mut seen = std::collections::HashSet::new();
    input
        .task_lines
        .iter()
        .map(|l| {
            if !seen.insert(l.product.as_str()) {
                return Err(DomainError::field("task-product-duplicate", "task_lines"));
            }
            let factor = catalogue
                .factor(&input.position, &l.product)
                .ok_or(DomainError::field("task-product-unknown", "task_lines"))?;
            line_result(l, factor, input.officer, rules.deduction_per_failure_pct)
        })
        .collect()
}

/// Computes the score of `input` under `rules` (which must be a scored rule set). See the
/// module header for the formula and the errors.
pub fn compute(
    input: &ScoreInput,
    catalogue: &OutputCatalogue,
    rules: &RuleSet,
) -> Result<ScoreSnapshot, DomainError> {
    if rules.ranking != RankingBasis::Scored {
        return Err(DomainError::new("rule-set-not-scored"));
    }
    catalogue.validate()?;
    let general = check_general(&input.general, rules)?;
    let lines = task_lines(input, catalogue, rules)?;
    let assigned: u64 = lines.iter().map(|l| l.converted_assigned).sum();
    if assigned == 0 {
        return Err(DomainError::field("task-nothing-assigned", "task_lines"));
    }
    let ratio = |f: fn(&LineResult) -> u64| {
        Pct::ratio(
            u128::from(lines.iter().map(f).sum::<u64>()),
            u128::from(assigned),
        )
    };
    let quantity = ratio(|l| l.converted_completed);
    let quality = ratio(|l| l.converted_quality);
    let progress = ratio(|l| l.converted_on_time);
    let mut parts = vec![quantity, quality, progress];
    let (formula, unit) = match &input.leader {
        None => (Formula::Avg3X70, None),
        Some(l) => {
            if l.organising > Pct::FULL || l.uniting > Pct::FULL {
                return Err(DomainError::field("percent-above-max", "leader"));
            }
            let d = unit_result(&l.subordinate_levels);
            parts.extend([d, l.organising, l.uniting]);
            (Formula::Avg6X70, Some(d))
        }
    };
    let sum: i128 = parts.iter().map(|p| i128::from(p.0)).sum();
    let n = i128::try_from(parts.len()).unwrap_or(1);
    // sum is in milli-percent; task in milli-points = sum × task_max / (n × 100 %).
    let task = sum * i128::from(rules.task_max.0) / (n * i128::from(Pct::FULL.0));
    let task = Points(i64::try_from(task).unwrap_or(i64::MAX));
    let total = Points(general.0 + task.0);
    Ok(ScoreSnapshot {
        rule_set: rules.code.clone(),
        formula,
        deduction_per_failure_pct: rules.deduction_per_failure_pct,
        task_max: rules.task_max,
        criteria: rules.general_criteria.clone(),
        bands: rules.bands,
        input: input.clone(),
        lines,
        quantity,
        quality,
        progress,
        unit_result: unit,
        task,
        general,
        total,
        level: rules.bands.level(total),
    })
}
