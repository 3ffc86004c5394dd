//! `/bao-cao`: where it leads, a head's dashboard of one office, a province's comparison.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::report::dashboard::{self, CompareRow, Dashboard, DashboardQuery, Sort};
use congbo_app::report::figures::FigureQuery;
use congbo_store::repo::office::OfficeRow;
use serde::Deserialize;
use uuid::Uuid;

use super::{Filters, minutes, num, pct, refused};
use crate::AppState;
use crate::api::report::{FigureParams, SortParams};
use crate::charts::{self, Caption, Item, Series};
use crate::error::Failure;
use crate::extract::{CurrentUser, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view::{Nav, page_with};

/// `GET /bao-cao`: the caller's first office with figures; a province (an office with offices
/// under it) opens on the comparison.
pub async fn home(
    State(s): State<AppState>,
    CurrentUser(actor): CurrentUser,
) -> Result<Response, Failure> {
    match dashboard::home(&s.app, &actor).await? {
        None => Err(Failure::new(StatusCode::FORBIDDEN, "forbidden")),
        Some(h) if h.compare => {
            Ok(Redirect::to(&format!("/bao-cao/{}/so-sanh", h.office_id)).into_response())
        }
        Some(h) => Ok(Redirect::to(&format!("/bao-cao/{}", h.office_id)).into_response()),
    }
}

#[derive(Template)]
#[template(path = "report_dashboard.html")]
struct DashboardPage {
    t: Locale,
    nav: Option<Nav>,
    office: OfficeRow,
    groups: Vec<(Uuid, String)>,
    f: Filters,
    period: String,
    d: Option<Dashboard>,
    hours_chart: String,
    trend_chart: String,
}

impl DashboardPage {
    fn num(&self, v: &Option<f64>) -> String {
        num(&self.t, *v)
    }
    fn action(&self) -> String {
        format!("/bao-cao/{}", self.office.id)
    }
    fn pct(&self, v: &Option<f64>) -> String {
        pct(&self.t, *v)
    }
    fn minutes(&self, v: &Option<i64>) -> String {
        minutes(*v)
    }
    fn drill(&self, figure: &str) -> String {
        format!(
            "/bao-cao/{}/chi-tiet/{figure}?{}",
            self.office.id,
            self.f.qs()
        )
    }
}

/// The trend of on-time and satisfied shares, month by month.
fn trend_chart(t: &Locale, months: &[(String, Option<f64>, Option<f64>)]) -> String {
    let (title, empty) = (t.t("report-trend"), t.t("report-no-data"));
    let cap = Caption {
        title: &title,
        empty: &empty,
        comma: t.code() == "vi",
    };
    let labels: Vec<String> = months.iter().map(|m| m.0.clone()).collect();
    let series = vec![
        Series {
            name: t.t("report-on-time-share"),
            points: months.iter().map(|m| m.1).collect(),
        },
        Series {
            name: t.t("report-satisfied-share"),
            points: months.iter().map(|m| m.2).collect(),
        },
    ];
    charts::line_chart(&cap, &labels, &series)
}

fn hours_chart(t: &Locale, d: &Dashboard) -> String {
    let (title, empty) = (t.t("report-queue-by-hour"), t.t("report-no-data"));
    let cap = Caption {
        title: &title,
        empty: &empty,
        comma: t.code() == "vi",
    };
    let by = &d.current.issued_by_hour;
    let items: Vec<Item> = match (by.keys().next(), by.keys().last()) {
        (Some(&a), Some(&b)) => (a..=b)
            .map(|h| Item::new(format!("{h}h"), by.get(&h).copied().unwrap_or(0) as f64))
            .collect(),
        _ => Vec::new(),
    };
    charts::column_chart(&cap, &items)
}

/// `GET /bao-cao/{id}`: the office's dashboard over the filtered period.
pub async fn dashboard(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
) -> Result<Response, Failure> {
    let (office, groups) = dashboard::office(&s.app, &actor, id).await?;
    let mut f = Filters::of(&p, None);
    let mut page = DashboardPage {
        nav: Some(Nav::of(&actor)),
        office,
        groups,
        f: Filters::default(),
        period: String::new(),
        d: None,
        hours_chart: String::new(),
        trend_chart: String::new(),
        t,
    };
    let result = match p.query(s.app.now(), id) {
        Ok((period, q)) => {
            let (key, args) = period.label_key();
            page.period = page.t.t_args(key, &args);
            let prev = period.previous();
            let dq = DashboardQuery {
                figures: q,
                previous: (prev.from, prev.to),
            };
            dashboard::dashboard(&s.app, &actor, &dq).await
        }
        Err(e) => Err(e),
    };
    let status = match result {
        Ok(d) => {
            let months: Vec<_> = d
                .trend
                .iter()
                .map(|(m, _, h)| (m.clone(), h.on_time_pct, h.satisfied_pct))
                .collect();
            page.trend_chart = trend_chart(&page.t, &months);
            page.hours_chart = hours_chart(&page.t, &d);
            page.d = Some(d);
            StatusCode::OK
        }
        Err(e) => {
            let (status, err) = refused(&page.t, e)?;
            f.error = Some(err);
            status
        }
    };
    page.f = f;
    page_with(status, page)
}

#[derive(Template)]
#[template(path = "report_compare.html")]
struct ComparePage {
    t: Locale,
    nav: Option<Nav>,
    office: OfficeRow,
    f: Filters,
    period: String,
    groups: Vec<(Uuid, String)>,
    rows: Vec<CompareRow>,
    sorts: Vec<&'static str>,
    chart: String,
    trend_chart: String,
}

impl ComparePage {
    fn action(&self) -> String {
        format!("/bao-cao/{}/so-sanh", self.office.id)
    }
    fn pct(&self, v: &Option<f64>) -> String {
        pct(&self.t, *v)
    }
    fn num(&self, v: &Option<f64>) -> String {
        num(&self.t, *v)
    }
    /// The same filters with another order.
    fn sort_link(&self, sort: &str) -> String {
        let qs = self.f.qs();
        let sep = if qs.is_empty() { "" } else { "&" };
        format!("/bao-cao/{}/so-sanh?{qs}{sep}sort={sort}", self.office.id)
    }
    fn office_link(&self, r: &CompareRow) -> String {
        let f = Filters {
            subtree: !r.own,
            ..self.f.clone()
        };
        format!("/bao-cao/{}?{}", r.office_id, f.qs())
    }
    /// The list behind one office's figure (its own counters for the caller's own row).
    fn drill_link(&self, r: &CompareRow, figure: &str) -> String {
        let f = Filters {
            subtree: !r.own,
            ..self.f.clone()
        };
        format!("/bao-cao/{}/chi-tiet/{figure}?{}", r.office_id, f.qs())
    }
}

#[derive(Deserialize)]
pub struct CompareExtra {
    sort: Option<String>,
}

/// `GET /bao-cao/{id}/so-sanh`: every office under it side by side, sortable.
pub async fn compare(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
    QueryParam(x): QueryParam<CompareExtra>,
) -> Result<Response, Failure> {
    let (office, _) = dashboard::office(&s.app, &actor, id).await?;
    let mut f = Filters::of(&p, x.sort.as_deref());
    let mut page = ComparePage {
        nav: Some(Nav::of(&actor)),
        office,
        f: Filters::default(),
        period: String::new(),
        groups: Vec::new(),
        rows: Vec::new(),
        sorts: Sort::ALL.iter().map(|s| s.as_str()).collect(),
        chart: String::new(),
        trend_chart: String::new(),
        t,
    };
    let sort = SortParams { sort: x.sort };
    let result = match (p.query(s.app.now(), id), sort.sort()) {
        (Ok((period, q)), Ok(sort)) => {
            let (key, args) = period.label_key();
            page.period = page.t.t_args(key, &args);
            let trend_q = FigureQuery {
                subtree: true,
                ..q.clone()
            };
            match dashboard::compare(&s.app, &actor, &q, sort).await {
                Ok(rows) => dashboard::trend(&s.app, &actor, &trend_q)
                    .await
                    .map(|trend| (rows, trend)),
                Err(e) => Err(e),
            }
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let status = match result {
        Ok((rows, trend)) => {
            let (title, empty) = (page.t.t("report-on-time-share"), page.t.t("report-no-data"));
            let cap = Caption {
                title: &title,
                empty: &empty,
                comma: page.t.code() == "vi",
            };
            let items: Vec<Item> = rows
                .iter()
                .filter(|r| !r.own)
                .filter_map(|r| Some(Item::new(r.name.clone(), r.headline.on_time_pct?)))
                .collect();
            page.chart = charts::bar_chart(&cap, &items, charts::Axis::Percent);
            let months: Vec<_> = trend
                .iter()
                .map(|(m, _, h)| (m.clone(), h.on_time_pct, h.satisfied_pct))
                .collect();
            page.trend_chart = trend_chart(&page.t, &months);
            page.rows = rows;
            StatusCode::OK
        }
        Err(e) => {
            let (status, err) = refused(&page.t, e)?;
            f.error = Some(err);
            status
        }
    };
    page.f = f;
    page_with(status, page)
}
