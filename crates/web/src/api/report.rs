//! `/api/v1/…` for reports: an office's figures over a reporting period, read from the
//! rollups (`congbo_app::report::figures`).

use axum::Json;
use axum::extract::State;
use congbo_app::AppError;
use congbo_app::report::dashboard::{self, CompareRow, Headline, Sort};
use congbo_app::report::drill::{self, Drill, DrillQuery, Figure};
use congbo_app::report::figures::{self, FigureQuery, OfficeFigures};
use congbo_app::report::index766;
use congbo_app::report::periodic::{self, QueueSummary, SatisfactionSummary};
use congbo_domain::DomainError;
use congbo_domain::index766::{Inputs, Scorecard};
use congbo_domain::report::period::Period;
use congbo_domain::report::periodic::HandlingTable;
use congbo_domain::time::local_date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PathParam, QueryParam};

/// A reporting period and the offices it covers. Empty values (as a GET form sends them) are
/// as if absent.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct FigureParams {
    /// `month` (the default), `quarter`, `half`, `year` or `custom`.
    pub kind: Option<String>,
    /// `2026-03`, `2026-Q1`, `2026-H1`, `2026`; absent, the current period of that kind.
    pub period: Option<String>,
    /// First day of a custom period (`yyyy-mm-dd`).
    pub from: Option<String>,
    /// Last day of a custom period (`yyyy-mm-dd`, inclusive).
    pub to: Option<String>,
    /// Sum the office and every office under it.
    #[serde(default)]
    pub subtree: bool,
    /// Only dossiers and ratings of this procedure (its code).
    pub procedure: Option<String>,
    /// Only tickets and ratings of this queue service (its id).
    pub service_group: Option<String>,
}

/// A trimmed value, `None` when empty.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl FigureParams {
    /// The period (errors name the field: `kind`, `period`, `from`, `to`) and the query.
    pub fn query(&self, now: i64, office_id: Uuid) -> Result<(Period, FigureQuery), AppError> {
        let p = Period::parse(
            given(&self.kind).unwrap_or("month"),
            given(&self.period),
            given(&self.from),
            given(&self.to),
            local_date(now),
        )?;
        let service_group = given(&self.service_group)
            .map(|g| {
                Uuid::parse_str(g)
                    .map_err(|_| DomainError::field("report-service-group", "service_group"))
            })
            .transpose()?;
        let q = FigureQuery {
            office_id,
            from: p.from,
            to: p.to,
            procedure: given(&self.procedure).map(str::to_string),
            service_group,
            subtree: self.subtree,
        };
        Ok((p, q))
    }
}

#[derive(Serialize, ToSchema)]
pub struct FiguresOut {
    /// `month`, `quarter`, `half`, `year` or `custom`.
    pub kind: String,
    /// First day (inclusive).
    pub from: String,
    /// Last day (inclusive).
    pub to: String,
    pub subtree: bool,
    pub procedure: Option<String>,
    /// Fewer than 30 ratings: the satisfied share is a small sample.
    pub small_sample: bool,
    /// Dossiers (received, by channel, returned early / on time / late, open within the limit
    /// or overdue as of `open_as_of`, supplements, refusals, withdrawals, apologies), queue
    /// (tickets, waits and service times as histograms), ratings (count and satisfied),
    /// feedback and per-officer figures, keyed by user id.
    #[schema(value_type = Object)]
    pub figures: OfficeFigures,
}

/// An office's figures over a reporting period, from the rollups. No personal data: no
/// applicant, no complainant, never who rated.
#[utoipa::path(get, path = "/api/v1/offices/{id}/figures", tag = "report",
    params(("id" = Uuid, Path), FigureParams),
    responses((status = 200, body = FiguresOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn figures(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
) -> Result<Json<FiguresOut>, Failure> {
    let (period, q) = p.query(s.app.now(), id)?;
    let f = figures::figures(&s.app, &a, &q).await?;
    Ok(Json(FiguresOut {
        kind: period.kind.as_str().to_string(),
        from: period.from.to_string(),
        to: period.to.to_string(),
        subtree: q.subtree,
        procedure: q.procedure,
        small_sample: f.ratings_small_sample,
        figures: f,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct Index766Out {
    /// `month`, `quarter`, `half`, `year` or `custom`.
    pub kind: String,
    pub from: String,
    pub to: String,
    pub subtree: bool,
    /// The counts scored (closed early / on time / late, open within the limit / overdue,
    /// feedback cases, on time, satisfied); see `congbo_app::report::index766` for the mapping.
    #[schema(value_type = Object)]
    pub inputs: Inputs,
    /// Every indicator with its numerator, denominator, rate, points, maximum, formula key and
    /// status (`computed`, or `no-data` with `not-collected` / `nothing-to-count`, never a
    /// zero); the groups, the total over the computed indicators, the score and its band.
    #[schema(value_type = Object)]
    pub scorecard: Scorecard,
}

/// An office's Decision 766 scorecard over a reporting period, from its figures.
#[utoipa::path(get, path = "/api/v1/offices/{id}/index766", tag = "report",
    params(("id" = Uuid, Path), FigureParams),
    responses((status = 200, body = Index766Out), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn index766(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
) -> Result<Json<Index766Out>, Failure> {
    let (period, q) = p.query(s.app.now(), id)?;
    let (inputs, scorecard) = index766::scorecard(&s.app, &a, &q).await?;
    Ok(Json(Index766Out {
        kind: period.kind.as_str().to_string(),
        from: period.from.to_string(),
        to: period.to.to_string(),
        subtree: q.subtree,
        inputs,
        scorecard,
    }))
}

/// The order of the comparison.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct SortParams {
    /// `code` (the default), `on-time`, `satisfied`, `complaints` (per 1,000 dossiers, fewest
    /// first) or `index766`.
    pub sort: Option<String>,
}

impl SortParams {
    pub fn sort(&self) -> Result<Sort, AppError> {
        given(&self.sort).map_or(Ok(Sort::Code), Sort::parse)
    }
}

#[derive(Serialize, ToSchema)]
pub struct ByOfficeOut {
    pub kind: String,
    pub from: String,
    pub to: String,
    pub sort: String,
    /// The office's own counters first (`own`), then each child office's subtree: its
    /// headline (on-time share, satisfied share with sample size and small-sample flag,
    /// complaints per 1,000 dossiers, Decision 766 score and band) and its figures.
    #[schema(value_type = Object)]
    pub offices: Vec<CompareRow>,
}

/// Every child office side by side over a reporting period, sorted.
#[utoipa::path(get, path = "/api/v1/offices/{id}/figures/by-office", tag = "report",
    params(("id" = Uuid, Path), FigureParams, SortParams),
    responses((status = 200, body = ByOfficeOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn by_office(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
    QueryParam(o): QueryParam<SortParams>,
) -> Result<Json<ByOfficeOut>, Failure> {
    let (period, q) = p.query(s.app.now(), id)?;
    let sort = o.sort()?;
    let offices = dashboard::compare(&s.app, &a, &q, sort).await?;
    Ok(Json(ByOfficeOut {
        kind: period.kind.as_str().to_string(),
        from: period.from.to_string(),
        to: period.to.to_string(),
        sort: sort.as_str().to_string(),
        offices,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MonthOut {
    /// `YYYY-MM`.
    pub month: String,
    #[schema(value_type = Object)]
    pub headline: Headline,
    #[schema(value_type = Object)]
    pub figures: OfficeFigures,
}

#[derive(Serialize, ToSchema)]
pub struct TrendOut {
    pub from: String,
    pub to: String,
    pub months: Vec<MonthOut>,
}

/// The office's figures month by month, over the months the period touches.
#[utoipa::path(get, path = "/api/v1/offices/{id}/figures/trend", tag = "report",
    params(("id" = Uuid, Path), FigureParams),
    responses((status = 200, body = TrendOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn trend(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
) -> Result<Json<TrendOut>, Failure> {
    let (period, q) = p.query(s.app.now(), id)?;
    let months = figures::trend_by_month(&s.app, &a, &q).await?;
    Ok(Json(TrendOut {
        from: period.from.to_string(),
        to: period.to.to_string(),
        months: months
            .into_iter()
            .map(|(month, f)| MonthOut {
                headline: Headline::of(&f, f.open_as_of.unwrap_or(q.to)),
                month,
                figures: f,
            })
            .collect(),
    }))
}

/// The page of a drill-down.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct PageParams {
    /// 1-based; 50 rows a page.
    pub page: Option<usize>,
}

/// The list behind a figure: `returned-late`, `open-overdue`, `apologies` (dossiers,
/// `DossierRead`), `no-show` (tickets), `low-ratings` (`RatingRead`: time, officer rated,
/// level and reasons, never who rated) or `feedback` (`FeedbackRead`: never the sender; cases
/// about the caller are counted in `hidden`, not listed). `total` equals the figure.
#[utoipa::path(get, path = "/api/v1/offices/{id}/figures/drill/{figure}", tag = "report",
    params(("id" = Uuid, Path), ("figure" = String, Path), FigureParams, PageParams),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn drill(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, figure)): PathParam<(Uuid, String)>,
    QueryParam(p): QueryParam<FigureParams>,
    QueryParam(g): QueryParam<PageParams>,
) -> Result<Json<Drill>, Failure> {
    let (_, q) = p.query(s.app.now(), id)?;
    let d = drill::drill(
        &s.app,
        &a,
        &DrillQuery {
            figures: q,
            figure: Figure::parse(&figure)?,
            page: g.page.unwrap_or(1),
        },
    )
    .await?;
    Ok(Json(d))
}

#[derive(Serialize, ToSchema)]
pub struct PeriodicOut {
    /// `month`, `quarter`, `half`, `year` or `custom`.
    pub kind: String,
    pub from: String,
    pub to: String,
    pub subtree: bool,
    pub office_id: Uuid,
    pub office_name: String,
    /// Carried over = in process at the end of this day (the day before `from`).
    pub carried_as_of: String,
    /// In process at the end of this day (`min(to, today)`).
    pub open_as_of: String,
    /// Part a: `fields` (each with `field`, `total` and `procedures` — `code`, `name` and the
    /// counts) and the `total` row. Counts: `carried_over`, `new_online`, `new_direct`,
    /// `early`, `on_time`, `late`, `open_within`, `open_overdue`, `withdrawn`, `refused`,
    /// `stopped`.
    #[schema(value_type = Object)]
    pub handling: HandlingTable,
    /// Part b: ratings (with `small_sample` under 30) and feedback; never who rated or
    /// complained.
    #[schema(value_type = Object)]
    pub satisfaction: SatisfactionSummary,
    /// Part c: tickets issued, served, no-show; median and p90 wait and service (seconds).
    #[schema(value_type = Object)]
    pub queue: QueueSummary,
    /// Form 04 apologies sent in the period (for the narrative).
    pub apologies: i64,
}

/// The periodic reports of an office (or its subtree) over a reporting period: receipt and
/// handling by field and procedure, satisfaction and feedback, the queue. A procedure filter
/// is ignored. The page `/bao-cao/{id}/dinh-ky` prints the same numbers and downloads them as
/// XLSX and CSV.
#[utoipa::path(get, path = "/api/v1/offices/{id}/reports/periodic", tag = "report",
    params(("id" = Uuid, Path), FigureParams),
    responses((status = 200, body = PeriodicOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn periodic(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
) -> Result<Json<PeriodicOut>, Failure> {
    let (period, q) = p.query(s.app.now(), id)?;
    let r = periodic::report(&s.app, &a, &q).await?;
    Ok(Json(PeriodicOut {
        kind: period.kind.as_str().to_string(),
        from: r.from.to_string(),
        to: r.to.to_string(),
        subtree: r.subtree,
        office_id: r.office.id,
        office_name: r.office.name,
        carried_as_of: r.carried_as_of.to_string(),
        open_as_of: r.open_as_of.to_string(),
        handling: r.handling,
        satisfaction: r.satisfaction,
        queue: r.queue,
        apologies: r.figures.apologies,
    }))
}
