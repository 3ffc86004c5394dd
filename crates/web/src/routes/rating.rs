//! Satisfaction pages: the counter tablet (paired device, no staff sign-in), the dossier's
//! rating link (QR on the receipt and the result), the staff page (my ratings; for heads the
//! office's figures and recovery cases) and the office's rating settings with tablet pairing.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use congbo_app::rating::{self, CaseView, DossierRating, Figures, Mine, Pairing, Tablet};
use congbo_domain::conduct::CodeOfConduct;
use congbo_domain::rating::{Criterion, RatingSettings, Scale, Submission};
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::rating::DeviceRow;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, MaybeUser, PageForm, PathParam, QueryParam};
use crate::forms::qr_svg;
use crate::i18n::Locale;
use crate::view::{Nav, page_with, refusal, status_for};
use congbo_domain::time::dmy_hm;

/// The tablet's cookie: the device secret, sent only to the tablet's own pages.
pub const DEVICE_COOKIE: &str = "congbo_device";

/// The device cookie as the tablet keeps it: its own pages only, script cannot read it.
pub fn device_cookie(secret: String, secure: bool) -> Cookie<'static> {
    Cookie::build((DEVICE_COOKIE, secret))
        .path("/may-danh-gia")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .permanent()
        .build()
}

/// Repeated form fields (`reason`), and single ones.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, k: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }
    fn all(&self, k: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect()
    }
    /// A raw value; a malformed one is out of range.
    fn value(&self, k: &str) -> Option<u8> {
        self.get(k).map(|v| v.trim().parse().unwrap_or(0))
    }
}

/// The scale's values, best first, with their labels.
fn choices(scale: Scale) -> Vec<(u8, &'static str)> {
    scale
        .values()
        .into_iter()
        .map(|v| (v, scale.label(v)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The counter tablet

#[derive(Template)]
#[template(path = "rating_tablet.html")]
struct TabletPage {
    t: Locale,
    counter_id: Uuid,
    tab: Option<Tablet>,
    choices: Vec<(u8, &'static str)>,
    /// A low score chosen, waiting for reasons.
    chosen: Option<u8>,
    thanks: bool,
    message: Option<String>,
    refresh: u32,
}

impl TabletPage {
    fn window_text(&self, seconds: &u32) -> String {
        self.t
            .t_args("rating-window", &[("seconds", seconds.to_string())])
    }
    /// The same with `{n}` for the seconds, for the countdown script.
    fn window_template(&self) -> String {
        self.t
            .t_args("rating-window", &[("seconds", "{n}".to_string())])
    }
    fn initials(&self, name: &str) -> String {
        name.split_whitespace()
            .rev()
            .take(2)
            .filter_map(|w| w.chars().next())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect()
    }
}

/// How long the tablet thanks the citizen before it locks again (seconds).
const THANKS_SECONDS: u32 = 6;

fn device_secret(jar: &CookieJar) -> Option<String> {
    jar.get(DEVICE_COOKIE).map(|c| c.value().to_string())
}

/// What the tablet shows besides its state: a low score waiting for reasons, the thanks, a
/// refusal.
#[derive(Default)]
struct Shown {
    chosen: Option<u8>,
    thanks: bool,
    message: Option<String>,
}

async fn tablet_page(
    s: &AppState,
    t: Locale,
    counter_id: Uuid,
    secret: Option<&str>,
    shown: Shown,
    status: StatusCode,
) -> Result<Response, Failure> {
    let Shown {
        chosen,
        thanks,
        message,
    } = shown;
    let (tab, message, status) = match rating::tablet(&s.app, counter_id, secret).await {
        Ok(tab) => (Some(tab), message, status),
        Err(e) => {
            let (st, m) = refusal(&t, e)?;
            // A refusal already being shown (a used pairing code) comes first.
            match message {
                Some(first) => (None, Some(first), status),
                None => (None, Some(m), st),
            }
        }
    };
    let choices = tab.as_ref().map(|x| choices(x.scale)).unwrap_or_default();
    // Locked: look again every 3 seconds; open: again when the window closes; the thanks
    // stays a few seconds, then the locked screen comes back (the address drops `?ok=1`).
    let refresh = match tab.as_ref().and_then(|x| x.open.as_ref()) {
        _ if thanks => THANKS_SECONDS,
        Some(o) => o.seconds_left.max(1),
        None => 3,
    };
    page_with(
        status,
        TabletPage {
            t,
            counter_id,
            tab,
            choices,
            chosen,
            thanks,
            message,
            refresh,
        },
    )
}

#[derive(Deserialize)]
pub struct TabletParams {
    #[serde(default)]
    ok: Option<String>,
}

/// `GET /may-danh-gia/{counter}`: the tablet, locked or open for the ticket just finished.
pub async fn tablet(
    State(s): State<AppState>,
    t: Locale,
    jar: CookieJar,
    PathParam(counter): PathParam<Uuid>,
    QueryParam(p): QueryParam<TabletParams>,
) -> Result<Response, Failure> {
    let secret = device_secret(&jar);
    let shown = Shown {
        thanks: p.ok.is_some(),
        ..Shown::default()
    };
    tablet_page(&s, t, counter, secret.as_deref(), shown, StatusCode::OK).await
}

/// `POST /may-danh-gia/{counter}`: one rating. A low score without reasons shows the reasons.
pub async fn tablet_rate(
    State(s): State<AppState>,
    t: Locale,
    jar: CookieJar,
    MaybeUser(staff): MaybeUser,
    PathParam(counter): PathParam<Uuid>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let f = Fields(f);
    let secret = device_secret(&jar);
    let ticket: Uuid = f
        .get("ticket_id")
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    let value = f.value("value");
    let sub = Submission {
        values: value
            .map(|v| vec![(Criterion::Overall, v)])
            .unwrap_or_default(),
        reasons: f.all("reason"),
        comment: f.get("comment").map(str::to_string),
        trips: None,
    };
    match rating::rate_at_counter(
        &s.app,
        counter,
        secret.as_deref(),
        ticket,
        &sub,
        f.get("contact"),
        staff.as_ref(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/may-danh-gia/{counter}?ok=1")).into_response()),
        Err(e) => {
            let first_step = f.get("step").is_none() && e.code() == "rating-reasons-required";
            let (status, msg) = refusal(&t, e)?;
            if first_step {
                // A low score: the reasons are the next step, not a mistake.
                let shown = Shown {
                    chosen: value,
                    ..Shown::default()
                };
                return tablet_page(&s, t, counter, secret.as_deref(), shown, StatusCode::OK).await;
            }
            let shown = Shown {
                chosen: value,
                thanks: false,
                message: Some(msg),
            };
            tablet_page(&s, t, counter, secret.as_deref(), shown, status).await
        }
    }
}

#[derive(Deserialize)]
pub struct PairParams {
    #[serde(default)]
    code: String,
}

/// `GET /may-danh-gia/{counter}/ghep?code=…`: the tablet opens the one-time link and keeps its secret.
pub async fn pair(
    State(s): State<AppState>,
    t: Locale,
    jar: CookieJar,
    PathParam(counter): PathParam<Uuid>,
    QueryParam(p): QueryParam<PairParams>,
) -> Result<Response, Failure> {
    match rating::pair_complete(&s.app, counter, &p.code).await {
        Ok(secret) => {
            let cookie = device_cookie(secret, s.config.secure_cookies);
            Ok((
                jar.add(cookie),
                Redirect::to(&format!("/may-danh-gia/{counter}")),
            )
                .into_response())
        }
        Err(e) => {
            let (status, msg) = refusal(&t, e)?;
            let shown = Shown {
                message: Some(msg),
                ..Shown::default()
            };
            tablet_page(&s, t, counter, None, shown, status).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The dossier's rating link

#[derive(Template)]
#[template(path = "rating_dossier.html")]
struct DossierPage {
    t: Locale,
    d: DossierRating,
    token: String,
    choices: Vec<(u8, &'static str)>,
    criteria: Vec<(&'static str, &'static str)>,
    thanks: bool,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LinkParams {
    #[serde(default)]
    t: String,
    #[serde(default)]
    ok: Option<String>,
}

fn dossier_page(
    t: Locale,
    d: DossierRating,
    token: &str,
    thanks: bool,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, Failure> {
    let choices = choices(d.settings.scale);
    page_with(
        status,
        DossierPage {
            t,
            d,
            token: token.to_string(),
            choices,
            criteria: Criterion::ALL
                .iter()
                .map(|c| (c.as_str(), c.label_vi()))
                .collect(),
            thanks,
            error,
        },
    )
}

/// `GET /danh-gia/{code}?t=…`: rate a dossier (public).
pub async fn dossier_form(
    State(s): State<AppState>,
    t: Locale,
    PathParam(code): PathParam<String>,
    QueryParam(p): QueryParam<LinkParams>,
) -> Result<Response, Failure> {
    let d = rating::dossier_page(&s.app, &code, &p.t).await?;
    dossier_page(t, d, &p.t, p.ok.is_some(), None, StatusCode::OK)
}

/// `POST /danh-gia/{code}?t=…`.
pub async fn dossier_rate(
    State(s): State<AppState>,
    t: Locale,
    MaybeUser(staff): MaybeUser,
    PathParam(code): PathParam<String>,
    QueryParam(p): QueryParam<LinkParams>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let f = Fields(f);
    let values = Criterion::ALL
        .iter()
        .filter_map(|c| f.value(c.as_str()).map(|v| (*c, v)))
        .collect();
    let sub = Submission {
        values,
        reasons: f.all("reason"),
        comment: f.get("comment").map(str::to_string),
        trips: f.value("trips"),
    };
    match rating::rate_dossier(&s.app, &code, &p.t, &sub, f.get("contact"), staff.as_ref()).await {
        Ok(_) => Ok(Redirect::to(&format!("/danh-gia/{code}?t={}&ok=1", p.t)).into_response()),
        Err(e) => {
            let (status, msg) = refusal(&t, e)?;
            let d = rating::dossier_page(&s.app, &code, &p.t).await?;
            dossier_page(t, d, &p.t, false, Some(msg), status)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Staff: my ratings; the office's figures and recovery cases

#[derive(Template)]
#[template(path = "ratings.html")]
struct StaffPage {
    t: Locale,
    nav: Option<Nav>,
    mine: Mine,
    office: Option<OfficeRow>,
    offices: Vec<OfficeRow>,
    figures: Option<Figures>,
    cases: Vec<CaseView>,
    can_handle: bool,
    /// Citizens rate the user's roles: the "ratings about me" section.
    show_mine: bool,
    message: Option<String>,
    error: Option<String>,
}

impl StaffPage {
    fn pct(&self, p: &Option<f64>) -> String {
        p.map(|p| format!("{p:.2} %")).unwrap_or("—".into())
    }
    fn at(&self, m: &i64) -> String {
        dmy_hm(*m)
    }
    /// `YYYY-MM-DD` as `dd/mm/yyyy`.
    fn dmy(&self, d: &str) -> String {
        congbo_domain::time::dmy_text(d)
    }
}

#[derive(Deserialize)]
pub struct StaffParams {
    #[serde(default)]
    office: Option<Uuid>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    ok: Option<String>,
}

async fn staff_page(
    s: &AppState,
    t: Locale,
    actor: &congbo_app::Actor,
    p: &StaffParams,
    error: Option<String>,
) -> Result<Response, Failure> {
    let days = rating::period(s.app.now(), p.from.as_deref(), p.to.as_deref())?;
    let mine = rating::mine(&s.app, actor, days).await?;
    let o = rating::office_ratings(&s.app, actor, p.office, days).await?;
    let status = status_for(&error);
    page_with(
        status,
        StaffPage {
            message: p.ok.as_ref().map(|_| t.t("recovery-closed")),
            t,
            nav: Some(Nav::of(actor)),
            mine,
            office: o.office,
            offices: o.offices,
            figures: o.figures,
            cases: o.cases,
            can_handle: o.may_handle,
            show_mine: congbo_app::access::capabilities(actor).rated,
            error,
        },
    )
}

/// `GET /danh-gia`: my ratings; for heads and supervisors, the office's too.
pub async fn staff(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(p): QueryParam<StaffParams>,
) -> Result<Response, Failure> {
    staff_page(&s, t, &actor, &p, None).await
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    called_back: Option<String>,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    office: Option<Uuid>,
}

/// `POST /danh-gia/phuc-hoi/{id}`: record what was done on a recovery case.
pub async fn close_case(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<CloseForm>,
) -> Result<Response, Failure> {
    let office = f.office.map(|o| format!("&office={o}")).unwrap_or_default();
    match rating::close_case(&s.app, &actor, id, f.called_back.is_some(), &f.outcome).await {
        Ok(()) => Ok(Redirect::to(&format!("/danh-gia?ok=1{office}")).into_response()),
        Err(e) => {
            let (_, msg) = refusal(&t, e)?;
            let p = StaffParams {
                office: f.office,
                from: None,
                to: None,
                ok: None,
            };
            staff_page(&s, t, &actor, &p, Some(msg)).await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Settings and tablet pairing

#[derive(Template)]
#[template(path = "rating_settings.html")]
struct SettingsPage {
    t: Locale,
    nav: Option<Nav>,
    office: OfficeRow,
    s: RatingSettings,
    codes: Vec<CodeOfConduct>,
    counters: Vec<(Uuid, i32, String)>,
    devices: Vec<DeviceRow>,
    pairing: Option<(Pairing, String)>,
    can_manage: bool,
    scales: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

impl SettingsPage {
    /// A reason's clause as people read it (the raw citation when no code holds it).
    fn cite(&self, citation: &str) -> String {
        congbo_domain::conduct::describe(&self.codes, citation).unwrap_or_else(|| citation.into())
    }
    fn counter_number(&self, id: &Uuid) -> String {
        self.counters
            .iter()
            .find(|(k, _, _)| k == id)
            .map(|(_, n, _)| n.to_string())
            .unwrap_or_default()
    }
    fn at(&self, m: &Option<i64>) -> String {
        m.map(dmy_hm).unwrap_or("—".into())
    }
    fn low(&self) -> String {
        self.s
            .low_at_or_below
            .map(|v| v.to_string())
            .unwrap_or_default()
    }
}

async fn settings_page(
    s: &AppState,
    t: Locale,
    actor: &congbo_app::Actor,
    office_id: Uuid,
    pairing: Option<Pairing>,
    error: Option<String>,
) -> Result<Response, Failure> {
    let rating::OfficeSettings {
        office,
        settings,
        codes,
        may_manage: can_manage,
    } = rating::settings(&s.app, actor, office_id).await?;
    let devices = if can_manage {
        rating::devices(&s.app, actor, office_id).await?
    } else {
        Vec::new()
    };
    let counters = congbo_app::office::counters(&s.app, actor, office_id)
        .await?
        .into_iter()
        .map(|k| (k.id, k.number, k.name))
        .collect();
    let status = status_for(&error);
    page_with(
        status,
        SettingsPage {
            nav: Some(Nav::of(actor)),
            office,
            s: settings,
            codes,
            counters,
            devices,
            pairing: pairing.map(|p| {
                let qr = qr_svg(&p.url);
                (p, qr)
            }),
            can_manage,
            scales: vec![
                ("level3", "3 mức: Rất hài lòng / Hài lòng / Không hài lòng"),
                ("level5", "5 mức: Rất hài lòng … Rất không hài lòng"),
                ("stars5", "1–5 sao"),
            ],
            t,
            error,
        },
    )
}

/// `GET /don-vi/{id}/danh-gia`.
pub async fn settings(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    settings_page(&s, t, &actor, id, None, None).await
}

/// `POST /don-vi/{id}/danh-gia`: save the settings from the form.
pub async fn save_settings(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let f = Fields(f);
    let mut settings = rating::settings(&s.app, &actor, id).await?.settings;
    let bad = |field: &'static str| {
        Failure::from(congbo_app::AppError::Invalid(
            congbo_domain::DomainError::field("rating-setting-range", field),
        ))
    };
    if let Some(sc) = f.get("scale") {
        settings.scale =
            Scale::parse(sc).map_err(|e| Failure::from(congbo_app::AppError::from(e)))?;
    }
    settings.low_at_or_below = match f.get("low_at_or_below") {
        None => None,
        Some(v) => Some(v.trim().parse().map_err(|_| bad("low_at_or_below"))?),
    };
    settings.reasons_required = f.get("reasons_required").is_some();
    if let Some(v) = f.get("recovery_working_days") {
        settings.recovery_working_days =
            v.trim().parse().map_err(|_| bad("recovery_working_days"))?;
    }
    if let Some(v) = f.get("link_valid_days") {
        settings.link_valid_days = v.trim().parse().map_err(|_| bad("link_valid_days"))?;
    }
    settings.conduct_codes = f.all("conduct_code");
    match rating::put_settings(&s.app, &actor, id, &settings).await {
        Ok(_) => Ok(Redirect::to(&format!("/don-vi/{id}/danh-gia")).into_response()),
        Err(e) => {
            let (_, msg) = refusal(&t, e)?;
            settings_page(&s, t, &actor, id, None, Some(msg)).await
        }
    }
}

/// `POST /don-vi/{id}/danh-gia/quay/{counter}`: start pairing a tablet; shows its link and QR.
pub async fn pair_start(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, counter)): PathParam<(Uuid, Uuid)>,
) -> Result<Response, Failure> {
    let p = rating::pair_start(&s.app, &actor, counter).await?;
    if p.device.office_id != id {
        return Err(Failure::new(StatusCode::NOT_FOUND, "counter-not-found"));
    }
    settings_page(&s, t, &actor, id, Some(p), None).await
}

/// `POST /don-vi/{id}/danh-gia/thiet-bi/{device}/go`: unpair a tablet.
pub async fn revoke(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, device)): PathParam<(Uuid, Uuid)>,
) -> Result<Response, Failure> {
    rating::revoke_device(&s.app, &actor, device).await?;
    Ok(Redirect::to(&format!("/don-vi/{id}/danh-gia")).into_response())
}
