//! The year of officer evaluation (issue 14 items 4–6): `/don-vi/{id}/xep-loai/{year}` (the
//! unit's annual ranking: preview, decision with the quota, publication; the commendation
//! proposals and records) and `/can-bo/{id}/ky-luat[/{case}]` (discipline cases and their
//! steps). Refused forms come back through `form_state` (422, the message next to the field,
//! the typed values kept); the use cases decide who may do what.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::evaluation::{
    CaseInput, CaseList, CaseView, DecideInput, NewCommendation, RankingView, StepInput,
    commendation, discipline, ranking,
};
use congbo_domain::evaluation::{Level, Points};
use congbo_domain::time::{dmy, dmy_hm};
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, page};

type Fields = Vec<(String, String)>;

fn field<'a>(f: &'a Fields, name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn on(f: &Fields, name: &str) -> bool {
    matches!(field(f, name), "on" | "true" | "1")
}

/// A year from a path segment; anything else is not found.
pub fn year_of(s: &str) -> Result<i16, Failure> {
    s.parse::<i16>()
        .map_err(|_| Failure::new(StatusCode::NOT_FOUND, "not-found"))
}

pub fn ranking_path(office: Uuid, year: i16) -> String {
    format!("/don-vi/{office}/xep-loai/{year}")
}

// ---------------------------------------------------------------------------------------------
// The annual ranking

#[derive(Template)]
#[template(path = "evaluation_ranking.html")]
struct RankingPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    v: RankingView,
    me: Uuid,
}

impl RankingPage {
    fn pts(p: &Option<Points>) -> String {
        p.map_or("—".into(), |p| p.to_string())
    }
    fn level(&self, l: &Option<Level>) -> String {
        l.map_or_else(
            || self.t.t("rank-not-ranked"),
            |l| self.t.t(&format!("level-{}", l.as_str())),
        )
    }
    fn day(d: &jiff::civil::Date) -> String {
        dmy(*d)
    }
    fn at(v: &Option<i64>) -> String {
        v.map_or("—".into(), dmy_hm)
    }
    fn name(&self, id: &Uuid) -> String {
        self.v
            .result
            .rows
            .iter()
            .find(|r| r.officer == *id)
            .map_or_else(|| id.to_string(), |r| r.full_name.clone())
    }
    fn adjust(&self, reason: &str) -> String {
        self.t.t(&format!("rank-reason-{reason}"))
    }
    fn base_is(&self, code: &str) -> bool {
        self.v.result.settings.quota_base.as_str() == code
    }
    fn outstanding(&self) -> bool {
        self.v.result.settings.outstanding_unit
    }
    fn has_heads(&self) -> bool {
        self.v.result.rows.iter().any(|r| r.group == "heads")
    }
    fn title(&self, code: &str) -> String {
        self.t.t(&format!("title-{code}"))
    }
    fn code(l: &Option<Level>) -> &'static str {
        l.map_or("none", Level::as_str)
    }
    fn is(l: &Option<Level>, code: &str) -> bool {
        Self::code(l) == code
    }
    fn levels() -> [&'static str; 4] {
        Level::ALL.map(Level::as_str)
    }
    fn titles() -> [&'static str; 3] {
        commendation::TITLES
    }
}

pub async fn ranking_page(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    PathParam((id, year)): PathParam<(Uuid, String)>,
) -> Result<Response, Failure> {
    let v = ranking::view(&state.app, &actor, id, year_of(&year)?).await?;
    page(RankingPage {
        nav: Some(Nav::of(&actor)),
        me: actor.principal.user_id,
        t,
        form,
        v,
    })
}

/// The head decides the ranking: `quota_base`, `outstanding_unit`, `unit_<officer id>` (the
/// level of the office a head ranked here heads).
pub async fn decide(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, year)): PathParam<(Uuid, String)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, Failure> {
    let year = year_of(&year)?;
    let input = DecideInput {
        quota_base: field(&f, "quota_base").to_string(),
        outstanding_unit: on(&f, "outstanding_unit"),
        unit_levels: f
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("unit_")?.parse().ok()?, v.clone())))
            .collect(),
    };
    ranking::decide(&state.app, &actor, id, year, &input).await?;
    Ok(Redirect::to(&ranking_path(id, year)).into_response())
}

pub async fn publish(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, year)): PathParam<(Uuid, String)>,
) -> Result<Response, Failure> {
    let year = year_of(&year)?;
    ranking::publish(&state.app, &actor, id, year).await?;
    Ok(Redirect::to(&ranking_path(id, year)).into_response())
}

/// The head records a title or certificate proposed from the ranking.
pub async fn commend(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, year)): PathParam<(Uuid, String)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, Failure> {
    let year = year_of(&year)?;
    let input = NewCommendation {
        officer: field(&f, "officer").parse().unwrap_or_default(),
        title: field(&f, "award").to_string(),
        decision_no: field(&f, "decision_no").to_string(),
        decided_on: field(&f, "decided_on").to_string(),
        issuer: field(&f, "issuer").to_string(),
        initiative: on(&f, "initiative"),
    };
    commendation::record(&state.app, &actor, id, year, &input).await?;
    Ok(Redirect::to(&format!("{}#commendations", ranking_path(id, year))).into_response())
}

// ---------------------------------------------------------------------------------------------
// Discipline

#[derive(Template)]
#[template(path = "evaluation_discipline.html")]
struct DisciplinePage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    list: CaseList,
    /// One case shown with its steps (the case page).
    case: Option<CaseView>,
}

impl DisciplinePage {
    fn day(d: &jiff::civil::Date) -> String {
        dmy(*d)
    }
    fn opt_day(d: &Option<jiff::civil::Date>) -> String {
        d.map_or("—".into(), dmy)
    }
    fn sanction(&self, c: &CaseView) -> String {
        match c.case.decision.as_ref() {
            Some(d) => match d.sanction {
                Some(s) => self.t.t(&format!("sanction-{}", s.as_str())),
                None => self.t.t("sanction-none"),
            },
            None => "—".into(),
        }
    }
    fn may(c: &CaseView, action: &str) -> bool {
        c.actions.contains(&action)
    }
    fn sanctions() -> [&'static str; 4] {
        ["reprimand", "warning", "removal", "dismissal"]
    }
}

pub fn discipline_path(officer: Uuid) -> String {
    format!("/can-bo/{officer}/ky-luat")
}

pub async fn discipline_page(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let list = discipline::cases(&state.app, &actor, id).await?;
    page(DisciplinePage {
        nav: Some(Nav::of(&actor)),
        t,
        form,
        list,
        case: None,
    })
}

pub async fn case_page(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    PathParam((id, case)): PathParam<(Uuid, Uuid)>,
) -> Result<Response, Failure> {
    let c = discipline::case(&state.app, &actor, id, case).await?;
    let list = discipline::cases(&state.app, &actor, id).await?;
    page(DisciplinePage {
        nav: Some(Nav::of(&actor)),
        t,
        form,
        list,
        case: Some(c),
    })
}

pub async fn open_case(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, Failure> {
    let input = CaseInput {
        violation_end: field(&f, "violation_end").to_string(),
        detected_on: field(&f, "detected_on").to_string(),
        severity: field(&f, "severity").to_string(),
        limitation: field(&f, "limitation").to_string(),
        duty_related: on(&f, "duty_related"),
        summary: field(&f, "summary").to_string(),
        source: Some(field(&f, "source").to_string()),
    };
    let c = discipline::open(&state.app, &actor, id, &input).await?;
    Ok(Redirect::to(&format!("{}/{}", discipline_path(id), c.id)).into_response())
}

/// Page actions and the domain's names.
const STEPS: [(&str, &str); 7] = [
    ("hop-kiem-diem", "hold_review_meeting"),
    ("hoi-dong", "hold_council"),
    ("quyet-dinh", "decide"),
    ("quyet-dinh-ngay", "decide_directly"),
    ("tam-hoan", "defer"),
    ("tiep-tuc", "resume"),
    ("gia-han", "extend"),
];

/// Reads a typed step from form or JSON fields (shared with the API).
pub fn step_input(action: &str, f: &Fields) -> StepInput {
    StepInput {
        action: action.to_string(),
        on: field(f, "on").to_string(),
        minutes_ref: field(f, "minutes_ref").to_string(),
        members_present: field(f, "members_present").to_string(),
        chair_present: on(f, "chair_present"),
        for_discipline: field(f, "for_discipline").to_string(),
        against_discipline: field(f, "against_discipline").to_string(),
        form_votes: f
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("votes_")?.to_string(), v.clone())))
            .collect(),
        number: field(f, "number").to_string(),
        sanction: field(f, "sanction").to_string(),
        effective_from: field(f, "effective_from").to_string(),
        basis: field(f, "basis").to_string(),
        reason: field(f, "reason").to_string(),
    }
}

pub async fn case_step(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, case, action)): PathParam<(Uuid, Uuid, String)>,
    PageForm(f): PageForm<Fields>,
) -> Result<Response, Failure> {
    let Some((_, name)) = STEPS.iter().find(|(p, _)| *p == action) else {
        return Err(Failure::new(StatusCode::NOT_FOUND, "not-found"));
    };
    discipline::step(&state.app, &actor, id, case, &step_input(name, &f)).await?;
    Ok(Redirect::to(&format!("{}/{case}", discipline_path(id))).into_response())
}
