//! The period score of Decree 335 (issue 14, item 3) and its flow.
//!
//! - [`form`]: the officer's form for a month or quarter: its state, the self-assessment and
//!   the review (each a `ScoreSnapshot`: rule set, formula, every input and figure), the task
//!   lines as the evidence gives them now, the general criteria with their maxima, the evidence
//!   shown beside them (the scorecard and the E7 proposal for service attitude, never applied),
//!   and the steps the viewer may take.
//! - [`step`]: one step of `domain::evaluation::flow`: self-assessment (the officer), review,
//!   approval, return with a reason, lock (the evaluator). A score is computed when it is given:
//!   task lines from the officer's dossiers and tickets of the period (output catalogue: one-stop
//!   default, factor 1.0), general criteria entered by whoever scores, each ≤ its maximum.
//!   The form, its state and the audit row commit together; a refused step changes nothing.
//!
//! **Who.** The officer acts on their own form only as the domain allows (self-assessment; an
//! approval or review of their own is refused with its code). Anyone else needs
//! `EvaluationManage` where the officer is evaluated (404 outside every scope, 403 inside).
//!
//! Task lines [C]: `dossier_received` (dossiers received in the period, all completed),
//! `dossier_returned` (dossiers the officer received that closed in the period, or fell due in
//! it and are still open: closed → completed, a late one → one delay), `guidance_slip` (tickets
//! the officer called: served → completed). Everyone is scored with the staff formula
//! (`avg3_x70`); the leader criteria (d, đ, e) are not entered yet.

use congbo_domain::DomainError;
use congbo_domain::dossier::OnTime;
use congbo_domain::evaluation::flow::{self, EvaluationForm, FlowAction, FlowRules, ReturnNote};
use congbo_domain::evaluation::{
    AttitudeEvidence, AttitudeRules, AttitudeSuggestion, GeneralEntry, ItemOutcome,
    OutputCatalogue, Period, Points, RuleSet, ScoreInput, ScoreSnapshot, TaskLine, compute,
    rule_set_for, suggest_service_attitude,
};
use congbo_domain::time::days_range;
use congbo_store::Tx;
use congbo_store::repo::evaluation::{self as repo, FormRow};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::scope::{self, Officer};
use super::scorecard::{self, OfficerLine, Scorecard};
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result};

/// The position every one-stop officer is scored under (the catalogue's default).
const POSITION: &str = "one_stop";

/// One general criterion on the form.
#[derive(Debug, Clone, Serialize)]
pub struct GeneralLine {
    pub code: String,
    pub max: Points,
    pub self_points: Option<Points>,
    pub review_points: Option<Points>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormView {
    pub officer: OfficerLine,
    pub period: Period,
    pub state: String,
    pub rule_set: String,
    pub basis: String,
    pub task_lines: Vec<TaskLine>,
    pub general: Vec<GeneralLine>,
    pub self_assessment: Option<ScoreSnapshot>,
    pub review: Option<ScoreSnapshot>,
    pub returns: Vec<ReturnNote>,
    pub evidence: Scorecard,
    /// E7 (our proposal, to be approved by the commune): a number for service attitude.
    pub attitude: AttitudeSuggestion,
    /// What the viewer may do now: `self_assess`, `review`, `approve`, `return`, `lock`.
    pub actions: Vec<&'static str>,
}

/// A step of the flow as the caller gives it. `general`: (criterion code, points as typed).
#[derive(Debug, Clone)]
pub enum FormStep {
    SelfAssess { general: Vec<(String, String)> },
    Review { general: Vec<(String, String)> },
    Approve,
    Return { reason: String },
    Lock,
}

fn check_period(p: Period) -> Result<()> {
    match p {
        Period::Month { .. } | Period::Quarter { .. } => Ok(()),
        Period::Year { .. } => Err(DomainError::field("period-invalid", "period").into()),
    }
}

fn rules_for(p: Period) -> Result<RuleSet> {
    Ok(rule_set_for(&RuleSet::builtin(), p.start())?.clone())
}

async fn stored(tx: &mut Tx, o: &Officer, p: Period) -> Result<(EvaluationForm, Option<i64>)> {
    match repo::form(tx, o.shard, o.user.id, &p.code()).await? {
        Some(r) => Ok((
            serde_json::from_str(&r.form).map_err(|e| AppError::Internal(e.to_string()))?,
            Some(r.version),
        )),
        None => Ok((EvaluationForm::new(o.user.id, p), None)),
    }
}

/// The officer's form for `period`. See the module header.
pub async fn form(app: &App, actor: &Actor, officer_id: Uuid, period: Period) -> Result<FormView> {
    check_period(period)?;
    let evidence = scorecard::scorecard(app, actor, officer_id, period).await?;
    let mut tx = app.db.read().await?;
    let (o, seen) = scope::load_read(&mut tx, actor, officer_id).await?;
    let (f, _) = stored(&mut tx, &o, period).await?;
    let task_lines = task_lines(&mut tx, &o, period).await?;
    tx.commit().await?;
    let rules = rules_for(period)?;
    let pts = |s: &Option<ScoreSnapshot>, code: &str| {
        s.as_ref().and_then(|s| {
            s.input
                .general
                .iter()
                .find(|g| g.criterion == code)
                .map(|g| g.points)
        })
    };
    let general = rules
        .general_criteria
        .iter()
        .map(|c| GeneralLine {
            code: c.code.clone(),
            max: c.max,
            self_points: pts(&f.self_assessment, &c.code),
            review_points: pts(&f.review, &c.code),
        })
        .collect();
    let attitude = attitude(&evidence, &rules);
    let actions = f
        .state
        .actions()
        .iter()
        .copied()
        .filter(|a| match *a {
            "self_assess" => seen.own,
            _ => seen.manage && !seen.own,
        })
        .collect();
    Ok(FormView {
        officer: evidence.officer.clone(),
        period,
        state: f.state.as_str().to_string(),
        rule_set: rules.code.clone(),
        basis: rules.basis.clone(),
        task_lines,
        general,
        self_assessment: f.self_assessment,
        review: f.review,
        returns: f.returns,
        evidence,
        attitude,
        actions,
    })
}

fn attitude(s: &Scorecard, rules: &RuleSet) -> AttitudeSuggestion {
    let e = AttitudeEvidence {
        ratings: u32::try_from(s.ratings).unwrap_or(0),
        satisfied: u32::try_from(s.satisfied).unwrap_or(0),
        upheld_conduct_complaints: u32::try_from(s.upheld.len()).unwrap_or(0),
        complaint_clauses: s.upheld.iter().filter_map(|u| u.clause.clone()).collect(),
        apologies: s.month.as_ref().map_or(0, |m| {
            u32::try_from(m.form04 + m.queue_apologies).unwrap_or(0)
        }),
    };
    let max = rules
        .criterion_max("competence_service_attitude")
        .unwrap_or(Points::whole(10));
    suggest_service_attitude(&e, max, &AttitudeRules::default())
}

/// The task lines of the period from the officer's dossiers and tickets (see the header).
async fn task_lines(tx: &mut Tx, o: &Officer, p: Period) -> Result<Vec<TaskLine>> {
    let (from, to) = days_range(p.start(), p.end());
    let (d0, d1) = (p.start().to_string(), p.end().to_string());
    let id = o.user.id;
    let dossiers = repo::dossiers_of(tx, id, from, to, (&d0, &d1)).await?;
    let item = |code: &str, completed: bool, on_time: Option<OnTime>| ItemOutcome {
        reference: code.to_string(),
        completed,
        on_time,
        days_late: 0,
        failures: Vec::new(),
    };
    let received: Vec<ItemOutcome> = dossiers
        .iter()
        .filter(|d| d.received_at.is_some_and(|r| r >= from && r < to))
        .map(|d| item(&d.code, true, None))
        .collect();
    let returned: Vec<ItemOutcome> = dossiers
        .iter()
        .filter(|d| d.closed_at.is_none_or(|c| c >= from && c < to))
        .filter(|d| {
            d.closed_at.is_some()
                || d.due_date
                    .as_deref()
                    .is_some_and(|x| x >= d0.as_str() && x <= d1.as_str())
        })
        .map(|d| {
            let on_time = match d.on_time.as_deref() {
                Some("late") => Some(OnTime::Late),
                Some("early") => Some(OnTime::Early),
                Some(_) => Some(OnTime::OnTime),
                None => None,
            };
            item(&d.code, d.closed_at.is_some(), on_time)
        })
        .collect();
    let tickets: Vec<ItemOutcome> = repo::tickets_of(tx, id, &d0, &d1)
        .await?
        .iter()
        .filter(|t| t.officer_id == Some(id) && t.first_called_at.is_some())
        .map(|t| item(&format!("{} {}", t.day, t.number), t.state == "done", None))
        .collect();
    Ok([
        ("dossier_received", received),
        ("dossier_returned", returned),
        ("guidance_slip", tickets),
    ]
    .into_iter()
    .filter(|(_, items)| !items.is_empty())
    .map(|(code, items)| TaskLine::from_items(code, &items))
    .collect())
}

fn general_of(entries: &[(String, String)]) -> Result<Vec<GeneralEntry>> {
    entries
        .iter()
        .map(|(code, text)| {
            let points =
                Points::parse(text).map_err(|_| DomainError::field("points-format", "general"))?;
            Ok(GeneralEntry {
                criterion: code.clone(),
                points,
            })
        })
        .collect()
}

/// The score the step carries, computed now from the evidence and the entered criteria.
async fn score(
    tx: &mut Tx,
    o: &Officer,
    p: Period,
    general: &[(String, String)],
) -> Result<Box<ScoreSnapshot>> {
    let input = ScoreInput {
        officer: o.user.id,
        position: POSITION.to_string(),
        period: p,
        task_lines: task_lines(tx, o, p).await?,
        general: general_of(general)?,
        leader: None,
    };
    let catalogue = OutputCatalogue::one_stop_default(POSITION);
    Ok(Box::new(compute(&input, &catalogue, &rules_for(p)?)?))
}

/// One step of the flow on the officer's form for `period`. See the module header.
pub async fn step(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    period: Period,
    s: FormStep,
) -> Result<FormView> {
    check_period(period)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = scope::officer(&mut tx, officer_id).await?;
    let by = actor.principal.user_id;
    let role = if by == o.user.id {
        None
    } else {
        Some(scope::manage(actor, &o)?)
    };
    let (f, version) = stored(&mut tx, &o, period).await?;
    if f.state == flow::FlowState::Locked {
        return Err(DomainError::new("evaluation-locked").into());
    }
    let action = match s {
        FormStep::SelfAssess { general } => FlowAction::SelfAssess {
            score: score(&mut tx, &o, period, &general).await?,
        },
        FormStep::Review { general } => FlowAction::Review {
            score: score(&mut tx, &o, period, &general).await?,
        },
        FormStep::Approve => FlowAction::Approve,
        FormStep::Return { reason } => FlowAction::Return { reason },
        FormStep::Lock => FlowAction::Lock,
    };
    let t = flow::apply(&f, &action, by, &FlowRules::default())?;
    let row = FormRow {
        shard_key: o.shard,
        officer_id: o.user.id,
        period: period.code(),
        office_id: o.office.id,
        state: t.to.as_str().to_string(),
        form: serde_json::to_string(&t.form).map_err(|e| AppError::Internal(e.to_string()))?,
        version: version.unwrap_or(0) + 1,
        updated_at: now,
    };
    if !repo::save_form(&mut tx, &row, version).await? {
        return Err(AppError::Conflict("evaluation-changed"));
    }
    let total = t
        .form
        .review
        .as_ref()
        .or(t.form.self_assessment.as_ref())
        .map(|s| s.total);
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: &format!("evaluation.{}", action.as_str()),
            role: role.map(|r| r.as_str()),
            office_id: Some(o.office.id),
            target_type: "user",
            target_id: Some(o.user.id.to_string()),
            summary: json!({"period": period.code(), "from": t.from.as_str(), "to": t.to.as_str(),
            "total": total.map(|p| p.to_string())}),
        },
    )
    .await?;
    tx.commit().await?;
    form(app, actor, officer_id, period).await
}
