//! Operations: liveness, readiness, Prometheus metrics, and the 404 fallback.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::Failure;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(s): State<AppState>) -> Response {
    match s.app.db.ping().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness: database unreachable");
            Failure::new(StatusCode::SERVICE_UNAVAILABLE, "database-unreachable").into_response()
        }
    }
}

pub async fn metrics(State(s): State<AppState>) -> Response {
    s.metrics.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        s.metrics.render(),
    )
        .into_response()
}
