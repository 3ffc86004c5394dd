//! Drill-down: the list behind a figure of the dashboards.
//!
//! ```text
//! drill(app, actor, &DrillQuery) -> Drill
//! ```
//!
//! - **Same rule as the figure.** The raw rows of the office (or its subtree) are read in
//!   pages by id (a coarse SQL filter: changed since the period began, due before the day,
//!   tickets and ratings and cases of the period), and a row is listed when its rollup
//!   contributions (`congbo_domain::report::rollup`, the one home of what counts) put it in the
//!   figure: the metric, the filter's dim (`p:` procedure, `g:` service group, or the totals),
//!   a day in the period. So `total` equals the figure by construction. Open overdue dossiers
//!   are as of the end of `min(to, today)`, as in the figures: due before that day and not
//!   settled by it.
//! - **Permission per list.** `FiguresRead` to open any, and for the rows: `DossierRead`
//!   (dossiers), `RatingRead` (low ratings), `FeedbackRead` (cases); tickets carry no personal
//!   data (`FiguresRead`). Outside the scope 404, inside without the permission 403.
//! - **Privacy.** A rating row shows the time, the officer rated, the criterion, level and
//!   reasons; never the ticket, dossier, device or contact. A case row shows its code, day,
//!   category, channel, state and deadline; never the sender, title or content, and a case
//!   about the viewer is left out of the rows (counted in `hidden`, so `total` still equals
//!   the figure).
//! - **Pages** of [`PAGE`] rows, newest first.

use std::collections::BTreeMap;

use congbo_domain::identity::Perm;
use congbo_domain::rating::Scale;
use congbo_domain::report::rollup::{Delta, Metric};
use congbo_domain::time::{day_start, dmy_hm, local};
use congbo_store::Tx;
use congbo_store::repo::drill::{self as repo, DossierCandidates, Scope};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use super::figures::{FigureQuery, as_of, check, filter_dims};
use super::rollup::{dossier_deltas, feedback_deltas, rating_deltas, ticket_deltas};
use crate::settings::rating_settings;
use crate::staff::name_of;
use crate::{Actor, App, AppError, Result, access};

/// Rows per page.
pub const PAGE: usize = 50;
/// Raw rows read per round trip.
const BATCH: i64 = 500;

/// A figure that has a list behind it (the URL slug in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Figure {
    /// `returned-late`: dossiers returned late in the period (`returned_late`).
    ReturnedLate,
    /// `open-overdue`: dossiers in process past their date (`open_overdue`).
    OpenOverdue,
    /// `apologies`: Form 04 apologies made in the period (`apologies`).
    Apologies,
    /// `no-show`: tickets called but not come (`tickets_no_show`).
    NoShow,
    /// `low-ratings`: low ratings (`ratings_low`).
    LowRatings,
    /// `feedback`: feedback cases received (`feedback_received`).
    Feedback,
}

impl Figure {
    pub const ALL: [Figure; 6] = [
        Figure::ReturnedLate,
        Figure::OpenOverdue,
        Figure::Apologies,
        Figure::NoShow,
        Figure::LowRatings,
        Figure::Feedback,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Figure::ReturnedLate => "returned-late",
            Figure::OpenOverdue => "open-overdue",
            Figure::Apologies => "apologies",
            Figure::NoShow => "no-show",
            Figure::LowRatings => "low-ratings",
            Figure::Feedback => "feedback",
        }
    }

    /// An unknown figure is not found (`drill-figure-not-found`).
    pub fn parse(s: &str) -> Result<Figure> {
        Figure::ALL
            .into_iter()
            .find(|f| f.slug() == s)
            .ok_or(AppError::NotFound("drill-figure-not-found"))
    }

    /// What reading the rows takes besides `FiguresRead`.
    pub fn perm(self) -> Perm {
        match self {
            Figure::ReturnedLate | Figure::OpenOverdue | Figure::Apologies => Perm::DossierRead,
            Figure::NoShow => Perm::FiguresRead,
            Figure::LowRatings => Perm::RatingRead,
            Figure::Feedback => Perm::FeedbackRead,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DrillQuery {
    pub figures: FigureQuery,
    pub figure: Figure,
    /// 1-based.
    pub page: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct DossierLine {
    pub id: Uuid,
    pub code: String,
    pub office: String,
    pub procedure: String,
    /// The day it counts on (returned, apologised; for overdue: its current date).
    pub day: Date,
    /// The appointment date given at intake (*ngày hẹn trả*), against which lateness counts.
    pub due: Option<String>,
    /// The new date promised in a Form 04 apology, when there is one.
    pub new_due: Option<String>,
    pub state: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TicketLine {
    pub number: String,
    pub office: String,
    pub day: Date,
    /// Local `dd/mm/yyyy hh:mm` of issue.
    pub issued: String,
}

/// A low rating: never who rated (no ticket, dossier, device or contact).
#[derive(Debug, Clone, Serialize)]
pub struct RatingLine {
    pub day: Date,
    pub at: String,
    pub office: String,
    pub officer: Option<String>,
    pub criterion: String,
    pub level: String,
    pub reasons: Vec<String>,
}

/// A feedback case: never the sender, title or content.
#[derive(Debug, Clone, Serialize)]
pub struct CaseLine {
    pub id: Uuid,
    pub code: String,
    pub office: String,
    pub day: Date,
    pub category: String,
    pub channel: String,
    pub state: String,
    pub answer_due: String,
    pub answered_on_time: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Drill {
    #[serde(skip)]
    pub office: Option<OfficeRow>,
    pub figure: Figure,
    /// Equals the figure.
    pub total: usize,
    /// Counted but not listed (cases about the viewer).
    pub hidden: usize,
    pub page: usize,
    pub pages: usize,
    /// Open overdue: the day it is as of.
    pub as_of: Option<Date>,
    pub dossiers: Vec<DossierLine>,
    pub tickets: Vec<TicketLine>,
    pub ratings: Vec<RatingLine>,
    pub cases: Vec<CaseLine>,
}

/// The day a row counts in the figure (`metric` on `dim`, a day in `from..=to`), if it does.
fn counted(deltas: &[Delta], metric: Metric, dim: &str, (from, to): (Date, Date)) -> Option<Date> {
    deltas
        .iter()
        .find(|d| d.metric == metric && d.dim == dim && d.day >= from && d.day <= to && d.n > 0)
        .map(|d| d.day)
}

/// Overdue at the end of `e`: due before `e` and not settled by it.
fn overdue(deltas: &[Delta], dim: &str, e: Date) -> Option<Date> {
    let due = deltas
        .iter()
        .find(|d| d.metric == Metric::DossierDue && d.dim == dim && d.day < e)?;
    let settled = deltas
        .iter()
        .any(|d| d.metric == Metric::DossierSettled && d.dim == dim && d.day <= e);
    (!settled).then_some(due.day)
}

/// Reads every candidate page (`$fetch` with `$after`, the last id read) and runs `$each` on
/// each row.
macro_rules! each_page {
    ($after:ident => $fetch:expr, $row:ident => $id:expr, $each:block) => {{
        let mut $after = Uuid::nil();
        loop {
            let batch = $fetch.await?;
            let n = batch.len();
            if let Some($row) = batch.last() {
                $after = $id;
            }
            for $row in batch $each
            if (n as i64) < BATCH {
                break;
            }
        }
    }};
}

/// The rows behind one figure of the office (or its subtree) over the period.
pub async fn drill(app: &App, actor: &Actor, q: &DrillQuery) -> Result<Drill> {
    let f = &q.figures;
    check(f)?;
    let mut tx = app.db.read().await?;
    let o = access::office(&mut tx, f.office_id).await?;
    access::require(actor, Perm::FiguresRead, &o)?;
    access::require(actor, q.figure.perm(), &o)?;
    let names: BTreeMap<Uuid, String> = office_repo::list_subtree(&mut tx, &o.path)
        .await?
        .into_iter()
        .map(|x| (x.id, x.name))
        .collect();
    let name = |id: Uuid| names.get(&id).cloned().unwrap_or_default();
    let scope = Scope {
        office_id: o.id,
        path: &o.path,
        subtree: f.subtree,
    };
    let mut d = Drill {
        office: None,
        figure: q.figure,
        total: 0,
        hidden: 0,
        page: q.page.max(1),
        pages: 1,
        as_of: None,
        dossiers: Vec::new(),
        tickets: Vec::new(),
        ratings: Vec::new(),
        cases: Vec::new(),
    };
    match q.figure {
        Figure::ReturnedLate | Figure::OpenOverdue | Figure::Apologies => {
            d.as_of = (q.figure == Figure::OpenOverdue).then(|| as_of(app, f));
            d.dossiers = dossiers(&mut tx, scope, q, d.as_of, &name).await?;
            d.total = d.dossiers.len();
        }
        Figure::NoShow => {
            d.tickets = tickets(&mut tx, scope, f, &name).await?;
            d.total = d.tickets.len();
        }
        Figure::LowRatings => {
            d.ratings = ratings(&mut tx, scope, f, &name).await?;
            d.total = d.ratings.len();
        }
        Figure::Feedback => {
            let all = cases(&mut tx, scope, f, &name).await?;
            d.total = all.len();
            let me = actor.principal.user_id;
            let (about_me, rest): (Vec<_>, Vec<_>) = all
                .into_iter()
                .partition(|(officer, _)| *officer == Some(me));
            d.hidden = about_me.len();
            d.cases = rest.into_iter().map(|(_, c)| c).collect();
        }
    }
    tx.commit().await?;
    d.pages = d.total.div_ceil(PAGE).max(1);
    let skip = (d.page - 1) * PAGE;
    d.dossiers = page_of(std::mem::take(&mut d.dossiers), skip);
    d.tickets = page_of(std::mem::take(&mut d.tickets), skip);
    d.ratings = page_of(std::mem::take(&mut d.ratings), skip);
    d.cases = page_of(std::mem::take(&mut d.cases), skip);
    d.office = Some(o);
    Ok(d)
}

fn page_of<T>(v: Vec<T>, skip: usize) -> Vec<T> {
    v.into_iter().skip(skip).take(PAGE).collect()
}

async fn dossiers(
    tx: &mut Tx,
    scope: Scope<'_>,
    q: &DrillQuery,
    as_of: Option<Date>,
    name: &impl Fn(Uuid) -> String,
) -> Result<Vec<DossierLine>> {
    let f = &q.figures;
    let (pd, ..) = filter_dims(f);
    let e = as_of.map(|d| d.to_string()).unwrap_or_default();
    let which = match as_of {
        Some(_) => DossierCandidates::DueBefore(&e),
        None => DossierCandidates::ChangedSince(day_start(f.from)),
    };
    let metric = match q.figure {
        Figure::Apologies => Metric::DossierApology,
        _ => Metric::DossierLate,
    };
    let mut out = Vec::new();
    each_page!(
        after => repo::dossiers(tx, scope, which, after, BATCH),
        r => r.id,
        {
            let deltas = dossier_deltas(&r.source())?;
            let day = match as_of {
                Some(e) => overdue(&deltas, &pd, e),
                None => counted(&deltas, metric, &pd, (f.from, f.to)),
            };
            if let Some(day) = day {
                out.push(DossierLine {
                    id: r.id,
                    code: r.code,
                    office: name(r.office_id),
                    procedure: r.procedure_name,
                    day,
                    new_due: r.current_due.filter(|c| r.due_date.as_ref() != Some(c)),
                    due: r.due_date,
                    state: r.state,
                });
            }
        }
    );
    out.sort_by(|a, b| b.day.cmp(&a.day).then(a.code.cmp(&b.code)));
    Ok(out)
}

async fn tickets(
    tx: &mut Tx,
    scope: Scope<'_>,
    f: &FigureQuery,
    name: &impl Fn(Uuid) -> String,
) -> Result<Vec<TicketLine>> {
    let (_, gd, _) = filter_dims(f);
    let (from, to) = (f.from.to_string(), f.to.to_string());
    let mut out = Vec::new();
    each_page!(
        after => repo::tickets(tx, scope, "no-show", (&from, &to), after, BATCH),
        r => r.source.id,
        {
            let deltas = ticket_deltas(&r.source)?;
            if let Some(day) = counted(&deltas, Metric::TicketNoShow, &gd, (f.from, f.to)) {
                out.push(TicketLine {
                    number: r.number,
                    office: name(r.source.office_id),
                    day,
                    issued: dmy_hm(r.source.issued_at),
                });
            }
        }
    );
    out.sort_by(|a, b| b.day.cmp(&a.day).then(b.issued.cmp(&a.issued)));
    Ok(out)
}

async fn ratings(
    tx: &mut Tx,
    scope: Scope<'_>,
    f: &FigureQuery,
    name: &impl Fn(Uuid) -> String,
) -> Result<Vec<RatingLine>> {
    // The figure counts low ratings unfiltered only (see `figures`): filtered, nothing.
    let (_, _, rd) = filter_dims(f);
    let (from, to) = (f.from.to_string(), f.to.to_string());
    let mut rows = Vec::new();
    each_page!(
        after => repo::low_ratings(tx, scope, (&from, &to), after, BATCH),
        r => r.source.id,
        {
            let deltas = rating_deltas(&r.source)?;
            if rd.is_empty() && counted(&deltas, Metric::RatingLow, "", (f.from, f.to)).is_some() {
                rows.push(r);
            }
        }
    );
    let mut people: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut settings = BTreeMap::new();
    for r in &rows {
        if let Some(id) = r.source.officer_id.filter(|id| !people.contains_key(id)) {
            let n = name_of(tx, Some(id)).await?;
            people.insert(id, n.unwrap_or_default());
        }
        if let std::collections::btree_map::Entry::Vacant(e) = settings.entry(r.source.office_id) {
            e.insert(rating_settings(tx, r.source.office_id).await?);
        }
    }
    let mut out: Vec<RatingLine> = rows
        .into_iter()
        .map(|r| {
            let s = &r.source;
            let codes: Vec<String> = serde_json::from_str(&r.reasons).unwrap_or_default();
            let level = Scale::parse(&s.scale)
                .ok()
                .zip(u8::try_from(s.value).ok())
                .map(|(sc, v)| sc.label(v).to_string())
                .unwrap_or_else(|| s.value.to_string());
            RatingLine {
                day: local(r.at).date(),
                at: dmy_hm(r.at),
                office: name(s.office_id),
                officer: s.officer_id.and_then(|id| people.get(&id).cloned()),
                criterion: s.criterion.clone(),
                level,
                reasons: settings
                    .get(&s.office_id)
                    .map(|x| x.labels(&codes))
                    .unwrap_or(codes),
            }
        })
        .collect();
    out.sort_by(|a, b| b.day.cmp(&a.day).then(b.at.cmp(&a.at)));
    Ok(out)
}

/// Cases of the figure with the officer they are about.
async fn cases(
    tx: &mut Tx,
    scope: Scope<'_>,
    f: &FigureQuery,
    name: &impl Fn(Uuid) -> String,
) -> Result<Vec<(Option<Uuid>, CaseLine)>> {
    let (from, to) = (f.from.to_string(), f.to.to_string());
    let mut out = Vec::new();
    each_page!(
        after => repo::cases(tx, scope, (&from, &to), after, BATCH),
        r => r.source.id,
        {
            let deltas = feedback_deltas(&r.source)?;
            if let Some(day) = counted(&deltas, Metric::FeedbackReceived, "", (f.from, f.to)) {
                let s = r.source;
                out.push((s.officer_id, CaseLine {
                    id: s.id,
                    code: r.code,
                    office: name(s.office_id),
                    day,
                    category: s.category,
                    channel: s.channel,
                    state: r.state,
                    answer_due: r.answer_due,
                    answered_on_time: s.answered_on_time,
                }));
            }
        }
    );
    out.sort_by(|a, b| b.1.day.cmp(&a.1.day).then(a.1.code.cmp(&b.1.code)));
    Ok(out)
}
