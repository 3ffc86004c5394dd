//! The evaluation form of one officer for one period, and its flow (issue 14; reference §1.2, §7).
//!
//! ```text
//! draft ──self_assess (officer)──▶ self_assessed ──review (evaluator ≠ officer)──▶ reviewed
//!   ▲                                 │   ▲ self_assess again                      │  ▲ review again
//!   │                                 │                                            │
//! returned ◀──return (≠ officer)──────┴────────────────────────────────────────────┤
//!   │ self_assess                                                                  │
//!   ▼                                          approve (approver ≠ officer) ───────┘
//! self_assessed                                     ▼
//!                              approved ──lock──▶ locked (final; a wrong ranking is replaced by
//!                                 └──return──▶ returned            a new decision, never edited)
//! ```
//!
//! The caller (a use case) has already checked that `by` holds the permission for the step
//! (evaluate, approve) in the officer's office; the domain checks the parts that depend on who
//! the officer is: the officer self-assesses only their own form, never reviews, approves or
//! returns it. With [`FlowRules::separate_approver`] the approver must also differ from the
//! reviewer (default off [C]: small communes may have one head).
//!
//! Errors (code, field): `evaluation-locked` (any action or edit on a locked form),
//! `evaluation-approved` (editing an approved form: return it first),
//! `evaluation-illegal-transition` (the state does not accept the action),
//! `self-assessment-not-own` (`actor`), `evaluate-own` (`actor`), `approve-own-evaluation`
//! (`actor`), `return-own` (`actor`), `approver-is-reviewer` (`actor`), `reason-required` (`reason`),
//! `score-wrong-form` (`score`): the snapshot is for another officer or period.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::score::ScoreSnapshot;
use super::units::Period;
use crate::DomainError;

/// State of an evaluation form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowState {
    Draft,
    SelfAssessed,
    Reviewed,
    Approved,
    Locked,
    /// Returned for correction: the officer self-assesses again.
    Returned,
}

impl FlowState {
    pub const ALL: [FlowState; 6] = [
        Self::Draft,
        Self::SelfAssessed,
        Self::Reviewed,
        Self::Approved,
        Self::Locked,
        Self::Returned,
    ];

    /// Stable code (`draft`, `self_assessed`, `reviewed`, `approved`, `locked`, `returned`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::SelfAssessed => "self_assessed",
            Self::Reviewed => "reviewed",
            Self::Approved => "approved",
            Self::Locked => "locked",
            Self::Returned => "returned",
        }
    }

    /// The actions the state accepts (who may do them is checked by [`apply`]).
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Self::Draft | Self::Returned => &["self_assess"],
            Self::SelfAssessed => &["self_assess", "review", "return"],
            Self::Reviewed => &["review", "approve", "return"],
            Self::Approved => &["lock", "return"],
            Self::Locked => &[],
        }
    }
}

/// A step of the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum FlowAction {
    /// The officer's self-assessment (form 01), a computed score.
    SelfAssess { score: Box<ScoreSnapshot> },
    /// The evaluator's (head's) score.
    Review { score: Box<ScoreSnapshot> },
    /// The competent person approves the reviewed score.
    Approve,
    /// Back to the officer for correction, with a reason.
    Return { reason: String },
    /// The period closes: no change any more.
    Lock,
}

impl FlowAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::SelfAssess { .. } => "self_assess",
            Self::Review { .. } => "review",
            Self::Approve => "approve",
            Self::Return { .. } => "return",
            Self::Lock => "lock",
        }
    }
}

/// Configurable flow rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FlowRules {
    /// The approver must differ from the reviewer. Default `false` [C].
    pub separate_approver: bool,
}

/// One return for correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnNote {
    pub by: Uuid,
    pub from: FlowState,
    pub reason: String,
}

/// The evaluation form of `officer` for `period`. Build with [`EvaluationForm::new`], change
/// only through [`apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvaluationForm {
    pub officer: Uuid,
    pub period: Period,
    pub state: FlowState,
    pub self_assessment: Option<ScoreSnapshot>,
    pub review: Option<ScoreSnapshot>,
    pub reviewer: Option<Uuid>,
    pub approver: Option<Uuid>,
    pub returns: Vec<ReturnNote>,
}

impl EvaluationForm {
    pub fn new(officer: Uuid, period: Period) -> Self {
        Self {
            officer,
            period,
            state: FlowState::Draft,
            self_assessment: None,
            review: None,
            reviewer: None,
            approver: None,
            returns: Vec::new(),
        }
    }

    /// The score that counts: the reviewed score once approved (or locked).
    pub fn final_score(&self) -> Option<&ScoreSnapshot> {
        matches!(self.state, FlowState::Approved | FlowState::Locked)
            .then_some(self.review.as_ref())
            .flatten()
    }
}

/// The result of an accepted step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowTransition {
    pub from: FlowState,
    pub to: FlowState,
    pub form: EvaluationForm,
}

const LOCKED: DomainError = DomainError::new("evaluation-locked");
const ILLEGAL: DomainError = DomainError::new("evaluation-illegal-transition");

/// May `by` change the inputs (task lines, general criteria) of `form` now? The app calls this
/// before saving a draft of the inputs. Errors: `evaluation-locked`, `evaluation-approved`,
/// `evaluate-own` (the officer touching a form already reviewed).
pub fn check_editable(form: &EvaluationForm, by: Uuid) -> Result<(), DomainError> {
    match form.state {
        FlowState::Locked => Err(LOCKED),
        FlowState::Approved => Err(DomainError::new("evaluation-approved")),
        FlowState::Reviewed if by == form.officer => {
            Err(DomainError::field("evaluate-own", "actor"))
        }
        _ => Ok(()),
    }
}

fn not_officer(form: &EvaluationForm, by: Uuid, refusal: DomainError) -> Result<(), DomainError> {
    if by == form.officer {
        Err(refusal)
    } else {
        Ok(())
    }
}

fn check_score(form: &EvaluationForm, score: &ScoreSnapshot) -> Result<(), DomainError> {
    if score.input.officer != form.officer || score.input.period != form.period {
        Err(DomainError::field("score-wrong-form", "score"))
    } else {
        Ok(())
    }
}

/// Applies `action` by `by` to `form`. See the module header for the errors.
pub fn apply(
    form: &EvaluationForm,
    action: &FlowAction,
    by: Uuid,
    rules: &FlowRules,
) -> Result<FlowTransition, DomainError> {
    use FlowState as S;
    let from = form.state;
    if from == S::Locked {
        return Err(LOCKED);
    }
    let mut f = form.clone();
    match (from, action) {
        (S::Draft | S::Returned | S::SelfAssessed, FlowAction::SelfAssess { score }) => {
            if by != form.officer {
                return Err(DomainError::field("self-assessment-not-own", "actor"));
            }
            check_score(form, score)?;
            f.self_assessment = Some((**score).clone());
            f.state = S::SelfAssessed;
        }
        (S::SelfAssessed | S::Reviewed, FlowAction::Review { score }) => {
            not_officer(form, by, DomainError::field("evaluate-own", "actor"))?;
            check_score(form, score)?;
            f.review = Some((**score).clone());
            f.reviewer = Some(by);
            f.state = S::Reviewed;
        }
        (S::Reviewed, FlowAction::Approve) => {
            not_officer(
                form,
                by,
                DomainError::field("approve-own-evaluation", "actor"),
            )?;
            if rules.separate_approver && form.reviewer == Some(by) {
                return Err(DomainError::field("approver-is-reviewer", "actor"));
            }
            f.approver = Some(by);
            f.state = S::Approved;
        }
        (S::SelfAssessed | S::Reviewed | S::Approved, FlowAction::Return { reason }) => {
            not_officer(form, by, DomainError::field("return-own", "actor"))?;
            if reason.trim().is_empty() {
                return Err(DomainError::field("reason-required", "reason"));
            }
            f.returns.push(ReturnNote {
                by,
                from,
                reason: reason.trim().to_owned(),
            });
            f.approver = None;
            f.state = S::Returned;
        }
        (S::Approved, FlowAction::Lock) => f.state = S::Locked,
        _ => return Err(ILLEGAL),
    }
    Ok(FlowTransition {
        from,
        to: f.state,
        form: f,
    })
}
