//! `/api/v1/staff/{id}/…` for officer evaluation (issue 14): the scorecard, the
//! strengths-and-weaknesses register and the period score forms (`congbo_app::evaluation`).
//! Points and percentages in scores are fixed-point thousandths (`96611` = 96.611 points).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use congbo_app::evaluation::{
    FormStep, FormView, NewEntry, Register, RegisterEntry, Scorecard, register, scorecard, scoring,
};
use congbo_domain::evaluation::Period;
use congbo_domain::time::local_date;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam, QueryParam};

#[derive(Debug, Deserialize, IntoParams)]
pub struct ScorecardParams {
    /// `month` (default), `quarter` or `year`.
    pub kind: Option<String>,
    /// `2026-11`, `2026-q4`, `2026`; absent, the current period of that kind.
    pub period: Option<String>,
}

/// A period from a path segment: `2026-11` (month) or `2026-q4` (quarter).
pub fn form_period(code: &str) -> Result<Period, Failure> {
    let kind = if code.to_ascii_lowercase().contains('q') {
        "quarter"
    } else {
        "month"
    };
    Ok(Period::parse(kind, code).map_err(congbo_app::AppError::from)?)
}

/// The officer's scorecard over a month, quarter or year (the officer, the head of their
/// office, the level above for a head, supervisors read-only). Never who rated or complained.
#[utoipa::path(get, path = "/api/v1/staff/{id}/scorecard", tag = "evaluation",
    params(("id" = Uuid, Path), ScorecardParams),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_scorecard(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<ScorecardParams>,
) -> Result<Json<Scorecard>, Failure> {
    let kind = p
        .kind
        .as_deref()
        .filter(|k| !k.is_empty())
        .unwrap_or("month");
    let period = match p.period.as_deref().filter(|v| !v.trim().is_empty()) {
        Some(v) => Period::parse(kind, v),
        None => Period::containing(kind, local_date(s.app.now())),
    }
    .map_err(congbo_app::AppError::from)?;
    Ok(Json(scorecard::scorecard(&s.app, &a, id, period).await?))
}

/// The officer's strengths-and-weaknesses register (with the open suggestions for the head).
#[utoipa::path(get, path = "/api/v1/staff/{id}/register", tag = "evaluation",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_register(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Register>, Failure> {
    Ok(Json(register::register(&s.app, &a, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryIn {
    /// `praise`, `reminder` or `weakness`.
    pub kind: String,
    pub note: String,
    /// A code-of-conduct clause, `code/item`.
    pub clause: Option<String>,
    /// A link to the evidence: a path of congbo (`/ho-so/…`).
    pub evidence: Option<String>,
}

/// The head writes an entry in the officer's register.
#[utoipa::path(post, path = "/api/v1/staff/{id}/register", tag = "evaluation",
    params(("id" = Uuid, Path)), request_body = EntryIn,
    responses((status = 201, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_entry(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<EntryIn>,
) -> Result<(StatusCode, Json<RegisterEntry>), Failure> {
    let e = register::add_entry(
        &s.app,
        &a,
        id,
        &NewEntry {
            kind: r.kind,
            note: r.note,
            clause: r.clause,
            evidence: r.evidence,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(e)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    pub answer: String,
}

/// The officer answers an entry of their own register (once).
#[utoipa::path(post, path = "/api/v1/staff/{id}/register/{entry}/answer", tag = "evaluation",
    params(("id" = Uuid, Path), ("entry" = Uuid, Path)), request_body = AnswerIn,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, entry)): PathParam<(Uuid, Uuid)>,
    ApiJson(r): ApiJson<AnswerIn>,
) -> Result<Json<RegisterEntry>, Failure> {
    Ok(Json(
        register::answer(&s.app, &a, id, entry, &r.answer).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionIn {
    /// The suggestion's key as the register lists it.
    pub key: String,
    /// Accepting: the entry's text instead of the default.
    pub note: Option<String>,
}

/// The head accepts (`accept`) or dismisses (`dismiss`) a suggestion from evidence.
#[utoipa::path(post, path = "/api/v1/staff/{id}/register/suggestions/{decision}", tag = "evaluation",
    params(("id" = Uuid, Path), ("decision" = String, Path)), request_body = SuggestionIn,
    responses((status = 200, body = Object), (status = 204), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn decide_suggestion(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, decision)): PathParam<(Uuid, String)>,
    ApiJson(r): ApiJson<SuggestionIn>,
) -> Result<axum::response::Response, Failure> {
    use axum::response::IntoResponse;
    match decision.as_str() {
        "accept" => Ok(Json(
            register::accept_suggestion(&s.app, &a, id, &r.key, r.note.as_deref()).await?,
        )
        .into_response()),
        "dismiss" => {
            register::dismiss_suggestion(&s.app, &a, id, &r.key).await?;
            Ok(StatusCode::NO_CONTENT.into_response())
        }
        _ => Err(Failure::new(StatusCode::NOT_FOUND, "not-found")),
    }
}

/// The officer's score form for a month (`2026-11`) or quarter (`2026-q4`): state, scores with
/// their snapshot, task lines, general criteria, the evidence and the steps the caller may take.
#[utoipa::path(get, path = "/api/v1/staff/{id}/evaluations/{period}", tag = "evaluation",
    params(("id" = Uuid, Path), ("period" = String, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_form(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, period)): PathParam<(Uuid, String)>,
) -> Result<Json<FormView>, Failure> {
    let p = form_period(&period)?;
    Ok(Json(scoring::form(&s.app, &a, id, p).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    /// `self_assess` and `review`: points per general criterion code (`"8.5"`).
    #[serde(default)]
    pub general: BTreeMap<String, String>,
    /// `return`: why.
    pub reason: Option<String>,
}

/// One step of the flow: `self_assess` (the officer), `review`, `approve`, `return`, `lock`
/// (the evaluator). A refused step changes nothing.
#[utoipa::path(post, path = "/api/v1/staff/{id}/evaluations/{period}/{action}", tag = "evaluation",
    params(("id" = Uuid, Path), ("period" = String, Path), ("action" = String, Path)),
    request_body = StepIn,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn step(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, period, action)): PathParam<(Uuid, String, String)>,
    ApiJson(r): ApiJson<StepIn>,
) -> Result<Json<FormView>, Failure> {
    let p = form_period(&period)?;
    let st = step_of(&action, r.general.into_iter().collect(), r.reason)?;
    Ok(Json(scoring::step(&s.app, &a, id, p, st).await?))
}

/// The step named `action`; an unknown name is not found.
pub fn step_of(
    action: &str,
    general: Vec<(String, String)>,
    reason: Option<String>,
) -> Result<FormStep, Failure> {
    Ok(match action {
        "self_assess" => FormStep::SelfAssess { general },
        "review" => FormStep::Review { general },
        "approve" => FormStep::Approve,
        "return" => FormStep::Return {
            reason: reason.unwrap_or_default(),
        },
        "lock" => FormStep::Lock,
        _ => return Err(Failure::new(StatusCode::NOT_FOUND, "not-found")),
    })
}
