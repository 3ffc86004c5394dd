//! "Dữ liệu của tôi": a citizen asks for their personal data (identity number + a contact on
//! file → a one-time code there → the export), downloads it as JSON or prints it, withdraws a
//! consent, and asks for a correction or an erasure. No sign-in: the code is the proof, and
//! the export stays open for a short time (the server's `ACCESS_MINUTES`) through a session
//! cookie scoped to the request's path.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use congbo_app::privacy::export::Export;
use congbo_app::privacy::{consent, request};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{MaybeUser, PageForm, PathParam, RequestId};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, page};

const COOKIE: &str = "congbo_dulieu";

fn base(id: Uuid) -> String {
    format!("/du-lieu-cua-toi/{id}")
}

fn secret(jar: &CookieJar) -> String {
    jar.get(COOKIE)
        .map(|c| c.value().to_string())
        .unwrap_or_default()
}

#[derive(Template)]
#[template(path = "privacy_start.html")]
struct StartPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
}

/// `GET /du-lieu-cua-toi`: the request form.
pub async fn start_form(
    t: Locale,
    MaybeUser(actor): MaybeUser,
    form: FormState,
) -> Result<Response, Failure> {
    page(StartPage {
        t,
        nav: actor.as_ref().map(Nav::of),
        form,
    })
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    contact: String,
}

/// `POST /du-lieu-cua-toi`: send the code, then ask for it.
pub async fn start(
    State(s): State<AppState>,
    RequestId(rid): RequestId,
    PageForm(f): PageForm<StartForm>,
) -> Result<Response, Failure> {
    let started = request::start(&s.app, &f.id_number, &f.contact, rid).await?;
    Ok(Redirect::to(&format!("{}/xac-nhan", base(started.id))).into_response())
}

#[derive(Template)]
#[template(path = "privacy_code.html")]
struct CodePage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    action: String,
    sent_to: String,
}

/// `GET /du-lieu-cua-toi/{id}/xac-nhan`: type the code.
pub async fn code_form(
    State(s): State<AppState>,
    t: Locale,
    MaybeUser(actor): MaybeUser,
    PathParam(id): PathParam<Uuid>,
    form: FormState,
) -> Result<Response, Failure> {
    let p = request::pending(&s.app, id).await?;
    page(CodePage {
        t,
        nav: actor.as_ref().map(Nav::of),
        form,
        action: format!("{}/xac-nhan", base(id)),
        sent_to: p.sent_to,
    })
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /du-lieu-cua-toi/{id}/xac-nhan`: check the code; open the export.
pub async fn verify(
    State(s): State<AppState>,
    jar: CookieJar,
    RequestId(rid): RequestId,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<CodeForm>,
) -> Result<Response, Failure> {
    let secret = request::verify(&s.app, id, &f.code, rid).await?;
    let cookie = Cookie::build((COOKIE, secret))
        .path(base(id))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(s.config.secure_cookies)
        .build();
    Ok((jar.add(cookie), Redirect::to(&base(id))).into_response())
}

#[derive(Template)]
#[template(path = "privacy_export.html")]
struct ExportPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    base: String,
    x: Export,
}

impl ExportPage {
    /// A local ISO time of the export as people read it: `08/12/2026 07:50`.
    fn when(&self, iso: &str) -> String {
        iso.parse::<jiff::civil::DateTime>()
            .map(|d| d.strftime("%d/%m/%Y %H:%M").to_string())
            .unwrap_or_else(|_| iso.to_string())
    }
    /// A date `YYYY-MM-DD` as `dd/mm/yyyy`.
    fn day(&self, d: &str) -> String {
        congbo_domain::time::dmy_text(d)
    }
}

/// `GET /du-lieu-cua-toi/{id}`: the citizen's data, printable.
pub async fn export(
    State(s): State<AppState>,
    t: Locale,
    jar: CookieJar,
    MaybeUser(actor): MaybeUser,
    PathParam(id): PathParam<Uuid>,
    form: FormState,
) -> Result<Response, Failure> {
    let x = request::export(&s.app, id, &secret(&jar)).await?;
    page(ExportPage {
        t,
        nav: actor.as_ref().map(Nav::of),
        form,
        base: base(id),
        x,
    })
}

/// `GET /du-lieu-cua-toi/{id}/tai-ve`: the same as JSON, as a file.
pub async fn download(
    State(s): State<AppState>,
    jar: CookieJar,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let x = request::export(&s.app, id, &secret(&jar)).await?;
    let body = serde_json::to_string_pretty(&x)
        .map_err(|e| Failure::from(congbo_app::AppError::Internal(e.to_string())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"du-lieu-ca-nhan.json\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct FileForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    detail: String,
}

/// `POST /du-lieu-cua-toi/{id}/yeu-cau`: ask for a correction or an erasure.
pub async fn file(
    State(s): State<AppState>,
    jar: CookieJar,
    RequestId(rid): RequestId,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<FileForm>,
) -> Result<Response, Failure> {
    request::file(&s.app, id, &secret(&jar), &f.kind, &f.detail, rid).await?;
    Ok(Redirect::to(&format!("{}#yeu-cau", base(id))).into_response())
}

/// `POST /du-lieu-cua-toi/{id}/dong-y/{consent}/rut`: withdraw a consent.
pub async fn withdraw(
    State(s): State<AppState>,
    jar: CookieJar,
    RequestId(rid): RequestId,
    PathParam((id, consent_id)): PathParam<(Uuid, Uuid)>,
) -> Result<Response, Failure> {
    consent::withdraw(&s.app, id, &secret(&jar), consent_id, rid).await?;
    Ok(Redirect::to(&format!("{}#dong-y", base(id))).into_response())
}
