//! Feedback pages: the public form (phone-friendly; the lobby kiosk with `?kiosk=1`; staff
//! entering a letter, the mailbox, a call or a meeting when signed in), the sender's follow
//! page (code and secret), the published answers, and the staff list and case page.

use crate::ratelimit::ClientIp;
use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::Actor;
use congbo_app::feedback::{
    self, ActInput, CaseLine, CaseView, HandlerAction, Identity, NewFeedback, PublicCase,
    PublishedAnswer, SenderAction, Upload,
};
use congbo_domain::feedback::{Category, Privacy};
use congbo_store::repo::office::OfficeRow;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, MaybeUser, PageForm, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view::{Nav, page_with, refusal, status_for};
use congbo_domain::time::dmy_hm;

// ---------------------------------------------------------------------------------------------
// The form

#[derive(Template)]
#[template(path = "feedback_form.html")]
struct FormPage {
    t: Locale,
    nav: Option<Nav>,
    kiosk: bool,
    offices: Vec<OfficeRow>,
    office: Option<OfficeRow>,
    officers: Vec<(Uuid, String)>,
    clauses: Vec<(String, String)>,
    staff_entry: bool,
    values: Vec<(String, String)>,
    error: Option<String>,
}

impl FormPage {
    fn v(&self, k: &str) -> String {
        self.values
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    fn is(&self, k: &str, v: &str) -> bool {
        self.values.iter().any(|(n, x)| n == k && x == v)
    }
}

#[derive(Deserialize, Default)]
pub struct FormParams {
    #[serde(default, rename = "co-quan")]
    office: Option<String>,
    #[serde(default)]
    kiosk: Option<String>,
    #[serde(default, rename = "loai")]
    category: Option<String>,
}

/// What the form shows again after a refusal: kiosk mode, the values typed, the message.
#[derive(Default)]
struct Typed {
    kiosk: bool,
    values: Vec<(String, String)>,
    error: Option<String>,
}

async fn form_page(
    s: &AppState,
    t: Locale,
    actor: Option<&Actor>,
    office_code: Option<&str>,
    typed: Typed,
    status: StatusCode,
) -> Result<Response, Failure> {
    let c = feedback::form_choices(&s.app, actor, office_code).await?;
    page_with(
        status,
        FormPage {
            t,
            nav: actor.map(Nav::of),
            kiosk: typed.kiosk,
            offices: c.offices,
            office: c.office,
            officers: c.officers,
            clauses: c.clauses,
            staff_entry: c.staff_entry,
            values: typed.values,
            error: typed.error,
        },
    )
}

/// `GET /phan-anh/gui?co-quan=DB-TL`: the form.
pub async fn form(
    State(s): State<AppState>,
    t: Locale,
    MaybeUser(actor): MaybeUser,
    QueryParam(p): QueryParam<FormParams>,
) -> Result<Response, Failure> {
    let mut values = Vec::new();
    if let Some(c) = p.category {
        values.push(("category".to_string(), c));
    }
    let typed = Typed {
        kiosk: p.kiosk.is_some(),
        values,
        error: None,
    };
    form_page(
        &s,
        t,
        actor.as_ref(),
        p.office.as_deref(),
        typed,
        StatusCode::OK,
    )
    .await
}

/// `POST /phan-anh/gui` (multipart, with attachments).
pub async fn send(
    State(s): State<AppState>,
    t: Locale,
    MaybeUser(actor): MaybeUser,
    ClientIp(ip): ClientIp,
    mut mp: Multipart,
) -> Result<Response, Failure> {
    let (fields, uploads) = read_form(&mut mp).await?;
    // Citizens' attachments count against their address's daily volume (staff entering a
    // letter with its scans do not).
    let volume: u64 = if actor.is_none() {
        uploads.iter().map(|u| u.bytes.len() as u64).sum()
    } else {
        0
    };
    let day = s.app.now().div_euclid(86_400_000_000);
    let within_volume = s.attachment_volume.take(ip, volume, day);
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.trim().is_empty())
    };
    let kiosk = get("kiosk").is_some();
    let office_code = get("office_code").unwrap_or_default();
    let result = async {
        if !within_volume {
            return Err(congbo_app::AppError::Invalid(
                congbo_domain::DomainError::field("feedback-attachment-daily", "attachments"),
            ));
        }
        let office = feedback::office_by_code(&s.app, &office_code).await?;
        // Parsed in the order the use case reports them: category, channel, privacy.
        let category = Category::parse(&get("category").unwrap_or_default())?;
        let (channel, staff) =
            feedback::form_channel(actor.as_ref(), get("channel").as_deref(), kiosk)?;
        let privacy = Privacy::parse(&get("privacy").unwrap_or_else(|| "anonymous".into()))?;
        let input = NewFeedback {
            office_id: office.id,
            category,
            channel,
            privacy,
            name: get("name"),
            contact: get("contact"),
            address: get("address"),
            title: get("title"),
            content: get("content").unwrap_or_default(),
            officer_id: get("officer_id").and_then(|v| v.parse().ok()),
            clause: get("clause"),
            reference: get("reference"),
            attachments: uploads,
        };
        feedback::submit(&s.app, staff, &input).await
    }
    .await;
    match result {
        Ok(r) => Ok(Redirect::to(&format!(
            "/phan-anh/theo-doi?ma={}&k={}&moi=1{}",
            r.code,
            r.secret,
            if kiosk { "&kiosk=1" } else { "" }
        ))
        .into_response()),
        Err(e) => {
            if within_volume {
                s.attachment_volume.refund(ip, volume, day);
            }
            let (status, msg) = refusal(&t, e)?;
            let status = if within_volume {
                status
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            let typed = Typed {
                kiosk,
                values: fields,
                error: Some(msg),
            };
            form_page(&s, t, actor.as_ref(), Some(&office_code), typed, status).await
        }
    }
}

/// The form's fields and its attached files (empty file inputs skipped).
async fn read_form(mp: &mut Multipart) -> Result<(Vec<(String, String)>, Vec<Upload>), Failure> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut uploads = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_failure(e)),
        };
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(multipart_failure)?;
        match filename {
            Some(f) if name == "attachments" => {
                if !f.is_empty() && !bytes.is_empty() {
                    uploads.push(Upload {
                        filename: f,
                        bytes: bytes.to_vec(),
                    });
                }
            }
            _ => fields.push((name, String::from_utf8_lossy(&bytes).into_owned())),
        }
    }
    Ok((fields, uploads))
}

fn multipart_failure(e: axum::extract::multipart::MultipartError) -> Failure {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large")
    } else {
        Failure::new(StatusCode::BAD_REQUEST, "invalid-form")
    }
}

// ---------------------------------------------------------------------------------------------
// The sender's page

#[derive(Template)]
#[template(path = "feedback_follow.html")]
struct FollowPage {
    t: Locale,
    nav: Option<Nav>,
    code: String,
    secret: String,
    case: Option<PublicCase>,
    new: bool,
    kiosk: bool,
    error: Option<String>,
}

impl FollowPage {
    fn at(&self, m: &i64) -> String {
        dmy_hm(*m)
    }
    fn dmy(&self, d: &str) -> String {
        congbo_domain::time::dmy_text(d)
    }
}

#[derive(Deserialize)]
pub struct FollowParams {
    #[serde(default)]
    ma: String,
    #[serde(default)]
    k: String,
    #[serde(default)]
    moi: Option<String>,
    #[serde(default)]
    kiosk: Option<String>,
}

fn follow_page(
    t: Locale,
    code: &str,
    secret: &str,
    case: Option<PublicCase>,
    new: bool,
    kiosk: bool,
    error: Option<String>,
) -> Result<Response, Failure> {
    let status = status_for(&error);
    page_with(
        status,
        FollowPage {
            t,
            nav: None,
            code: code.into(),
            secret: secret.into(),
            case,
            new,
            kiosk,
            error,
        },
    )
}

/// `GET /phan-anh/theo-doi?ma=…&k=…` (rate-limited like the dossier lookup).
pub async fn follow(
    State(s): State<AppState>,
    t: Locale,
    QueryParam(p): QueryParam<FollowParams>,
) -> Result<Response, Failure> {
    if p.ma.trim().is_empty() {
        return follow_page(t, "", "", None, false, false, None);
    }
    match feedback::follow(&s.app, &p.ma, &p.k).await {
        Ok(c) => follow_page(
            t,
            &p.ma,
            &p.k,
            Some(c),
            p.moi.is_some(),
            p.kiosk.is_some(),
            None,
        ),
        Err(e @ congbo_app::AppError::NotFound(_)) => {
            let msg = Failure::from(e).message(&t);
            follow_page(t, &p.ma, "", None, false, false, Some(msg))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct SenderForm {
    #[serde(default)]
    ma: String,
    #[serde(default)]
    k: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    helpful: Option<String>,
}

/// `POST /phan-anh/theo-doi/{action}`: `info`, `helpful`, `reopen`.
pub async fn sender_act(
    State(s): State<AppState>,
    t: Locale,
    PathParam(action): PathParam<String>,
    PageForm(f): PageForm<SenderForm>,
) -> Result<Response, Failure> {
    let helpful = f.helpful.as_deref().map(|h| h == "1");
    let result = match SenderAction::parse(&action) {
        Ok(a) => feedback::sender_act(&s.app, &f.ma, &f.k, a, Some(&f.text), helpful).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => {
            Ok(Redirect::to(&format!("/phan-anh/theo-doi?ma={}&k={}", f.ma, f.k)).into_response())
        }
        Err(e) => {
            let (_, msg) = refusal(&t, e)?;
            let c = feedback::follow(&s.app, &f.ma, &f.k).await?;
            follow_page(t, &f.ma, &f.k, Some(c), false, false, Some(msg))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Published answers

#[derive(Template)]
#[template(path = "feedback_answers.html")]
struct AnswersPage {
    t: Locale,
    nav: Option<Nav>,
    q: String,
    answers: Vec<PublishedAnswer>,
}

impl AnswersPage {
    fn at(&self, m: &i64) -> String {
        dmy_hm(*m)
    }
}

#[derive(Deserialize)]
pub struct AnswersParams {
    #[serde(default)]
    q: String,
}

/// `GET /phan-anh/cong-khai?q=…`.
pub async fn answers(
    State(s): State<AppState>,
    t: Locale,
    MaybeUser(actor): MaybeUser,
    QueryParam(p): QueryParam<AnswersParams>,
) -> Result<Response, Failure> {
    let answers = feedback::published(&s.app, &p.q, 100).await?;
    page_with(
        StatusCode::OK,
        AnswersPage {
            t,
            nav: actor.as_ref().map(Nav::of),
            q: p.q,
            answers,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// Staff

#[derive(Template)]
#[template(path = "feedback_list.html")]
struct ListPage {
    t: Locale,
    nav: Option<Nav>,
    cases: Vec<CaseLine>,
    overdue: bool,
}

impl ListPage {
    fn at(&self, m: &i64) -> String {
        dmy_hm(*m)
    }
    fn dmy(&self, d: &str) -> String {
        congbo_domain::time::dmy_text(d)
    }
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default, rename = "qua-han")]
    overdue: Option<String>,
}

/// `GET /phan-anh`: the cases the officer may see; `?qua-han=1` the overdue ones.
pub async fn list(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(p): QueryParam<ListParams>,
) -> Result<Response, Failure> {
    let days = feedback::list_period(s.app.now(), None, None)?;
    let overdue = p.overdue.is_some();
    let cases = feedback::list(&s.app, &actor, days, overdue).await?;
    page_with(
        StatusCode::OK,
        ListPage {
            t,
            nav: Some(Nav::of(&actor)),
            cases,
            overdue,
        },
    )
}

#[derive(Template)]
#[template(path = "feedback_case.html")]
struct CasePage {
    t: Locale,
    nav: Option<Nav>,
    c: CaseView,
    identity: Option<Identity>,
    conduct: bool,
    error: Option<String>,
}

impl CasePage {
    fn at(&self, m: &i64) -> String {
        dmy_hm(*m)
    }
    fn dmy(&self, d: &str) -> String {
        congbo_domain::time::dmy_text(d)
    }
    fn can(&self, a: &str) -> bool {
        self.c.actions.contains(&a)
    }
}

fn case_page(
    t: Locale,
    actor: &Actor,
    c: CaseView,
    identity: Option<Identity>,
    error: Option<String>,
) -> Result<Response, Failure> {
    let status = status_for(&error);
    page_with(
        status,
        CasePage {
            t,
            nav: Some(Nav::of(actor)),
            conduct: c.category == Category::Conduct.as_str(),
            c,
            identity,
            error,
        },
    )
}

/// `GET /phan-anh/{id}`.
pub async fn show(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let c = feedback::get(&s.app, &actor, id).await?;
    case_page(t, &actor, c, None, None)
}

#[derive(Deserialize)]
pub struct ActForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    upheld: Option<String>,
    #[serde(default)]
    reason: String,
}

/// `POST /phan-anh/{id}/{action}`, and `nguoi-gui` to see the sender (with a reason).
pub async fn act(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, action)): PathParam<(Uuid, String)>,
    PageForm(f): PageForm<ActForm>,
) -> Result<Response, Failure> {
    if action == "nguoi-gui" {
        return match feedback::reveal_identity(&s.app, &actor, id, &f.reason).await {
            Ok(i) => {
                let c = feedback::get(&s.app, &actor, id).await?;
                case_page(t, &actor, c, Some(i), None)
            }
            Err(e) => {
                let (_, msg) = refusal(&t, e)?;
                let c = feedback::get(&s.app, &actor, id).await?;
                case_page(t, &actor, c, None, Some(msg))
            }
        };
    }
    let input = ActInput {
        text: Some(f.text).filter(|x| !x.trim().is_empty()),
        to: Some(f.to).filter(|x| !x.trim().is_empty()),
        upheld: f.upheld.as_deref().map(|u| u == "1"),
        public_text: None,
        public_answer: None,
    };
    let result = match HandlerAction::parse(&action) {
        Ok(a) => feedback::act(&s.app, &actor, id, a, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/phan-anh/{id}")).into_response()),
        Err(e) => {
            let (_, msg) = refusal(&t, e)?;
            let c = feedback::get(&s.app, &actor, id).await?;
            case_page(t, &actor, c, None, Some(msg))
        }
    }
}

/// `GET /phan-anh/tep/{id}`: an attachment, for staff who may see the case. Served as a
/// download with its checked type, never rendered inline as HTML.
pub async fn attachment(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let (meta, bytes) = feedback::attachment(&s.app, &actor, id).await?;
    let mime = HeaderValue::from_str(&meta.mime)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{}\"",
        meta.filename.replace('"', "")
    ))
    .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::HeaderName::from_static("x-content-sha256"),
                HeaderValue::from_str(&meta.sha256).unwrap_or(HeaderValue::from_static("")),
            ),
        ],
        bytes,
    )
        .into_response())
}
