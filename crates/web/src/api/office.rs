//! `/api/v1/offices`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use congbo_app::office::{self, NewOffice};
use congbo_store::repo::office::{CounterRow, HistoryRow, OfficeRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ErrorBody, rfc3339};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam};

#[derive(Serialize, ToSchema)]
pub struct Office {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// province | district | commune | ward | special_zone | service_center
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<OfficeRow> for Office {
    fn from(o: OfficeRow) -> Self {
        Office {
            id: o.id,
            code: o.code,
            name: o.name,
            kind: o.kind,
            parent_id: o.parent_id,
            created_at: rfc3339(o.created_at),
            updated_at: rfc3339(o.updated_at),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOfficeRequest {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Uuid,
}

/// Rename and/or move, in one transaction. Both changes keep history.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOfficeRequest {
    pub name: Option<String>,
    pub parent_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct OfficeChange {
    pub at: String,
    /// create | rename | move
    pub change: String,
    pub actor_id: Option<Uuid>,
    pub old_name: Option<String>,
    pub new_name: Option<String>,
    pub old_parent_id: Option<Uuid>,
    pub new_parent_id: Option<Uuid>,
}

impl From<HistoryRow> for OfficeChange {
    fn from(h: HistoryRow) -> Self {
        OfficeChange {
            at: rfc3339(h.at),
            change: h.change,
            actor_id: h.actor_id,
            old_name: h.old_name,
            new_name: h.new_name,
            old_parent_id: h.old_parent_id,
            new_parent_id: h.new_parent_id,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Counter {
    pub id: Uuid,
    pub office_id: Uuid,
    pub number: i32,
    pub name: String,
}

impl From<CounterRow> for Counter {
    fn from(c: CounterRow) -> Self {
        Counter {
            id: c.id,
            office_id: c.office_id,
            number: c.number,
            name: c.name,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCounterRequest {
    pub number: i64,
    pub name: String,
}

/// Offices visible to the caller, in tree order.
#[utoipa::path(get, path = "/api/v1/offices", tag = "offices",
    responses((status = 200, body = [Office]), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
) -> Result<Json<Vec<Office>>, Failure> {
    Ok(Json(
        office::list(&s.app, &a)
            .await?
            .into_iter()
            .map(Office::from)
            .collect(),
    ))
}

/// Create an office under a parent the caller manages.
#[utoipa::path(post, path = "/api/v1/offices", tag = "offices", request_body = NewOfficeRequest,
    responses((status = 201, body = Office), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    ApiJson(r): ApiJson<NewOfficeRequest>,
) -> Result<(StatusCode, Json<Office>), Failure> {
    let o = office::create(
        &s.app,
        &a,
        &NewOffice {
            code: r.code,
            name: r.name,
            kind: r.kind,
            parent_id: r.parent_id,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(o.into())))
}

#[utoipa::path(get, path = "/api/v1/offices/{id}", tag = "offices", params(("id" = Uuid, Path)),
    responses((status = 200, body = Office), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Office>, Failure> {
    Ok(Json(office::get(&s.app, &a, id).await?.into()))
}

#[utoipa::path(patch, path = "/api/v1/offices/{id}", tag = "offices", params(("id" = Uuid, Path)),
    request_body = UpdateOfficeRequest,
    responses((status = 200, body = Office), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<UpdateOfficeRequest>,
) -> Result<Json<Office>, Failure> {
    let o = office::update(&s.app, &a, id, r.name.as_deref(), r.parent_id).await?;
    Ok(Json(o.into()))
}

#[utoipa::path(get, path = "/api/v1/offices/{id}/history", tag = "offices", params(("id" = Uuid, Path)),
    responses((status = 200, body = [OfficeChange]), (status = 404, body = ErrorBody)))]
pub async fn history(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Vec<OfficeChange>>, Failure> {
    Ok(Json(
        office::history(&s.app, &a, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/offices/{id}/counters", tag = "offices", params(("id" = Uuid, Path)),
    responses((status = 200, body = [Counter]), (status = 404, body = ErrorBody)))]
pub async fn counters(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Vec<Counter>>, Failure> {
    Ok(Json(
        office::counters(&s.app, &a, id)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/offices/{id}/counters", tag = "offices", params(("id" = Uuid, Path)),
    request_body = NewCounterRequest,
    responses((status = 201, body = Counter), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_counter(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<NewCounterRequest>,
) -> Result<(StatusCode, Json<Counter>), Failure> {
    let c = office::create_counter(&s.app, &a, id, r.number, &r.name).await?;
    Ok((StatusCode::CREATED, Json(c.into())))
}
