//! Periodic reports of an office (or its subtree) over a period: the report on receiving and
//! handling administrative procedures by field and procedure
//! ([`congbo_domain::report::periodic`]), with the period's figures for the satisfaction and
//! complaints summary, the queue summary and the narrative (sơ kết / tổng kết).
//!
//! - **Access.** Through [`figures::figures`]: the period is checked, an office outside the
//!   caller's scope is not found, inside without the permission forbidden.
//! - **Filters.** The whole office: a procedure or service group filter is ignored.
//! - **Per procedure** from the rollups' `p:` rows: received (and `p:…|ch:online` for the
//!   online ones; the rest are direct or by post), returned early / on time / late, refused,
//!   stopped, withdrawn in the period. Field and name from the catalogue (the latest version
//!   of the code; an unknown code has an empty field).
//! - **Carried over** = in process at the end of the day before `from`; **in process** at the
//!   end of `min(to, today)` — the same rule as the figures' open counters.

use std::collections::BTreeMap;

use congbo_domain::report::pct;
use congbo_domain::report::periodic::{HandlingRow, HandlingTable, ProcedureLine, by_field};
use congbo_store::Tx;
use congbo_store::repo::catalog as catalog_repo;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::rollup::{self as repo, Dims, GroupBy, Sum, SumQuery};
use jiff::ToSpan;
use jiff::civil::Date;

use super::figures::{self, FigureQuery, OfficeFigures, OpenQuery};
use crate::{Actor, App, Result, access};

/// The periodic report's data.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicReport {
    pub office: OfficeRow,
    /// The office above (for the document header), if any.
    pub parent: Option<OfficeRow>,
    pub from: Date,
    pub to: Date,
    pub subtree: bool,
    /// Carried over = in process at the end of this day (the day before `from`).
    pub carried_as_of: Date,
    /// In process at the end of this day (`min(to, today)`).
    pub open_as_of: Date,
    pub handling: HandlingTable,
    pub satisfaction: SatisfactionSummary,
    pub queue: QueueSummary,
    /// The period's figures the summaries come from.
    pub figures: OfficeFigures,
}

/// Part b: ratings and feedback (complaints) of the period. Never who rated or complained.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SatisfactionSummary {
    /// Ratings (set-aside ones excluded), satisfied ones, and the share (percent).
    pub ratings: i64,
    pub satisfied: i64,
    pub satisfied_pct: Option<f64>,
    /// Fewer than 30 ratings: the share is a small sample.
    pub small_sample: bool,
    /// Low ratings (a recovery case each).
    pub low: i64,
    pub feedback_received: i64,
    pub feedback_answered_on_time: i64,
    pub feedback_answered_late: i64,
    /// Share answered on time of those answered (percent).
    pub feedback_on_time_pct: Option<f64>,
    pub feedback_upheld: i64,
    /// Received per category code.
    pub feedback_by_category: BTreeMap<String, i64>,
}

/// Part c: the queue of the period. Durations in seconds, from the histograms.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct QueueSummary {
    pub issued: i64,
    pub served: i64,
    pub no_show: i64,
    pub wait_median_secs: Option<i64>,
    pub wait_p90_secs: Option<i64>,
    pub service_median_secs: Option<i64>,
    pub service_p90_secs: Option<i64>,
}

fn n(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// The summaries of parts b and c from the period's figures.
pub fn summaries(f: &OfficeFigures) -> (SatisfactionSummary, QueueSummary) {
    let answered = f.feedback_answered_on_time + f.feedback_answered_late;
    let s = SatisfactionSummary {
        ratings: f.ratings.n,
        satisfied: f.ratings.total,
        satisfied_pct: pct(n(f.ratings.total), n(f.ratings.n)),
        small_sample: f.ratings_small_sample,
        low: f.ratings_low,
        feedback_received: f.feedback_received,
        feedback_answered_on_time: f.feedback_answered_on_time,
        feedback_answered_late: f.feedback_answered_late,
        feedback_on_time_pct: pct(n(f.feedback_answered_on_time), n(answered)),
        feedback_upheld: f.feedback_upheld,
        feedback_by_category: f.feedback_by_category.clone(),
    };
    let q = QueueSummary {
        issued: f.tickets_issued,
        served: f.tickets_served,
        no_show: f.tickets_no_show,
        wait_median_secs: f.wait.histogram.median(),
        wait_p90_secs: f.wait.histogram.p90(),
        service_median_secs: f.service.histogram.median(),
        service_p90_secs: f.service.histogram.p90(),
    };
    (s, q)
}

const PERIOD_METRICS: [&str; 7] = [
    "dossier.received",
    "dossier.early",
    "dossier.on_time",
    "dossier.late",
    "dossier.refused",
    "dossier.stopped",
    "dossier.withdrawn",
];

/// The report of the office (or its subtree) over the period. Errors: those of
/// [`figures::figures`].
pub async fn report(app: &App, actor: &Actor, q: &FigureQuery) -> Result<PeriodicReport> {
    let q = FigureQuery {
        procedure: None,
        service_group: None,
        ..q.clone()
    };
    let figures = figures::figures(app, actor, &q).await?;
    let mut tx = app.db.read().await?;
    let office = access::office(&mut tx, q.office_id).await?;
    let parent = match office.parent_id {
        Some(p) => office_repo::get(&mut tx, p).await?,
        None => None,
    };
    let carried_as_of = q.from.checked_sub(1.day()).unwrap_or(q.from);
    let open_as_of = figures::as_of(app, &q);
    let mut rows = period_counts(&mut tx, &office, &q).await?;
    for (code, (within, overdue)) in open_by_procedure(&mut tx, &office, &q, carried_as_of).await? {
        rows.entry(code).or_default().carried_over += within + overdue;
    }
    for (code, (within, overdue)) in open_by_procedure(&mut tx, &office, &q, open_as_of).await? {
        let r = rows.entry(code).or_default();
        (r.open_within, r.open_overdue) = (within, overdue);
    }
    let catalogue = catalog_repo::all(&mut tx).await?;
    tx.commit().await?;
    // The latest version of each code names it (`all` is by code, then version).
    let names: BTreeMap<String, (String, String)> = catalogue
        .into_iter()
        .map(|p| (p.code, (p.name, p.field)))
        .collect();
    let lines = rows.into_iter().map(|(code, row)| {
        let (name, field) = names.get(&code).cloned().unwrap_or_default();
        (field, ProcedureLine { code, name, row })
    });
    let (satisfaction, queue) = summaries(&figures);
    Ok(PeriodicReport {
        office,
        parent,
        from: q.from,
        to: q.to,
        subtree: q.subtree,
        carried_as_of,
        open_as_of,
        handling: by_field(lines),
        satisfaction,
        queue,
        figures,
    })
}

/// The period's counters per procedure code.
async fn period_counts(
    tx: &mut Tx,
    o: &OfficeRow,
    q: &FigureQuery,
) -> Result<BTreeMap<String, HandlingRow>> {
    let (grain, from, to) = figures::period(q);
    let sq = SumQuery {
        office_id: o.id,
        path: &o.path,
        subtree: q.subtree,
        grain,
        from: &from,
        to: &to,
        dims: Dims::Breakdown("p:"),
        metrics: &PERIOD_METRICS,
    };
    let mut out: BTreeMap<String, HandlingRow> = BTreeMap::new();
    for r in repo::sums(tx, &sq, GroupBy::Nothing).await? {
        add(&mut out, &r);
    }
    Ok(out)
}

/// One summed `p:` row into its procedure's counts.
fn add(out: &mut BTreeMap<String, HandlingRow>, r: &Sum) {
    let Some(rest) = r.dim.strip_prefix("p:") else {
        return;
    };
    let (code, cross) = match rest.split_once('|') {
        Some((code, cross)) => (code, Some(cross)),
        None => (rest, None),
    };
    let e = out.entry(code.to_string()).or_default();
    match (r.metric.as_str(), cross) {
        // Every received dossier counts as direct, the online ones move over.
        ("dossier.received", None) => e.new_direct += r.n,
        ("dossier.received", Some("ch:online")) => {
            e.new_online += r.n;
            e.new_direct -= r.n;
        }
        ("dossier.early", None) => e.early += r.n,
        ("dossier.on_time", None) => e.on_time += r.n,
        ("dossier.late", None) => e.late += r.n,
        ("dossier.refused", None) => e.refused += r.n,
        ("dossier.stopped", None) => e.stopped += r.n,
        ("dossier.withdrawn", None) => e.withdrawn += r.n,
        _ => {}
    }
}

/// In process at the end of day `e` per procedure code: (within the limit, overdue).
async fn open_by_procedure(
    tx: &mut Tx,
    o: &OfficeRow,
    q: &FigureQuery,
    e: Date,
) -> Result<BTreeMap<String, (i64, i64)>> {
    let oq = OpenQuery {
        office: o,
        subtree: q.subtree,
        as_of: e,
        dims: Dims::Breakdown("p:"),
        by: GroupBy::Nothing,
        key_of: |r| {
            r.dim
                .strip_prefix("p:")
                .filter(|code| !code.contains('|'))
                .map(str::to_string)
        },
    };
    Ok(figures::open_counts(tx, &oq)
        .await?
        .into_iter()
        .filter(|(_, (w, d))| *w != 0 || *d != 0)
        .collect())
}
