//! What officers see of a dossier, and loading what it needs.

use congbo_domain::calendar::WorkCalendar;
use congbo_domain::catalog::ProcedureVersion;
use congbo_domain::dossier::{ChecklistItem, DeadlineFlag, DossierFacts, DossierState, perm_for};
use congbo_domain::privacy::access::Via;
use congbo_domain::time::local;
use congbo_store::Tx;
use congbo_store::repo::catalog as catalog_repo;
use congbo_store::repo::dossier::{self as repo, DossierRow, EventRow};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use jiff::civil::Date;
use uuid::Uuid;

use super::holders::{self, Holder, StepHolders};
use super::scope::{grant, visible};
use crate::privacy::access::{self, Seen};
use crate::{Actor, App, AppError, Result};

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
    /// The officer holding the dossier now.
    pub holder: Option<String>,
    /// The step of the internal process it is at (1-based) and its name.
    pub step: Option<(u16, String)>,
    /// When the caller may transfer: each step with the officers who may take it.
    pub step_holders: Vec<StepHolders>,
    /// When the caller may send it for Form 04: who signs.
    pub signers: Vec<Holder>,
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
    /// The name of the officer holding it.
    pub holder: Option<String>,
}

pub(super) fn facts_of(row: &DossierRow) -> Result<DossierFacts> {
    serde_json::from_str(&row.facts)
        .map_err(|e| AppError::Internal(format!("dossier {} facts: {e}", row.code)))
}

pub(super) fn documents_of(row: &DossierRow) -> Result<Vec<ChecklistItem>> {
    serde_json::from_str(&row.documents)
        .map_err(|e| AppError::Internal(format!("dossier {} documents: {e}", row.code)))
}

pub(super) fn json_string<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

/// Version `version` of procedure `code`, from the cache (read in `tx` on a miss). A version
/// the cache does not know (imported meanwhile by another process) is read afresh.
pub(super) async fn load_version(
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
pub(super) struct ViewOffices {
    pub(super) office: OfficeRow,
    pub(super) parent: Option<OfficeRow>,
    pub(super) handler: OfficeRow,
}

/// The view's offices for `row`, in one query.
pub(super) async fn view_offices(tx: &mut Tx, row: &DossierRow) -> Result<ViewOffices> {
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

/// What `actor` may do now: the actions the facts offer ([`DossierFacts::offered`]) that the
/// actor's roles allow.
pub(super) fn allowed(
    app: &App,
    actor: &Actor,
    row: &DossierRow,
    facts: &DossierFacts,
    cal: &WorkCalendar,
) -> Vec<&'static str> {
    facts
        .offered(local(app.now()), &app.settings.dossier, cal)
        .into_iter()
        .filter(|a| grant(actor, perm_for(a), row).is_some())
        .collect()
}

/// Load what a view needs besides the row, then build it.
pub(super) async fn view_of(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    row: DossierRow,
    cal: &WorkCalendar,
) -> Result<DossierView> {
    let version = load_version(app, tx, &row.procedure_code, row.procedure_version).await?;
    let offices = view_offices(tx, &row).await?;
    let events = repo::events(tx, row.id).await?;
    build_view(
        tx,
        app,
        actor,
        Loaded::new(row, version, offices, events),
        cal,
    )
    .await
}

/// What a view is built from; a use case that just wrote the dossier already holds it.
pub(super) struct Loaded {
    pub(super) row: DossierRow,
    pub(super) version: ProcedureVersion,
    pub(super) offices: ViewOffices,
    pub(super) events: Vec<EventRow>,
}

impl Loaded {
    pub(super) fn new(
        row: DossierRow,
        version: ProcedureVersion,
        offices: ViewOffices,
        events: Vec<EventRow>,
    ) -> Self {
        Loaded {
            row,
            version,
            offices,
            events,
        }
    }
}

/// Build the view of what a use case just wrote, then commit its transaction.
pub(super) async fn commit_with_view(
    mut tx: Tx,
    app: &App,
    actor: &Actor,
    loaded: Loaded,
    cal: &WorkCalendar,
) -> Result<DossierView> {
    let v = build_view(&mut tx, app, actor, loaded, cal).await?;
    tx.commit().await?;
    Ok(v)
}

/// The view from what the caller holds; reads only the people it names.
pub(super) async fn build_view(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    loaded: Loaded,
    cal: &WorkCalendar,
) -> Result<DossierView> {
    let Loaded {
        row,
        version,
        offices,
        events,
    } = loaded;
    let facts = facts_of(&row)?;
    let now = local(app.now());
    let documents = documents_of(&row)?;
    let flag = facts.deadline_flag(now, &app.settings.dossier, cal);
    let effective_due = facts.effective_current_due(now, cal);
    let allowed = allowed(app, actor, &row, &facts, cal);
    let holder = holders::name_of(tx, row.assignee_id).await?;
    let step = match facts.state {
        DossierState::InProcess { step } => Some((
            step,
            version
                .procedure
                .steps
                .get(usize::from(step).saturating_sub(1))
                .map(|s| s.name.clone())
                .unwrap_or_default(),
        )),
        _ => None,
    };
    let step_holders = if allowed.contains(&"transfer") {
        holders::step_holders(tx, &version, row.handler_office_id).await?
    } else {
        Vec::new()
    };
    let signers = if allowed.contains(&"request-apology") {
        holders::signers(tx, row.handler_office_id).await?
    } else {
        Vec::new()
    };
    Ok(DossierView {
        holder,
        step,
        step_holders,
        signers,
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

/// One dossier with its timeline (404 outside the caller's scope), shown through `via`: the
/// showing of the applicant's data is written to the access log before it is returned.
pub async fn get(app: &App, actor: &Actor, id: Uuid, via: Via) -> Result<DossierView> {
    let cal = app.calendar().await?;
    let mut tx = app.db.read().await?;
    let row = repo::get(&mut tx, id)
        .await?
        .filter(|r| visible(actor, r))
        .ok_or(AppError::NotFound("dossier-not-found"))?;
    let v = view_of(&mut tx, app, actor, row, &cal).await?;
    tx.commit().await?;
    access::record(app, actor, &[Seen::dossier(&v.row, via)]).await?;
    Ok(v)
}
