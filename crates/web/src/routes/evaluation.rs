//! Officer evaluation pages (issue 14): `/can-bo/{id}/danh-gia-cong-viec` (the scorecard of a
//! month, quarter or year and the strengths-and-weaknesses register) and
//! `/can-bo/{id}/cham-diem/{ky}` (the Decree 335 score form of a month or quarter: the
//! officer's self-assessment, the head's review with the evidence beside it, approval, return,
//! lock). The use cases decide who may do what; the pages render what they return.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::evaluation::{
    FormView, NewEntry, Register, Scorecard, register, scorecard, scoring,
};
use congbo_app::{Actor, AppError};
use congbo_domain::evaluation::{Period, Points, ScoreSnapshot};
use congbo_domain::time::{dmy, dmy_hm, local_date};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::api::evaluation::{form_period, step_of};
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view::{Nav, page_with, refusal, status_for};

/// The page path of an officer's evaluation.
pub fn scorecard_path(id: Uuid) -> String {
    format!("/can-bo/{id}/danh-gia-cong-viec")
}

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    /// `month`, `quarter`, `year`.
    loai: Option<String>,
    /// `2026-11`, `2026-q4`, `2026`.
    ky: Option<String>,
}

#[derive(Template)]
#[template(path = "evaluation.html")]
struct EvaluationPage {
    t: Locale,
    nav: Option<Nav>,
    card: Scorecard,
    register: Register,
    kind: String,
    period: String,
    period_error: Option<String>,
    register_error: Option<String>,
}

impl EvaluationPage {
    fn pct(&self) -> String {
        self.card
            .satisfied_pct
            .map_or("—".into(), |p| format!("{p:.2} %"))
    }
    fn secs(v: &Option<i64>) -> String {
        v.map_or("—".into(), |s| format!("{}′{:02}″", s / 60, s % 60))
    }
    fn day(at: &i64) -> String {
        dmy_hm(*at)
    }
    fn on(d: &jiff::civil::Date) -> String {
        dmy(*d)
    }
    fn score_path(&self) -> Option<String> {
        matches!(
            self.card.period,
            Period::Month { .. } | Period::Quarter { .. }
        )
        .then(|| format!("/can-bo/{}/cham-diem/{}", self.card.officer.id, self.period))
    }
}

fn this_month(app: &congbo_app::App) -> String {
    let d = local_date(app.now());
    format!("{:04}-{:02}", d.year(), d.month())
}

async fn render(
    state: &AppState,
    t: Locale,
    actor: &Actor,
    id: Uuid,
    q: PeriodQuery,
    register_error: Option<String>,
) -> Result<Response, Failure> {
    let kind = q
        .loai
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| "month".into());
    let period =
        q.ky.filter(|k| !k.is_empty())
            .unwrap_or_else(|| this_month(&state.app));
    let (p, period_error) = match Period::parse(&kind, &period) {
        Ok(p) => (p, None),
        Err(e) => {
            let (_, msg) = refusal(&t, AppError::from(e))?;
            (
                Period::parse("month", &this_month(&state.app)).map_err(AppError::from)?,
                Some(msg),
            )
        }
    };
    let card = scorecard::scorecard(&state.app, actor, id, p).await?;
    let register = register::register(&state.app, actor, id).await?;
    let status = status_for(&period_error.clone().or(register_error.clone()));
    page_with(
        status,
        EvaluationPage {
            nav: Some(Nav::of(actor)),
            t,
            card,
            register,
            kind,
            period,
            period_error,
            register_error,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(q): QueryParam<PeriodQuery>,
) -> Result<Response, Failure> {
    render(&state, t, &actor, id, q, None).await
}

#[derive(Deserialize)]
pub struct EntryForm {
    kind: String,
    note: String,
    clause: Option<String>,
    evidence: Option<String>,
}

/// The head adds a register entry; a refused one shows the page again with the message.
pub async fn add_entry(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<EntryForm>,
) -> Result<Response, Failure> {
    let input = NewEntry {
        kind: f.kind,
        note: f.note,
        clause: f.clause,
        evidence: f.evidence,
    };
    match register::add_entry(&state.app, &actor, id, &input).await {
        Ok(_) => Ok(Redirect::to(&scorecard_path(id)).into_response()),
        Err(e) => {
            let (_, msg) = refusal(&t, e)?;
            render(&state, t, &actor, id, PeriodQuery::default(), Some(msg)).await
        }
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    answer: String,
}

/// The officer answers an entry.
pub async fn answer(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, entry)): PathParam<(Uuid, Uuid)>,
    PageForm(f): PageForm<AnswerForm>,
) -> Result<Response, Failure> {
    match register::answer(&state.app, &actor, id, entry, &f.answer).await {
        Ok(_) => Ok(Redirect::to(&scorecard_path(id)).into_response()),
        Err(e) => {
            let (_, msg) = refusal(&t, e)?;
            render(&state, t, &actor, id, PeriodQuery::default(), Some(msg)).await
        }
    }
}

#[derive(Deserialize)]
pub struct SuggestionForm {
    key: String,
}

/// The head accepts (`chap-nhan`) or dismisses (`bo-qua`) a suggestion.
pub async fn decide(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, decision)): PathParam<(Uuid, String)>,
    PageForm(f): PageForm<SuggestionForm>,
) -> Result<Response, Failure> {
    match decision.as_str() {
        "chap-nhan" => {
            register::accept_suggestion(&state.app, &actor, id, &f.key, None).await?;
        }
        "bo-qua" => register::dismiss_suggestion(&state.app, &actor, id, &f.key).await?,
        _ => return Err(Failure::new(axum::http::StatusCode::NOT_FOUND, "not-found")),
    }
    Ok(Redirect::to(&scorecard_path(id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// The score form

#[derive(Template)]
#[template(path = "evaluation_form.html")]
struct FormPage {
    t: Locale,
    nav: Option<Nav>,
    f: FormView,
    ky: String,
    /// Typed values shown again after a refusal: (criterion, text).
    typed: Vec<(String, String)>,
    general_error: Option<String>,
    reason_error: Option<String>,
    error: Option<String>,
}

impl FormPage {
    fn may(&self, action: &str) -> bool {
        self.f.actions.contains(&action)
    }
    /// The value of a criterion's input: what was typed, else the score the viewer gave last.
    fn value(&self, code: &str) -> String {
        if let Some((_, v)) = self.typed.iter().find(|(c, _)| c == code) {
            return v.clone();
        }
        let line = self.f.general.iter().find(|g| g.code == code);
        let mine = if self.may("self_assess") {
            line.and_then(|g| g.self_points)
        } else {
            line.and_then(|g| g.review_points.or(g.self_points))
        };
        mine.map(|p| p.to_string()).unwrap_or_default()
    }
    fn pts(p: &Option<Points>) -> String {
        p.map_or("—".into(), |p| p.to_string())
    }
    fn total(s: &Option<ScoreSnapshot>) -> String {
        s.as_ref().map_or("—".into(), |s| s.total.to_string())
    }
    fn level(s: &Option<ScoreSnapshot>) -> &'static str {
        s.as_ref().map_or("", |s| s.level.as_str())
    }
    fn sat(&self) -> String {
        self.f
            .evidence
            .satisfied_pct
            .map_or("—".into(), |p| format!("{p:.2} %"))
    }
    fn suggested(&self) -> String {
        self.f
            .attitude
            .suggested
            .map_or("—".into(), |p| p.to_string())
    }
}

fn form_page(actor: &Actor, t: Locale, f: FormView, ky: String) -> FormPage {
    FormPage {
        nav: Some(Nav::of(actor)),
        t,
        f,
        ky,
        typed: Vec::new(),
        general_error: None,
        reason_error: None,
        error: None,
    }
}

pub async fn form(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, ky)): PathParam<(Uuid, String)>,
) -> Result<Response, Failure> {
    let f = scoring::form(&state.app, &actor, id, form_period(&ky)?).await?;
    page_with(axum::http::StatusCode::OK, form_page(&actor, t, f, ky))
}

/// Page actions: `tu-danh-gia`, `xem-xet`, `phe-duyet`, `tra-lai`, `khoa`.
const ACTIONS: [(&str, &str); 5] = [
    ("tu-danh-gia", "self_assess"),
    ("xem-xet", "review"),
    ("phe-duyet", "approve"),
    ("tra-lai", "return"),
    ("khoa", "lock"),
];

/// One step; a refused one shows the form again, 422, the message next to its field and the
/// typed values kept.
pub async fn step(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, ky, action)): PathParam<(Uuid, String, String)>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let period = form_period(&ky)?;
    let Some((_, name)) = ACTIONS.iter().find(|(p, _)| *p == action) else {
        return Err(Failure::new(axum::http::StatusCode::NOT_FOUND, "not-found"));
    };
    let general: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("g_")?.to_string(), v.clone())))
        .collect();
    let reason = fields
        .iter()
        .find(|(k, _)| k == "reason")
        .map(|(_, v)| v.clone());
    let st = step_of(name, general.clone(), reason)?;
    match scoring::step(&state.app, &actor, id, period, st).await {
        Ok(_) => Ok(Redirect::to(&format!("/can-bo/{id}/cham-diem/{ky}")).into_response()),
        Err(e) => {
            let fail = Failure::from(e);
            let status = fail.status;
            if status.is_server_error()
                || status == axum::http::StatusCode::FORBIDDEN
                || status == axum::http::StatusCode::NOT_FOUND
            {
                return Err(fail);
            }
            let (field, msg) = (fail.field, fail.message(&t));
            let f = scoring::form(&state.app, &actor, id, period).await?;
            let mut p = form_page(&actor, t, f, ky);
            p.typed = general;
            match field {
                Some("general") | Some("task_lines") => p.general_error = Some(msg),
                Some("reason") => p.reason_error = Some(msg),
                _ => p.error = Some(msg),
            }
            page_with(status, p)
        }
    }
}
