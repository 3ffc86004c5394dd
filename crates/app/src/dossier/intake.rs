//! Intake: receiving a dossier at the desk, or registering an online or postal submission.

use congbo_domain::DomainError;
use congbo_domain::calendar::{WorkCalendar, deadline};
use congbo_domain::catalog::ProcedureVersion;
use congbo_domain::dossier::{
    self as dom, Action, Applicant, Channel, ChecklistItem, DossierCode, DossierFacts,
    DossierState, Transition, missing_documents_text,
};
use congbo_domain::identity::{Perm, Role};
use congbo_domain::time::{local, micros};
use congbo_store::Tx;
use congbo_store::repo::dossier::{self as repo, DossierRow, EventRow};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::sequence;
use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use serde_json::json;
use uuid::Uuid;

use super::view::{DossierView, Loaded, ViewOffices, commit_with_view, json_string};
use super::write::{
    NewEvent, action_detail, enqueue, insert_event, notice_for, rules_for, set_facts,
};
use crate::access;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};

/// What the desk (or the online portal, through the API) submits.
#[derive(Debug, Clone, Default)]
pub struct NewDossier {
    /// Receiving office; by default the office where the caller holds the intake role.
    pub office_id: Option<Uuid>,
    pub procedure_code: String,
    /// `counter` (default), `online` or `postal`.
    pub channel: Option<String>,
    /// Local receipt time (`YYYY-MM-DDTHH:MM`); now by default; never in the future.
    pub received_at: Option<String>,
    pub applicant_name: String,
    pub applicant_id_number: Option<String>,
    pub applicant_address: Option<String>,
    pub applicant_phone: Option<String>,
    pub applicant_email: Option<String>,
    pub notify: Vec<String>,
    /// Indexes (0-based) of the procedure's documents the citizen brought; all by default.
    /// At the counter, the others become the Form 02 text.
    pub provided_documents: Option<Vec<u16>>,
    /// The queue ticket being served at the officer's counter: its counter, officer and wait
    /// attach to the dossier.
    pub ticket_id: Option<Uuid>,
    /// Keep the ticket at the counter after this intake (the citizen has another dossier);
    /// otherwise the intake finishes it.
    pub keep_ticket: bool,
}

/// `YYYY-MM-DDTHH:MM[:SS]` (Vietnam local time). Error: `invalid-datetime` (`field`).
fn parse_local(s: &str, field: &'static str) -> Result<DateTime> {
    s.trim()
        .parse::<DateTime>()
        .map_err(|_| DomainError::field("invalid-datetime", field).into())
}

/// The office where `actor` receives dossiers: the given one (checked later), else the office
/// of their first intake role.
fn intake_office(actor: &Actor, office_id: Option<Uuid>) -> Result<Uuid> {
    match office_id {
        Some(id) => Ok(id),
        None => access::offices_with(actor, Perm::DossierIntake)
            .first()
            .copied()
            .ok_or(AppError::Forbidden),
    }
}

/// The offices where the caller receives dossiers (id, name), for the intake form; forbidden
/// without an intake role.
pub async fn intake_offices(app: &App, actor: &Actor) -> Result<Vec<(Uuid, String)>> {
    let ids = access::offices_with(actor, Perm::DossierIntake);
    if ids.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.read().await?;
    let mut out = Vec::new();
    for id in ids {
        if let Ok((o, _)) = access::office_for(&mut tx, actor, Perm::OfficeRead, id).await {
            out.push((o.id, o.name));
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// The submission's fields, parsed before anything is read.
struct Parsed {
    applicant: Applicant,
    channel: Channel,
    /// Local receipt time.
    at: DateTime,
    now_micros: i64,
}

fn parse(app: &App, input: &NewDossier) -> Result<Parsed> {
    let applicant = Applicant::parse(
        &input.applicant_name,
        input.applicant_id_number.as_deref(),
        input.applicant_address.as_deref(),
        input.applicant_phone.as_deref(),
        input.applicant_email.as_deref(),
        &input.notify,
    )?;
    let channel = match input.channel.as_deref() {
        None | Some("") => Channel::Counter,
        Some(c) => Channel::parse(c)?,
    };
    let now_micros = app.now();
    let now = local(now_micros);
    let at = match input
        .received_at
        .as_deref()
        .filter(|s| !s.trim().is_empty())
    {
        None => now,
        Some(s) => {
            let t = parse_local(s, "received_at")?;
            // A minute of tolerance for clocks of other machines (the online portal).
            if t > now.saturating_add(1.minute()) {
                return Err(DomainError::field("received-in-future", "received_at").into());
            }
            t
        }
    };
    Ok(Parsed {
        applicant,
        channel,
        at,
        now_micros,
    })
}

/// The receiving office (with its parent) and the caller's intake role there: 404 outside
/// what the caller may read, 403 inside it without the intake role.
async fn receiving_office(
    tx: &mut Tx,
    actor: &Actor,
    office_id: Uuid,
) -> Result<(ViewOffices, Role)> {
    let rows = office_repo::get_with_parent(tx, office_id, office_id).await?;
    let office = rows
        .iter()
        .find(|o| o.id == office_id)
        .cloned()
        .ok_or(AppError::NotFound("office-not-found"))?;
    let parent = office
        .parent_id
        .and_then(|p| rows.iter().find(|o| o.id == p).cloned());
    let role = access::judge(
        &actor.principal,
        Perm::DossierIntake,
        Perm::DossierRead,
        &[&access::path(&office)],
    )
    .map_err(|r| r.error("office-not-found"))?
    .role;
    let offices = ViewOffices {
        handler: office.clone(),
        office,
        parent,
    };
    Ok((offices, role))
}

/// The procedure's documents, ticked as the citizen brought them (all by default).
fn checklist(version: &ProcedureVersion, provided: Option<&[u16]>) -> Result<Vec<ChecklistItem>> {
    let docs = &version.procedure.documents;
    let provided: Vec<bool> = match provided {
        None => vec![true; docs.len()],
        Some(idx) => {
            let mut p = vec![false; docs.len()];
            for &i in idx {
                *p.get_mut(usize::from(i))
                    .ok_or(DomainError::field("unknown-document", "provided_documents"))? = true;
            }
            p
        }
    };
    Ok(docs
        .iter()
        .zip(&provided)
        .map(|(d, &provided)| ChecklistItem {
            name: d.name.clone(),
            form: d.form.as_str().to_string(),
            count: d.count,
            provided,
        })
        .collect())
}

/// A new code (OFFICE-YYMMDD-NNNN, serial per office and local day, never reused) and lookup
/// secret.
async fn new_code(tx: &mut Tx, office: &OfficeRow, day: Date) -> Result<(DossierCode, String)> {
    let serial = sequence::next(
        tx,
        &format!("dossier:{}:{}", office.code, day.strftime("%y%m%d")),
    )
    .await?;
    let serial = u32::try_from(serial)
        .ok()
        .filter(|&s| s <= 9999)
        .ok_or(DomainError::field("dossier-serial-exhausted", "serial"))?;
    let code = DossierCode::new(&office.code, day, serial)?;
    let mut bytes = [0u8; 5];
    rand::fill(&mut bytes);
    Ok((code, dom::lookup_secret(bytes)))
}

/// The rule: at the counter with every document the dossier is received at once (with its
/// appointment date); with documents missing it waits for them. Online and postal
/// submissions wait for the desk. Returns the steps taken and the facts after them.
fn first_steps(
    app: &App,
    cal: &WorkCalendar,
    version: &ProcedureVersion,
    channel: Channel,
    missing: &[String],
    at: DateTime,
) -> Result<(DossierFacts, Vec<(Action, Transition)>)> {
    let mut steps = Vec::new();
    if channel == Channel::Counter {
        if missing.is_empty() {
            let due =
                deadline::due_date(cal, at, version.procedure.limit, &rules_for(app, version));
            steps.push(Action::Receive { due });
        } else {
            steps.push(Action::RequestSupplement {
                reason: missing_documents_text(missing),
                approved_by_head: false,
            });
        }
    }
    let mut facts = DossierFacts::submitted(at);
    let mut transitions = Vec::new();
    for a in steps {
        let t = dom::apply(&facts, &a, at, &app.settings.dossier, cal)?;
        facts = t.facts.clone();
        transitions.push((a, t));
    }
    Ok((facts, transitions))
}

/// What a new row is made of.
struct RowParts<'a> {
    code: &'a DossierCode,
    secret: String,
    office: &'a OfficeRow,
    version: &'a ProcedureVersion,
    parsed: &'a Parsed,
    documents: &'a [ChecklistItem],
    received_by: Option<Uuid>,
    actor: &'a Actor,
}

fn new_row(p: RowParts<'_>) -> Result<DossierRow> {
    let Parsed {
        applicant,
        channel,
        at,
        now_micros,
    } = p.parsed;
    Ok(DossierRow {
        id: new_id(),
        code: p.code.to_string(),
        secret: p.secret,
        office_id: p.office.id,
        office_path: p.office.path.clone(),
        handler_office_id: p.office.id,
        handler_path: p.office.path.clone(),
        procedure_code: p.version.procedure.code.as_str().to_string(),
        procedure_version: i64::from(p.version.version),
        procedure_name: p.version.procedure.name.clone(),
        channel: channel.as_str().to_string(),
        state: String::new(),
        step: None,
        applicant_name: applicant.name.clone(),
        applicant_id_no: applicant.id_number.clone(),
        applicant_address: applicant.address.clone(),
        applicant_phone: applicant.phone.clone(),
        applicant_email: applicant.email.clone(),
        notify: applicant
            .notify
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(","),
        documents: json_string(&p.documents)?,
        facts: String::new(),
        submitted_at: micros(*at),
        received_at: None,
        due_date: None,
        current_due: None,
        step_due: None,
        on_time: None,
        closed_at: None,
        apologies: 0,
        received_by: p.received_by,
        assignee_id: Some(p.actor.principal.user_id),
        version: 0,
        created_at: *now_micros,
        updated_at: *now_micros,
    })
}

/// The intake's timeline: the submission, then one event per step taken (each with the
/// citizen's notice).
struct Timeline<'a> {
    app: &'a App,
    actor: &'a Actor,
    role: Role,
    row: &'a DossierRow,
    office: &'a OfficeRow,
    parsed: &'a Parsed,
    missing: &'a [String],
}

async fn write_timeline(
    tx: &mut Tx,
    w: Timeline<'_>,
    transitions: &[(Action, Transition)],
) -> Result<Vec<EventRow>> {
    let at = micros(w.parsed.at);
    let mut events = Vec::with_capacity(1 + transitions.len());
    events.push(EventRow {
        dossier_id: w.row.id,
        seq: 1,
        at,
        action: "submit".into(),
        from_state: None,
        to_state: DossierState::Submitted.as_str().into(),
        actor_id: Some(w.actor.principal.user_id),
        actor_name: w.actor.principal.full_name.clone(),
        actor_role: Some(w.role.as_str().into()),
        office_id: w.row.office_id,
        to_office_id: None,
        form: None,
        form_no: None,
        detail: json!({"channel": w.parsed.channel.as_str(), "documents_missing": w.missing})
            .to_string(),
    });
    repo::insert_event(tx, &events[0]).await?;
    for (a, t) in transitions {
        let event = NewEvent {
            seq: events.len() as i64 + 1,
            at,
            actor: w.actor,
            role: w.role,
            action: a.as_str(),
            transition: t,
            form_no: None,
            detail: action_detail(a),
        };
        events.push(insert_event(tx, w.row, event).await?);
        if let Some(n) = notice_for(w.app, a, t, w.row) {
            let now = w.parsed.now_micros;
            enqueue(tx, w.app, w.row, w.office, &w.parsed.applicant, &n, now).await?;
        }
    }
    Ok(events)
}

/// Receive a dossier (counter) or register a submission (online, postal).
///
/// At the counter with every document ticked the dossier is received at once (Form 01 with the
/// appointment date). With documents missing it waits for them (Form 02 listing exactly the
/// unticked items). Online and postal submissions wait for the desk to check them.
///
/// Errors: the applicant's fields (see [`Applicant::parse`]); `unknown-channel`;
/// `invalid-datetime` / `received-in-future` (`received_at`); `unknown-procedure`
/// (`procedure_code`, also when no version is in force on the receipt day);
/// `unknown-document` (`provided_documents`); `dossier-serial-exhausted`; 404/403 for an
/// office outside the caller's intake scope.
pub async fn create(app: &App, actor: &Actor, input: &NewDossier) -> Result<DossierView> {
    let parsed = parse(app, input)?;
    let at = parsed.at;
    // Read-only work before the write transaction (on SQLite, before taking the write lock).
    let cal = app.calendar().await?;
    let office_id = intake_office(actor, input.office_id)?;
    let versions = app
        .procedures
        .load_from(&app.db, input.procedure_code.trim())
        .await?;

    let mut tx = app.db.begin().await?;
    let (offices, role) = receiving_office(&mut tx, actor, office_id).await?;
    let version = congbo_domain::catalog::version_in_force(&versions, at.date())
        .cloned()
        .ok_or(DomainError::field("unknown-procedure", "procedure_code"))?;
    let documents = checklist(&version, input.provided_documents.as_deref())?;
    let missing: Vec<String> = documents
        .iter()
        .filter(|d| !d.provided)
        .map(|d| d.name.clone())
        .collect();
    let (code, secret) = new_code(&mut tx, &offices.office, at.date()).await?;
    let (facts, transitions) = first_steps(app, &cal, &version, parsed.channel, &missing, at)?;

    let mut row = new_row(RowParts {
        code: &code,
        secret,
        office: &offices.office,
        version: &version,
        parsed: &parsed,
        documents: &documents,
        received_by: (parsed.channel == Channel::Counter).then_some(actor.principal.user_id),
        actor,
    })?;
    set_facts(&mut row, &facts)?;
    repo::insert(&mut tx, &row).await?;
    crate::privacy::consent::at_intake(&mut tx, actor, &row, parsed.now_micros).await?;
    crate::report::rollup::dossier_changed(&mut tx, None, &row).await?;
    let signal = match input.ticket_id {
        Some(ticket_id) => {
            let a = crate::queue::Attach {
                ticket_id,
                dossier_id: row.id,
                dossier_code: &row.code,
                office_id,
                finish: !input.keep_ticket,
                now: app.now(),
            };
            crate::queue::attach_dossier(&mut tx, app, actor, a).await?
        }
        None => None,
    };
    let timeline = Timeline {
        app,
        actor,
        role,
        row: &row,
        office: &offices.office,
        parsed: &parsed,
        missing: &missing,
    };
    let events = write_timeline(&mut tx, timeline, &transitions).await?;
    audit::record(
        &mut tx,
        parsed.now_micros,
        actor,
        Entry {
            action: "dossier.create",
            role: Some(role.as_str()),
            office_id: Some(office_id),
            target_type: "dossier",
            target_id: Some(row.id.to_string()),
            summary: json!({
                "code": row.code, "procedure": row.procedure_code,
                "version": row.procedure_version, "channel": row.channel, "state": row.state,
                "due": row.due_date, "missing": missing.len(),
            }),
        },
    )
    .await?;
    let loaded = Loaded::new(row, version, offices, events);
    let v = commit_with_view(tx, app, actor, loaded, &cal).await?;
    if let Some(s) = signal {
        app.live.publish(s);
    }
    Ok(v)
}
