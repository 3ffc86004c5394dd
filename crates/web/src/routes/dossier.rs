//! Dossier pages: the officers' lists (mine, all, at risk, late, apologies to sign), intake
//! from the catalogue, the dossier page with its timeline and allowed actions, the printable
//! forms, and the public lookup (no sign-in).

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::catalog;
use congbo_app::dossier::{
    self, ActionInput, DossierView, ListItem, ListKind, ListQuery, NewDossier, PublicView,
};
use congbo_domain::dossier::DeadlineFlag;
use congbo_domain::privacy::access::Via;
use congbo_domain::privacy::consent::Purpose;
use congbo_domain::queue::serves_field;
use congbo_domain::time::{dmy, dmy_hm as hm, dmy_text};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam, QueryParam, RequestId};
use crate::form_state::FormState;
use crate::forms::{self, FormData, FormKind};
use crate::i18n::Locale;
use crate::view::{Nav, page};

/// The badge of a dossier's deadline (class, message key): on track (an open dossier with an
/// appointment), due soon, late; nothing once it is closed.
fn flag_badge(f: DeadlineFlag, open_with_due: bool) -> (&'static str, &'static str) {
    match f {
        DeadlineFlag::None if open_with_due => ("flag-ok", "flag-on-track"),
        DeadlineFlag::None => ("", ""),
        DeadlineFlag::DueSoon => ("flag-soon", "flag-due-soon"),
        DeadlineFlag::Overdue => ("flag-late", "flag-overdue"),
    }
}

/// Open (not done or terminal) and given an appointment.
fn open_with_due(state: &str, due: &Option<String>) -> bool {
    due.is_some()
        && !matches!(
            state,
            "done" | "returned" | "refused" | "stopped" | "withdrawn"
        )
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
    /// The officer holding it: (id, name).
    pub holder: Option<(Uuid, String)>,
}

impl From<ListItem> for Line {
    fn from(i: ListItem) -> Self {
        let (flag_class, flag_key) =
            flag_badge(i.flag, open_with_due(&i.row.state, &i.row.current_due));
        Line {
            holder: i.row.assignee_id.zip(i.holder),
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
            flag_class,
            flag_key,
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
    /// The holder the list is filtered by: (id, name).
    holder: Option<(Uuid, String)>,
}

#[derive(Deserialize)]
pub struct ListParams {
    #[serde(default)]
    ds: String,
    #[serde(default)]
    ma: String,
    /// Held by this officer (the head's "who holds what").
    #[serde(default)]
    nguoi: Option<Uuid>,
}

/// `/ho-so`: the caller's lists.
pub async fn list(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(p): QueryParam<ListParams>,
) -> Result<Response, Failure> {
    let may = congbo_app::access::capabilities(&actor);
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
            assignee_id: p.nguoi,
            ..ListQuery::default()
        },
    )
    .await?;
    let lines: Vec<Line> = items.into_iter().map(Line::from).collect();
    let holder = p.nguoi.map(|id| {
        let name = lines
            .iter()
            .find_map(|l| l.holder.as_ref().filter(|(h, _)| *h == id))
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        (id, name)
    });
    let mut tabs = vec![
        ("mine", "dossiers-mine"),
        ("all", "dossiers-all"),
        ("at-risk", "dossiers-at-risk"),
        ("late", "dossiers-late"),
    ];
    if may.dossier_sign {
        tabs.push(("apologies", "dossiers-apologies"));
    }
    page(ListPage {
        t,
        can_intake: may.dossier_intake,
        nav: Some(Nav::of(&actor)),
        list: list.to_string(),
        tabs,
        lines,
        code: p.ma,
        holder,
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
    /// The ticket's service when the list shows only its procedures (with a way to all).
    service: Option<String>,
    form: FormState,
    /// The personal data notice read to the citizen before they ask for notices (its text
    /// in the page's language; the version is recorded with the consent).
    consent_notice: String,
}

#[derive(Deserialize)]
pub struct NewParams {
    #[serde(default, rename = "thu-tuc")]
    procedure: String,
    /// The queue ticket being served (intake started from the counter page).
    #[serde(default, rename = "ve")]
    ticket: Option<Uuid>,
    /// `1`: every procedure, not only those of the ticket's service.
    #[serde(default, rename = "tat-ca")]
    all: Option<String>,
}

/// `/ho-so/tiep-nhan`: choose the procedure, then tick the documents the citizen brought.
pub async fn new_form(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(mut p): QueryParam<NewParams>,
    form: FormState,
) -> Result<Response, Failure> {
    // A refused intake is shown again with its procedure and ticket.
    if p.procedure.is_empty() {
        p.procedure = form.value("procedure_code").to_string();
    }
    if p.ticket.is_none() {
        p.ticket = form.value("ticket_id").parse().ok();
    }
    let office_names = dossier::intake_offices(&s.app, &actor).await?;
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
    let ticket = match p.ticket {
        Some(id) => congbo_app::queue::get(&s.app, &actor, id).await.ok(),
        None => None,
    };
    let notice = congbo_app::privacy::consent::notice(&s.app, Purpose::Notify).await?;
    let consent_notice = if t.code() == "en" {
        notice.text_en
    } else {
        notice.text_vi
    };
    // From a ticket: the procedures of its service (the group's catalogue fields), unless
    // asked for all or none matches.
    let of_service: Vec<_> = match (&ticket, p.all.is_some()) {
        (Some(v), false) => all
            .iter()
            .filter(|x| serves_field(v.group.field.as_deref(), &x.procedure.field))
            .collect(),
        _ => Vec::new(),
    };
    let service = (!of_service.is_empty())
        .then(|| ticket.as_ref().map(|v| v.group.name.clone()))
        .flatten();
    let listed: Vec<_> = if of_service.is_empty() {
        all.iter().collect()
    } else {
        of_service
    };
    page(NewPage {
        consent_notice,
        ticket: ticket.map(|v| (v.row.id, v.row.number)),
        service,
        procedures: listed
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
                t.limit(&v.procedure.limit),
            )
        }),
        documents,
        offices: office_names,
        t,
        nav: Some(Nav::of(&actor)),
        form,
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
        keep_ticket: get("keep_ticket").is_some(),
    };
    let from_counter = input.ticket_id.is_some();
    let v = dossier::create(&s.app, &actor, &input).await?;
    // "Tiếp nhận và in phiếu": the paper the intake issued opens ready to print (Form 01; Form
    // 02 when documents are missing), with the way back to the counter.
    let number = forms::offered(&v)
        .into_iter()
        .map(|(n, _)| n)
        .find(|n| *n == "01" || *n == "02")
        .unwrap_or("01");
    let counter = if from_counter { "&quay=1" } else { "" };
    Ok(Redirect::to(&format!("/ho-so/{}/mau/{number}?in=1{counter}", v.row.id)).into_response())
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
    /// The caller may read who viewed the applicant's data (the access log).
    may_log: bool,
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
    /// The on-time status reads as a result only for a dossier with a result (done, returned).
    show_on_time: bool,
    /// The step the transfer form offers first: the one after the current step.
    next_step: u16,
    /// The queue ticket it was received from: "A012 · quầy 1 · Nguyễn Thị Lan · chờ 12 phút".
    ticket: Option<String>,
    /// A refused action form shown again (`form_state`).
    form: FormState,
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
    form: FormState,
) -> Result<Response, Failure> {
    let v = dossier::get(&s.app, &actor, id, Via::Page).await?;
    let events = v
        .events
        .iter()
        .map(|e| {
            let detail: serde_json::Value = serde_json::from_str(&e.detail).unwrap_or_default();
            let note = ["to", "reason", "note", "new_due", "due"]
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
    let forms = forms::offered(&v);
    let ticket = congbo_app::queue::origin_of_dossier(&s.app, &actor, v.row.id)
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
    let (flag_class, flag_key) =
        flag_badge(v.flag, open_with_due(&v.row.state, &v.row.current_due));
    let may_log = congbo_app::privacy::access::may_read(
        &actor,
        &congbo_domain::office::OfficePath::from_stored(v.row.office_path.clone()),
    );
    page(ShowPage {
        may_log,
        ticket,
        form,
        state_key: format!("state-{}", v.row.state),
        flag_class,
        flag_key,
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
        show_on_time: matches!(v.row.state.as_str(), "done" | "returned"),
        next_step: v.step.as_ref().map_or(2, |(n, _)| n.saturating_add(1)),
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
    /// `STEP:OFFICER` from the transfer form's one choice (a step and who takes it).
    #[serde(default)]
    to: String,
    #[serde(default)]
    signer_id: String,
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
        "transfer" => {
            let (step, officer) = f.to.split_once(':').unwrap_or((f.to_step.as_str(), ""));
            ActionInput::Transfer {
                to_step: step.trim().parse().ok(),
                to_office_id: None,
                assignee_id: officer.trim().parse().ok(),
                note,
            }
        }
        "request-apology" => ActionInput::RequestApology {
            signer_id: f.signer_id.trim().parse().ok(),
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

#[derive(Deserialize)]
pub struct FormParams {
    /// `1`: print at once (the form opened right after the intake).
    #[serde(default, rename = "in")]
    print: Option<String>,
    /// `1`: the intake started from a ticket at the counter; lead back there.
    #[serde(default)]
    quay: Option<String>,
}

/// `/ho-so/{id}/mau/{nn}`: a printable form (01–06) of the dossier; `?in=1` opens the print
/// dialog and offers the way on (the counter, the dossier, another intake).
pub async fn form(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, number)): PathParam<(Uuid, String)>,
    QueryParam(p): QueryParam<FormParams>,
) -> Result<Response, Failure> {
    let n: u8 = number
        .parse()
        .map_err(|_| congbo_app::AppError::NotFound("not-found"))?;
    let v = dossier::get(&s.app, &actor, id, Via::Form(n)).await?;
    let (kind, data) = forms::dossier_form(&s.app, &v, &number)?;
    let bar = p.print.is_some().then(|| {
        let mut links = Vec::new();
        if p.quay.is_some() {
            links.push(("/quay".to_string(), t.t("print-back-to-counter")));
        }
        links.push((format!("/ho-so/{id}"), t.t("print-open-dossier")));
        links.push(("/ho-so/tiep-nhan".to_string(), t.t("print-new-intake")));
        forms::PrintBar {
            autoprint: true,
            links,
            print_label: t.t("print-again"),
        }
    });
    print_with(kind, &data, bar.as_ref())
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
    let book = dossier::book(&s.app, &actor, &p.ngay).await?;
    print(FormKind::TrackingBook, &forms::book(&book))
}

/// A printed form as the response.
fn print(kind: FormKind, data: &FormData) -> Result<Response, Failure> {
    print_with(kind, data, None)
}

fn print_with(
    kind: FormKind,
    data: &FormData,
    bar: Option<&forms::PrintBar>,
) -> Result<Response, Failure> {
    let html = forms::render_with(kind, data, bar).map_err(|e| {
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
    form: FormState,
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
}

/// `GET /tra-cuu[?ma=CODE]`: the lookup form (the code prefilled from a printed link). The
/// secret is never taken from the address: it would stay in the browser's history and in logs.
pub async fn lookup(
    t: Locale,
    QueryParam(p): QueryParam<LookupParams>,
    form: FormState,
) -> Result<Response, Failure> {
    let code = form.value_or("ma", &p.ma).to_string();
    page(LookupPage {
        t,
        nav: None,
        code,
        found: None,
        error: None,
        form,
    })
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    ma: String,
    #[serde(default, rename = "bi-mat")]
    secret: String,
}

/// `POST /tra-cuu`: look a dossier up by code and secret (rate-limited per client address).
/// A malformed code or an empty secret comes back next to its field; an unknown code or a
/// wrong secret says "not found" on the page.
pub async fn lookup_found(
    State(s): State<AppState>,
    t: Locale,
    RequestId(rid): RequestId,
    PageForm(f): PageForm<LookupForm>,
) -> Result<Response, Failure> {
    let (found, error, status) = match dossier::lookup(&s.app, &f.ma, &f.secret, rid).await {
        Ok(v) => (Some(v), None, StatusCode::OK),
        Err(e) => {
            let fail = Failure::from(e);
            if fail.status != StatusCode::NOT_FOUND {
                return Err(fail);
            }
            (None, Some(fail.message(&t)), StatusCode::NOT_FOUND)
        }
    };
    crate::view::page_with(
        status,
        LookupPage {
            t,
            nav: None,
            code: f.ma.trim().to_uppercase(),
            found,
            error,
            form: FormState::default(),
        },
    )
}
