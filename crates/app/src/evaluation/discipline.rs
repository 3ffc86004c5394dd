//! Discipline records (issue 14, item 5): cases under Decree 172/2025 kept by the head of the
//! office where the officer is evaluated, with the rules of `domain::evaluation::discipline`
//! (steps, the 90/150-day deadline, the 5/10-year limitation, 12 months in effect, deferral).
//!
//! - [`cases`], [`case`]: the officer reads their own; `EvaluationRead` where the officer is
//!   evaluated (heads; supervisors read-only). Each case comes with its dates computed now and
//!   the steps the viewer may take.
//! - [`open`]: a case from detection (the violation's last day, the day detected, severity,
//!   limitation class, duty-related or not, what happened and a link to the upheld complaint or
//!   finding it came from); [`step`]: one step (`domain::evaluation::discipline::apply`). The
//!   case, its audit row and, for a decision, the officer's notice (outbox, when they have an
//!   e-mail address) commit together; a refused step changes nothing.
//! - A decided sanction in the year of a duty-related violation forces the annual ranking to
//!   "không hoàn thành" (`DisciplineCase::ranking_override`, read by [`super::ranking`]).
//!
//! Input arrives as typed text ([`CaseInput`], [`StepInput`]): dates `YYYY-MM-DD`, counts as
//! numbers; a malformed value is refused next to its field (`date-format`, `count-format`).

use congbo_domain::DomainError;
use congbo_domain::evaluation::discipline::{self as rules, CaseAction};
use congbo_domain::evaluation::register::evidence_link;
use congbo_domain::evaluation::{
    Ballot, CaseState, DeferralReason, DisciplineCase, DisciplineRules, FormVote, LimitationClass,
    NewCase, Sanction, Severity, SkipBasis,
};
use congbo_domain::time::local_date;
use congbo_store::repo::evaluation_year::{self as repo, CaseRow};
use congbo_store::repo::outbox::{self as outbox, NewOutbox};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::scope::{self, Officer};
use super::scorecard::OfficerLine;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};

#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: Uuid,
    pub officer: Uuid,
    pub state: String,
    pub summary: String,
    pub source: Option<String>,
    pub case: DisciplineCase,
    pub decision_due: Date,
    pub limitation_ends: Option<Date>,
    pub effective_until: Option<Date>,
    pub in_effect: bool,
    pub overdue: bool,
    pub created_at: i64,
    /// Steps the viewer may take now (`hold_review_meeting`, `hold_council`, `decide`,
    /// `decide_directly`, `defer`, `resume`, `extend`).
    pub actions: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseList {
    pub officer: OfficerLine,
    pub cases: Vec<CaseView>,
    pub own: bool,
    pub may_manage: bool,
}

/// A new case as typed.
#[derive(Debug, Clone, Default)]
pub struct CaseInput {
    pub violation_end: String,
    pub detected_on: String,
    /// `less_serious`, `serious`, `very_serious`.
    pub severity: String,
    /// `reprimand_level`, `other`, `unlimited`.
    pub limitation: String,
    pub duty_related: bool,
    pub summary: String,
    /// A page of congbo (`/phan-anh/…`): the upheld complaint or finding.
    pub source: Option<String>,
}

/// One step as typed; each action reads the fields it needs.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    pub action: String,
    pub on: String,
    pub minutes_ref: String,
    pub members_present: String,
    pub chair_present: bool,
    pub for_discipline: String,
    pub against_discipline: String,
    /// Votes per form: (sanction code, count as typed).
    pub form_votes: Vec<(String, String)>,
    pub number: String,
    /// Empty: no discipline.
    pub sanction: String,
    pub effective_from: String,
    /// `court_conviction`, `party_sanction`.
    pub basis: String,
    /// `serious_illness`, `maternity`, `prosecution`.
    pub reason: String,
}

fn date(s: &str, field: &'static str) -> Result<Date> {
    s.trim()
        .parse()
        .map_err(|_| DomainError::field("date-format", field).into())
}

fn count(s: &str, field: &'static str) -> Result<u8> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(0);
    }
    t.parse()
        .map_err(|_| DomainError::field("count-format", field).into())
}

fn code<T: Serialize + serde::de::DeserializeOwned>(s: &str, field: &'static str) -> Result<T> {
    serde_json::from_value(json!(s.trim()))
        .map_err(|_| DomainError::field("choice-unknown", field).into())
}

fn sanction(s: &str) -> Result<Option<Sanction>> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    code(s, "sanction").map(Some)
}

/// The domain action a typed step names.
fn action_of(s: &StepInput) -> Result<CaseAction> {
    let on = || date(&s.on, "on");
    Ok(match s.action.as_str() {
        "hold_review_meeting" => CaseAction::HoldReviewMeeting {
            on: on()?,
            minutes_ref: s.minutes_ref.clone(),
        },
        "hold_council" => {
            let mut form_votes = Vec::new();
            for (k, v) in &s.form_votes {
                form_votes.push(FormVote {
                    sanction: code(k, "ballot")?,
                    votes: count(v, "ballot")?,
                });
            }
            CaseAction::HoldCouncil {
                on: on()?,
                ballot: Ballot {
                    members_present: count(&s.members_present, "ballot")?,
                    chair_present: s.chair_present,
                    for_discipline: count(&s.for_discipline, "ballot")?,
                    against_discipline: count(&s.against_discipline, "ballot")?,
                    form_votes,
                },
            }
        }
        "decide" => CaseAction::Decide {
            on: on()?,
            number: s.number.clone(),
            sanction: sanction(&s.sanction)?,
            effective_from: date(&s.effective_from, "effective_from")?,
        },
        "decide_directly" => CaseAction::DecideDirectly {
            on: on()?,
            number: s.number.clone(),
            sanction: sanction(&s.sanction)?
                .ok_or(DomainError::field("choice-unknown", "sanction"))?,
            effective_from: date(&s.effective_from, "effective_from")?,
            basis: code::<SkipBasis>(&s.basis, "basis")?,
        },
        "defer" => CaseAction::Defer {
            on: on()?,
            reason: code::<DeferralReason>(&s.reason, "reason")?,
        },
        "resume" => CaseAction::Resume { on: on()? },
        "extend" => CaseAction::Extend,
        _ => return Err(AppError::NotFound("not-found")),
    })
}

/// The steps a state accepts (the domain decides the rest).
fn actions_of(c: &DisciplineCase) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = match c.state {
        CaseState::Open => vec!["hold_review_meeting", "decide_directly", "defer"],
        CaseState::ReviewHeld => vec!["hold_council", "defer"],
        CaseState::CouncilHeld => vec!["decide", "defer"],
        CaseState::Deferred => vec!["resume"],
        CaseState::Decided | CaseState::Closed => vec![],
    };
    if !c.extended
        && matches!(
            c.state,
            CaseState::Open | CaseState::ReviewHeld | CaseState::CouncilHeld
        )
    {
        v.push("extend");
    }
    v
}

fn view_of(r: &CaseRow, today: Date, manage: bool) -> Result<CaseView> {
    let case: DisciplineCase =
        serde_json::from_str(&r.record).map_err(|e| AppError::Internal(e.to_string()))?;
    let dr = DisciplineRules::default();
    Ok(CaseView {
        id: r.id,
        officer: r.officer_id,
        state: r.state.clone(),
        summary: r.summary.clone(),
        source: r.source.clone(),
        decision_due: case.decision_due(&dr),
        limitation_ends: case.limitation_ends(&dr),
        effective_until: case.effective_until(&dr),
        in_effect: case.in_effect(today, &dr),
        overdue: case.overdue(today, &dr),
        created_at: r.created_at,
        actions: if manage {
            actions_of(&case)
        } else {
            Vec::new()
        },
        case,
    })
}

/// The officer's cases, newest first. See the module header.
pub async fn cases(app: &App, actor: &Actor, officer_id: Uuid) -> Result<CaseList> {
    let today = local_date(app.now());
    let mut tx = app.db.read().await?;
    let (o, seen) = scope::load_read(&mut tx, actor, officer_id).await?;
    let rows = repo::cases_of(&mut tx, o.shard, o.user.id).await?;
    tx.commit().await?;
    let manage = seen.manage && !seen.own;
    Ok(CaseList {
        officer: OfficerLine::of(&o),
        cases: rows
            .iter()
            .map(|r| view_of(r, today, manage))
            .collect::<Result<_>>()?,
        own: seen.own,
        may_manage: manage,
    })
}

async fn load_case(tx: &mut congbo_store::Tx, o: &Officer, case_id: Uuid) -> Result<CaseRow> {
    repo::case(tx, o.shard, case_id)
        .await?
        .filter(|r| r.officer_id == o.user.id)
        .ok_or(AppError::NotFound("discipline-case-not-found"))
}

/// One case of the officer. See the module header.
pub async fn case(app: &App, actor: &Actor, officer_id: Uuid, case_id: Uuid) -> Result<CaseView> {
    let today = local_date(app.now());
    let mut tx = app.db.read().await?;
    let (o, seen) = scope::load_read(&mut tx, actor, officer_id).await?;
    let r = load_case(&mut tx, &o, case_id).await?;
    tx.commit().await?;
    view_of(&r, today, seen.manage && !seen.own)
}

fn new_case(o: &Officer, input: &CaseInput) -> Result<(NewCase, String, Option<String>)> {
    let summary = input.summary.trim().to_string();
    if summary.is_empty() {
        return Err(DomainError::field("summary-required", "summary").into());
    }
    let source = evidence_link(input.source.as_deref())
        .map_err(|_| DomainError::field("evidence-link", "source"))?;
    let new = NewCase {
        officer: o.user.id,
        is_leader: scope::place_id(o) != o.office.id,
        violation_end: date(&input.violation_end, "violation_end")?,
        detected_on: date(&input.detected_on, "detected_on")?,
        severity: code::<Severity>(&input.severity, "severity")?,
        limitation: code::<LimitationClass>(&input.limitation, "limitation")?,
        duty_related: input.duty_related,
    };
    Ok((new, summary, source))
}

/// Opens a case against the officer. See the module header.
pub async fn open(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    input: &CaseInput,
) -> Result<CaseView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = scope::officer(&mut tx, officer_id).await?;
    let role = scope::manage(actor, &o)?;
    if actor.principal.user_id == o.user.id {
        return Err(AppError::Forbidden);
    }
    let (new, summary, source) = new_case(&o, input)?;
    let case = DisciplineCase::open(new, &DisciplineRules::default())?;
    let row = CaseRow {
        shard_key: o.shard,
        id: new_id(),
        officer_id: o.user.id,
        office_id: o.office.id,
        state: case.state.as_str().to_string(),
        summary,
        source,
        record: serde_json::to_string(&case).map_err(|e| AppError::Internal(e.to_string()))?,
        created_by: actor.principal.user_id,
        created_at: now,
        version: 1,
        updated_at: now,
    };
    repo::insert_case(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "evaluation.discipline_opened",
            role: Some(role.as_str()),
            office_id: Some(o.office.id),
            target_type: "user",
            target_id: Some(o.user.id.to_string()),
            summary: json!({"case": row.id, "severity": case.facts.severity.as_str(),
                "detected_on": case.facts.detected_on.to_string()}),
        },
    )
    .await?;
    tx.commit().await?;
    view_of(&row, local_date(now), true)
}

/// One step of a case. See the module header.
pub async fn step(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    case_id: Uuid,
    input: &StepInput,
) -> Result<CaseView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = scope::officer(&mut tx, officer_id).await?;
    let role = scope::manage(actor, &o)?;
    if actor.principal.user_id == o.user.id {
        return Err(AppError::Forbidden);
    }
    let mut row = load_case(&mut tx, &o, case_id).await?;
    let action = action_of(input)?;
    let before: DisciplineCase =
        serde_json::from_str(&row.record).map_err(|e| AppError::Internal(e.to_string()))?;
    let after = rules::apply(&before, &action, &DisciplineRules::default())?;
    let version = row.version;
    row.state = after.state.as_str().to_string();
    row.record = serde_json::to_string(&after).map_err(|e| AppError::Internal(e.to_string()))?;
    row.version += 1;
    row.updated_at = now;
    if !repo::update_case(&mut tx, &row, version).await? {
        return Err(AppError::Conflict("discipline-changed"));
    }
    let sanction = after.sanction().map(Sanction::as_str);
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: &format!("evaluation.discipline_{}", input.action),
            role: Some(role.as_str()),
            office_id: Some(o.office.id),
            target_type: "user",
            target_id: Some(o.user.id.to_string()),
            summary: json!({"case": row.id, "from": before.state.as_str(),
                "to": after.state.as_str(), "sanction": sanction}),
        },
    )
    .await?;
    if after.decision.is_some() && before.decision.is_none() {
        notify_decision(&mut tx, now, &o, &after).await?;
    }
    tx.commit().await?;
    view_of(&row, local_date(now), true)
}

/// The decision is handed to the officer; they also get it by e-mail when they have one.
async fn notify_decision(
    tx: &mut congbo_store::Tx,
    now: i64,
    o: &Officer,
    c: &DisciplineCase,
) -> Result<()> {
    let (Some(email), Some(d)) = (
        o.user.email.clone().filter(|e| !e.trim().is_empty()),
        c.decision.as_ref(),
    ) else {
        return Ok(());
    };
    let what = match d.sanction {
        Some(Sanction::Reprimand) => "khiển trách",
        Some(Sanction::Warning) => "cảnh cáo",
        Some(Sanction::Removal) => "cách chức",
        Some(Sanction::Dismissal) => "buộc thôi việc",
        None => "không xử lý kỷ luật",
    };
    outbox::insert(
        tx,
        &NewOutbox {
            id: new_id(),
            created_at: now,
            topic: "evaluation.discipline-decided".into(),
            dossier_id: None,
            channel: "email".into(),
            recipient: email,
            subject: format!("Quyết định số {}", d.number),
            body: format!(
                "Quyết định số {} ngày {}: {what}. Xem tại /can-bo/{}/ky-luat",
                d.number, d.on, o.user.id
            ),
        },
    )
    .await?;
    Ok(())
}
