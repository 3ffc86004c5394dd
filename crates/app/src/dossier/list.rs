//! The officers' lists: everything in scope, mine, at risk, late, and the apologies to sign.

use congbo_domain::DomainError;
use congbo_domain::calendar::{WorkCalendar, parse_date};
use congbo_domain::dossier::{DeadlineFlag, DossierState};
use congbo_domain::identity::Perm;
use congbo_domain::office::OfficePath;
use congbo_domain::privacy::access::Via;
use congbo_domain::time::{local, local_date, micros};
use congbo_store::repo::dossier::{self as repo, DossierFilter, DossierRow};
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::staff as staff_repo;
use jiff::civil::{Date, DateTime};
use uuid::Uuid;

use super::scope::grant;
use super::view::{ListItem, facts_of};
use crate::access;
use crate::privacy::{self, access::Seen};
use crate::{Actor, App, AppError, Result};

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
    /// Held by this officer (the head's "who holds what").
    pub assignee_id: Option<Uuid>,
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
    let scopes = actor.principal.scopes(perm);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let cal = app.calendar().await?;
    let now = local(app.now());
    let mut tx = app.db.read().await?;
    let scopes = match q.office_id {
        Some(o) => vec![access::within(&mut tx, &scopes, o).await?],
        None => scopes,
    };
    let horizon = cal.add_working_days(now.date(), app.settings.dossier.warn_working_days);
    let f = filter(actor, q, &scopes, horizon)?;
    let rows = repo::list(&mut tx, &f).await?;
    let mut ids: Vec<Uuid> = rows.iter().filter_map(|r| r.assignee_id).collect();
    ids.sort();
    ids.dedup();
    let names = staff_repo::names_of(&mut tx, &ids).await?;
    tx.commit().await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(mut item) = flagged(app, actor, q.kind, row, now, &cal)? {
            item.holder = item
                .row
                .assignee_id
                .and_then(|a| names.iter().find(|(id, _)| *id == a))
                .map(|(_, n)| n.clone());
            out.push(item);
        }
    }
    if matches!(
        q.kind,
        ListKind::AtRisk | ListKind::Late | ListKind::Apologies
    ) {
        let limit = q.limit.unwrap_or(100).clamp(1, 500) as usize;
        let offset = q.offset.unwrap_or(0).max(0) as usize;
        out = out.into_iter().skip(offset).take(limit).collect();
    }
    Ok(out)
}

/// The store filter of query `q` over `scopes`; `horizon` is the last day a flagged list reads
/// (supplement waits only push dates later, so that is a superset; exact flags afterwards).
fn filter(
    actor: &Actor,
    q: &ListQuery,
    scopes: &[OfficePath],
    horizon: Date,
) -> Result<DossierFilter> {
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
        assignee_id: q.assignee_id,
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
    match q.kind {
        ListKind::Mine => {
            f.assignee_id = Some(actor.principal.user_id);
            f.open_only = true;
        }
        ListKind::AtRisk | ListKind::Late | ListKind::Apologies => {
            f.open_only = true;
            f.due_on_or_before = Some(horizon.to_string());
            f.limit = 5000;
            f.offset = 0;
        }
        ListKind::All => {}
    }
    Ok(f)
}

/// The row as a list item with its flags, if list `kind` keeps it.
fn flagged(
    app: &App,
    actor: &Actor,
    kind: ListKind,
    row: DossierRow,
    now: DateTime,
    cal: &WorkCalendar,
) -> Result<Option<ListItem>> {
    let facts = facts_of(&row)?;
    let flag = facts.deadline_flag(now, &app.settings.dossier, cal);
    let effective_due = facts.effective_current_due(now, cal);
    let finished_late = facts.state == DossierState::Done && facts.finished_late(cal);
    let needs_apology = facts.needs_apology(now, &app.settings.dossier, cal);
    let keep = match kind {
        ListKind::AtRisk => flag == DeadlineFlag::DueSoon,
        ListKind::Late => flag == DeadlineFlag::Overdue || finished_late,
        ListKind::Apologies => needs_apology && grant(actor, Perm::DossierSign, &row).is_some(),
        _ => true,
    };
    Ok(keep.then_some(ListItem {
        row,
        flag,
        effective_due,
        needs_apology,
        holder: None,
    }))
}

/// A day's tracking book (Form 07): the dossiers received that day in the caller's scope, by
/// code, under the office where the caller first holds a dossier role.
#[derive(Debug, Clone)]
pub struct Book {
    pub office: OfficeRow,
    pub day: Date,
    pub items: Vec<ListItem>,
}

/// The tracking book of local day `day` ('YYYY-MM-DD'; today when empty). Errors:
/// `invalid-date` (`date`); forbidden without a dossier role.
pub async fn book(app: &App, actor: &Actor, day: &str) -> Result<Book> {
    let day = if day.is_empty() {
        local_date(app.now()).to_string()
    } else {
        day.to_string()
    };
    let q = ListQuery {
        received_on: Some(day.clone()),
        limit: Some(500),
        ..ListQuery::default()
    };
    let mut items = list(app, actor, &q).await?;
    items.sort_by(|a, b| a.row.code.cmp(&b.row.code));
    let day: Date = day
        .parse()
        .map_err(|_| DomainError::field("invalid-date", "date"))?;
    let home = *access::offices_with(actor, Perm::DossierRead)
        .first()
        .ok_or(AppError::Forbidden)?;
    let mut tx = app.db.read().await?;
    let (office, _) = access::office_for(&mut tx, actor, Perm::OfficeRead, home).await?;
    tx.commit().await?;
    let seen: Vec<Seen> = items
        .iter()
        .map(|i| Seen::dossier(&i.row, Via::Book))
        .collect();
    privacy::access::record(app, actor, &seen).await?;
    Ok(Book { office, day, items })
}
