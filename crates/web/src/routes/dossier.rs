//! Dossier pages: the officers' lists (mine, all, at risk, late, apologies to sign), intake
//! from the catalogue, the dossier page with its timeline and allowed actions, the printable
//! forms, and the public lookup (no sign-in).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::catalog;
use congbo_app::dossier::{
    self, ActionInput, DossierView, ListItem, ListKind, ListQuery, NewDossier, PublicView,
};
use congbo_domain::dossier::DeadlineFlag;
use congbo_domain::identity::Perm;
use congbo_domain::time::{dmy, dmy_hm as hm, dmy_text, local};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam, QueryParam, RequestId};
use crate::forms::{self, BookRow, ControlRow, FormData, FormDocument, FormHeader, FormKind};
use crate::i18n::Locale;
use crate::view::{Nav, page};

fn flag_class(f: DeadlineFlag) -> &'static str {
    match f {
        DeadlineFlag::None => "",
        DeadlineFlag::DueSoon => "flag-soon",
        DeadlineFlag::Overdue => "flag-late",
    }
}

fn flag_key(f: DeadlineFlag) -> &'static str {
    match f {
        DeadlineFlag::None => "",
        DeadlineFlag::DueSoon => "flag-due-soon",
        DeadlineFlag::Overdue => "flag-overdue",
    }
}

pub struct Line {
    pub id: Uuid,
    pub code: String,
    pub state: String,
    pub procedure: String,
    pub applicant: String,
    pub received: String,
    pub due: String,
    pub flag_class: &'static str,
    pub flag_key: &'static str,
    pub needs_apology: bool,
}

impl From<ListItem> for Line {
    fn from(i: ListItem) -> Self {
        Line {
            id: i.row.id,
            code: i.row.code,
            state: format!("state-{}", i.row.state),
            procedure: i.row.procedure_name,
            applicant: i.row.applicant_name,
            received: i.row.received_at.map(hm).unwrap_or_default(),
            due: i
                .effective_due
                .map(dmy)
                .or(i.row.current_due.as_deref().map(dmy_text))
                .unwrap_or_default(),
            flag_class: flag_class(i.flag),
            flag_key: flag_key(i.flag),
            needs_apology: i.needs_apology,
        }
    }
}

#[derive(Template)]
#[template(path = "dossiers.html")]
struct ListPage {
    t: Locale,
    nav: Option<Nav>,
    list: String,
    tabs: Vec<(&'static str, &'static str)>,
    lines: Vec<Line>,
    can_intake: bool,
    code: String,
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    ds: String,
    #[serde(default)]
    ma: String,
}

/// `/ho-so`: the caller's lists.
pub async fn list(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(p): QueryParam<ListParams>,
) -> Result<Response, Failure> {
    let signer = !actor.principal.scopes(Perm::DossierSign).is_empty();
    let list = if p.ds.is_empty() {
        "mine"
    } else {
        p.ds.as_str()
    };
    let kind = ListKind::parse(list)?;
    let items = dossier::list(
        &s.app,
        &actor,
        &ListQuery {
            kind,
            code: Some(p.ma.clone()),
            ..ListQuery::default()
        },
    )
    .await?;
    let mut tabs = vec![
        ("mine", "dossiers-mine"),
        ("all", "dossiers-all"),
        ("at-risk", "dossiers-at-risk"),
        ("late", "dossiers-late"),
    ];
    if signer {
        tabs.push(("apologies", "dossiers-apologies"));
    }
    page(ListPage {
        t,
        can_intake: !actor.principal.scopes(Perm::DossierIntake).is_empty(),
        nav: Some(Nav::of(&actor)),
        list: list.to_string(),
        tabs,
        lines: items.into_iter().map(Line::from).collect(),
        code: p.ma,
    })
}

pub struct ProcedureChoice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

pub struct DocChoice {
    pub index: usize,
    pub name: String,
    pub form: String,
    pub count: u8,
}

#[derive(Template)]
#[template(path = "dossier_new.html")]
struct NewPage {
    t: Locale,
    nav: Option<Nav>,
    procedures: Vec<ProcedureChoice>,
    chosen: Option<(String, String, String)>,
    documents: Vec<DocChoice>,
    offices: Vec<(Uuid, String)>,
    /// (ticket id, number) when intake starts from the ticket at the counter.
    ticket: Option<(Uuid, String)>,
}

#[derive(Deserialize)]
pub struct NewParams {
    #[serde(default, rename = "thu-tuc")]
    procedure: String,
    /// The queue ticket being served (intake started from the counter page).
    #[serde(default, rename = "ve")]
    ticket: Option<Uuid>,
}

/// `/ho-so/tiep-nhan`: choose the procedure, then tick the documents the citizen brought.
pub async fn new_form(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(p): QueryParam<NewParams>,
) -> Result<Response, Failure> {
    if actor.principal.scopes(Perm::DossierIntake).is_empty() {
        return Err(congbo_app::AppError::Forbidden.into());
    }
    let today = congbo_domain::time::local_date(s.app.now()).to_string();
    let all = catalog::search(&s.app.db, "", &today).await?;
    let chosen = all
        .iter()
        .find(|v| v.procedure.code.as_str() == p.procedure);
    let documents = chosen
        .map(|v| {
            v.procedure
                .documents
                .iter()
                .enumerate()
                .map(|(index, d)| DocChoice {
                    index,
                    name: d.name.clone(),
                    form: d.form.label_vi().to_string(),
                    count: d.count,
                })
                .collect()
        })
        .unwrap_or_default();
    let offices = actor
        .principal
        .assignments
        .iter()
        .filter(|a| a.role.grants(Perm::DossierIntake))
        .map(|a| a.office_id)
        .collect::<Vec<_>>();
    let mut office_names = Vec::new();
    for id in offices {
        if let Ok(o) = congbo_app::office::get(&s.app, &actor, id).await {
            office_names.push((o.id, o.name));
        }
    }
    let ticket = match p.ticket {
        Some(id) => congbo_app::queue::get(&s.app, &actor, id)
            .await
            .ok()
            .map(|v| (v.row.id, v.row.number)),
        None => None,
    };
    page(NewPage {
        ticket,
        procedures: all
            .iter()
            .map(|v| ProcedureChoice {
                code: v.procedure.code.as_str().to_string(),
                name: v.procedure.name.clone(),
                selected: v.procedure.code.as_str() == p.procedure,
            })
            .collect(),
        chosen: chosen.map(|v| {
            (
                v.procedure.code.as_str().to_string(),
                v.procedure.name.clone(),
                v.procedure.limit.to_string(),
            )
        }),
        documents,
        offices: office_names,
        t,
        nav: Some(Nav::of(&actor)),
    })
}

/// The intake form as posted: repeated `doc` and `notify` fields.
pub async fn create(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.trim().is_empty())
    };
    let mut provided = Vec::new();
    for (k, v) in &f {
        if k == "doc" {
            provided.push(v.parse::<u16>().map_err(|_| {
                Failure::from(congbo_app::AppError::Invalid(
                    congbo_domain::DomainError::field("unknown-document", "provided_documents"),
                ))
            })?);
        }
    }
    let input = NewDossier {
        office_id: get("office_id").and_then(|v| v.parse().ok()),
        procedure_code: get("procedure_code").unwrap_or_default(),
        channel: get("channel"),
        received_at: get("received_at"),
        applicant_name: get("name").unwrap_or_default(),
        applicant_id_number: get("id_number"),
        applicant_address: get("address"),
        applicant_phone: get("phone"),
        applicant_email: get("email"),
        notify: f
            .iter()
            .filter(|(k, _)| k == "notify")
            .map(|(_, v)| v.clone())
            .collect(),
        provided_documents: Some(provided),
        ticket_id: get("ticket_id").and_then(|v| v.parse().ok()),
    };
    let v = dossier::create(&s.app, &actor, &input).await?;
    Ok(Redirect::to(&format!("/ho-so/{}", v.row.id)).into_response())
}

pub struct EventLine {
    pub at: String,
    pub action: String,
    pub actor: String,
    pub form: Option<String>,
    pub form_no: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct ShowPage {
    t: Locale,
    nav: Option<Nav>,
    v: DossierView,
    state_key: String,
    flag_class: &'static str,
    flag_key: &'static str,
    received: String,
    due: String,
    current_due: String,
    effective_due: String,
    events: Vec<EventLine>,
    forms: Vec<(&'static str, &'static str)>,
    can: Vec<&'static str>,
    steps: Vec<(usize, String)>,
    /// The queue ticket it was received from: "A012 · quầy 1 · Nguyễn Thị Lan · chờ 12 phút".
    ticket: Option<String>,
}

impl ShowPage {
    fn may(&self, a: &str) -> bool {
        self.can.contains(&a)
    }
}

/// `/ho-so/{id}`.
pub async fn show(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let v = dossier::get(&s.app, &actor, id).await?;
    let events = v
        .events
        .iter()
        .map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
            let note = ["reason", "note", "new_due", "due"]
                .iter()
                .filter_map(|k| detail.get(*k).and_then(|x| x.as_str()))
                .collect::<Vec<_>>()
                .join(" · ");
            EventLine {
                at: hm(e.at),
                action: format!("action-{}", e.action),
                actor: e.actor_name.clone(),
                form: e.form.clone(),
                form_no: e.form_no.clone().unwrap_or_default(),
                note,
            }
        })
        .collect();
    let mut forms: Vec<(&'static str, &'static str)> = Vec::new();
    for f in FormKind::ALL {
        let issued = match f {
            FormKind::ControlSheet | FormKind::TrackingBook => true,
            _ => v
                .events
                .iter()
                .any(|e| e.form.as_deref() == Some(f.number())),
        };
        if issued && f != FormKind::TrackingBook {
            forms.push((f.number(), f.title_vi()));
        }
    }
    let ticket = congbo_app::queue::origin_of_dossier(&s.app, v.row.id)
        .await?
        .map(|o| {
            let mut parts = vec![o.number];
            if let Some(k) = o.counter {
                parts.push(format!("{} {k}", t.t("queue-counter")));
            }
            parts.extend(o.officer);
            if let Some(m) = o.waited_minutes {
                parts.push(format!(
                    "{} {m} {}",
                    t.t("queue-waited"),
                    t.t("queue-minutes")
                ));
            }
            parts.join(" · ")
        });
    page(ShowPage {
        ticket,
        state_key: format!("state-{}", v.row.state),
        flag_class: flag_class(v.flag),
        flag_key: flag_key(v.flag),
        received: v.row.received_at.map(hm).unwrap_or_default(),
        due: v.row.due_date.as_deref().map(dmy_text).unwrap_or_default(),
        current_due: v
            .row
            .current_due
            .as_deref()
            .map(dmy_text)
            .unwrap_or_default(),
        effective_due: v.effective_due.map(dmy).unwrap_or_default(),
        events,
        forms,
        can: v.allowed.clone(),
        steps: v
            .version
            .procedure
            .steps
            .iter()
            .enumerate()
            .map(|(i, st)| (i + 1, st.name.clone()))
            .collect(),
        v,
        t,
        nav: Some(Nav::of(&actor)),
    })
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    new_due: String,
    #[serde(default)]
    to_step: String,
    #[serde(default)]
    note: String,
}

/// `POST /ho-so/{id}/{action}` from the dossier page.
pub async fn act(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, action)): PathParam<(Uuid, String)>,
    PageForm(f): PageForm<ActionForm>,
) -> Result<Response, Failure> {
    let note = Some(f.note).filter(|n| !n.trim().is_empty());
    let input = match action.as_str() {
        "receive" => ActionInput::Receive,
        "request-supplement" => ActionInput::RequestSupplement { reason: f.reason },
        "supplement-received" => ActionInput::SupplementReceived,
        "refuse" => ActionInput::Refuse { reason: f.reason },
        "transfer" => ActionInput::Transfer {
            to_step: f.to_step.trim().parse().ok(),
            to_office_id: None,
            assignee_id: None,
            note,
        },
        "finish" => ActionInput::Finish { note },
        "return" => ActionInput::Return,
        "stop" => ActionInput::Stop { reason: f.reason },
        "withdraw" => ActionInput::Withdraw,
        "apologize" => ActionInput::Apologize {
            reason: f.reason,
            new_due: f.new_due,
        },
        _ => return Err(congbo_app::AppError::NotFound("not-found").into()),
    };
    dossier::act(&s.app, &actor, id, &input).await?;
    Ok(Redirect::to(&format!("/ho-so/{id}")).into_response())
}

/// Header lines of the forms from the office names: "UBND TỈNH ĐIỆN BIÊN" above
/// "UBND XÃ THANH LUÔNG"; the place is the name without its kind ("Thanh Luông").
fn header(v: &DossierView, issued_on: jiff::civil::Date, number: Option<String>) -> FormHeader {
    let body = |name: &str| format!("UBND {}", name.to_uppercase());
    let place = ["Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "]
        .iter()
        .find_map(|p| v.office.name.strip_prefix(p))
        .unwrap_or(&v.office.name)
        .to_string();
    FormHeader {
        parent_body: v
            .parent_office
            .as_ref()
            .map(|p| body(&p.name))
            .unwrap_or_default(),
        issuing_body: body(&v.office.name),
        unit: "BỘ PHẬN MỘT CỬA".into(),
        place,
        issued_on,
        number,
    }
}

fn signer_title(role: Option<&str>) -> String {
    match role {
        Some("head") => "CHỦ TỊCH".into(),
        Some("deputy") => "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".into(),
        _ => "CÔNG CHỨC TIẾP NHẬN".into(),
    }
}

/// The data of form `kind` for dossier `v`, from the event that issued it.
fn form_data(s: &AppState, v: &DossierView, kind: FormKind) -> FormData {
    let ev = v
        .events
        .iter()
        .rev()
        .find(|e| e.form.as_deref() == Some(kind.number()));
    let detail: serde_json::Value = ev
        .map(|e| serde_json::from_str(&e.detail).unwrap_or_default())
        .unwrap_or_default();
    let text = |k: &str| {
        detail
            .get(k)
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let issued_on = ev.map_or_else(|| local(s.app.now()).date(), |e| local(e.at).date());
    let r = &v.row;
    let reason = text("reason");
    let close = s.app.settings.deadline.closing_time();
    FormData {
        header: header(v, issued_on, ev.and_then(|e| e.form_no.clone())),
        dossier_code: r.code.clone(),
        lookup_secret: Some(r.secret.clone()),
        applicant_name: r.applicant_name.clone(),
        applicant_id_no: r.applicant_id_no.clone().unwrap_or_default(),
        applicant_address: r.applicant_address.clone().unwrap_or_default(),
        applicant_phone: r.applicant_phone.clone().unwrap_or_default(),
        applicant_email: r.applicant_email.clone().unwrap_or_default(),
        procedure_code: r.procedure_code.clone(),
        procedure_name: r.procedure_name.clone(),
        limit_text: v.version.procedure.limit.to_string(),
        documents: v
            .documents
            .iter()
            .map(|d| FormDocument {
                name: d.name.clone(),
                form_label: congbo_domain::catalog::DocForm::parse(&d.form)
                    .map(|f| f.label_vi().to_string())
                    .unwrap_or_else(|_| d.form.clone()),
                count: u32::from(d.count),
                provided: d.provided,
            })
            .collect(),
        sets: 1,
        received_at: v.facts.received_at,
        due_at: v.facts.due.map(|d| d.to_datetime(close)),
        return_method: "Tại Bộ phận Một cửa".into(),
        officer_name: ev.map(|e| e.actor_name.clone()).unwrap_or_default(),
        officer_phone: String::new(),
        signer_name: ev.map(|e| e.actor_name.clone()).unwrap_or_default(),
        signer_title: signer_title(ev.and_then(|e| e.actor_role.as_deref())),
        missing_items: if kind == FormKind::SupplementRequest {
            reason
                .lines()
                .map(|l| {
                    l.split_once(". ")
                        .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
                        .map_or(l, |(_, rest)| rest)
                        .to_string()
                })
                .filter(|l| !l.trim().is_empty())
                .collect()
        } else {
            Vec::new()
        },
        reason,
        legal_basis: v.version.procedure.legal_basis.clone(),
        original_due: v.facts.due,
        new_due: detail
            .get("new_due")
            .and_then(|x| x.as_str())
            .and_then(|d| d.parse().ok()),
        effective_at: ev.map(|e| local(e.at)),
        control_rows: control_rows(v),
        book_rows: Vec::<BookRow>::new(),
        lookup_url: congbo_app::links::lookup_url(&s.app, &r.code),
        rating_url: congbo_app::links::rating_link(&s.app, r.id, &r.code, &r.secret),
    }
}

/// The control sheet (Form 06): one row per hand-over.
fn control_rows(v: &DossierView) -> Vec<ControlRow> {
    let steps = &v.version.procedure.steps;
    let step_name = |n: Option<i64>| {
        n.and_then(|n| usize::try_from(n).ok())
            .and_then(|n| steps.get(n.saturating_sub(1)))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "Bộ phận Một cửa".into())
    };
    let mut rows = Vec::new();
    let mut from = "Bộ phận Một cửa".to_string();
    for e in &v.events {
        if !matches!(e.action.as_str(), "transfer" | "finish" | "return") {
            continue;
        }
        let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
        let to = match e.action.as_str() {
            "transfer" => step_name(detail.get("to_step").and_then(|x| x.as_i64())),
            "finish" => "Bộ phận Một cửa".into(),
            _ => "Tổ chức, cá nhân".into(),
        };
        rows.push(ControlRow {
            step_no: rows.len() as u32 + 1,
            from_unit: from.clone(),
            to_unit: to.clone(),
            at: local(e.at),
            due: detail
                .get("step_due")
                .and_then(|x| x.as_str())
                .and_then(|d| d.parse().ok()),
            result: String::new(),
            note: detail
                .get("note")
                .and_then(|x| x.as_str())
                .unwrap_or_default()
                .to_string(),
        });
        from = to;
    }
    rows
}

/// `/ho-so/{id}/mau/{nn}`: a printable form (01–06) of the dossier.
pub async fn form(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, number)): PathParam<(Uuid, String)>,
) -> Result<Response, Failure> {
    let kind = FormKind::parse(&number)
        .filter(|k| *k != FormKind::TrackingBook)
        .ok_or(congbo_app::AppError::NotFound("not-found"))?;
    let v = dossier::get(&s.app, &actor, id).await?;
    let issued = v
        .events
        .iter()
        .any(|e| e.form.as_deref() == Some(kind.number()));
    if !issued && kind != FormKind::ControlSheet {
        return Err(congbo_app::AppError::NotFound("form-not-issued").into());
    }
    let html = forms::render(kind, &form_data(&s, &v, kind)).map_err(|e| {
        tracing::error!(error = %e, "form failed");
        Failure::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal")
    })?;
    Ok(axum::response::Html(html).into_response())
}

#[derive(Deserialize)]
pub struct BookParams {
    #[serde(default)]
    ngay: String,
}

/// `/ho-so/so-theo-doi?ngay=YYYY-MM-DD`: the tracking book (Form 07) of the dossiers received
/// on a day in the caller's scope.
pub async fn book(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    QueryParam(p): QueryParam<BookParams>,
) -> Result<Response, Failure> {
    let day = if p.ngay.is_empty() {
        congbo_domain::time::local_date(s.app.now()).to_string()
    } else {
        p.ngay.clone()
    };
    let items = dossier::list(
        &s.app,
        &actor,
        &ListQuery {
            received_on: Some(day.clone()),
            limit: Some(500),
            ..ListQuery::default()
        },
    )
    .await?;
    let mut items: Vec<ListItem> = items;
    items.sort_by(|a, b| a.row.code.cmp(&b.row.code));
    let date = |m: Option<i64>| m.map(|m| local(m).date());
    let rows: Vec<BookRow> = items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            let r = &it.row;
            let facts: Option<congbo_domain::dossier::DossierFacts> =
                serde_json::from_str(&r.facts).ok();
            BookRow {
                serial: i as u32 + 1,
                code: r.code.clone(),
                procedure_name: r.procedure_name.clone(),
                sets: 1,
                applicant_name: r.applicant_name.clone(),
                applicant_address: r.applicant_address.clone().unwrap_or_default(),
                applicant_phone: r.applicant_phone.clone().unwrap_or_default(),
                processing_office: String::new(),
                received_on: date(r.received_at),
                due_on: r.current_due.as_deref().and_then(|d| d.parse().ok()),
                transferred_on: None,
                result_on: facts.as_ref().and_then(|f| f.done_at).map(|d| d.date()),
                returned_on: (r.state == "returned").then(|| date(r.closed_at)).flatten(),
                note: match r.on_time.as_deref() {
                    Some("late") => "Trễ hạn".into(),
                    Some("on-time") => "Đúng hạn".into(),
                    Some("early") => "Trước hạn".into(),
                    _ => String::new(),
                },
            }
        })
        .collect();
    let d: jiff::civil::Date = day.parse().map_err(|_| {
        congbo_app::AppError::Invalid(congbo_domain::DomainError::field("invalid-date", "date"))
    })?;
    let home = actor
        .principal
        .assignments
        .iter()
        .find(|a| a.role.grants(Perm::DossierRead))
        .map(|a| a.office_id)
        .ok_or(congbo_app::AppError::Forbidden)?;
    let office = congbo_app::office::get(&s.app, &actor, home).await?;
    let data = FormData {
        header: FormHeader {
            parent_body: String::new(),
            issuing_body: format!("UBND {}", office.name.to_uppercase()),
            unit: "BỘ PHẬN MỘT CỬA".into(),
            place: office.name.clone(),
            issued_on: d,
            number: None,
        },
        book_rows: rows,
        ..FormData::default()
    };
    let html = forms::render(FormKind::TrackingBook, &data).map_err(|e| {
        tracing::error!(error = %e, "form failed");
        Failure::new(axum::http::StatusCode::INTERNAL_SERVER_ERROR, "internal")
    })?;
    Ok(axum::response::Html(html).into_response())
}

#[derive(Template)]
#[template(path = "lookup.html")]
struct LookupPage {
    t: Locale,
    nav: Option<Nav>,
    code: String,
    found: Option<PublicView>,
    error: Option<String>,
}

impl LookupPage {
    fn dmy(&self, d: &Option<jiff::civil::Date>) -> String {
        d.map(dmy).unwrap_or_default()
    }
}

#[derive(Deserialize)]
pub struct LookupParams {
    #[serde(default)]
    ma: String,
    #[serde(default, rename = "bi-mat")]
    secret: String,
}

/// `/tra-cuu`: public lookup by code and secret (rate-limited per client address).
pub async fn lookup(
    State(s): State<AppState>,
    t: Locale,
    RequestId(rid): RequestId,
    QueryParam(p): QueryParam<LookupParams>,
) -> Result<Response, Failure> {
    let (found, error) = if p.ma.is_empty() || p.secret.is_empty() {
        (None, None)
    } else {
        match dossier::lookup(&s.app, &p.ma, &p.secret, rid).await {
            Ok(v) => (Some(v), None),
            Err(e) => {
                let f = Failure::from(e);
                if f.status.is_server_error() {
                    return Err(f);
                }
                (None, Some(f.message(&t)))
            }
        }
    };
    page(LookupPage {
        t,
        nav: None,
        code: p.ma,
        found,
        error,
    })
}
