//! `/api/v1/audit`: the audit log, filtered, newest first.

use axum::Json;
use axum::extract::State;
use congbo_app::audit;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ErrorBody, rfc3339};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, QueryParam};
use crate::routes::audit::Filter;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Action prefix, e.g. `office.` or `auth.login_failed`.
    pub action: Option<String>,
    /// Username of the actor.
    pub actor: Option<String>,
    /// First local day (Asia/Ho_Chi_Minh), `YYYY-MM-DD`.
    pub from: Option<String>,
    /// Last local day, inclusive.
    pub to: Option<String>,
    /// Only entries with a smaller `id` (for paging).
    pub before: Option<i64>,
    /// At most this many entries (1–500, default 100).
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    /// Insertion id: newest first, the paging cursor.
    pub id: i64,
    /// Position in the hash chain; null until the entry is sealed (shortly after commit).
    pub seq: Option<i64>,
    pub at: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub role: Option<String>,
    pub office_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    /// JSON text summarising the change.
    pub summary: String,
    pub request_id: Option<String>,
    /// Null until sealed.
    pub hash: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = [AuditEntry]), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    QueryParam(q): QueryParam<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, Failure> {
    let f = Filter {
        action: q.action.unwrap_or_default(),
        actor: q.actor.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        before: q.before,
    };
    let rows = audit::list(&s.app, &a, f.to_store(q.limit.unwrap_or(100))).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                seq: r.seq,
                at: rfc3339(r.at),
                actor_id: r.actor_id,
                actor_name: r.actor_name,
                role: r.role,
                office_id: r.office_id,
                action: r.action,
                target_type: r.target_type,
                target_id: r.target_id,
                summary: r.summary,
                request_id: r.request_id,
                hash: r.hash,
            })
            .collect(),
    ))
}
