//! `/api/v1/procedures`: the procedure catalogue. Reading is public (no token needed), like the
//! catalogue pages; importing needs an administrator of a top-level office.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use congbo_app::catalog::{self, Format};
use congbo_domain::catalog::ImportReport;
use serde::Deserialize;
use utoipa::IntoParams;

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PathParam, QueryParam};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Words to find in the name, field or code, accents ignored.
    pub q: Option<String>,
    /// Local date the versions must be in force on (default today), `YYYY-MM-DD`.
    pub on: Option<String>,
}

/// Procedure versions in force (each as in the JSON import format).
#[utoipa::path(get, path = "/api/v1/procedures", tag = "catalog", params(ListQuery), security(()),
    responses((status = 200, body = Vec<Object>), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    QueryParam(q): QueryParam<ListQuery>,
) -> Result<Json<Vec<serde_json::Value>>, Failure> {
    let on =
        q.on.unwrap_or_else(|| congbo_domain::time::local_date(s.app.now()).to_string());
    let found = catalog::search(&s.app.db, q.q.as_deref().unwrap_or(""), &on).await?;
    Ok(Json(
        found
            .iter()
            .map(|v| serde_json::to_value(v).unwrap_or_default())
            .collect(),
    ))
}

/// Every version of one procedure, oldest first.
#[utoipa::path(get, path = "/api/v1/procedures/{code}", tag = "catalog", params(("code" = String, Path)), security(()),
    responses((status = 200, body = Vec<Object>), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(s): State<AppState>,
    PathParam(code): PathParam<String>,
) -> Result<Json<Vec<serde_json::Value>>, Failure> {
    let vs = catalog::versions(&s.app.db, &code).await?;
    Ok(Json(
        vs.iter()
            .map(|v| serde_json::to_value(v).unwrap_or_default())
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// csv | json
    pub format: String,
}

/// Validate a CSV or JSON catalogue and store it only when every row is valid. The report
/// (`valid`, `errors` with row, code, field, error_code, detail) is returned either way:
/// 200 when stored, 422 when refused.
#[utoipa::path(post, path = "/api/v1/procedures/import", tag = "catalog", params(ImportQuery),
    request_body(content = String, content_type = "text/csv"),
    responses((status = 200, body = Object), (status = 422, body = Object), (status = 403, body = ErrorBody)))]
pub async fn import(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    QueryParam(q): QueryParam<ImportQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportReport>), Failure> {
    let format = Format::parse(&q.format)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| Failure::new(StatusCode::BAD_REQUEST, "not-utf8"))?;
    let report = catalog::import(&s.app, &a, format, text).await?;
    let status = if report.is_clean() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)))
}
