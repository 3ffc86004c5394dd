//! Public statistics (issue 13 §5): what any citizen may read without signing in, per office,
//! for a month and its year: dossiers handled, the on-time share, the satisfied share with its
//! sample size and the small-sample flag, feedback answered on time, and the Decision 766 score
//! and band.
//!
//! ```text
//! PublicPeriods::parse(period, today)         -> the month (if any) and the year
//! statistics(app, &periods, &StatsFilter)     -> every office (or one, or those matching a name)
//! office_statistics(app, id, &periods)        -> one office with its monthly trend
//! ```
//!
//! - **No actor.** These use cases are public on purpose and read nothing but the rollups and
//!   the office tree, so they cannot reveal a complainant, who rated, or any officer: the
//!   per-officer breakdown of the figures is dropped here and never leaves this module.
//! - **Offices.** Every office of the installation, each with its own counters (not its
//!   subtree), grouped under its parent (a top-level office heads its own group).
//! - **Same numbers** as the authenticated `report::figures` (via `figures_of` /
//!   `figures_each_office`, which skip only the access check) and the same 766 mapping
//!   (`index766::score_figures`).

use std::collections::HashMap;

use congbo_domain::DomainError;
use congbo_domain::report::{Period, Share};
use congbo_domain::text::fold;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use super::figures::{self, FigureQuery, OfficeFigures};
use super::index766;
use crate::{App, AppError, Result};

/// The periods the public statistics cover: a month (absent when a whole year was asked
/// for) and the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicPeriods {
    pub month: Option<Period>,
    pub year: Period,
}

impl PublicPeriods {
    /// `YYYY-MM`: that month and its year; `YYYY`: the year alone; absent or empty: the month
    /// and the year of `today`. Errors (field `period`): `period-format`, `period-future`.
    pub fn parse(value: Option<&str>, today: Date) -> std::result::Result<Self, DomainError> {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        let p = |kind: &str, v: Option<&str>| Period::parse(kind, v, None, None, today);
        match value {
            None => Ok(PublicPeriods {
                month: Some(p("month", None)?),
                year: p("year", None)?,
            }),
            Some(v) if v.len() == 4 => Ok(PublicPeriods {
                month: None,
                year: p("year", Some(v))?,
            }),
            Some(v) => {
                let month = p("month", Some(v))?;
                Ok(PublicPeriods {
                    month: Some(month),
                    year: p("year", Some(&month.from.year().to_string()))?,
                })
            }
        }
    }
}

/// An office's public figures over one period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicFigures {
    /// Dossiers whose processing ended in the period (returned, refused, stopped, withdrawn).
    pub handled: i64,
    /// Dossiers returned in the period, and those returned early or on time.
    pub returned: u64,
    pub on_time: u64,
    pub on_time_pct: Option<f64>,
    /// Ratings (the sample size) and the satisfied ones.
    pub ratings: u64,
    pub satisfied: u64,
    pub satisfied_pct: Option<f64>,
    /// Fewer than 30 ratings: the satisfied share is a small sample.
    pub small_sample: bool,
    /// Feedback (complaints and petitions) answered in the period, and on time.
    pub complaints_answered: u64,
    pub complaints_on_time: u64,
    pub complaints_on_time_pct: Option<f64>,
    /// Decision 766: the score in percent of the computable points, and its band code
    /// (`excellent`, `good`, `fair`, `average`, `weak`).
    pub score_pct: Option<f64>,
    pub band: Option<String>,
}

fn u(x: i64) -> u64 {
    u64::try_from(x).unwrap_or(0)
}

/// The public figures of a figure set over a period ending on `last_day`.
pub fn public_figures(f: &OfficeFigures, last_day: Date) -> Result<PublicFigures> {
    let on_time = Share::new(
        u(f.returned_early + f.returned_on_time),
        u(f.returned_early + f.returned_on_time + f.returned_late),
    );
    let satisfied = Share::new(u(f.ratings.total), u(f.ratings.n));
    let answered = Share::new(
        u(f.feedback_answered_on_time),
        u(f.feedback_answered_on_time + f.feedback_answered_late),
    );
    let (_, card) = index766::score_figures(f, last_day)?;
    Ok(PublicFigures {
        handled: f.closed,
        returned: on_time.den,
        on_time: on_time.num,
        on_time_pct: on_time.pct(),
        ratings: satisfied.den,
        satisfied: satisfied.num,
        satisfied_pct: satisfied.pct(),
        small_sample: f.ratings_small_sample,
        complaints_answered: answered.den,
        complaints_on_time: answered.num,
        complaints_on_time_pct: answered.pct(),
        score_pct: card.score_pct,
        band: card.band.map(|b| b.as_str().to_string()),
    })
}

/// One office as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicOffice {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub parent_id: Option<Uuid>,
    /// The office heading its group: the parent, or the office itself at the top level.
    pub group_id: Uuid,
    pub group_name: String,
    pub month: Option<PublicFigures>,
    pub year: PublicFigures,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statistics {
    pub periods: PublicPeriods,
    /// By group (in tree order), the group's head first, then by name.
    pub offices: Vec<PublicOffice>,
}

/// Which offices to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatsFilter {
    /// Words of the name or code, with or without accents.
    pub search: String,
    /// One office, by id or code (unknown: `office-not-found`).
    pub office: Option<String>,
}

fn query(p: &Period) -> FigureQuery {
    FigureQuery {
        office_id: Uuid::nil(),
        from: p.from,
        to: p.to,
        procedure: None,
        service_group: None,
        subtree: false,
    }
}

fn matches(o: &OfficeRow, f: &StatsFilter) -> bool {
    if let Some(x) = f.office.as_deref().map(str::trim) {
        return o.code == x || Uuid::parse_str(x).is_ok_and(|id| id == o.id);
    }
    let words = fold(f.search.trim());
    let hay = fold(&format!("{} {}", o.name, o.code));
    words.split_whitespace().all(|w| hay.contains(w))
}

/// Every office (or those the filter keeps) with its figures for the periods.
pub async fn statistics(app: &App, periods: &PublicPeriods, f: &StatsFilter) -> Result<Statistics> {
    let mut tx = app.db.read().await?;
    let all = office_repo::list_subtree(&mut tx, "/").await?;
    let roots: Vec<OfficeRow> = all
        .iter()
        .filter(|o| o.parent_id.is_none())
        .cloned()
        .collect();
    let mut per_period = Vec::new();
    for p in periods.month.iter().chain([&periods.year]) {
        let q = query(p);
        figures::check(&q)?;
        let each = figures::figures_each_office(app, &mut tx, &roots, &q).await?;
        per_period.push((p.to, each));
    }
    tx.commit().await?;
    let by_id: HashMap<Uuid, &OfficeRow> = all.iter().map(|o| (o.id, o)).collect();
    let mut offices = Vec::new();
    for o in all.iter().filter(|o| matches(o, f)) {
        let mut figs = Vec::new();
        for (last_day, each) in &per_period {
            let fig = each.get(&o.id).cloned().unwrap_or_default();
            figs.push(public_figures(&fig, *last_day)?);
        }
        let year = figs.pop().ok_or(AppError::NotFound("office-not-found"))?;
        let group = o
            .parent_id
            .and_then(|p| by_id.get(&p))
            .copied()
            .unwrap_or(o);
        offices.push(PublicOffice {
            id: o.id,
            code: o.code.clone(),
            name: o.name.clone(),
            parent_id: o.parent_id,
            group_id: group.id,
            group_name: group.name.clone(),
            month: figs.pop(),
            year,
        });
    }
    if f.office.is_some() && offices.is_empty() {
        return Err(AppError::NotFound("office-not-found"));
    }
    let path = |id: Uuid| by_id.get(&id).map(|o| o.path.clone()).unwrap_or_default();
    offices.sort_by_cached_key(|o| (path(o.group_id), o.id != o.group_id, fold(&o.name)));
    Ok(Statistics {
        periods: *periods,
        offices,
    })
}

/// One office's page: its figures and, per month of the year up to the month shown (or
/// today), the public figures.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeStatistics {
    pub periods: PublicPeriods,
    pub office: PublicOffice,
    /// `YYYY-MM` and the month's figures.
    pub trend: Vec<(String, PublicFigures)>,
}

/// The office's statistics. Errors: `office-not-found`.
pub async fn office_statistics(
    app: &App,
    id: Uuid,
    periods: &PublicPeriods,
) -> Result<OfficeStatistics> {
    let filter = StatsFilter {
        office: Some(id.to_string()),
        ..StatsFilter::default()
    };
    let mut s = statistics(app, periods, &filter).await?;
    let office = s
        .offices
        .pop()
        .ok_or(AppError::NotFound("office-not-found"))?;
    let today = congbo_domain::time::local_date(app.now());
    let last = periods.month.map_or(periods.year.to, |m| m.to).min(today);
    let q = FigureQuery {
        office_id: id,
        to: last.max(periods.year.from),
        ..query(&periods.year)
    };
    let mut tx = app.db.read().await?;
    let row = office_repo::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    let months = figures::trend_of(app, &mut tx, &row, &q).await?;
    tx.commit().await?;
    let mut trend = Vec::with_capacity(months.len());
    for (month, f) in months {
        let end: Date = format!("{month}-01")
            .parse::<Date>()
            .map(|d| d.last_of_month())
            .unwrap_or(q.to);
        trend.push((month, public_figures(&f, end)?));
    }
    Ok(OfficeStatistics {
        periods: *periods,
        office,
        trend,
    })
}
