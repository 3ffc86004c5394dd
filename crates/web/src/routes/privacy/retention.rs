//! `/du-lieu-ca-nhan/luu-tru`: the retention periods of personal data (issue 18), with each
//! kind's default, legal minimum, reason, and what the job would treat today; administrators
//! of a top-level office change the periods here.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::privacy::retention::{self, PlanLine};
use congbo_domain::privacy::retention::RecordKind;
use congbo_domain::time::dmy_hm;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, page};

pub const PATH: &str = "/du-lieu-ca-nhan/luu-tru";

/// One kind as the page shows it.
pub struct Line {
    pub field: &'static str,
    pub label: String,
    pub treatment: String,
    pub reason: String,
    pub unit: String,
    pub amount: String,
    pub default: u32,
    pub minimum: u32,
    pub overridden: bool,
    pub cutoff: String,
    pub due: i64,
}

fn line(t: &Locale, l: &PlanLine) -> Line {
    let r = l.period.rule;
    let kind = r.kind.as_str();
    Line {
        field: r.kind.field(),
        label: t.t(&format!("retention-kind-{kind}")),
        treatment: t.t(&format!("retention-treatment-{}", r.treatment.as_str())),
        reason: t.t(&format!("retention-reason-{kind}")),
        unit: t.t(&format!("retention-unit-{}", r.unit.as_str())),
        amount: l.period.amount.to_string(),
        default: r.default,
        minimum: r.minimum,
        overridden: l.period.overridden,
        cutoff: dmy_hm(l.cutoff),
        due: l.due,
    }
}

#[derive(Template)]
#[template(path = "privacy_retention.html")]
struct RetentionPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    lines: Vec<Line>,
}

pub async fn page_get(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
) -> Result<Response, Failure> {
    let plan = retention::overview(&state.app, &actor).await?;
    page(RetentionPage {
        lines: plan.iter().map(|l| line(&t, l)).collect(),
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

pub async fn save(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let typed: Vec<(RecordKind, String)> = RecordKind::ALL
        .iter()
        .filter_map(|k| {
            f.iter()
                .find(|(name, _)| name == k.field())
                .map(|(_, v)| (*k, v.clone()))
        })
        .collect();
    retention::set_periods(&state.app, &actor, &typed).await?;
    Ok(Redirect::to(PATH).into_response())
}
