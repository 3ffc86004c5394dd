//! Dossiers: intake from the catalogue, one use case for every lifecycle action, lists for
//! officers and heads, and the public lookup.
//!
//! Every accepted action writes, in one transaction: the dossier row (with its
//! [`DossierFacts`] as JSON), a timeline event (the control sheet and the forms issued), the
//! audit row, and one outbox row per notification channel the citizen chose. Refused attempts
//! that matter for security (an action outside the caller's role, a wrong lookup secret) are
//! recorded in the audit log in a transaction of their own.

use congbo_domain::DomainError;
use congbo_domain::calendar::{DeadlineRules, LimitUnit, WorkCalendar, deadline, parse_date};
use congbo_domain::catalog::ProcedureVersion;
use congbo_domain::dossier::{
    self as dom, Action, Applicant, Channel, ChecklistItem, DeadlineFlag, DossierCode,
    DossierFacts, DossierState, FormIssued, Notice, NotifyChannel, Transition, initials,
    missing_documents_text, perm_for,
};
use congbo_domain::identity::{Assignment, Perm, Role};
use congbo_domain::office::OfficePath;
use congbo_domain::time::{local, micros};
use congbo_store::Tx;
use congbo_store::repo::dossier::{self as repo, DossierFilter, DossierRow, EventRow};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::outbox::{self as outbox, NewOutbox};
use congbo_store::repo::{catalog as catalog_repo, sequence};
use jiff::ToSpan;
use jiff::civil::{Date, DateTime};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};

/// `YYYY-MM-DDTHH:MM[:SS]` (Vietnam local time). Error: `invalid-datetime` (`field`).
fn parse_local(s: &str, field: &'static str) -> Result<DateTime> {
    s.trim()
        .parse::<DateTime>()
        .map_err(|_| DomainError::field("invalid-datetime", field).into())
}

// ---------------------------------------------------------------------------------------------
// Inputs

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
}

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
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Views

/// A dossier as officers see it.
#[derive(Debug, Clone)]
pub struct DossierView {
    pub row: DossierRow,
    pub facts: DossierFacts,
    pub version: ProcedureVersion,
    pub office: OfficeRow,
    /// The receiving office's parent (the form header's upper line), if any.
    pub parent_office: Option<OfficeRow>,
    pub handler_office: OfficeRow,
    pub events: Vec<EventRow>,
    pub documents: Vec<ChecklistItem>,
    pub flag: DeadlineFlag,
    /// The effective appointment date (current one extended by supplement waits).
    pub effective_due: Option<Date>,
    /// Actions the caller may take now.
    pub allowed: Vec<&'static str>,
}

impl DossierView {
    pub fn state(&self) -> DossierState {
        self.facts.state
    }
}

/// A row of a list, with its flag.
#[derive(Debug, Clone)]
pub struct ListItem {
    pub row: DossierRow,
    pub flag: DeadlineFlag,
    pub effective_due: Option<Date>,
    /// Finished or running late with no Form 04 on file: the head must sign one.
    pub needs_apology: bool,
}

/// What the public lookup shows: no personal data beyond initials.
#[derive(Debug, Clone)]
pub struct PublicView {
    pub code: String,
    pub applicant_initials: String,
    pub procedure_name: String,
    pub office_name: String,
    pub handler_office_name: String,
    pub state: DossierState,
    pub received_at: Option<DateTime>,
    pub original_due: Option<Date>,
    pub current_due: Option<Date>,
    pub on_time: Option<String>,
    pub apologized: bool,
    pub timeline: Vec<PublicEvent>,
    /// The dossier's one-time rating link (the holder of the secret may rate the service).
    pub rating_url: String,
}

#[derive(Debug, Clone)]
pub struct PublicEvent {
    pub at: DateTime,
    pub action: String,
    pub to_state: String,
    pub office_name: String,
}

// ---------------------------------------------------------------------------------------------
// Loading and scope

fn facts_of(row: &DossierRow) -> Result<DossierFacts> {
    serde_json::from_str(&row.facts)
        .map_err(|e| AppError::Internal(format!("dossier {} facts: {e}", row.code)))
}

fn documents_of(row: &DossierRow) -> Result<Vec<ChecklistItem>> {
    serde_json::from_str(&row.documents)
        .map_err(|e| AppError::Internal(format!("dossier {} documents: {e}", row.code)))
}

fn json_string<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// The first assignment granting `perm` over the dossier's receiving or handling office.
fn grant<'p>(actor: &'p Actor, perm: Perm, row: &DossierRow) -> Option<&'p Assignment> {
    let office = OfficePath::from_stored(row.office_path.clone());
    let handler = OfficePath::from_stored(row.handler_path.clone());
    actor
        .principal
        .require(perm, &handler)
        .or_else(|_| actor.principal.require(perm, &office))
        .ok()
}

/// Can the actor see this dossier at all? (Otherwise it does not exist for them.)
fn visible(actor: &Actor, row: &DossierRow) -> bool {
    grant(actor, Perm::DossierRead, row).is_some()
}

/// Version `version` of procedure `code`, from the cache (read in `tx` on a miss). A version
/// the cache does not know (imported meanwhile by another process) is read afresh.
async fn load_version(
    app: &App,
    tx: &mut Tx,
    code: &str,
    version: i64,
) -> Result<ProcedureVersion> {
    let cached = app.procedures.load(tx, code).await?;
    if let Some(v) = cached.iter().find(|v| i64::from(v.version) == version) {
        return Ok(v.clone());
    }
    let rows = catalog_repo::versions(tx, code).await?;
    let row = rows
        .iter()
        .find(|r| r.version == version)
        .ok_or_else(|| AppError::Internal(format!("procedure {code} v{version} missing")))?;
    serde_json::from_str(&row.body).map_err(|e| AppError::Internal(e.to_string()))
}

/// The offices a view names: receiving office, its parent (if any) and the handling office.
struct ViewOffices {
    office: OfficeRow,
    parent: Option<OfficeRow>,
    handler: OfficeRow,
}

/// The view's offices for `row`, in one query.
async fn view_offices(tx: &mut Tx, row: &DossierRow) -> Result<ViewOffices> {
    let rows = office_repo::get_with_parent(tx, row.office_id, row.handler_office_id).await?;
    let find = |id: Uuid| rows.iter().find(|o| o.id == id).cloned();
    let office = find(row.office_id).ok_or(AppError::NotFound("office-not-found"))?;
    let handler = find(row.handler_office_id).ok_or(AppError::NotFound("office-not-found"))?;
    let parent = office.parent_id.and_then(find);
    Ok(ViewOffices {
        office,
        parent,
        handler,
    })
}

/// What `actor` may do now: the state's actions the actor's roles allow.
fn allowed(actor: &Actor, row: &DossierRow, state: DossierState) -> Vec<&'static str> {
    state
        .actions()
        .iter()
        .copied()
        .filter(|a| grant(actor, perm_for(a), row).is_some())
        .collect()
}

/// Load what a view needs besides the row, then build it.
async fn view_of(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    row: DossierRow,
    cal: &WorkCalendar,
) -> Result<DossierView> {
    let version = load_version(app, tx, &row.procedure_code, row.procedure_version).await?;
    let offices = view_offices(tx, &row).await?;
    let events = repo::events(tx, row.id).await?;
    build_view(app, actor, row, version, offices, events, cal)
}

/// The view from what the caller holds (no reads: a use case that just wrote the dossier
/// already has its version, offices and events).
fn build_view(
    app: &App,
    actor: &Actor,
    row: DossierRow,
    version: ProcedureVersion,
    offices: ViewOffices,
    events: Vec<EventRow>,
    cal: &WorkCalendar,
) -> Result<DossierView> {
    let facts = facts_of(&row)?;
    let now = local(app.now());
    let documents = documents_of(&row)?;
    let flag = facts.deadline_flag(now, &app.settings.dossier, cal);
    let effective_due = facts.effective_current_due(now, cal);
    let allowed = allowed(actor, &row, facts.state);
    Ok(DossierView {
        row,
        facts,
        version,
        office: offices.office,
        parent_office: offices.parent,
        handler_office: offices.handler,
        events,
        documents,
        flag,
        effective_due,
        allowed,
    })
}

/// Write a refused attempt to the audit log (its own transaction: the refused one rolls back).
async fn record_refusal(app: &App, actor: &Actor, row: &DossierRow, action: &str, why: &str) {
    let result = async {
        let mut tx = app.db.begin().await?;
        audit::record(
            &mut tx,
            app.now(),
            actor,
            Entry {
                action: "dossier.refused",
                role: actor.principal.primary_role().map(Role::as_str),
                office_id: Some(row.office_id),
                target_type: "dossier",
                target_id: Some(row.id.to_string()),
                summary: json!({"code": row.code, "attempted": action, "why": why}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not audit a refused dossier action");
    }
}

// ---------------------------------------------------------------------------------------------
// Intake

/// The office where `actor` receives dossiers: the given one (checked), else the office of
/// their first intake role.
fn intake_office(actor: &Actor, office_id: Option<Uuid>) -> Result<Uuid> {
    match office_id {
        Some(id) => Ok(id),
        None => actor
            .principal
            .assignments
            .iter()
            .find(|a| a.role.grants(Perm::DossierIntake))
            .map(|a| a.office_id)
            .ok_or(AppError::Forbidden),
    }
}

/// The deadline rules of a procedure: the installation's, with the procedure's own cut-off.
fn rules_for(app: &App, v: &ProcedureVersion) -> DeadlineRules {
    let mut r = app.settings.deadline.clone();
    if let Some(c) = v.procedure.cutoff {
        r.cutoff = c;
    }
    r
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
    let code_in = input.procedure_code.trim();
    // Read-only work before the write transaction (on SQLite, before taking the write lock).
    let cal = app.calendar().await?;
    let office_id = intake_office(actor, input.office_id)?;
    let versions = app.procedures.load_from(&app.db, code_in).await?;

    let mut tx = app.db.begin().await?;
    let rows = office_repo::get_with_parent(&mut tx, office_id, office_id).await?;
    let office_row = rows
        .iter()
        .find(|o| o.id == office_id)
        .cloned()
        .ok_or(AppError::NotFound("office-not-found"))?;
    let parent_office = office_row
        .parent_id
        .and_then(|p| rows.iter().find(|o| o.id == p).cloned());
    let office_path = OfficePath::from_stored(office_row.path.clone());
    let role = match actor.principal.require(Perm::DossierIntake, &office_path) {
        Ok(a) => a.role,
        Err(_) if actor.principal.can(Perm::DossierRead, &office_path) => {
            return Err(AppError::Forbidden);
        }
        Err(_) => return Err(AppError::NotFound("office-not-found")),
    };
    let version = congbo_domain::catalog::version_in_force(&versions, at.date())
        .cloned()
        .ok_or(DomainError::field("unknown-procedure", "procedure_code"))?;

    let provided: Vec<bool> = match &input.provided_documents {
        None => vec![true; version.procedure.documents.len()],
        Some(idx) => {
            let mut p = vec![false; version.procedure.documents.len()];
            for &i in idx {
                *p.get_mut(usize::from(i))
                    .ok_or(DomainError::field("unknown-document", "provided_documents"))? = true;
            }
            p
        }
    };
    let documents: Vec<ChecklistItem> = version
        .procedure
        .documents
        .iter()
        .zip(&provided)
        .map(|(d, &provided)| ChecklistItem {
            name: d.name.clone(),
            form: d.form.as_str().to_string(),
            count: d.count,
            provided,
        })
        .collect();
    let missing: Vec<String> = documents
        .iter()
        .filter(|d| !d.provided)
        .map(|d| d.name.clone())
        .collect();

    // Code: OFFICE-YYMMDD-NNNN, serial per office and local day, never reused.
    let day = at.date();
    let serial = sequence::next(
        &mut tx,
        &format!("dossier:{}:{}", office_row.code, day.strftime("%y%m%d")),
    )
    .await?;
    let serial = u32::try_from(serial)
        .ok()
        .filter(|&s| s <= 9999)
        .ok_or(DomainError::field("dossier-serial-exhausted", "serial"))?;
    let code = DossierCode::new(&office_row.code, day, serial)?;
    let mut bytes = [0u8; 5];
    rand::fill(&mut bytes);
    let secret = dom::lookup_secret(bytes);

    let rules = app.settings.dossier;
    let start = DossierFacts::submitted(at);
    let mut steps: Vec<(Action, &'static str)> = Vec::new();
    if channel == Channel::Counter {
        if missing.is_empty() {
            let due =
                deadline::due_date(&cal, at, version.procedure.limit, &rules_for(app, &version));
            steps.push((Action::Receive { due }, "receive"));
        } else {
            steps.push((
                Action::RequestSupplement {
                    reason: missing_documents_text(&missing),
                    approved_by_head: false,
                },
                "request-supplement",
            ));
        }
    }
    let mut facts = start.clone();
    let mut transitions = Vec::new();
    for (a, _) in &steps {
        let t = dom::apply(&facts, a, at, &rules, &cal)?;
        facts = t.facts.clone();
        transitions.push((a.clone(), t));
    }

    let id = new_id();
    let mut row = DossierRow {
        id,
        code: code.to_string(),
        secret: secret.clone(),
        office_id,
        office_path: office_row.path.clone(),
        handler_office_id: office_id,
        handler_path: office_row.path.clone(),
        procedure_code: version.procedure.code.as_str().to_string(),
        procedure_version: i64::from(version.version),
        procedure_name: version.procedure.name.clone(),
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
        documents: json_string(&documents)?,
        facts: String::new(),
        submitted_at: micros(at),
        received_at: None,
        due_date: None,
        current_due: None,
        step_due: None,
        on_time: None,
        closed_at: None,
        apologies: 0,
        received_by: (channel == Channel::Counter).then_some(actor.principal.user_id),
        assignee_id: Some(actor.principal.user_id),
        version: 0,
        created_at: now_micros,
        updated_at: now_micros,
    };
    set_facts(&mut row, &facts)?;
    repo::insert(&mut tx, &row).await?;
    if let Some(ticket) = input.ticket_id {
        crate::queue::attach_dossier(&mut tx, actor, ticket, row.id, office_id).await?;
    }
    let mut seq = 1;
    let mut events = Vec::with_capacity(1 + transitions.len());
    events.push(EventRow {
        dossier_id: id,
        seq,
        at: micros(at),
        action: "submit".into(),
        from_state: None,
        to_state: start.state.as_str().into(),
        actor_id: Some(actor.principal.user_id),
        actor_name: actor.principal.full_name.clone(),
        actor_role: Some(role.as_str().into()),
        office_id,
        to_office_id: None,
        form: None,
        form_no: None,
        detail: json!({"channel": channel.as_str(), "documents_missing": missing}).to_string(),
    });
    repo::insert_event(&mut tx, &events[0]).await?;
    for (a, t) in &transitions {
        seq += 1;
        let detail = action_detail(a);
        let event = insert_event(
            &mut tx,
            &row,
            seq,
            micros(at),
            actor,
            role,
            a.as_str(),
            t,
            None,
            detail,
        )
        .await?;
        events.push(event);
        if let Some(n) = notice_for(app, a, t, &row) {
            enqueue(&mut tx, app, &row, &office_row, &applicant, &n, now_micros).await?;
        }
    }
    audit::record(
        &mut tx,
        now_micros,
        actor,
        Entry {
            action: "dossier.create",
            role: Some(role.as_str()),
            office_id: Some(office_id),
            target_type: "dossier",
            target_id: Some(id.to_string()),
            summary: json!({
                "code": row.code, "procedure": row.procedure_code,
                "version": row.procedure_version, "channel": row.channel, "state": row.state,
                "due": row.due_date, "missing": missing.len(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    let offices = ViewOffices {
        handler: office_row.clone(),
        office: office_row,
        parent: parent_office,
    };
    build_view(app, actor, row, version, offices, events, &cal)
}

/// Copy the facts into the row's derived columns.
fn set_facts(row: &mut DossierRow, f: &DossierFacts) -> Result<()> {
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

fn action_detail(a: &Action) -> serde_json::Value {
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
        Action::SupplementReceived | Action::Finish | Action::Return | Action::Withdraw => {
            json!({})
        }
    }
}

fn form_name(f: FormIssued) -> &'static str {
    match f {
        FormIssued::Receipt => "01",
        FormIssued::SupplementRequest => "02",
        FormIssued::Refusal => "03",
        FormIssued::Apology => "04",
        FormIssued::StopNotice => "05",
        FormIssued::ControlSheetRow => "06",
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_event(
    tx: &mut Tx,
    row: &DossierRow,
    seq: i64,
    at: i64,
    actor: &Actor,
    role: Role,
    action: &str,
    t: &Transition,
    form_no: Option<String>,
    mut detail: serde_json::Value,
) -> Result<EventRow> {
    let to_office = (row.handler_office_id != row.office_id).then_some(row.handler_office_id);
    if let Some(obj) = detail.as_object_mut() {
        obj.insert("step".into(), json!(row.step));
    }
    let event = EventRow {
        dossier_id: row.id,
        seq,
        at,
        action: action.to_string(),
        from_state: Some(t.from.as_str().to_string()),
        to_state: t.to.as_str().to_string(),
        actor_id: Some(actor.principal.user_id),
        actor_name: actor.principal.full_name.clone(),
        actor_role: Some(role.as_str().to_string()),
        office_id: row.handler_office_id,
        to_office_id: to_office,
        form: t.form.map(|f| form_name(f).to_string()),
        form_no,
        detail: detail.to_string(),
    };
    repo::insert_event(tx, &event).await?;
    Ok(event)
}

/// The notice an accepted action sends the citizen, if any.
fn notice_for(app: &App, a: &Action, t: &Transition, row: &DossierRow) -> Option<Notice> {
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
async fn enqueue(
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

fn applicant_of(row: &DossierRow) -> Applicant {
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

// ---------------------------------------------------------------------------------------------
// Actions

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

/// Take `input` on dossier `id`. Errors: `dossier-not-found` (404, also outside the caller's
/// scope — audited for the dossier's office), `forbidden` (403: visible but not the caller's
/// role — audited), the domain's
/// lifecycle errors (422), `invalid-date` (`new_due`), `office-not-found` (`to_office_id`),
/// `conflict` when the dossier changed meanwhile.
pub async fn act(app: &App, actor: &Actor, id: Uuid, input: &ActionInput) -> Result<DossierView> {
    let cal = app.calendar().await?;
    let now_micros = app.now();
    let now = local(now_micros);
    let mut tx = app.db.begin().await?;
    let mut row = match repo::get_for_update(&mut tx, id).await? {
        Some(r) if visible(actor, &r) => r,
        Some(r) => {
            // Another office's dossier: not found for the caller, and audited for its office.
            drop(tx);
            record_refusal(app, actor, &r, input.name(), "scope").await;
            return Err(AppError::NotFound("dossier-not-found"));
        }
        None => return Err(AppError::NotFound("dossier-not-found")),
    };
    let perm = perm_for(input.name());
    let Some(assignment) = grant(actor, perm, &row).cloned() else {
        drop(tx);
        record_refusal(app, actor, &row, input.name(), "role").await;
        return Err(AppError::Forbidden);
    };
    let facts = facts_of(&row)?;
    let version = load_version(app, &mut tx, &row.procedure_code, row.procedure_version).await?;
    let rules = app.settings.dossier;
    let mut new_handler: Option<OfficeRow> = None;
    let mut assignee = row.assignee_id;
    let mut extra = json!({});
    let action = match input {
        ActionInput::Receive => Action::Receive {
            due: deadline::due_date(
                &cal,
                now,
                version.procedure.limit,
                &rules_for(app, &version),
            ),
        },
        ActionInput::RequestSupplement { reason } => Action::RequestSupplement {
            reason: congbo_domain::text::clean(reason, "reason", 0, 2000)?,
            // The second request needs the head: it is approved when a head or deputy makes it.
            approved_by_head: grant(actor, Perm::DossierSign, &row).is_some(),
        },
        ActionInput::SupplementReceived => Action::SupplementReceived,
        ActionInput::Refuse { reason } => Action::Refuse {
            reason: congbo_domain::text::clean(reason, "reason", 0, 2000)?,
        },
        ActionInput::Transfer {
            to_step,
            to_office_id,
            assignee_id,
            note,
        } => {
            let to_step = to_step.unwrap_or_else(|| next_step(facts.state));
            if to_step == 0 {
                return Err(DomainError::field("invalid-step", "to_step").into());
            }
            if let Some(o) = to_office_id.filter(|o| *o != row.handler_office_id) {
                let target = office_repo::get(&mut tx, o)
                    .await?
                    .ok_or(DomainError::field("office-not-found", "to_office_id"))?;
                // Transfers stay within the province (same top-level office).
                let top = |p: &str| p.split('/').nth(1).map(str::to_string);
                if top(&target.path) != top(&row.office_path) {
                    return Err(DomainError::field("office-not-found", "to_office_id").into());
                }
                new_handler = Some(target);
            }
            if let Some(u) = assignee_id {
                assignee = Some(*u);
            } else if new_handler.is_some() {
                assignee = None;
            }
            if let Some(n) = note {
                extra["note"] = json!(congbo_domain::text::clean(n, "note", 0, 1000)?);
            }
            Action::Transfer {
                to_step,
                step_due: step_due(app, &cal, &version, &facts, to_step, now),
            }
        }
        ActionInput::Finish { note } => {
            if let Some(n) = note {
                extra["note"] = json!(congbo_domain::text::clean(n, "note", 0, 1000)?);
            }
            // Back to the desk that received it, for the hand-over.
            assignee = row.received_by;
            Action::Finish
        }
        ActionInput::Return => Action::Return,
        ActionInput::Stop { reason } => Action::Stop {
            reason: congbo_domain::text::clean(reason, "reason", 0, 2000)?,
        },
        ActionInput::Withdraw => Action::Withdraw,
        ActionInput::Apologize { reason, new_due } => Action::Apologize {
            reason: congbo_domain::text::clean(reason, "reason", 0, 2000)?,
            new_due: parse_date(new_due)
                .map_err(|_| DomainError::field("invalid-date", "new_due"))?,
            signer_role: assignment.role,
        },
    };
    let t = dom::apply(&facts, &action, now, &rules, &cal)?;
    let expected = row.version;
    if let Some(h) = &new_handler {
        row.handler_office_id = h.id;
        row.handler_path = h.path.clone();
    }
    if matches!(action, Action::Receive { .. }) {
        assignee = Some(actor.principal.user_id);
    }
    row.assignee_id = if t.to.is_terminal() { None } else { assignee };
    set_facts(&mut row, &t.facts)?;
    row.version += 1;
    row.updated_at = now_micros;
    if !repo::update(&mut tx, &row, expected).await? {
        return Err(AppError::Conflict("dossier-changed"));
    }
    // Everything the rest needs is read once: the offices (receiving, its parent, the handler
    // after a transfer) and the timeline (to number the next event).
    let offices = view_offices(&mut tx, &row).await?;
    let mut events = repo::events(&mut tx, row.id).await?;
    let form_no = if t.form == Some(FormIssued::Apology) {
        let n = sequence::next(
            &mut tx,
            &format!("form04:{}:{}", offices.office.code, now.date().year()),
        )
        .await?;
        Some(format!("{n}/PXL"))
    } else {
        None
    };
    let seq = events.last().map_or(0, |e| e.seq) + 1;
    let mut detail = action_detail(&action);
    if let (Some(d), Some(e)) = (detail.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    if let Some(h) = &new_handler {
        detail["to_office"] = json!(h.code);
    }
    let event = insert_event(
        &mut tx,
        &row,
        seq,
        now_micros,
        actor,
        assignment.role,
        action.as_str(),
        &t,
        form_no.clone(),
        detail.clone(),
    )
    .await?;
    events.push(event);
    if let Some(n) = notice_for(app, &action, &t, &row) {
        enqueue(
            &mut tx,
            app,
            &row,
            &offices.office,
            &applicant_of(&row),
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
            action: match action {
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
            },
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
    tx.commit().await?;
    build_view(app, actor, row, version, offices, events, &cal)
}

// ---------------------------------------------------------------------------------------------
// Reading

/// One dossier with its timeline (404 outside the caller's scope).
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<DossierView> {
    let cal = app.calendar().await?;
    let mut tx = app.db.read().await?;
    let row = repo::get(&mut tx, id)
        .await?
        .filter(|r| visible(actor, r))
        .ok_or(AppError::NotFound("dossier-not-found"))?;
    let v = view_of(&mut tx, app, actor, row, &cal).await?;
    tx.commit().await?;
    Ok(v)
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListKind {
    /// Everything in scope matching the filters.
    #[default]
    All,
    /// Open dossiers assigned to the caller.
    Mine,
    /// Open dossiers due soon (`SAP_QUA_HAN`).
    AtRisk,
    /// Open dossiers past their date (`QUA_HAN`).
    Late,
    /// Late or due-soon dossiers (or finished late) with no Form 04 yet, in offices where the
    /// caller signs.
    Apologies,
}

impl ListKind {
    pub fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "" | "all" => Self::All,
            "mine" => Self::Mine,
            "at-risk" => Self::AtRisk,
            "late" => Self::Late,
            "apologies" => Self::Apologies,
            _ => return Err(DomainError::field("unknown-list", "list").into()),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub kind: ListKind,
    pub state: Option<String>,
    pub office_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    pub code: Option<String>,
    /// Received on this local day ('YYYY-MM-DD'): the tracking book (Form 07) of a day.
    pub received_on: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

const STATES: [&str; 9] = [
    "submitted",
    "received",
    "awaiting-supplement",
    "in-process",
    "done",
    "returned",
    "refused",
    "stopped",
    "withdrawn",
];

/// Dossiers in the caller's scope (most urgent first), with their flags.
pub async fn list(app: &App, actor: &Actor, q: &ListQuery) -> Result<Vec<ListItem>> {
    let perm = if q.kind == ListKind::Apologies {
        Perm::DossierSign
    } else {
        Perm::DossierRead
    };
    let mut scopes = actor.principal.scopes(perm);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let cal = app.calendar().await?;
    let now = local(app.now());
    let mut tx = app.db.read().await?;
    if let Some(o) = q.office_id {
        let o = office_repo::get(&mut tx, o)
            .await?
            .ok_or(AppError::NotFound("office-not-found"))?;
        let path = OfficePath::from_stored(o.path.clone());
        if !scopes.iter().any(|s| s.contains(&path)) {
            return Err(AppError::NotFound("office-not-found"));
        }
        scopes = vec![path];
    }
    let mut f = DossierFilter {
        scopes: scopes.iter().map(|s| s.as_str().to_string()).collect(),
        limit: q.limit.unwrap_or(100).clamp(1, 500),
        offset: q.offset.unwrap_or(0).max(0),
        procedure_code: q.procedure_code.clone().filter(|s| !s.is_empty()),
        code_prefix: q
            .code
            .as_deref()
            .map(|c| c.trim().to_uppercase())
            .filter(|s| !s.is_empty()),
        ..DossierFilter::default()
    };
    if let Some(day) = q.received_on.as_deref().filter(|s| !s.is_empty()) {
        let day = parse_date(day)?;
        let start = micros(day.to_datetime(jiff::civil::Time::midnight()));
        f.received_from = Some(start);
        f.received_to = Some(start + 24 * 3600 * 1_000_000);
    }
    if let Some(s) = q.state.as_deref().filter(|s| !s.is_empty()) {
        if !STATES.contains(&s) {
            return Err(DomainError::field("unknown-state", "state").into());
        }
        f.states = vec![s.to_string()];
    }
    let flagged = matches!(
        q.kind,
        ListKind::AtRisk | ListKind::Late | ListKind::Apologies
    );
    match q.kind {
        ListKind::Mine => {
            f.assignee_id = Some(actor.principal.user_id);
            f.open_only = true;
        }
        ListKind::AtRisk | ListKind::Late | ListKind::Apologies => {
            f.open_only = true;
            // Supplement waits only push dates later, so this is a superset; exact flags below.
            let horizon = cal.add_working_days(now.date(), app.settings.dossier.warn_working_days);
            f.due_on_or_before = Some(horizon.to_string());
            f.limit = 5000;
            f.offset = 0;
        }
        ListKind::All => {}
    }
    let rows = repo::list(&mut tx, &f).await?;
    tx.commit().await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let facts = facts_of(&row)?;
        let flag = facts.deadline_flag(now, &app.settings.dossier, &cal);
        let effective_due = facts.effective_current_due(now, &cal);
        let finished_late = facts.state == DossierState::Done && facts.finished_late(&cal);
        let needs_apology = facts.reappointments.is_empty()
            && (finished_late || matches!(flag, DeadlineFlag::Overdue | DeadlineFlag::DueSoon));
        let keep = match q.kind {
            ListKind::AtRisk => flag == DeadlineFlag::DueSoon,
            ListKind::Late => flag == DeadlineFlag::Overdue || finished_late,
            ListKind::Apologies => {
                needs_apology
                    && facts.state.actions().contains(&"apologize")
                    && grant(actor, Perm::DossierSign, &row).is_some()
            }
            _ => true,
        };
        if keep {
            out.push(ListItem {
                row,
                flag,
                effective_due,
                needs_apology,
            });
        }
    }
    if flagged {
        let limit = q.limit.unwrap_or(100).clamp(1, 500) as usize;
        let offset = q.offset.unwrap_or(0).max(0) as usize;
        out = out.into_iter().skip(offset).take(limit).collect();
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Public lookup

/// The dossier named by `code` if `secret` matches, as the public may see it. An unknown code
/// and a wrong secret give the same answer (`dossier-not-found`), so codes cannot be probed;
/// a wrong secret for an existing code is written to the audit log.
pub async fn lookup(
    app: &App,
    code: &str,
    secret: &str,
    request_id: Option<String>,
) -> Result<PublicView> {
    let code = DossierCode::parse(code.trim())
        .map_err(|_| DomainError::field("invalid-dossier-code", "code"))?;
    if secret.trim().is_empty() {
        return Err(DomainError::field("required", "secret").into());
    }
    let mut tx = app.db.read().await?;
    let row = repo::get_by_code(&mut tx, &code.to_string()).await?;
    let Some(row) = row.filter(|r| dom::secret_matches(&r.secret, secret)) else {
        tx.commit().await?;
        if let Some(row) = repo_row_for_audit(app, &code.to_string()).await {
            let mut w = app.db.begin().await?;
            audit::record_as(
                &mut w,
                app.now(),
                None,
                "public",
                request_id,
                Entry {
                    action: "dossier.lookup-refused",
                    role: None,
                    office_id: Some(row.0),
                    target_type: "dossier",
                    target_id: Some(row.1.to_string()),
                    summary: json!({"code": code.to_string(), "why": "secret"}),
                },
            )
            .await?;
            w.commit().await?;
        }
        return Err(AppError::NotFound("dossier-not-found"));
    };
    let events = repo::events(&mut tx, row.id).await?;
    let mut names = std::collections::HashMap::new();
    for oid in std::iter::once(row.office_id)
        .chain(std::iter::once(row.handler_office_id))
        .chain(events.iter().map(|e| e.office_id))
    {
        if let std::collections::hash_map::Entry::Vacant(v) = names.entry(oid)
            && let Some(o) = office_repo::get(&mut tx, oid).await?
        {
            v.insert(o.name);
        }
    }
    tx.commit().await?;
    let facts = facts_of(&row)?;
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    Ok(PublicView {
        rating_url: crate::links::rating_link(app, row.id, &row.code, &row.secret),
        code: row.code.clone(),
        applicant_initials: initials(&row.applicant_name),
        procedure_name: row.procedure_name.clone(),
        office_name: name(&row.office_id),
        handler_office_name: name(&row.handler_office_id),
        state: facts.state,
        received_at: facts.received_at,
        original_due: facts.due,
        current_due: facts.current_due(),
        on_time: row.on_time.clone(),
        apologized: !facts.reappointments.is_empty(),
        timeline: events
            .iter()
            .map(|e| PublicEvent {
                at: local(e.at),
                action: e.action.clone(),
                to_state: e.to_state.clone(),
                office_name: name(&e.office_id),
            })
            .collect(),
    })
}

async fn repo_row_for_audit(app: &App, code: &str) -> Option<(Uuid, Uuid)> {
    let mut tx = app.db.read().await.ok()?;
    let r = repo::get_by_code(&mut tx, code).await.ok()??;
    tx.commit().await.ok()?;
    Some((r.office_id, r.id))
}
