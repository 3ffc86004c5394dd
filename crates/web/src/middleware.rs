//! Cross-cutting layers: security headers, CSRF (origin check), metrics, and rendering of
//! `Failure`s in the caller's language.

use std::time::Instant;

use askama::Template;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::json;

use crate::AppState;
use crate::error::Failure;
use crate::i18n::Locale;

/// No inline script, no inline style, nothing from other origins.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
frame-ancestors 'none'";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if state.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// Refuse cross-site state-changing requests. A browser sends `Sec-Fetch-Site` or `Origin` on
/// every POST; a cookie-carrying unsafe request without either, or from another origin, is
/// refused. Requests authenticated by an API token carry no ambient credential and pass.
pub async fn csrf(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "));
    // The public API carries no ambient authority (no session is read there), so devices and
    // integrations without an Origin header may use it.
    // Open311 clients prove themselves with the `api_key` in the body, not a cookie.
    let public_api = req.uri().path().starts_with("/api/v1/public/")
        || req.uri().path().starts_with("/open311/");
    if safe || bearer || public_api || same_origin(&state, req.headers()) {
        return next.run(req).await;
    }
    tracing::warn!(path = %req.uri().path(), "cross-site request refused");
    Failure::new(StatusCode::FORBIDDEN, "csrf").into_response()
}

fn same_origin(state: &AppState, h: &axum::http::HeaderMap) -> bool {
    let get = |n: &str| h.get(n).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = get("origin") else {
        return false;
    };
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    let host_ok = get("host").is_some_and(|host| host == origin_host);
    let public_ok = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|p| p.trim_end_matches('/') == origin);
    host_ok || public_ok
}

pub async fn metrics(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let start = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(start.elapsed().as_secs_f64());
    res
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Locale,
    nav: Option<crate::view::Nav>,
    status: u16,
    message: String,
    detail: Option<String>,
}

/// Write the body of any `Failure` response: JSON under `/api`, else HTML (or a redirect to the
/// sign-in page for a signed-out browser).
pub async fn render_failures(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let t = Locale::from_parts(&parts);
    let path = parts.uri.path().to_string();
    let query = parts
        .uri
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let res = next.run(Request::from_parts(parts, body)).await;
    let Some(f) = res.extensions().get::<Failure>().cloned() else {
        return res;
    };
    let msg = f.message(&t);
    if path.starts_with("/api/") {
        let mut err = json!({"code": f.code, "message": msg});
        if let Some(field) = f.field {
            err["field"] = json!(field);
        }
        if let Some(d) = &f.detail {
            err["detail"] = json!(d);
        }
        let mut out = (f.status, axum::Json(json!({ "error": err }))).into_response();
        if f.status == StatusCode::UNAUTHORIZED {
            out.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(v) = res.headers().get(header::RETRY_AFTER) {
            out.headers_mut().insert(header::RETRY_AFTER, v.clone());
        }
        return out;
    }
    if f.code == "password-change-required" {
        return Redirect::to(crate::extract::PASSWORD_CHANGE_PAGE).into_response();
    }
    if f.status == StatusCode::UNAUTHORIZED && f.code == "signed-out" {
        let next = url::form_urlencoded::byte_serialize(format!("{path}{query}").as_bytes())
            .collect::<String>();
        return Redirect::to(&format!("/dang-nhap?next={next}")).into_response();
    }
    let page = ErrorPage {
        t,
        nav: None,
        status: f.status.as_u16(),
        message: msg,
        detail: f.detail,
    };
    match page.render() {
        Ok(html) => (f.status, Html(html)).into_response(),
        Err(_) => f.status.into_response(),
    }
}
