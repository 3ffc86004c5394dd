//! The lifecycle actions on a dossier: one use case for all of them.

use congbo_domain::DomainError;
use congbo_domain::calendar::{DeadlineRules, LimitUnit, WorkCalendar, deadline, parse_date};
use congbo_domain::catalog::ProcedureVersion;
use congbo_domain::dossier::{
    self as dom, Action, DossierFacts, DossierState, FormIssued, Transition, perm_for,
};
use congbo_domain::identity::{Assignment, Perm};
use congbo_domain::time::local;
use congbo_store::Tx;
use congbo_store::repo::dossier::{self as repo, DossierRow};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::sequence;
use jiff::ToSpan;
use jiff::civil::DateTime;
use serde_json::json;
use uuid::Uuid;

use super::holders;
use super::scope::{self, grant, record_refusal};
use super::view::{DossierView, Loaded, commit_with_view, facts_of, load_version, view_offices};
use super::write::{
    NewEvent, action_detail, applicant_of, enqueue, form_name, insert_event, notice_for, rules_for,
    set_facts,
};
use crate::access::Refusal;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result};

/// One lifecycle action as the API and pages submit it.
#[derive(Debug, Clone)]
pub enum ActionInput {
    Receive,
    RequestSupplement {
        reason: String,
    },
    SupplementReceived,
    Refuse {
        reason: String,
    },
    Transfer {
        to_step: Option<u16>,
        to_office_id: Option<Uuid>,
        assignee_id: Option<Uuid>,
        note: Option<String>,
    },
    Finish {
        note: Option<String>,
    },
    Return,
    Stop {
        reason: String,
    },
    Withdraw,
    Apologize {
        reason: String,
        new_due: String,
    },
    /// Send a late dossier to a signer of the handling office for Form 04 (the first head,
    /// else a deputy, when none is chosen).
    RequestApology {
        signer_id: Option<Uuid>,
    },
}

impl ActionInput {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Receive => "receive",
            Self::RequestSupplement { .. } => "request-supplement",
            Self::SupplementReceived => "supplement-received",
            Self::Refuse { .. } => "refuse",
            Self::Transfer { .. } => "transfer",
            Self::Finish { .. } => "finish",
            Self::Return => "return",
            Self::Stop { .. } => "stop",
            Self::Withdraw => "withdraw",
            Self::Apologize { .. } => "apologize",
            Self::RequestApology { .. } => "request-apology",
        }
    }
}

/// The step a transfer goes to when none is named: the next one of the internal process
/// (received counts as having done step 1, the desk's).
fn next_step(state: DossierState) -> u16 {
    match state {
        DossierState::InProcess { step } => step.saturating_add(1),
        _ => 2,
    }
}

/// When the step `to_step` is due: its limit in the procedure's internal process counted from
/// now; without a limit, the dossier's current appointment at closing time.
fn step_due(
    app: &App,
    cal: &WorkCalendar,
    version: &ProcedureVersion,
    facts: &DossierFacts,
    to_step: u16,
    now: DateTime,
) -> DateTime {
    let rules = app.settings.deadline.clone();
    let from_step = version
        .procedure
        .steps
        .get(usize::from(to_step).saturating_sub(1))
        .map(|s| s.limit)
        .filter(|l| l.amount > 0 || l.unit == LimitUnit::WorkingDays);
    let due = match from_step {
        Some(limit) => {
            // Steps start now: no cut-off shift.
            let r = DeadlineRules {
                cutoff: jiff::civil::time(23, 59, 59, 0),
                ..rules.clone()
            };
            deadline::due(cal, now, limit, &r)
        }
        None => facts
            .current_due()
            .unwrap_or(now.date())
            .to_datetime(rules.closing_time()),
    };
    if due > now {
        due
    } else {
        now.saturating_add(1.hour())
    }
}

/// The dossier locked for the action, and the caller's assignment that allows it. Outside the
/// caller's scope it is not found; inside it without the role, forbidden; both are audited
/// (for the dossier's office) in a transaction of their own.
async fn load_for_action(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: &ActionInput,
) -> Result<(Tx, DossierRow, Assignment)> {
    let mut tx = app.db.begin().await?;
    let row = repo::get_for_update(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("dossier-not-found"))?;
    match scope::judge(actor, perm_for(input.name()), &row) {
        Ok(a) => {
            let a = a.clone();
            Ok((tx, row, a))
        }
        Err(refusal) => {
            drop(tx);
            let why = match refusal {
                Refusal::Hidden => "scope",
                Refusal::Forbidden => "role",
            };
            record_refusal(app, actor, &row, input.name(), why).await;
            Err(refusal.error("dossier-not-found"))
        }
    }
}

/// What the action needs to know to turn the input into a domain [`Action`].
struct Ctx<'a> {
    app: &'a App,
    actor: &'a Actor,
    cal: &'a WorkCalendar,
    version: &'a ProcedureVersion,
    facts: &'a DossierFacts,
    row: &'a DossierRow,
    assignment: &'a Assignment,
    now: DateTime,
}

/// The domain action and what it changes besides the facts.
struct Planned {
    action: Action,
    new_handler: Option<OfficeRow>,
    assignee: Option<Uuid>,
    /// Extra event detail (a note).
    extra: serde_json::Value,
}

fn note(n: &Option<String>) -> Result<serde_json::Value> {
    Ok(match n {
        Some(n) => json!({"note": congbo_domain::text::clean(n, "note", 0, 1000)?}),
        None => json!({}),
    })
}

fn reason(r: &str) -> Result<String> {
    Ok(congbo_domain::text::clean(r, "reason", 0, 2000)?)
}

/// Parse the input into the domain action.
async fn plan(tx: &mut Tx, c: &Ctx<'_>, input: &ActionInput) -> Result<Planned> {
    let mut p = Planned {
        action: Action::Return,
        new_handler: None,
        assignee: c.row.assignee_id,
        extra: json!({}),
    };
    p.action = match input {
        ActionInput::Receive => Action::Receive {
            due: deadline::due_date(
                c.cal,
                c.now,
                c.version.procedure.limit,
                &rules_for(c.app, c.version),
            ),
        },
        ActionInput::RequestSupplement { reason: r } => Action::RequestSupplement {
            reason: reason(r)?,
            // The second request needs the head: it is approved when a head or deputy makes it.
            approved_by_head: grant(c.actor, Perm::DossierSign, c.row).is_some(),
        },
        ActionInput::SupplementReceived => Action::SupplementReceived,
        ActionInput::Refuse { reason: r } => Action::Refuse { reason: reason(r)? },
        ActionInput::Transfer { .. } => return transfer(tx, c, input, p).await,
        ActionInput::Finish { note: n } => {
            p.extra = note(n)?;
            // Back to the desk that received it, for the hand-over.
            p.assignee = c.row.received_by;
            Action::Finish
        }
        ActionInput::Return => Action::Return,
        ActionInput::Stop { reason: r } => Action::Stop { reason: reason(r)? },
        ActionInput::Withdraw => Action::Withdraw,
        ActionInput::Apologize { reason: r, new_due } => {
            if c.facts.state == DossierState::Done {
                // Signed: back to the desk that received it, for the hand-over.
                p.assignee = c.row.received_by;
            }
            Action::Apologize {
                reason: reason(r)?,
                new_due: parse_date(new_due)
                    .map_err(|_| DomainError::field("invalid-date", "new_due"))?,
                signer_role: c.assignment.role,
            }
        }
        ActionInput::RequestApology { signer_id } => {
            let signer = holders::pick_signer(tx, c.row.handler_office_id, *signer_id).await?;
            p.assignee = Some(signer.user_id);
            p.extra = json!({"to": signer.full_name});
            Action::RequestApology
        }
    };
    Ok(p)
}

/// A transfer: to a step (the next by default), possibly to another office of the province
/// and another officer.
async fn transfer(
    tx: &mut Tx,
    c: &Ctx<'_>,
    input: &ActionInput,
    mut p: Planned,
) -> Result<Planned> {
    let ActionInput::Transfer {
        to_step,
        to_office_id,
        assignee_id,
        note: n,
    } = input
    else {
        return Err(AppError::Internal("not a transfer".into()));
    };
    let to_step = to_step.unwrap_or_else(|| next_step(c.facts.state));
    if to_step == 0 {
        return Err(DomainError::field("invalid-step", "to_step").into());
    }
    if let Some(o) = to_office_id.filter(|o| *o != c.row.handler_office_id) {
        let target = office_repo::get(tx, o)
            .await?
            .ok_or(DomainError::field("office-not-found", "to_office_id"))?;
        // Transfers stay within the province (same top-level office).
        let top = |p: &str| p.split('/').nth(1).map(str::to_string);
        if top(&target.path) != top(&c.row.office_path) {
            return Err(DomainError::field("office-not-found", "to_office_id").into());
        }
        p.new_handler = Some(target);
    }
    let office = p
        .new_handler
        .as_ref()
        .map_or(c.row.handler_office_id, |h| h.id);
    let chosen = holders::check_step_holder(tx, c.version, office, to_step, *assignee_id).await?;
    if let Some(u) = chosen {
        p.assignee = Some(u);
        p.extra = json!({"to": holders::name_of(tx, Some(u)).await?});
    } else if p.new_handler.is_some() {
        p.assignee = None;
    }
    if let (Some(d), Some(e)) = (p.extra.as_object_mut(), note(n)?.as_object()) {
        d.extend(e.clone());
    }
    p.action = Action::Transfer {
        to_step,
        step_due: step_due(c.app, c.cal, c.version, c.facts, to_step, c.now),
    };
    Ok(p)
}

/// Take the step on the row (handler, assignee, facts, version) and write it; a row changed
/// meanwhile is a conflict.
async fn update_row(
    tx: &mut Tx,
    row: &mut DossierRow,
    p: &Planned,
    t: &Transition,
    actor: &Actor,
    now_micros: i64,
) -> Result<()> {
    let before = row.clone();
    let expected = row.version;
    if let Some(h) = &p.new_handler {
        row.handler_office_id = h.id;
        row.handler_path = h.path.clone();
    }
    let mut assignee = p.assignee;
    if matches!(p.action, Action::Receive { .. }) {
        assignee = Some(actor.principal.user_id);
    }
    row.assignee_id = if t.to.is_terminal() { None } else { assignee };
    set_facts(row, &t.facts)?;
    row.version += 1;
    row.updated_at = now_micros;
    if !repo::update(tx, row, expected).await? {
        return Err(AppError::Conflict("dossier-changed"));
    }
    crate::report::rollup::dossier_changed(tx, Some(&before), row).await
}

/// Form 04 is numbered per office and year.
async fn form_number(
    tx: &mut Tx,
    t: &Transition,
    office: &OfficeRow,
    now: DateTime,
) -> Result<Option<String>> {
    if t.form != Some(FormIssued::Apology) {
        return Ok(None);
    }
    let key = format!("form04:{}:{}", office.code, now.date().year());
    let n = sequence::next(tx, &key).await?;
    Ok(Some(format!("{n}/PXL")))
}

/// The event detail: the action's, the input's extra, the new handling office.
fn detail_of(p: &Planned) -> serde_json::Value {
    let mut detail = action_detail(&p.action);
    if let (Some(d), Some(e)) = (detail.as_object_mut(), p.extra.as_object()) {
        d.extend(e.clone());
    }
    if let Some(h) = &p.new_handler {
        detail["to_office"] = json!(h.code);
    }
    detail
}

/// Take `input` on dossier `id`. Errors: `dossier-not-found` (404, also outside the caller's
/// scope — audited for the dossier's office), `forbidden` (403: visible but not the caller's
/// role — audited), the domain's
/// lifecycle errors (422), `invalid-date` (`new_due`), `office-not-found` (`to_office_id`),
/// `assignee-not-eligible` (`assignee_id`: not an officer of the handling office who performs
/// the step, or who signs), `no-signer`, `conflict` when the dossier changed meanwhile.
pub async fn act(app: &App, actor: &Actor, id: Uuid, input: &ActionInput) -> Result<DossierView> {
    let cal = app.calendar().await?;
    let now_micros = app.now();
    let now = local(now_micros);
    let (mut tx, mut row, assignment) = load_for_action(app, actor, id, input).await?;
    let facts = facts_of(&row)?;
    let version = load_version(app, &mut tx, &row.procedure_code, row.procedure_version).await?;
    let ctx = Ctx {
        app,
        actor,
        cal: &cal,
        version: &version,
        facts: &facts,
        row: &row,
        assignment: &assignment,
        now,
    };
    let planned = plan(&mut tx, &ctx, input).await?;
    let t = dom::apply(&facts, &planned.action, now, &app.settings.dossier, &cal)?;
    update_row(&mut tx, &mut row, &planned, &t, actor, now_micros).await?;
    // Everything the rest needs is read once: the offices (receiving, its parent, the handler
    // after a transfer) and the timeline (to number the next event).
    let offices = view_offices(&mut tx, &row).await?;
    let mut events = repo::events(&mut tx, row.id).await?;
    let form_no = form_number(&mut tx, &t, &offices.office, now).await?;
    let detail = detail_of(&planned);
    let event = NewEvent {
        seq: events.last().map_or(0, |e| e.seq) + 1,
        at: now_micros,
        actor,
        role: assignment.role,
        action: planned.action.as_str(),
        transition: &t,
        form_no: form_no.clone(),
        detail: detail.clone(),
    };
    events.push(insert_event(&mut tx, &row, event).await?);
    if let Some(n) = notice_for(app, &planned.action, &t, &row) {
        let applicant = applicant_of(&row);
        enqueue(
            &mut tx,
            app,
            &row,
            &offices.office,
            &applicant,
            &n,
            now_micros,
        )
        .await?;
    }
    audit::record(
        &mut tx,
        now_micros,
        actor,
        Entry {
            action: audit_action(&planned.action),
            role: Some(assignment.role.as_str()),
            office_id: Some(row.handler_office_id),
            target_type: "dossier",
            target_id: Some(row.id.to_string()),
            summary: json!({"code": row.code, "from": t.from.as_str(), "to": t.to.as_str(),
                            "form": t.form.map(form_name), "form_no": form_no, "detail": detail,
                            "on_time": row.on_time}),
        },
    )
    .await?;
    let loaded = Loaded::new(row, version, offices, events);
    commit_with_view(tx, app, actor, loaded, &cal).await
}

fn audit_action(a: &Action) -> &'static str {
    match a {
        Action::Receive { .. } => "dossier.receive",
        Action::RequestSupplement { .. } => "dossier.request-supplement",
        Action::SupplementReceived => "dossier.supplement-received",
        Action::Refuse { .. } => "dossier.refuse",
        Action::Transfer { .. } => "dossier.transfer",
        Action::Finish => "dossier.finish",
        Action::Return => "dossier.return",
        Action::Stop { .. } => "dossier.stop",
        Action::Withdraw => "dossier.withdraw",
        Action::Apologize { .. } => "dossier.apologize",
        Action::RequestApology => "dossier.request-apology",
    }
}
