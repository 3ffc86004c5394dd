//! The year of officer evaluation (issue 14 items 4–6): `/don-vi/{id}/xep-loai/{year}` (the
//! unit's annual ranking: preview, decision with the quota, publication; the commendation
//! proposals and records) and `/can-bo/{id}/ky-luat[/{case}]` (discipline cases and their
//! steps). Refused forms come back through `form_state` (422, the message next to the field,
//! the typed values kept); the use cases decide who may do what.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::evaluation::{
    CaseInput, CaseList, CaseView, DecideInput, NewCommendation, RankingView, StepInput,
    commendation, discipline, ranking,
};
use congbo_domain::evaluation::{Level, Points};
use congbo_domain::time::{dmy, dmy_hm};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::export::{Cell, Column, Kind, Table, Workbook, to_xlsx};
use crate::extract::{CurrentUser, PageForm, PathParam, QueryParam};
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

/// The minutes (*biên bản*) skeleton of the unit's meeting on the ranking: the proposed levels
/// with their reasons filled in, the rest left blank to fill by hand (Vietnamese only, as filed).
#[derive(Template)]
#[template(path = "evaluation_minutes.html")]
struct MinutesPage {
    t: Locale,
    nav: Option<Nav>,
    v: RankingView,
}

impl MinutesPage {
    fn pts(p: &Option<Points>) -> String {
        p.map_or("—".into(), |p| p.to_string())
    }
    fn level(&self, l: &Option<Level>) -> String {
        l.map_or_else(
            || self.t.t("rank-not-ranked"),
            |l| self.t.t(&format!("level-{}", l.as_str())),
        )
    }
    fn adjust(&self, reason: &str) -> String {
        self.t.t(&format!("rank-reason-{reason}"))
    }
    fn name(&self, id: &Uuid) -> String {
        self.v
            .result
            .rows
            .iter()
            .find(|r| r.officer == *id)
            .map_or_else(|| id.to_string(), |r| r.full_name.clone())
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RankingQuery {
    /// `xlsx`: the year's scores and ranking as a workbook (see [`workbook`]); `bien-ban`: the
    /// minutes skeleton of the unit's meeting.
    format: Option<String>,
}

pub async fn ranking_page(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    PathParam((id, year)): PathParam<(Uuid, String)>,
    QueryParam(q): QueryParam<RankingQuery>,
) -> Result<Response, Failure> {
    let v = ranking::view(&state.app, &actor, id, year_of(&year)?).await?;
    match q.format.as_deref() {
        None | Some("") | Some("html") => {}
        Some("xlsx") => return xlsx(&t, &v),
        Some("bien-ban") => {
            return page(MinutesPage {
                nav: Some(Nav::of(&actor)),
                t,
                v,
            });
        }
        Some(_) => return Err(Failure::new(StatusCode::NOT_FOUND, "not-found")),
    }
    page(RankingPage {
        nav: Some(Nav::of(&actor)),
        me: actor.principal.user_id,
        t,
        form,
        v,
    })
}

/// The XLSX layout for a provincial system (stable codes, one row per officer; documented in
/// `docs/ARCHITECTURE.md`, "Officer evaluation"). Sheet 1 `xep-loai-<year>`: `stt`,
/// `officer_id`, `full_name`, `group` (`staff` | `heads`), `months`, `average` (points, 2
/// decimals; empty when no score), `level_by_score`, `level` (`excellent` | `good` |
/// `completed` | `not_completed`; empty: not ranked), `level_label`, `adjustments` (reason
/// codes, `;`), `references` (decision numbers of overrides). Sheet 2 `diem-ky-<year>`:
/// `officer_id`, `full_name`, `period` (`2026-03`, `2026-q2`), `total`.
pub fn workbook(t: &Locale, v: &RankingView) -> Workbook {
    let code = |l: &Option<Level>| l.map_or(String::new(), |l| l.as_str().to_string());
    let pts = |p: &Option<Points>| Cell::num(p.map(|p| p.0 as f64 / 1000.0));
    let col = |h: &str, k| Column::new(h, k);
    let mut ranking = Table {
        title: format!("xep-loai-{}", v.year),
        subtitle: vec![format!(
            "{} ({}) · {} · {}",
            v.office_name, v.office_code, v.result.basis, v.state
        )],
        columns: vec![
            col("stt", Kind::Integer),
            col("officer_id", Kind::Text),
            col("full_name", Kind::Text),
            col("group", Kind::Text),
            col("months", Kind::Integer),
            col("average", Kind::Decimal2),
            col("level_by_score", Kind::Text),
            col("level", Kind::Text),
            col("level_label", Kind::Text),
            col("adjustments", Kind::Text),
            col("references", Kind::Text),
        ],
        ..Table::default()
    };
    let mut periods = Table {
        title: format!("diem-ky-{}", v.year),
        columns: vec![
            col("officer_id", Kind::Text),
            col("full_name", Kind::Text),
            col("period", Kind::Text),
            col("total", Kind::Decimal2),
        ],
        ..Table::default()
    };
    for (i, r) in v.result.rows.iter().enumerate() {
        let k = &r.ranking;
        let label = k.level.map_or_else(
            || t.t("rank-not-ranked"),
            |l| t.t(&format!("level-{}", l.as_str())),
        );
        let reasons: Vec<&str> = k.adjustments.iter().map(|a| a.reason.as_str()).collect();
        let refs: Vec<&str> = k.overrides.iter().map(|o| o.reference.as_str()).collect();
        ranking.rows.push(vec![
            Cell::Int(i as i64 + 1),
            r.officer.to_string().into(),
            r.full_name.clone().into(),
            r.group.clone().into(),
            Cell::Int(i64::from(k.months_counted)),
            pts(&k.average),
            code(&k.suggested).into(),
            code(&k.level).into(),
            label.into(),
            reasons.join(";").into(),
            refs.join(";").into(),
        ]);
        for p in &r.periods {
            periods.rows.push(vec![
                r.officer.to_string().into(),
                r.full_name.clone().into(),
                p.period.code().into(),
                pts(&Some(p.total)),
            ]);
        }
    }
    for (g, q) in &v.result.quotas {
        ranking.notes.push(format!(
            "{g}: {} {} → {} ({} {})",
            q.base.as_str(),
            q.base_count,
            q.cap,
            q.base.other().as_str(),
            q.other_reading_cap
        ));
    }
    Workbook {
        sheets: vec![ranking, periods],
        header: None,
    }
}

fn xlsx(t: &Locale, v: &RankingView) -> Result<Response, Failure> {
    let bytes = to_xlsx(&workbook(t, v)).map_err(|e| {
        tracing::error!(error = %e, "ranking xlsx");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    })?;
    let name = format!("xep-loai-{}-{}.xlsx", v.office_code, v.year)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
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
