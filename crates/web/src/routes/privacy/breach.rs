//! `/du-lieu-ca-nhan/su-co`: the personal data breach register (issue 18). The list with each
//! incident's countdown to the 72-hour deadline (overdue in red), the form to record one, and
//! an incident's page with the notices to mark.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::privacy::breach::{self, AuthorityNotice, BreachView, NewBreach};
use congbo_domain::privacy::breach::{BreachKind, Deadline, RawBreach};
use congbo_domain::time::{dmy_hm, iso_local};
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, page};

pub const PATH: &str = "/du-lieu-ca-nhan/su-co";

/// An incident as a page shows it.
pub struct Line {
    pub id: Uuid,
    pub office: String,
    pub detected: String,
    pub description: String,
    pub offices_affected: String,
    pub kinds: String,
    pub people: String,
    pub measures: String,
    pub due: String,
    /// `open`, `due-soon`, `overdue`, `notified`, `notified-late` (the row's class).
    pub status: &'static str,
    /// "còn 47 giờ 59 phút", "quá hạn 2 giờ", "đã thông báo".
    pub countdown: String,
    pub authority: Option<String>,
    pub reference: String,
    pub subjects: Option<String>,
}

fn line(t: &Locale, v: &BreachView) -> Line {
    let r = &v.row;
    let (h, m) = v.deadline.hours_minutes();
    let args = vec![("hours", h.to_string()), ("minutes", m.to_string())];
    let countdown = match v.deadline {
        Deadline::Open { .. } => t.t_args("breach-left", &args),
        Deadline::Overdue { .. } => t.t_args("breach-overdue-by", &args),
        Deadline::Notified { late: false } => t.t("breach-status-notified"),
        Deadline::Notified { late: true } => t.t("breach-status-notified-late"),
    };
    Line {
        id: r.id,
        office: v.office_name.clone(),
        detected: dmy_hm(r.detected_at),
        description: r.description.clone(),
        offices_affected: r.offices_affected.clone(),
        kinds: v
            .kinds
            .iter()
            .map(|k| t.t(&format!("breach-kind-{}", k.as_str())))
            .collect::<Vec<_>>()
            .join(", "),
        people: r.people_estimate.map(|n| n.to_string()).unwrap_or_default(),
        measures: r.measures.clone(),
        due: dmy_hm(r.authority_due_at),
        status: v.deadline.as_str(),
        countdown,
        authority: r.authority_notified_at.map(dmy_hm),
        reference: r.authority_reference.clone().unwrap_or_default(),
        subjects: r.subjects_notified_at.map(dmy_hm),
    }
}

fn kinds(t: &Locale) -> Vec<(&'static str, String)> {
    BreachKind::ALL
        .iter()
        .map(|k| (k.as_str(), t.t(&format!("breach-kind-{}", k.as_str()))))
        .collect()
}

#[derive(Template)]
#[template(path = "privacy_breaches.html")]
struct ListPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    lines: Vec<Line>,
    kinds: Vec<(&'static str, String)>,
    now: String,
}

pub async fn list(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
) -> Result<Response, Failure> {
    let rows = breach::list(&state.app, &actor).await?;
    page(ListPage {
        lines: rows.iter().map(|v| line(&t, v)).collect(),
        kinds: kinds(&t),
        now: iso_local(state.app.now()).chars().take(16).collect(),
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

fn all(f: &[(String, String)], name: &str) -> Vec<String> {
    f.iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

fn one(f: &[(String, String)], name: &str) -> String {
    all(f, name).into_iter().next().unwrap_or_default()
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let input = NewBreach {
        office_id: None,
        raw: RawBreach {
            detected_at: one(&f, "detected_at"),
            description: one(&f, "description"),
            offices_affected: one(&f, "offices_affected"),
            record_kinds: all(&f, "record_kinds"),
            people_estimate: one(&f, "people_estimate"),
            measures: one(&f, "measures"),
        },
    };
    let v = breach::create(&state.app, &actor, &input).await?;
    Ok(Redirect::to(&format!("{PATH}/{}", v.row.id)).into_response())
}

#[derive(Template)]
#[template(path = "privacy_breach.html")]
struct ShowPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    b: Line,
    now: String,
}

pub async fn show(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let v = breach::get(&state.app, &actor, id).await?;
    page(ShowPage {
        b: line(&t, &v),
        now: iso_local(state.app.now()).chars().take(16).collect(),
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

/// `bao-co-quan` (the authority was notified) or `bao-chu-the` (the data subjects were).
pub async fn act(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, action)): PathParam<(Uuid, String)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    match action.as_str() {
        "bao-co-quan" => {
            let n = AuthorityNotice {
                at: one(&f, "notified_at"),
                reference: one(&f, "authority_reference"),
            };
            breach::notify_authority(&state.app, &actor, id, &n).await?;
        }
        "bao-chu-the" => {
            breach::notify_subjects(&state.app, &actor, id, &one(&f, "notified_at")).await?;
        }
        _ => return Err(Failure::new(axum::http::StatusCode::NOT_FOUND, "not-found")),
    }
    Ok(Redirect::to(&format!("{PATH}/{id}")).into_response())
}
