//! The office's side of personal data: the requests to answer (`/du-lieu-ca-nhan`) and who
//! viewed a dossier's personal data (`/ho-so/{id}/truy-cap`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::privacy::{access, staff};
use congbo_domain::time::{dmy_hm, dmy_text};
use congbo_store::repo::dossier::DossierRow;
use congbo_store::repo::privacy::{AccessRow, RequestRow};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, page};

#[derive(Template)]
#[template(path = "privacy_requests.html")]
struct RequestsPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    requests: Vec<RequestRow>,
    today: String,
}

impl RequestsPage {
    fn at(&self, micros: &i64) -> String {
        dmy_hm(*micros)
    }
    fn day(&self, d: &Option<String>) -> String {
        d.as_deref().map(dmy_text).unwrap_or_default()
    }
    fn late(&self, r: &RequestRow) -> bool {
        r.state == "open" && r.due.as_deref().is_some_and(|d| d < self.today.as_str())
    }
}

/// `GET /du-lieu-ca-nhan`: the correction and erasure requests of the caller's offices.
pub async fn requests(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
) -> Result<Response, Failure> {
    let requests = staff::requests(&s.app, &actor).await?;
    page(RequestsPage {
        t,
        nav: Some(Nav::of(&actor)),
        form,
        requests,
        today: congbo_domain::time::local_date(s.app.now()).to_string(),
    })
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    answer: String,
}

/// `POST /du-lieu-ca-nhan/yeu-cau/{id}`: answer a request (`outcome` = done | refused).
pub async fn answer(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<AnswerForm>,
) -> Result<Response, Failure> {
    let accept = match f.outcome.as_str() {
        "done" => true,
        "refused" => false,
        _ => {
            return Err(
                congbo_app::AppError::from(congbo_domain::DomainError::field(
                    "required", "outcome",
                ))
                .into(),
            );
        }
    };
    staff::answer(&s.app, &actor, id, accept, &f.answer).await?;
    Ok(Redirect::to("/du-lieu-ca-nhan").into_response())
}

#[derive(Deserialize)]
pub struct ExtendForm {
    #[serde(default)]
    reason: String,
}

/// `POST /du-lieu-ca-nhan/yeu-cau/{id}/gia-han`: extend the answer date once.
pub async fn extend(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<ExtendForm>,
) -> Result<Response, Failure> {
    staff::extend(&s.app, &actor, id, &f.reason).await?;
    Ok(Redirect::to("/du-lieu-ca-nhan").into_response())
}

#[derive(Template)]
#[template(path = "dossier_access.html")]
struct AccessPage {
    t: Locale,
    nav: Option<Nav>,
    row: DossierRow,
    log: Vec<AccessRow>,
}

impl AccessPage {
    fn at(&self, micros: &i64) -> String {
        dmy_hm(*micros)
    }
}

/// `GET /ho-so/{id}/truy-cap`: who viewed this dossier's personal data.
pub async fn dossier_log(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let (row, log) = access::of_dossier(&s.app, &actor, id).await?;
    page(AccessPage {
        t,
        nav: Some(Nav::of(&actor)),
        row,
        log,
    })
}
