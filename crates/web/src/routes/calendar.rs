//! The working-calendar page: a year's days off and make-up days, Tết, and (for administrators
//! of a top-level office) editing the announced days.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::calendar::{self, DayInput};
use congbo_domain::calendar::{DayKind, WorkCalendar, tet, year_name_vi};
use serde::Deserialize;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam, QueryParam};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, page};

pub struct DayLine {
    pub iso: String,
    pub date: String,
    pub weekday: String,
    pub kind: String,
    pub kind_code: String,
    pub name: String,
    pub notice: String,
}

pub fn weekday_label(t: &Locale, d: jiff::civil::Date) -> String {
    t.t(&format!("weekday-{}", d.weekday().to_monday_one_offset()))
}

pub fn day_lines(t: &Locale, cal: &WorkCalendar, year: i32) -> Vec<DayLine> {
    cal.non_working_weekdays_and_makeup_days(year)
        .into_iter()
        .map(|d| DayLine {
            iso: d.date.to_string(),
            date: congbo_domain::time::dmy(d.date),
            weekday: weekday_label(t, d.date),
            kind: t.t(&format!("daykind-{}", d.kind.as_str())),
            kind_code: d.kind.as_str().to_string(),
            name: d.name_vi,
            notice: d.notice,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    year: i32,
    tet: String,
    lunar_name: String,
    working_days: u32,
    announced: bool,
    days: Vec<DayLine>,
    manage: bool,
    kinds: Vec<(&'static str, String)>,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

pub async fn page_for_year(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    QueryParam(q): QueryParam<YearQuery>,
) -> Result<Response, Failure> {
    let this_year = i32::from(congbo_domain::time::local_date(state.app.now()).year());
    let year = q.year.unwrap_or(this_year).clamp(1901, 2198);
    let cal = calendar::load(&state.app.db).await?;
    let kinds = [
        DayKind::Holiday,
        DayKind::CompensatoryOff,
        DayKind::SwappedOff,
        DayKind::MakeupWorkday,
    ]
    .iter()
    .map(|k| (k.as_str(), t.t(&format!("daykind-{}", k.as_str()))))
    .collect();
    page(CalendarPage {
        tet: tet(year).map(congbo_domain::time::dmy).unwrap_or_default(),
        lunar_name: year_name_vi(year),
        working_days: cal.working_days_in_year(year),
        announced: cal.is_announced_year(year),
        days: day_lines(&t, &cal, year),
        manage: congbo_app::access::capabilities(&actor).calendar_manage,
        kinds,
        year,
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

#[derive(Deserialize)]
pub struct DayForm {
    date: String,
    kind: String,
    name_vi: String,
    notice: String,
}

pub async fn set_day(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<DayForm>,
) -> Result<Response, Failure> {
    let d = calendar::set_day(
        &state.app,
        &actor,
        &DayInput {
            date: f.date,
            kind: f.kind,
            name_vi: f.name_vi,
            notice: f.notice,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/lich?year={}", d.date.year())).into_response())
}

pub async fn remove_day(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(date): PathParam<String>,
) -> Result<Response, Failure> {
    calendar::remove_day(&state.app, &actor, &date).await?;
    let year = date.get(..4).unwrap_or("");
    Ok(Redirect::to(&format!("/lich?year={year}")).into_response())
}
