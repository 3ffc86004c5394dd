//! `/bao-cao/{office_id}/chi-so-766`: the Decision 766 scorecard of an office (or its
//! subtree) over a period: every indicator with its numerator, denominator, rate, points,
//! maximum and formula in words; the indicators congbo cannot compute read "no data yet", never
//! zero; the total, score and band, and which version of the rules applied. With `subtree`, one
//! line per child office as well. The period is read like the JSON API ([`FigureParams`]).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use congbo_app::report::index766;
use congbo_domain::index766::{Indicator, IndicatorResult, NoData, Rules766, Scorecard, Status};
use congbo_domain::time::dmy;
use uuid::Uuid;

use super::periodic::PeriodForm;
use crate::AppState;
use crate::api::report::FigureParams;
use crate::error::Failure;
use crate::extract::{CurrentUser, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view::{self, Nav};

/// A number with 2 decimals as the locale writes it.
fn dec(t: &Locale, v: f64) -> String {
    let s = format!("{v:.2}");
    if *t == Locale::Vi {
        s.replace('.', ",")
    } else {
        s
    }
}

fn count(t: &Locale, n: u64) -> String {
    let s = crate::routes::catalog::group_thousands(n);
    if *t == Locale::Vi {
        s
    } else {
        s.replace('.', ",")
    }
}

pub struct IndicatorLine {
    pub id: &'static str,
    pub name: String,
    pub formula: String,
    pub numerator: String,
    pub denominator: String,
    pub rate: String,
    pub points: String,
    pub max: String,
    pub full_at: String,
    /// Why there is no value ("no data yet …"), when there is none.
    pub no_data: Option<String>,
}

pub struct GroupLines {
    pub title: String,
    pub summary: String,
    pub lines: Vec<IndicatorLine>,
}

pub struct CardView {
    pub groups: Vec<GroupLines>,
    pub total: String,
    pub max: String,
    pub score: String,
    pub band: String,
    pub rules: String,
    pub mapping: String,
}

pub struct ChildLine {
    pub name: String,
    pub on_time: String,
    pub total: String,
    pub score: String,
    pub band: String,
}

#[derive(Template)]
#[template(path = "report_766.html")]
struct Index766Page {
    t: Locale,
    nav: Option<Nav>,
    office_id: Uuid,
    heading: String,
    form: PeriodForm,
    error: Option<String>,
    period_label: String,
    to_periodic: String,
    card: Option<CardView>,
    children: Vec<ChildLine>,
}

fn line(t: &Locale, i: &IndicatorResult) -> IndicatorLine {
    let key = i.id.id().replace('.', "-");
    let na = "—".to_string();
    let no_data = match i.status {
        Status::Computed => None,
        Status::NoData(NoData::NotCollected) => Some(t.t("index766-not-collected")),
        Status::NoData(NoData::NothingToCount) => Some(t.t("index766-nothing-to-count")),
    };
    let collected = i.status != Status::NoData(NoData::NotCollected);
    IndicatorLine {
        id: i.id.id(),
        name: t.t(&format!("index766-indicator-{key}")),
        formula: t.t(i.formula),
        numerator: if collected {
            count(t, i.numerator)
        } else {
            na.clone()
        },
        denominator: if collected {
            count(t, i.denominator)
        } else {
            na.clone()
        },
        rate: i
            .rate_pct
            .map_or(na.clone(), |r| format!("{} %", dec(t, r))),
        points: i.points.map_or(na, |p| dec(t, p)),
        max: dec(t, i.max_points),
        full_at: format!("{} %", dec(t, i.full_at_pct)),
        no_data,
    }
}

fn band(t: &Locale, s: &Scorecard) -> String {
    s.band.map_or_else(
        || t.t("report-na"),
        |b| t.t(&format!("index766-band-{}", b.as_str())),
    )
}

fn card(t: &Locale, s: &Scorecard, rules: &Rules766, open_as_of: &str) -> CardView {
    let groups = s
        .groups
        .iter()
        .map(|g| {
            let number = g.group.number().to_string();
            let summary = if g.computed == 0 {
                t.t_args("index766-group-no-data", &[("number", number.clone())])
            } else {
                t.t_args(
                    "index766-group-points",
                    &[
                        ("number", number.clone()),
                        ("points", dec(t, g.points)),
                        ("max", dec(t, g.computed_max)),
                        ("group_max", dec(t, g.max_points)),
                    ],
                )
            };
            GroupLines {
                title: format!(
                    "{number}. {}",
                    t.t(&format!("index766-group-{}", g.group.as_str()))
                ),
                summary,
                lines: s
                    .indicators
                    .iter()
                    .filter(|i| i.group == g.group)
                    .map(|i| line(t, i))
                    .collect(),
            }
        })
        .collect();
    CardView {
        groups,
        total: dec(t, s.total),
        max: dec(t, s.max),
        score: s.score_pct.map_or_else(|| t.t("report-na"), |v| dec(t, v)),
        band: band(t, s),
        rules: t.t_args(
            "index766-rules",
            &[
                ("source", rules.source.clone()),
                ("date", dmy(s.rules_effective_from)),
            ],
        ),
        mapping: t.t_args("index766-mapping", &[("date", open_as_of.to_string())]),
    }
}

pub async fn page(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(office_id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
) -> Result<Response, Failure> {
    let form = PeriodForm::of(&p);
    let mut page = Index766Page {
        t,
        nav: Some(Nav::of(&actor)),
        office_id,
        heading: t.t("index766-title"),
        to_periodic: form.query(&[]),
        form,
        error: None,
        period_label: String::new(),
        card: None,
        children: Vec::new(),
    };
    let result = match p.query(s.app.now(), office_id) {
        Ok((period, q)) => match index766::scorecards_by_office(&s.app, &actor, &q).await {
            Ok(by_office) => index766::scorecard(&s.app, &actor, &q)
                .await
                .map(|main| (period, q, main, by_office)),
            Err(e) => Err(e),
        },
        Err(e) => Err(e),
    };
    let (period, q, (_, main), by_office) = match result {
        Ok(x) => x,
        Err(e) => {
            let (status, msg) = view::refusal(&t, e)?;
            page.error = Some(msg);
            return view::page_with(status, page);
        }
    };
    let (key, args) = period.label_key();
    page.period_label = t.t_args(key, &args);
    if let Some((o, ..)) = by_office.first() {
        page.heading = t.t_args("index766-heading", &[("office", o.name.clone())]);
    }
    let versions = Rules766::builtin();
    let rules = versions
        .iter()
        .find(|r| r.effective_from == main.rules_effective_from)
        .unwrap_or(&versions[0]);
    let open_as_of = dmy(q.to.min(congbo_domain::time::local_date(s.app.now())));
    page.card = Some(card(&t, &main, rules, &open_as_of));
    if q.subtree && by_office.len() > 1 {
        page.children = by_office
            .iter()
            .enumerate()
            .map(|(i, (o, _, sc))| ChildLine {
                name: if i == 0 {
                    format!("{} {}", o.name, t.t("index766-own"))
                } else {
                    o.name.clone()
                },
                on_time: sc
                    .indicators
                    .iter()
                    .find(|i| i.id == Indicator::OnTime)
                    .and_then(|i| i.rate_pct)
                    .map_or_else(|| t.t("report-na"), |r| format!("{} %", dec(&t, r))),
                total: dec(&t, sc.total),
                score: sc
                    .score_pct
                    .map_or_else(|| t.t("report-na"), |v| dec(&t, v)),
                band: band(&t, sc),
            })
            .collect();
    }
    view::page(page)
}
