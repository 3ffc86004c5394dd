//! Dashboards: the head's view of one office and the province's side-by-side comparison,
//! composed from the figures ([`super::figures`]) and the live queue.
//!
//! ```text
//! home(app, actor)                       -> Option<Home>   (where /bao-cao leads)
//! dashboard(app, actor, &DashboardQuery) -> Dashboard
//! compare(app, actor, &FigureQuery, Sort)-> Vec<CompareRow>
//! ```
//!
//! - **Permission.** `FiguresRead` over the office (404 outside the scope, 403 inside without
//!   it), checked by the figures. Per-officer ratings need `RatingRead` as well (heads,
//!   deputies, supervisors); without it the officer table has no rating columns. Open and
//!   overdue complaints need `FeedbackRead` (counts only). Figures never say who rated or who
//!   complained.
//! - **Headlines.** On-time share = (early + on time) ÷ returned; satisfied share = satisfied
//!   ÷ ratings, flagged under 30 ratings; complaints per 1,000 dossiers = feedback received ÷
//!   dossiers received × 1,000; the Decision 766 score from [`super::index766::inputs`].
//! - **Today** (the office itself, not its subtree): tickets waiting now, the longest wait so
//!   far of those, counters with an officer on duty. **Due soon**: dossiers still open whose
//!   date falls today or in the next [`DUE_SOON_DAYS`] days, from the rollups (due on those
//!   days − settled the day after: only an already closed dossier has a settled counter).

use std::collections::BTreeMap;

use congbo_domain::identity::Perm;
use congbo_domain::index766::{Band, Rules766, score};
use congbo_domain::report::{pct, per_thousand};
use congbo_domain::time::local_date;
use congbo_store::Tx;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::rollup::{self as rollup_repo, Dims, Grain, GroupBy, SumQuery};
use congbo_store::repo::{feedback as feedback_repo, queue as queue_repo};
use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use super::figures::{self, FigureQuery, OfficeFigures, OfficerFigures, filter_dims};
use super::index766;
use crate::staff::name_of;
use crate::{Actor, App, Result, access};

/// "Due soon": today and this many days after.
pub const DUE_SOON_DAYS: i64 = 3;

/// Where `/bao-cao` leads: the first office where the caller reads figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Home {
    pub office_id: Uuid,
    /// The office has offices under it: the comparison is the better first page.
    pub compare: bool,
}

pub async fn home(app: &App, actor: &Actor) -> Result<Option<Home>> {
    let Some(id) = access::offices_with(actor, Perm::FiguresRead)
        .first()
        .copied()
    else {
        return Ok(None);
    };
    let mut tx = app.db.read().await?;
    let o = access::office(&mut tx, id).await?;
    let under = office_repo::list_subtree(&mut tx, &o.path).await?;
    tx.commit().await?;
    Ok(Some(Home {
        office_id: id,
        compare: under.iter().any(|x| x.parent_id == Some(id)),
    }))
}

/// The office of a report page, checked first (404 outside the scope, 403 without
/// `FiguresRead`), with its queue services for the filter.
pub async fn office(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
) -> Result<(OfficeRow, Vec<(Uuid, String)>)> {
    let mut tx = app.db.read().await?;
    let o = access::office(&mut tx, office_id).await?;
    access::require(actor, Perm::FiguresRead, &o)?;
    let groups = queue_repo::groups(&mut tx, o.id)
        .await?
        .into_iter()
        .map(|g| (g.id, format!("{} · {}", g.letter, g.name)))
        .collect();
    tx.commit().await?;
    Ok((o, groups))
}

/// The shares a leader reads first.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Headline {
    pub returned: i64,
    pub on_time_pct: Option<f64>,
    pub ratings: i64,
    pub satisfied_pct: Option<f64>,
    pub small_sample: bool,
    pub complaints_per_1000: Option<f64>,
    pub score766: Option<f64>,
    pub band766: Option<Band>,
}

fn n(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

impl Headline {
    pub fn of(f: &OfficeFigures, on: Date) -> Headline {
        let returned = f.returned_early + f.returned_on_time + f.returned_late;
        let card = Rules766::select(&Rules766::builtin(), on)
            .ok()
            .and_then(|r| score(&index766::inputs(f), r).ok());
        Headline {
            returned,
            on_time_pct: pct(n(f.returned_early + f.returned_on_time), n(returned)),
            ratings: f.ratings.n,
            satisfied_pct: pct(n(f.ratings.total), n(f.ratings.n)),
            small_sample: f.ratings_small_sample,
            complaints_per_1000: per_thousand(n(f.feedback_received), n(f.received)),
            score766: card.as_ref().and_then(|c| c.score_pct),
            band766: card.and_then(|c| c.band),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Today {
    pub waiting: usize,
    /// Seconds the longest-waiting ticket has waited so far.
    pub longest_wait_secs: Option<i64>,
    pub counters_open: usize,
    pub counters: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct OfficerLine {
    pub id: Uuid,
    pub name: String,
    pub figures: OfficerFigures,
    pub on_time_pct: Option<f64>,
    pub satisfied_pct: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct DashboardQuery {
    pub figures: FigureQuery,
    /// The period before (same kind), for "this month vs last".
    pub previous: (Date, Date),
}

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub office: OfficeRow,
    pub current: OfficeFigures,
    pub headline: Headline,
    pub previous: OfficeFigures,
    pub previous_headline: Headline,
    /// Twelve months to the period's last.
    pub trend: Vec<(String, OfficeFigures, Headline)>,
    pub today: Today,
    pub due_soon: i64,
    /// Open and overdue complaints now (`FeedbackRead`).
    pub complaints: Option<(usize, usize)>,
    pub officers: Vec<OfficerLine>,
    pub officer_ratings: bool,
    pub has_children: bool,
}

/// The head's dashboard of one office (or its subtree).
pub async fn dashboard(app: &App, actor: &Actor, q: &DashboardQuery) -> Result<Dashboard> {
    let f = &q.figures;
    let current = figures::figures(app, actor, f).await?;
    let prev_q = FigureQuery {
        from: q.previous.0,
        to: q.previous.1,
        ..f.clone()
    };
    let previous = figures::figures(app, actor, &prev_q).await?;
    let trend = trend(app, actor, f).await?;
    let mut tx = app.db.read().await?;
    let o = access::office(&mut tx, f.office_id).await?;
    let today = today(app, &mut tx, o.id).await?;
    let due_soon = due_soon(app, &mut tx, &o, f).await?;
    let complaints = if access::require(actor, Perm::FeedbackRead, &o).is_ok() {
        Some(complaints(app, actor, &mut tx, &o).await?)
    } else {
        None
    };
    let officer_ratings = access::require(actor, Perm::RatingRead, &o).is_ok();
    let officers = officers(&mut tx, &current.officers, officer_ratings).await?;
    let has_children = office_repo::list_subtree(&mut tx, &o.path)
        .await?
        .iter()
        .any(|x| x.parent_id == Some(o.id));
    tx.commit().await?;
    Ok(Dashboard {
        headline: Headline::of(&current, f.to),
        previous_headline: Headline::of(&previous, prev_q.to),
        office: o,
        current,
        previous,
        trend,
        today,
        due_soon,
        complaints,
        officers,
        officer_ratings,
        has_children,
    })
}

/// The twelve months to the period's last, each with its headline.
pub async fn trend(
    app: &App,
    actor: &Actor,
    f: &FigureQuery,
) -> Result<Vec<(String, OfficeFigures, Headline)>> {
    let q = FigureQuery {
        from: f.to.first_of_month().saturating_sub(11.months()),
        ..f.clone()
    };
    Ok(figures::trend_by_month(app, actor, &q)
        .await?
        .into_iter()
        .map(|(m, x)| {
            let h = Headline::of(&x, x.open_as_of.unwrap_or(f.to));
            (m, x, h)
        })
        .collect())
}

async fn today(app: &App, tx: &mut Tx, office_id: Uuid) -> Result<Today> {
    let now = app.now();
    let waiting = queue_repo::tickets_in_state(tx, office_id, "waiting").await?;
    let duty = queue_repo::duty(tx, office_id).await?;
    let counters = office_repo::list_counters(tx, office_id).await?;
    Ok(Today {
        waiting: waiting.len(),
        longest_wait_secs: waiting
            .iter()
            .map(|t| t.issued_at)
            .min()
            .map(|at| (now - at).max(0) / 1_000_000),
        counters_open: duty.len(),
        counters: counters.len(),
    })
}

async fn due_soon(app: &App, tx: &mut Tx, o: &OfficeRow, f: &FigureQuery) -> Result<i64> {
    let t = local_date(app.now());
    let day = |k: i64| t.saturating_add(k.days()).to_string();
    let (pd, ..) = filter_dims(f);
    let dims = if pd.is_empty() {
        Dims::Totals
    } else {
        Dims::Filter(pd)
    };
    let (from, to, s_from, s_to) = (day(0), day(DUE_SOON_DAYS), day(1), day(DUE_SOON_DAYS + 1));
    let mut q = SumQuery {
        office_id: o.id,
        path: &o.path,
        subtree: f.subtree,
        grain: Grain::Day,
        from: &from,
        to: &to,
        dims,
        metrics: &["dossier.due"],
    };
    let count = |rows: Vec<rollup_repo::Sum>| -> i64 {
        rows.iter()
            .filter(|r| !r.dim.contains('|'))
            .map(|r| r.n)
            .sum()
    };
    let due = count(rollup_repo::sums(tx, &q, GroupBy::Nothing).await?);
    q.from = &s_from;
    q.to = &s_to;
    q.metrics = &["dossier.settled"];
    let settled = count(rollup_repo::sums(tx, &q, GroupBy::Nothing).await?);
    Ok((due - settled).max(0))
}

/// Cases received by the office's subtree that are open now, and those past their deadline.
/// A case about the viewer that they may not read is not counted.
async fn complaints(
    app: &App,
    actor: &Actor,
    tx: &mut Tx,
    o: &OfficeRow,
) -> Result<(usize, usize)> {
    let today = local_date(app.now()).to_string();
    let rows = feedback_repo::list_under(tx, &o.path, "0000-01-01", &today, 1_000_000).await?;
    let (mut open, mut overdue) = (0, 0);
    for k in rows
        .iter()
        .filter(|k| k.office_path.starts_with(&o.path) && !crate::feedback::hidden_from(actor, k))
    {
        let (due, late) = crate::feedback::overdue_on(k, &today);
        open += usize::from(due.is_some());
        overdue += usize::from(late);
    }
    Ok((open, overdue))
}

async fn officers(
    tx: &mut Tx,
    figures: &BTreeMap<Uuid, OfficerFigures>,
    ratings: bool,
) -> Result<Vec<OfficerLine>> {
    let mut out = Vec::with_capacity(figures.len());
    for (id, f) in figures {
        let name = name_of(tx, Some(*id)).await?.unwrap_or_default();
        let mut f = f.clone();
        if !ratings {
            f.ratings = figures::Count::default();
            f.low_ratings = 0;
        }
        let returned = f.early + f.on_time + f.late;
        out.push(OfficerLine {
            id: *id,
            name,
            on_time_pct: pct(n(f.early + f.on_time), n(returned)),
            satisfied_pct: pct(n(f.ratings.total), n(f.ratings.n)),
            figures: f,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// How the comparison is ordered (`sort=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Sort {
    /// By office code.
    #[default]
    Code,
    /// On-time share, best first.
    OnTime,
    /// Satisfied share, best first.
    Satisfied,
    /// Complaints per 1,000 dossiers, fewest first.
    Complaints,
    /// Decision 766 score, best first.
    Index766,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Code,
        Sort::OnTime,
        Sort::Satisfied,
        Sort::Complaints,
        Sort::Index766,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Code => "code",
            Sort::OnTime => "on-time",
            Sort::Satisfied => "satisfied",
            Sort::Complaints => "complaints",
            Sort::Index766 => "index766",
        }
    }
    /// Error: `report-sort` (`sort`).
    pub fn parse(s: &str) -> Result<Sort> {
        Sort::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .ok_or_else(|| congbo_domain::DomainError::field("report-sort", "sort").into())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub office_id: Uuid,
    pub code: String,
    pub name: String,
    /// The office's own counters (the first row), not a child's subtree.
    pub own: bool,
    pub headline: Headline,
    pub figures: OfficeFigures,
}

/// Every child office side by side (each its subtree), the office's own counters first; the
/// children ordered by `sort` (no value last).
pub async fn compare(
    app: &App,
    actor: &Actor,
    q: &FigureQuery,
    sort: Sort,
) -> Result<Vec<CompareRow>> {
    let entries = figures::figures_by_office(app, actor, q).await?;
    let mut rows: Vec<CompareRow> = entries
        .into_iter()
        .enumerate()
        .map(|(i, (o, f))| CompareRow {
            office_id: o.id,
            code: o.code,
            name: o.name,
            own: i == 0,
            headline: Headline::of(&f, q.to),
            figures: f,
        })
        .collect();
    let key = |r: &CompareRow| -> Option<f64> {
        let h = &r.headline;
        match sort {
            Sort::Code => None,
            Sort::OnTime => h.on_time_pct,
            Sort::Satisfied => h.satisfied_pct,
            Sort::Complaints => h.complaints_per_1000.map(|x| -x),
            Sort::Index766 => h.score766,
        }
    };
    if sort != Sort::Code && rows.len() > 1 {
        rows[1..].sort_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            match (ka, kb) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }
            .then(a.code.cmp(&b.code))
        });
    }
    Ok(rows)
}
