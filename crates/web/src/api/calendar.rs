//! `/api/v1/calendar`: a year's days off and make-up days, due dates, and administrators' edits.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use congbo_app::calendar::{self, DayInput};
use congbo_domain::calendar::{
    DeadlineRules, LimitUnit, TimeLimit, due, effective_receipt_day, tet, year_name_vi,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam, QueryParam};

#[derive(Serialize, ToSchema)]
pub struct CalendarDay {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// holiday | compensatory_off | swapped_off | makeup_workday
    pub kind: String,
    pub name_vi: String,
    /// The announcing document or statute.
    pub notice: String,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    /// First day of the lunar year in Vietnam (UTC+7).
    pub tet: String,
    pub lunar_year_name: String,
    pub working_days: u32,
    /// True when the year has an announced schedule; false when statutory rules apply.
    pub announced: bool,
    /// Every non-working weekday and every make-up working day.
    pub days: Vec<CalendarDay>,
}

#[utoipa::path(get, path = "/api/v1/calendar/{year}", tag = "calendar", params(("year" = i32, Path)),
    responses((status = 200, body = CalendarYear), (status = 404, body = ErrorBody)))]
pub async fn year(
    State(s): State<AppState>,
    CurrentUser(_user): CurrentUser,
    PathParam(year): PathParam<i32>,
) -> Result<Json<CalendarYear>, Failure> {
    if !(1901..=2198).contains(&year) {
        return Err(Failure::new(StatusCode::NOT_FOUND, "not-found"));
    }
    let cal = calendar::load(&s.app.db).await?;
    Ok(Json(CalendarYear {
        year,
        tet: tet(year).map(|d| d.to_string()).unwrap_or_default(),
        lunar_year_name: year_name_vi(year),
        working_days: cal.working_days_in_year(year),
        announced: cal.is_announced_year(year),
        days: cal
            .non_working_weekdays_and_makeup_days(year)
            .into_iter()
            .map(|d| CalendarDay {
                date: d.date.to_string(),
                kind: d.kind.as_str().into(),
                name_vi: d.name_vi,
                notice: d.notice,
            })
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DueQuery {
    /// Receipt time, local (UTC+7): `2026-02-12T09:00`.
    pub from: String,
    /// The time limit's amount.
    pub amount: u32,
    /// working_days (default) | working_hours | calendar_days | months
    pub unit: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DueAnswer {
    pub received: String,
    /// The receipt day counted from (after the 15:00 cut-off or on a day off: the next working day).
    pub effective_receipt_day: String,
    /// The due date and time (end of office hours for day units).
    pub due: String,
    pub due_date: String,
}

#[utoipa::path(get, path = "/api/v1/calendar/due", tag = "calendar", params(DueQuery),
    responses((status = 200, body = DueAnswer), (status = 422, body = ErrorBody)))]
pub async fn due_date(
    State(s): State<AppState>,
    CurrentUser(_user): CurrentUser,
    QueryParam(q): QueryParam<DueQuery>,
) -> Result<Json<DueAnswer>, Failure> {
    let received: jiff::civil::DateTime = q.from.trim().parse().map_err(|_| {
        Failure::from(congbo_app::AppError::Invalid(
            congbo_domain::DomainError::field("datetime-format", "from"),
        ))
    })?;
    let unit = LimitUnit::parse(q.unit.as_deref().unwrap_or("working_days"))
        .map_err(congbo_app::AppError::from)?;
    let cal = calendar::load(&s.app.db).await?;
    let rules = DeadlineRules::default();
    let d = due(
        &cal,
        received,
        TimeLimit {
            amount: q.amount,
            unit,
        },
        &rules,
    );
    Ok(Json(DueAnswer {
        received: received.to_string(),
        effective_receipt_day: effective_receipt_day(&cal, received, &rules).to_string(),
        due: d.to_string(),
        due_date: d.date().to_string(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayRequest {
    pub kind: String,
    pub name_vi: String,
    pub notice: String,
}

/// Add or change the announced day on a date (administrators of a top-level office).
#[utoipa::path(put, path = "/api/v1/calendar/days/{date}", tag = "calendar", params(("date" = String, Path)),
    request_body = DayRequest,
    responses((status = 200, body = CalendarDay), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_day(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(date): PathParam<String>,
    ApiJson(r): ApiJson<DayRequest>,
) -> Result<Json<CalendarDay>, Failure> {
    let d = calendar::set_day(
        &s.app,
        &a,
        &DayInput {
            date,
            kind: r.kind,
            name_vi: r.name_vi,
            notice: r.notice,
        },
    )
    .await?;
    Ok(Json(CalendarDay {
        date: d.date.to_string(),
        kind: d.kind.as_str().into(),
        name_vi: d.name_vi,
        notice: d.notice,
    }))
}

#[utoipa::path(delete, path = "/api/v1/calendar/days/{date}", tag = "calendar", params(("date" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_day(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(date): PathParam<String>,
) -> Result<StatusCode, Failure> {
    calendar::remove_day(&s.app, &a, &date).await?;
    Ok(StatusCode::NO_CONTENT)
}
