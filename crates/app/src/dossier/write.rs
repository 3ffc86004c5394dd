//! What an accepted step writes besides the row's own columns: the facts into the row, the
//! timeline event, the citizen's notice into the outbox.

use congbo_domain::calendar::DeadlineRules;
use congbo_domain::catalog::ProcedureVersion;
use congbo_domain::dossier::{
    self as dom, Action, Applicant, DossierFacts, DossierState, FormIssued, Notice, NotifyChannel,
    Transition,
};
use congbo_domain::identity::Role;
use congbo_domain::time::micros;
use congbo_store::Tx;
use congbo_store::repo::dossier::{self as repo, DossierRow, EventRow};
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::outbox::{self as outbox, NewOutbox};
use serde_json::json;

use super::view::json_string;
use crate::{Actor, App, Result, new_id};

/// The deadline rules of a procedure: the installation's, with the procedure's own cut-off.
pub(super) fn rules_for(app: &App, v: &ProcedureVersion) -> DeadlineRules {
    let mut r = app.settings.deadline.clone();
    if let Some(c) = v.procedure.cutoff {
        r.cutoff = c;
    }
    r
}
/// Copy the facts into the row's derived columns.
pub(super) fn set_facts(row: &mut DossierRow, f: &DossierFacts) -> Result<()> {
    row.state = f.state.as_str().to_string();
    row.step = match f.state {
        DossierState::InProcess { step } => Some(i64::from(step)),
        DossierState::AwaitingSupplement {
            resume: dom::Resume::Step(step),
        } => Some(i64::from(step)),
        _ => None,
    };
    row.received_at = f.received_at.map(micros);
    row.due_date = f.due.map(|d| d.to_string());
    row.current_due = f.current_due().map(|d| d.to_string());
    row.step_due = f.step_due.map(micros);
    row.on_time = f.on_time.map(|o| o.as_str().to_string());
    row.closed_at = f.closed_at.map(micros);
    row.apologies = f.reappointments.len() as i64;
    row.facts = json_string(f)?;
    Ok(())
}

pub(super) fn action_detail(a: &Action) -> serde_json::Value {
    match a {
        Action::Receive { due } => json!({"due": due.to_string()}),
        Action::RequestSupplement {
            reason,
            approved_by_head,
        } => json!({"reason": reason, "approved_by_head": approved_by_head}),
        Action::Refuse { reason } | Action::Stop { reason } => json!({"reason": reason}),
        Action::Transfer { to_step, step_due } => {
            json!({"to_step": to_step, "step_due": step_due.to_string()})
        }
        Action::Apologize {
            reason,
            new_due,
            signer_role,
        } => {
            json!({"reason": reason, "new_due": new_due.to_string(), "signer_role": signer_role.as_str()})
        }
        Action::SupplementReceived
        | Action::Finish
        | Action::Return
        | Action::Withdraw
        | Action::RequestApology => {
            json!({})
        }
    }
}

pub(super) fn form_name(f: FormIssued) -> &'static str {
    match f {
        FormIssued::Receipt => "01",
        FormIssued::SupplementRequest => "02",
        FormIssued::Refusal => "03",
        FormIssued::Apology => "04",
        FormIssued::StopNotice => "05",
        FormIssued::ControlSheetRow => "06",
    }
}

/// One timeline event an accepted step writes.
pub(super) struct NewEvent<'a> {
    pub(super) seq: i64,
    pub(super) at: i64,
    pub(super) actor: &'a Actor,
    pub(super) role: Role,
    pub(super) action: &'a str,
    pub(super) transition: &'a Transition,
    pub(super) form_no: Option<String>,
    pub(super) detail: serde_json::Value,
}

/// Insert the event of `e` on `row` (after the row has taken the step).
pub(super) async fn insert_event(
    tx: &mut Tx,
    row: &DossierRow,
    e: NewEvent<'_>,
) -> Result<EventRow> {
    let to_office = (row.handler_office_id != row.office_id).then_some(row.handler_office_id);
    let mut detail = e.detail;
    if let Some(obj) = detail.as_object_mut() {
        obj.insert("step".into(), json!(row.step));
    }
    let t = e.transition;
    let event = EventRow {
        dossier_id: row.id,
        seq: e.seq,
        at: e.at,
        action: e.action.to_string(),
        from_state: Some(t.from.as_str().to_string()),
        to_state: t.to.as_str().to_string(),
        actor_id: Some(e.actor.principal.user_id),
        actor_name: e.actor.principal.full_name.clone(),
        actor_role: Some(e.role.as_str().to_string()),
        office_id: row.handler_office_id,
        to_office_id: to_office,
        form: t.form.map(|f| form_name(f).to_string()),
        form_no: e.form_no,
        detail: detail.to_string(),
    };
    repo::insert_event(tx, &event).await?;
    Ok(event)
}

/// The notice an accepted action sends the citizen, if any.
pub(super) fn notice_for(
    app: &App,
    a: &Action,
    t: &Transition,
    row: &DossierRow,
) -> Option<Notice> {
    match a {
        Action::Receive { due } => Some(Notice::Received {
            due: *due,
            secret: row.secret.clone(),
        }),
        Action::RequestSupplement { reason, .. } => Some(Notice::SupplementRequested {
            items: reason.clone(),
        }),
        Action::Refuse { reason } => Some(Notice::Refused {
            reason: reason.clone(),
        }),
        Action::Apologize {
            reason, new_due, ..
        } => Some(Notice::Apology {
            reason: reason.clone(),
            new_due: *new_due,
        }),
        Action::Finish if t.to == DossierState::Done => Some(Notice::ResultReady {
            rating_url: crate::links::rating_link(app, row.id, &row.code, &row.secret),
        }),
        Action::Stop { reason } => Some(Notice::Stopped {
            reason: reason.clone(),
        }),
        _ => None,
    }
}

/// One outbox row per channel the citizen chose, in the caller's transaction.
pub(super) async fn enqueue(
    tx: &mut Tx,
    app: &App,
    row: &DossierRow,
    office_row: &OfficeRow,
    applicant: &Applicant,
    notice: &Notice,
    now: i64,
) -> Result<()> {
    let (subject, body) = notice.render(
        &row.code,
        &office_row.name,
        &row.procedure_name,
        &crate::links::lookup_url(app, &row.code),
    );
    for &channel in &applicant.notify {
        let Some(to) = applicant.contact(channel) else {
            continue;
        };
        outbox::insert(
            tx,
            &NewOutbox {
                id: new_id(),
                created_at: now,
                topic: notice.topic().to_string(),
                dossier_id: Some(row.id),
                channel: channel.as_str().to_string(),
                recipient: to.to_string(),
                subject: subject.clone(),
                body: body.clone(),
            },
        )
        .await?;
    }
    Ok(())
}

pub(super) fn applicant_of(row: &DossierRow) -> Applicant {
    Applicant {
        name: row.applicant_name.clone(),
        id_number: row.applicant_id_no.clone(),
        address: row.applicant_address.clone(),
        phone: row.applicant_phone.clone(),
        email: row.applicant_email.clone(),
        notify: row
            .notify
            .split(',')
            .filter_map(|c| NotifyChannel::parse(c).ok())
            .collect(),
    }
}
