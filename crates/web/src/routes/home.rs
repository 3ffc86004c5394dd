//! The dashboard and the language switch.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use congbo_app::{office, staff};

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PathParam};
use crate::i18n::{LANG_COOKIE, Locale};
use crate::view::{Nav, page, role_label};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    t: Locale,
    nav: Option<Nav>,
    roles: Vec<(String, String)>,
    offices: usize,
    staff: Option<usize>,
}

pub async fn dashboard(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
) -> Result<Response, Failure> {
    let offices = office::list(&state.app, &actor).await?;
    let staff = if !congbo_app::access::capabilities(&actor).staff {
        None
    } else {
        Some(staff::list(&state.app, &actor).await?.len())
    };
    let roles = actor
        .principal
        .assignments
        .iter()
        .map(|a| {
            let office = offices
                .iter()
                .find(|o| o.id == a.office_id)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            (role_label(&t, a.role.as_str()), office)
        })
        .collect();
    page(Dashboard {
        t,
        nav: Some(Nav::of(&actor)),
        roles,
        offices: offices.len(),
        staff,
    })
}

/// Remember the language in a cookie and go back where the user was.
pub async fn set_language(
    jar: CookieJar,
    headers: axum::http::HeaderMap,
    PathParam(code): PathParam<String>,
) -> Response {
    let lang = Locale::parse(&code).unwrap_or_default();
    let jar = jar.add(
        Cookie::build((LANG_COOKIE, lang.code()))
            .path("/")
            .same_site(SameSite::Lax)
            .permanent()
            .build(),
    );
    let back = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| url::Url::parse(r).ok())
        .map(|u| u.path().to_string())
        .unwrap_or_else(|| "/".into());
    (jar, Redirect::to(&back)).into_response()
}
