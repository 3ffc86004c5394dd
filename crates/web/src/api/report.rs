//! `/api/v1/…` for reports: an office's figures over a reporting period, read from the
//! rollups (`congbo_app::report::figures`).

use axum::Json;
use axum::extract::State;
use congbo_app::AppError;
use congbo_app::report::figures::{self, FigureQuery, OfficeFigures};
use congbo_app::report::index766;
use congbo_app::report::periodic::{self, QueueSummary, SatisfactionSummary};
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

/// A reporting period and the offices it covers.
#[derive(Deserialize, IntoParams)]
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
}

impl FigureParams {
    /// The period (errors name the field: `kind`, `period`, `from`, `to`) and the query.
    pub fn query(&self, now: i64, office_id: Uuid) -> Result<(Period, FigureQuery), AppError> {
        let p = Period::parse(
            self.kind.as_deref().unwrap_or("month"),
            self.period.as_deref(),
            self.from.as_deref(),
            self.to.as_deref(),
            local_date(now),
        )?;
        let q = FigureQuery {
            office_id,
            from: p.from,
            to: p.to,
            procedure: self
                .procedure
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            service_group: None,
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
