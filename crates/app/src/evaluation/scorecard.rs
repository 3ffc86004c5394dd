//! The officer's scorecard (issue 14, item 1): what congbo recorded about them over a month,
//! quarter or year.
//!
//! - **From the rollups** (the officer's `o:` rows of the top-level office's tree, whole months
//!   from `rollup_month`): dossiers received and returned early / on time / late, tickets served
//!   and the mean service time, ratings with the satisfied share, its sample size and the
//!   small-sample flag, low ratings (each opened a recovery case), upheld conduct complaints.
//! - **One officer's month from raw rows** (a few hundred rows at most): the median service
//!   time, waits over the office's apology threshold on tickets they called, apologies they
//!   made at the counter, dossiers they acted on, Form 04 apologies on dossiers they received,
//!   the top reasons of their low ratings, recovery cases opened and still open. For a quarter
//!   or a year these are left out (`month: None`), never computed from a scan.
//! - Upheld conduct complaints are listed with the clause breached and the day (the officer's
//!   record), never the complainant; ratings never say who rated.

use std::collections::BTreeMap;

use congbo_domain::evaluation::Period;
use congbo_domain::report::{is_small_sample, pct};
use congbo_domain::time::{days_range, local_date};
use congbo_store::Tx;
use congbo_store::repo::evaluation as repo;
use congbo_store::repo::feedback as feedback_repo;
use congbo_store::repo::rating as rating_repo;
use congbo_store::repo::rollup::{self as rollup, Dims, Grain, GroupBy, SumQuery};
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use super::scope::{self, Officer};
use crate::{Actor, App, Result, settings};

#[derive(Debug, Clone, Serialize)]
pub struct OfficerLine {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub office_id: Uuid,
    pub office_code: String,
    pub office_name: String,
    /// The office where the officer is evaluated and ranked (the office above for its head).
    pub ranking_office: Uuid,
}

impl OfficerLine {
    pub(crate) fn of(o: &Officer) -> Self {
        Self {
            id: o.user.id,
            username: o.user.username.clone(),
            full_name: o.user.full_name.clone(),
            office_id: o.office.id,
            office_code: o.office.code.clone(),
            office_name: o.office.name.clone(),
            ranking_office: super::scope::place_id(o),
        }
    }
}

/// An upheld conduct complaint: the clause breached and the day, nothing about who complained.
#[derive(Debug, Clone, Serialize)]
pub struct ConductLine {
    pub clause: Option<String>,
    pub on: Date,
}

/// What only one officer's month shows (from raw rows).
#[derive(Debug, Clone, Default, Serialize)]
pub struct MonthDetail {
    pub service_median_secs: Option<i64>,
    /// Tickets the officer called after a wait longer than the office's apology threshold.
    pub waits_over: i64,
    pub wait_threshold_minutes: u32,
    /// Apologies the officer made at the counter for a long wait.
    pub queue_apologies: i64,
    /// Dossiers the officer acted on (any step).
    pub processed: i64,
    /// Form 04 apologies on dossiers the officer received.
    pub form04: i64,
    /// Reasons cited by the officer's low ratings (label, count), most cited first, at most 5.
    pub top_reasons: Vec<(String, i64)>,
    pub recovery_opened: i64,
    pub recovery_open: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub officer: OfficerLine,
    pub period: Period,
    pub from: Date,
    pub to: Date,
    pub received: i64,
    pub returned_early: i64,
    pub returned_on_time: i64,
    pub returned_late: i64,
    pub served: i64,
    pub service_mean_secs: Option<i64>,
    pub ratings: i64,
    pub satisfied: i64,
    /// Satisfied share in percent (2 decimals), `None` without ratings.
    pub satisfied_pct: Option<f64>,
    /// Fewer ratings than the small-sample rule: the share is shown with a warning.
    pub small_sample: bool,
    /// Low ratings: each opened a recovery case.
    pub low_ratings: i64,
    pub upheld: Vec<ConductLine>,
    pub month: Option<MonthDetail>,
    /// The viewer is the officer.
    pub own: bool,
    /// The viewer may write in the register and review scores.
    pub may_manage: bool,
}

/// The officer's figures over `period`. See the module header.
pub async fn scorecard(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    period: Period,
) -> Result<Scorecard> {
    let mut tx = app.db.read().await?;
    let (o, seen) = scope::load_read(&mut tx, actor, officer_id).await?;
    let mut s = from_rollups(&mut tx, &o, period).await?;
    s.own = seen.own;
    s.may_manage = seen.manage;
    let (from, to) = days_range(period.start(), period.end());
    s.upheld = feedback_repo::officer_records(&mut tx, o.user.id)
        .await?
        .into_iter()
        .filter(|r| r.kind == "conduct-upheld" && r.at >= from && r.at < to)
        .map(|r| ConductLine {
            clause: r.clause,
            on: local_date(r.at),
        })
        .collect();
    if matches!(period, Period::Month { .. }) {
        s.month = Some(month_detail(&mut tx, &o, period).await?);
    }
    tx.commit().await?;
    Ok(s)
}

fn months(period: Period) -> (String, String) {
    let m = |d: Date| format!("{:04}-{:02}", d.year(), d.month());
    (m(period.start()), m(period.end()))
}

async fn from_rollups(tx: &mut Tx, o: &Officer, period: Period) -> Result<Scorecard> {
    let root = congbo_domain::office::OfficePath::root(o.shard);
    let root_path = root.as_str();
    let (from, to) = months(period);
    let q = SumQuery {
        office_id: o.shard,
        path: root_path,
        subtree: true,
        grain: Grain::Month,
        from: &from,
        to: &to,
        dims: Dims::Filter(format!("o:{}", o.user.id.simple())),
        metrics: &[],
    };
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for r in rollup::sums(tx, &q, GroupBy::Nothing).await? {
        let e = sums.entry(r.metric).or_default();
        e.0 += r.n;
        e.1 += r.total;
    }
    let get = |m: &str| sums.get(m).copied().unwrap_or_default();
    let (ratings, satisfied) = get("rating.count");
    let (served_n, served_secs) = get("ticket.service");
    Ok(Scorecard {
        officer: OfficerLine::of(o),
        period,
        from: period.start(),
        to: period.end(),
        received: get("dossier.received").0,
        returned_early: get("dossier.early").0,
        returned_on_time: get("dossier.on_time").0,
        returned_late: get("dossier.late").0,
        served: get("ticket.served").0,
        service_mean_secs: (served_n > 0).then(|| served_secs / served_n),
        ratings,
        satisfied,
        satisfied_pct: pct(
            u64::try_from(satisfied).unwrap_or(0),
            u64::try_from(ratings).unwrap_or(0),
        ),
        small_sample: is_small_sample(u64::try_from(ratings).unwrap_or(0)),
        low_ratings: get("rating.low").0,
        upheld: Vec::new(),
        month: None,
        own: false,
        may_manage: false,
    })
}

async fn month_detail(tx: &mut Tx, o: &Officer, period: Period) -> Result<MonthDetail> {
    let (d0, d1) = (period.start().to_string(), period.end().to_string());
    let (from, to) = days_range(period.start(), period.end());
    let id = o.user.id;
    let threshold = settings::queue_settings(tx, o.office.id)
        .await?
        .apology_after_minutes;
    let tickets = repo::tickets_of(tx, id, &d0, &d1).await?;
    let mut service: Vec<i64> = tickets
        .iter()
        .filter(|t| t.officer_id == Some(id) && t.state == "done")
        .filter_map(|t| Some((t.serve_end? - t.serve_start?) / 1_000_000))
        .collect();
    service.sort_unstable();
    let over = i64::from(threshold) * 60_000_000;
    let (opened, open) = repo::recovery_of(tx, id, from, to).await?;
    Ok(MonthDetail {
        service_median_secs: service.get(service.len() / 2).copied(),
        waits_over: tickets
            .iter()
            .filter(|t| t.officer_id == Some(id))
            .filter(|t| t.first_called_at.is_some_and(|c| c - t.issued_at > over))
            .count() as i64,
        wait_threshold_minutes: threshold,
        queue_apologies: tickets
            .iter()
            .filter(|t| t.apologized_by == Some(id))
            .count() as i64,
        processed: repo::processed_by(tx, id, from, to).await?,
        form04: repo::apologies_on(tx, id, from, to).await?,
        top_reasons: top_reasons(tx, o, &d0, &d1).await?,
        recovery_opened: opened,
        recovery_open: open,
    })
}

/// The reasons cited by the officer's low ratings in the month, with the office's labels.
async fn top_reasons(tx: &mut Tx, o: &Officer, from: &str, to: &str) -> Result<Vec<(String, i64)>> {
    let labels = settings::rating_settings(tx, o.office.id).await?.reasons;
    let mut counts: BTreeMap<String, i64> = BTreeMap::new();
    for r in rating_repo::ratings_of_officer(tx, o.user.id, from, to).await? {
        if !r.low {
            continue;
        }
        let codes: Vec<String> = serde_json::from_str(&r.reasons).unwrap_or_default();
        for c in codes {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut v: Vec<(String, i64)> = counts
        .into_iter()
        .map(|(code, n)| {
            let label = labels
                .iter()
                .find(|l| l.code == code)
                .map_or(code, |l| l.label.clone());
            (label, n)
        })
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(5);
    Ok(v)
}
