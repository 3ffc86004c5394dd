//! Extractors: the acting staff member, the request id, and JSON/form bodies whose rejections
//! become translated `Failure`s.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use congbo_app::{Actor, auth};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::Failure;

pub const SESSION_COOKIE: &str = "congbo_session";

/// The `x-request-id` set by the request-id layer.
pub fn request_id(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The request id, for use cases that run before anyone is signed in.
pub struct RequestId(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestId(request_id(parts)))
    }
}

/// A signed-in staff member: by `Authorization: Bearer <API token>`, else by session cookie.
/// Anonymous requests get 401 (pages turn that into a redirect to the sign-in page).
pub struct CurrentUser(pub Actor);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        let rid = request_id(parts);
        if let Some(bearer) = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
        {
            let p = auth::from_api_token(&state.app, bearer.trim())
                .await?
                .ok_or(Failure::new(StatusCode::UNAUTHORIZED, "bad-token"))?;
            return Ok(CurrentUser(Actor {
                principal: p,
                request_id: rid,
                session_hash: None,
            }));
        }
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(Failure::new(StatusCode::UNAUTHORIZED, "signed-out"));
        };
        let s = auth::from_session(&state.app, cookie.value())
            .await?
            .ok_or(Failure::new(StatusCode::UNAUTHORIZED, "signed-out"))?;
        if s.must_change_password && !allowed_before_password_change(parts) {
            return Err(Failure::new(
                StatusCode::FORBIDDEN,
                "password-change-required",
            ));
        }
        Ok(CurrentUser(Actor {
            principal: s.principal,
            request_id: rid,
            session_hash: Some(s.hash),
        }))
    }
}

/// What someone whose password an administrator set may do before changing it: see the account
/// page, change the password, sign out. Pages elsewhere redirect to the account page.
pub const PASSWORD_CHANGE_PAGE: &str = "/tai-khoan";

fn allowed_before_password_change(parts: &Parts) -> bool {
    use axum::http::Method;
    matches!(
        (&parts.method, parts.uri.path()),
        (&Method::GET, PASSWORD_CHANGE_PAGE)
            | (&Method::POST, "/tai-khoan/mat-khau")
            | (&Method::POST, "/dang-xuat")
    )
}

/// The signed-in user if any (for pages that also serve anonymous visitors).
pub struct MaybeUser(pub Option<Actor>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Failure> {
        match CurrentUser::from_request_parts(parts, state).await {
            Ok(CurrentUser(a)) => Ok(MaybeUser(Some(a))),
            Err(f) if f.status == StatusCode::UNAUTHORIZED => Ok(MaybeUser(None)),
            Err(f) => Err(f),
        }
    }
}

/// A JSON body; unknown fields, wrong types, bad UTF-8 and oversized bodies are `Failure`s.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Failure;
    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        let axum::Json(v) = axum::Json::<T>::from_request(req, state).await?;
        Ok(ApiJson(v))
    }
}

/// A urlencoded form body, with the same treatment.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = Failure;
    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        let axum::Form(v) = axum::Form::<T>::from_request(req, state).await?;
        Ok(PageForm(v))
    }
}

/// A path parameter; a malformed one is 404.
pub struct PathParam<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathParam<T> {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let axum::extract::Path(v) =
            axum::extract::Path::<T>::from_request_parts(parts, state).await?;
        Ok(PathParam(v))
    }
}

/// A query string, with the same treatment.
pub struct QueryParam<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParam<T> {
    type Rejection = Failure;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let axum::extract::Query(v) =
            axum::extract::Query::<T>::from_request_parts(parts, state).await?;
        Ok(QueryParam(v))
    }
}
