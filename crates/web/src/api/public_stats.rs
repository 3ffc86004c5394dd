//! `GET /api/v1/public/statistics`: the public statistics as open data (no sign-in), the
//! same numbers as `/thong-ke` and `/thong-ke.csv` (`congbo_app::report::public`).

use axum::Json;
use axum::extract::State;
use congbo_app::report::public::{self, PublicFigures, PublicOffice, PublicPeriods, StatsFilter};
use congbo_domain::report::Period;
use congbo_domain::time::local_date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::QueryParam;

#[derive(Deserialize, IntoParams, Default)]
pub struct StatsParams {
    /// `YYYY-MM` (that month and its year) or `YYYY` (the year alone); absent, this month and
    /// this year.
    pub period: Option<String>,
    /// One office, by id or code.
    pub office: Option<String>,
    /// Words of the office's name or code, with or without accents.
    #[serde(default)]
    pub q: String,
}

impl StatsParams {
    /// The periods (error `period-format` / `period-future` on `period`) and the filter.
    pub fn parse(&self, now: i64) -> Result<(PublicPeriods, StatsFilter), congbo_app::AppError> {
        let p = PublicPeriods::parse(self.period.as_deref(), local_date(now))?;
        let f = StatsFilter {
            search: self.q.clone(),
            office: self
                .office
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        };
        Ok((p, f))
    }
}

#[derive(Serialize, ToSchema)]
pub struct PeriodOut {
    /// `2026-03` or `2026`.
    pub key: String,
    pub from: String,
    /// Inclusive.
    pub to: String,
}

impl PeriodOut {
    fn of(p: &Period) -> PeriodOut {
        PeriodOut {
            key: p.key(),
            from: p.from.to_string(),
            to: p.to.to_string(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatisticsOut {
    /// The month (null when a year was asked for).
    pub month: Option<PeriodOut>,
    pub year: PeriodOut,
    /// Per office (grouped under its parent): `id`, `code`, `name`, `parent_id`, `group_id`,
    /// `group_name`, and `month` / `year` each with `handled`, `returned`, `on_time`,
    /// `on_time_pct`, `ratings`, `satisfied`, `satisfied_pct`, `small_sample` (fewer than 30
    /// ratings), `complaints_answered`, `complaints_on_time`, `complaints_on_time_pct`,
    /// `score_pct` and `band` (Decision 766). Shares are percent with 2 decimals, null when
    /// nothing was counted. No personal data, no per-officer figures.
    #[schema(value_type = Vec<Object>)]
    pub offices: Vec<PublicOffice>,
}

/// Public statistics per office for a month and its year: dossiers handled, on-time share,
/// satisfied share with its sample size and small-sample flag, feedback answered on time, the
/// Decision 766 score and band. Open data, no sign-in.
#[utoipa::path(get, path = "/api/v1/public/statistics", tag = "public", security(()),
    params(StatsParams),
    responses((status = 200, body = StatisticsOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn statistics(
    State(s): State<AppState>,
    QueryParam(p): QueryParam<StatsParams>,
) -> Result<Json<StatisticsOut>, Failure> {
    let (periods, filter) = p.parse(s.app.now())?;
    let st = public::statistics(&s.app, &periods, &filter).await?;
    Ok(Json(StatisticsOut {
        month: st.periods.month.as_ref().map(PeriodOut::of),
        year: PeriodOut::of(&st.periods.year),
        offices: st.offices,
    }))
}

/// The figures as a flat record (the CSV's columns after the office's), in order.
pub fn columns() -> [&'static str; 13] {
    [
        "handled",
        "returned",
        "on_time",
        "on_time_pct",
        "ratings",
        "satisfied",
        "satisfied_pct",
        "small_sample",
        "complaints_answered",
        "complaints_on_time",
        "complaints_on_time_pct",
        "score_pct",
        "band",
    ]
}

/// Keep the column list and the struct in step (a compile-time reminder for readers).
pub fn values(f: &PublicFigures) -> [crate::export::Cell; 13] {
    use crate::export::Cell;
    [
        Cell::Int(f.handled),
        f.returned.into(),
        f.on_time.into(),
        Cell::num(f.on_time_pct),
        f.ratings.into(),
        f.satisfied.into(),
        Cell::num(f.satisfied_pct),
        Cell::text(f.small_sample.to_string()),
        f.complaints_answered.into(),
        f.complaints_on_time.into(),
        Cell::num(f.complaints_on_time_pct),
        Cell::num(f.score_pct),
        f.band.clone().map_or(Cell::Empty, Cell::Text),
    ]
}
