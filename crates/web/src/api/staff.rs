//! `/api/v1/staff` and `/api/v1/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use congbo_app::staff::{self, NewStaff, StaffView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ErrorBody, rfc3339};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam};

#[derive(Serialize, ToSchema)]
pub struct RoleAssignment {
    pub id: Uuid,
    /// admin | head | deputy | reception | specialist | supervisor | auditor
    pub role: String,
    pub office_id: Uuid,
    pub office_code: String,
}

#[derive(Serialize, ToSchema)]
pub struct Staff {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub home_office_id: Uuid,
    pub active: bool,
    /// Locked after repeated failed sign-ins, until this time.
    pub locked_until: Option<String>,
    pub created_at: String,
    pub roles: Vec<RoleAssignment>,
}

impl From<StaffView> for Staff {
    fn from(v: StaffView) -> Self {
        Staff {
            id: v.user.id,
            username: v.user.username,
            full_name: v.user.full_name,
            email: v.user.email,
            home_office_id: v.user.home_office_id,
            active: v.user.active,
            locked_until: v.user.locked_until.map(rfc3339),
            created_at: rfc3339(v.user.created_at),
            roles: v
                .assignments
                .into_iter()
                .map(|a| RoleAssignment {
                    id: a.id,
                    role: a.role,
                    office_id: a.office_id,
                    office_code: a.office_code,
                })
                .collect(),
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    pub role: String,
    pub office_id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffRequest {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub home_office_id: Uuid,
    /// Initial password (argon2id-hashed; never returned).
    pub password: String,
    #[serde(default)]
    pub roles: Vec<RoleRequest>,
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub user_id: Uuid,
    pub username: String,
    pub full_name: String,
    pub roles: Vec<MeRole>,
}

#[derive(Serialize, ToSchema)]
pub struct MeRole {
    pub role: String,
    pub office_id: Uuid,
}

/// Who the caller is and which roles they hold.
#[utoipa::path(get, path = "/api/v1/me", tag = "staff",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(CurrentUser(a): CurrentUser) -> Json<Me> {
    let p = a.principal;
    Json(Me {
        user_id: p.user_id,
        username: p.username,
        full_name: p.full_name,
        roles: p
            .assignments
            .iter()
            .map(|x| MeRole {
                role: x.role.as_str().into(),
                office_id: x.office_id,
            })
            .collect(),
    })
}

/// Staff whose home office is in the caller's scope.
#[utoipa::path(get, path = "/api/v1/staff", tag = "staff",
    responses((status = 200, body = [Staff]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
) -> Result<Json<Vec<Staff>>, Failure> {
    Ok(Json(
        staff::list(&s.app, &a)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "staff", request_body = NewStaffRequest,
    responses((status = 201, body = Staff), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    ApiJson(r): ApiJson<NewStaffRequest>,
) -> Result<(StatusCode, Json<Staff>), Failure> {
    let v = staff::create(
        &s.app,
        &a,
        &NewStaff {
            username: r.username,
            full_name: r.full_name,
            email: r.email,
            home_office_id: r.home_office_id,
            password: r.password,
            roles: r.roles.into_iter().map(|x| (x.role, x.office_id)).collect(),
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

#[utoipa::path(get, path = "/api/v1/staff/{id}", tag = "staff", params(("id" = Uuid, Path)),
    responses((status = 200, body = Staff), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Staff>, Failure> {
    Ok(Json(staff::get(&s.app, &a, id).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/roles", tag = "staff", params(("id" = Uuid, Path)),
    request_body = RoleRequest,
    responses((status = 200, body = Staff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn assign(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<RoleRequest>,
) -> Result<Json<Staff>, Failure> {
    Ok(Json(
        staff::assign(&s.app, &a, id, &r.role, r.office_id)
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/staff/{id}/roles/{assignment_id}", tag = "staff",
    params(("id" = Uuid, Path), ("assignment_id" = Uuid, Path)),
    responses((status = 200, body = Staff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
pub async fn revoke(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, assignment_id)): PathParam<(Uuid, Uuid)>,
) -> Result<Json<Staff>, Failure> {
    Ok(Json(
        staff::revoke(&s.app, &a, id, assignment_id).await?.into(),
    ))
}

#[utoipa::path(post, path = "/api/v1/staff/{id}/unlock", tag = "staff", params(("id" = Uuid, Path)),
    responses((status = 200, body = Staff), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn unlock(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Staff>, Failure> {
    Ok(Json(staff::unlock(&s.app, &a, id).await?.into()))
}
