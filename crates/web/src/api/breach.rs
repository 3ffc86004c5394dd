//! `/api/v1/breaches`: the personal data breach register (issue 18,
//! `congbo_app::privacy::breach`). Kept by administrators and the head of a top-level office;
//! an incident outside the caller's subtree is 404.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use congbo_app::privacy::breach::{self, AuthorityNotice, BreachView, NewBreach};
use congbo_domain::privacy::breach::RawBreach;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ErrorBody, rfc3339};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam};

#[derive(Serialize, ToSchema)]
pub struct BreachOut {
    pub id: Uuid,
    /// The office the incident is recorded at.
    pub office_id: Uuid,
    pub office_name: String,
    pub detected_at: String,
    pub description: String,
    pub offices_affected: String,
    /// dossiers | feedback | attachments | ratings | queue | accounts | other
    pub record_kinds: Vec<String>,
    pub people_estimate: Option<i64>,
    pub measures: String,
    /// Detection + 72 hours: the notice to A05 (Ministry of Public Security) is due.
    pub authority_due_at: String,
    pub authority_notified_at: Option<String>,
    pub authority_reference: Option<String>,
    pub subjects_notified_at: Option<String>,
    /// open | due-soon | overdue | notified | notified-late
    pub deadline: String,
    /// Minutes left (open) or past the deadline (overdue, negative); absent once notified.
    pub minutes_left: Option<i64>,
}

pub fn out(v: &BreachView) -> BreachOut {
    use congbo_domain::privacy::breach::Deadline;
    let r = &v.row;
    BreachOut {
        id: r.id,
        office_id: r.office_id,
        office_name: v.office_name.clone(),
        detected_at: rfc3339(r.detected_at),
        description: r.description.clone(),
        offices_affected: r.offices_affected.clone(),
        record_kinds: v.kinds.iter().map(|k| k.as_str().to_string()).collect(),
        people_estimate: r.people_estimate,
        measures: r.measures.clone(),
        authority_due_at: rfc3339(r.authority_due_at),
        authority_notified_at: r.authority_notified_at.map(rfc3339),
        authority_reference: r.authority_reference.clone(),
        subjects_notified_at: r.subjects_notified_at.map(rfc3339),
        deadline: v.deadline.as_str().to_string(),
        minutes_left: match v.deadline {
            Deadline::Open { left } => Some(left / 60_000_000),
            Deadline::Overdue { by } => Some(-(by / 60_000_000)),
            Deadline::Notified { .. } => None,
        },
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachIn {
    /// The office the incident is recorded at (default: where the caller keeps the register).
    #[serde(default)]
    pub office_id: Option<Uuid>,
    /// Local time (UTC+7), `YYYY-MM-DDTHH:MM`; not in the future.
    #[serde(default)]
    pub detected_at: String,
    /// What happened (required).
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub offices_affected: String,
    #[serde(default)]
    pub record_kinds: Vec<String>,
    #[serde(default)]
    pub people_estimate: Option<u64>,
    #[serde(default)]
    pub measures: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorityIn {
    /// Local time (UTC+7), `YYYY-MM-DDTHH:MM`; absent: now.
    #[serde(default)]
    pub at: String,
    /// The notice's reference (document number or receipt).
    #[serde(default)]
    pub reference: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectsIn {
    /// Local time (UTC+7), `YYYY-MM-DDTHH:MM`; absent: now.
    #[serde(default)]
    pub at: String,
}

/// The register as the caller may see it, newest detection first.
#[utoipa::path(get, path = "/api/v1/breaches", tag = "privacy",
    responses((status = 200, body = [BreachOut]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
) -> Result<Json<Vec<BreachOut>>, Failure> {
    let rows = breach::list(&s.app, &a).await?;
    Ok(Json(rows.iter().map(out).collect()))
}

/// Record an incident. The administrators over its office are e-mailed at once.
#[utoipa::path(post, path = "/api/v1/breaches", tag = "privacy", request_body = BreachIn,
    responses((status = 201, body = BreachOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    ApiJson(b): ApiJson<BreachIn>,
) -> Result<Response, Failure> {
    let input = NewBreach {
        office_id: b.office_id,
        raw: RawBreach {
            detected_at: b.detected_at,
            description: b.description,
            offices_affected: b.offices_affected,
            record_kinds: b.record_kinds,
            people_estimate: b.people_estimate.map(|n| n.to_string()).unwrap_or_default(),
            measures: b.measures,
        },
    };
    let v = breach::create(&s.app, &a, &input).await?;
    Ok((StatusCode::CREATED, Json(out(&v))).into_response())
}

/// One incident.
#[utoipa::path(get, path = "/api/v1/breaches/{id}", tag = "privacy", params(("id" = Uuid, Path)),
    responses((status = 200, body = BreachOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<BreachOut>, Failure> {
    Ok(Json(out(&breach::get(&s.app, &a, id).await?)))
}

/// Mark the notice to the authority (A05), with its time and reference; once.
#[utoipa::path(post, path = "/api/v1/breaches/{id}/authority-notified", tag = "privacy",
    params(("id" = Uuid, Path)), request_body = AuthorityIn,
    responses((status = 200, body = BreachOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn authority_notified(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(b): ApiJson<AuthorityIn>,
) -> Result<Json<BreachOut>, Failure> {
    let n = AuthorityNotice {
        at: b.at,
        reference: b.reference,
    };
    Ok(Json(out(
        &breach::notify_authority(&s.app, &a, id, &n).await?
    )))
}

/// Mark that the data subjects were told; once.
#[utoipa::path(post, path = "/api/v1/breaches/{id}/subjects-notified", tag = "privacy",
    params(("id" = Uuid, Path)), request_body = SubjectsIn,
    responses((status = 200, body = BreachOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn subjects_notified(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(b): ApiJson<SubjectsIn>,
) -> Result<Json<BreachOut>, Failure> {
    Ok(Json(out(
        &breach::notify_subjects(&s.app, &a, id, &b.at).await?
    )))
}
