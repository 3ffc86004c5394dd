//! Sign-in, sign-out and the one-time first-administrator setup page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use congbo_app::{AppError, auth};
use congbo_domain::office::OfficeKind;
use serde::Deserialize;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{
    CurrentUser, MaybeUser, PageForm, PathParam, QueryParam, RequestId, SESSION_COOKIE,
};
use crate::i18n::Locale;
use crate::view::{Nav, page, page_with};

/// Only local paths, never `//host` (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\") => {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind TLS; it lives as long as the
/// browser session, and the server ends it after `SESSION_IDLE_MICROS` without use.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .build()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Locale,
    nav: Option<Nav>,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(
    t: Locale,
    MaybeUser(user): MaybeUser,
    QueryParam(q): QueryParam<NextQuery>,
) -> Result<Response, Failure> {
    let next = safe_next(q.next.as_deref());
    if user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    page(LoginPage {
        t,
        nav: None,
        next,
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    t: Locale,
    RequestId(rid): RequestId,
    jar: CookieJar,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, Failure> {
    let next = safe_next(f.next.as_deref());
    match auth::login(&state.app, &f.username, &f.password, rid).await {
        Ok(signed_in) => {
            let jar = jar.add(session_cookie(&state, signed_in.token));
            Ok((jar, Redirect::to(&next)).into_response())
        }
        Err(e @ (AppError::Unauthorized(_) | AppError::Locked(_))) => {
            let failure = Failure::from(e);
            page_with(
                failure.status,
                LoginPage {
                    t,
                    nav: None,
                    next,
                    username: f.username,
                    error: Some(failure.message(&t)),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    jar: CookieJar,
) -> Result<Response, Failure> {
    auth::logout(&state.app, &actor).await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/dang-nhap")).into_response())
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    t: Locale,
    nav: Option<Nav>,
    token: String,
    kinds: Vec<(&'static str, String)>,
    form: SetupForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    office_code: String,
    office_name: String,
    office_kind: String,
    username: String,
    full_name: String,
    #[serde(default)]
    password: String,
}

fn kinds(t: &Locale) -> Vec<(&'static str, String)> {
    OfficeKind::ALL
        .iter()
        .map(|k| (k.as_str(), t.t(&format!("kind-{}", k.as_str()))))
        .collect()
}

pub async fn setup_page(
    State(state): State<AppState>,
    t: Locale,
    PathParam(token): PathParam<String>,
) -> Result<Response, Failure> {
    if !auth::setup_link_is_live(&state.app, &token).await? {
        return Err(Failure::new(StatusCode::NOT_FOUND, "setup-link-invalid"));
    }
    page(SetupPage {
        kinds: kinds(&t),
        t,
        nav: None,
        token,
        form: SetupForm {
            office_kind: "province".into(),
            ..Default::default()
        },
        error: None,
    })
}

pub async fn setup(
    State(state): State<AppState>,
    t: Locale,
    RequestId(rid): RequestId,
    jar: CookieJar,
    PathParam(token): PathParam<String>,
    PageForm(f): PageForm<SetupForm>,
) -> Result<Response, Failure> {
    let input = auth::SetupInput {
        office_code: f.office_code.clone(),
        office_name: f.office_name.clone(),
        office_kind: f.office_kind.clone(),
        username: f.username.clone(),
        full_name: f.full_name.clone(),
        password: f.password.clone(),
    };
    match auth::complete_setup(&state.app, &token, &input, rid.clone()).await {
        Ok(_) => {
            let signed_in = auth::login(&state.app, &f.username, &f.password, rid).await?;
            let jar = jar.add(session_cookie(&state, signed_in.token));
            Ok((jar, Redirect::to("/")).into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let failure = Failure::from(e);
            page_with(
                failure.status,
                SetupPage {
                    kinds: kinds(&t),
                    error: Some(failure.message(&t)),
                    t,
                    nav: None,
                    token,
                    form: SetupForm {
                        password: String::new(),
                        ..f
                    },
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
