//! The year of officer evaluation under `/api/v1` (issue 14 items 4–6): a unit's annual ranking
//! (`/offices/{id}/rankings/{year}`: read, decide, publish, commendations) and an officer's
//! discipline cases (`/staff/{id}/discipline[/{case}[/{action}]]`). Points are thousandths
//! (`91500` = 91.5 points); dates `YYYY-MM-DD`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use congbo_app::evaluation::{
    CaseInput, CaseList, CaseView, CommendationLine, DecideInput, NewCommendation, RankingView,
    commendation, discipline, ranking,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam};
use crate::routes::evaluation_year::{step_input, year_of};

/// The unit's annual ranking: a preview computed now before a decision, else the decided or
/// published result (an officer ranked there reads it once published).
#[utoipa::path(get, path = "/api/v1/offices/{id}/rankings/{year}", tag = "evaluation",
    params(("id" = Uuid, Path), ("year" = i16, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_ranking(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, year)): PathParam<(Uuid, String)>,
) -> Result<Json<RankingView>, Failure> {
    Ok(Json(ranking::view(&s.app, &a, id, year_of(&year)?).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DecideIn {
    /// `good_only` (default) or `good_and_excellent`: what the 20 % is a share of.
    #[serde(default)]
    pub quota_base: String,
    /// A unit recognised as outstanding (25 %).
    #[serde(default)]
    pub outstanding_unit: bool,
    /// The level of the office each head ranked here heads (officer id → level code).
    #[serde(default)]
    pub unit_levels: BTreeMap<Uuid, String>,
}

/// The head decides the ranking (replacing an earlier decision; publish again after).
#[utoipa::path(post, path = "/api/v1/offices/{id}/rankings/{year}/decide", tag = "evaluation",
    params(("id" = Uuid, Path), ("year" = i16, Path)), request_body = DecideIn,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, year)): PathParam<(Uuid, String)>,
    ApiJson(r): ApiJson<DecideIn>,
) -> Result<Json<RankingView>, Failure> {
    let input = DecideInput {
        quota_base: r.quota_base,
        outstanding_unit: r.outstanding_unit,
        unit_levels: r.unit_levels.into_iter().collect(),
    };
    Ok(Json(
        ranking::decide(&s.app, &a, id, year_of(&year)?, &input).await?,
    ))
}

/// Publishes the decided ranking to the unit; each officer with an e-mail address is notified.
#[utoipa::path(post, path = "/api/v1/offices/{id}/rankings/{year}/publish", tag = "evaluation",
    params(("id" = Uuid, Path), ("year" = i16, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn publish(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, year)): PathParam<(Uuid, String)>,
) -> Result<Json<RankingView>, Failure> {
    Ok(Json(
        ranking::publish(&s.app, &a, id, year_of(&year)?).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommendationIn {
    pub officer: Uuid,
    /// `advanced_worker`, `grassroots_emulation_fighter`, `certificate_of_merit`.
    pub title: String,
    pub decision_no: String,
    /// `YYYY-MM-DD`.
    pub decided_on: String,
    pub issuer: String,
    /// A fighter: an initiative recognised at the base.
    #[serde(default)]
    pub initiative: bool,
}

/// The head records a title or certificate of an officer ranked at the unit.
#[utoipa::path(post, path = "/api/v1/offices/{id}/rankings/{year}/commendations", tag = "evaluation",
    params(("id" = Uuid, Path), ("year" = i16, Path)), request_body = CommendationIn,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn commend(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, year)): PathParam<(Uuid, String)>,
    ApiJson(r): ApiJson<CommendationIn>,
) -> Result<(StatusCode, Json<CommendationLine>), Failure> {
    let input = NewCommendation {
        officer: r.officer,
        title: r.title,
        decision_no: r.decision_no,
        decided_on: r.decided_on,
        issuer: r.issuer,
        initiative: r.initiative,
    };
    let line = commendation::record(&s.app, &a, id, year_of(&year)?, &input).await?;
    Ok((StatusCode::CREATED, Json(line)))
}

/// The officer's discipline cases (the officer, the head where they are evaluated,
/// supervisors read-only).
#[utoipa::path(get, path = "/api/v1/staff/{id}/discipline", tag = "evaluation",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn cases(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<CaseList>, Failure> {
    Ok(Json(discipline::cases(&s.app, &a, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseIn {
    /// The violation's last day, `YYYY-MM-DD`.
    pub violation_end: String,
    pub detected_on: String,
    /// `less_serious`, `serious`, `very_serious`.
    pub severity: String,
    /// `reprimand_level` (5 years), `other` (10 years), `unlimited`.
    pub limitation: String,
    pub duty_related: bool,
    pub summary: String,
    /// A page of congbo: the upheld complaint or finding it came from.
    pub source: Option<String>,
}

/// The head opens a discipline case against an officer.
#[utoipa::path(post, path = "/api/v1/staff/{id}/discipline", tag = "evaluation",
    params(("id" = Uuid, Path)), request_body = CaseIn,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn open(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<CaseIn>,
) -> Result<(StatusCode, Json<CaseView>), Failure> {
    let input = CaseInput {
        violation_end: r.violation_end,
        detected_on: r.detected_on,
        severity: r.severity,
        limitation: r.limitation,
        duty_related: r.duty_related,
        summary: r.summary,
        source: r.source,
    };
    let c = discipline::open(&s.app, &a, id, &input).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

/// One discipline case with its dates and the steps the caller may take.
#[utoipa::path(get, path = "/api/v1/staff/{id}/discipline/{case}", tag = "evaluation",
    params(("id" = Uuid, Path), ("case" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn case(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, case)): PathParam<(Uuid, Uuid)>,
) -> Result<Json<CaseView>, Failure> {
    Ok(Json(discipline::case(&s.app, &a, id, case).await?))
}

/// One step of a case: `hold_review_meeting` (`on`, `minutes_ref`), `hold_council` (`on`,
/// `members_present`, `chair_present`, `for_discipline`, `against_discipline`,
/// `votes_<sanction>`), `decide` (`on`, `number`, `sanction` or empty, `effective_from`),
/// `decide_directly` (the same and `basis`), `defer` (`on`, `reason`), `resume` (`on`),
/// `extend`. Values are strings as typed (counts too); `chair_present` is `"true"`.
#[utoipa::path(post, path = "/api/v1/staff/{id}/discipline/{case}/{action}", tag = "evaluation",
    params(("id" = Uuid, Path), ("case" = Uuid, Path), ("action" = String, Path)),
    request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn step(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, case, action)): PathParam<(Uuid, Uuid, String)>,
    ApiJson(r): ApiJson<BTreeMap<String, String>>,
) -> Result<Json<CaseView>, Failure> {
    let fields: Vec<(String, String)> = r.into_iter().collect();
    Ok(Json(
        discipline::step(&s.app, &a, id, case, &step_input(&action, &fields)).await?,
    ))
}
