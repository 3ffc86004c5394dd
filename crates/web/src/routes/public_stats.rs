//! Public statistics pages (no sign-in): `/thong-ke` (every office, a month and its year, with
//! a name filter), `/thong-ke/{id}` (one office with its monthly trend) and `/thong-ke.csv`
//! (the same numbers as `GET /api/v1/public/statistics`, CSV with a BOM).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congbo_app::report::public::{
    self, OfficeStatistics, PublicFigures, PublicOffice, PublicPeriods,
};
use congbo_domain::report::Period;
use uuid::Uuid;

use crate::AppState;
use crate::api::public_stats::{StatsParams, columns, values};
use crate::charts::{self, Caption, Series};
use crate::error::Failure;
use crate::export::{Column, Kind, Table, to_csv};
use crate::extract::{MaybeUser, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view::{Nav, page_with, refusal};

/// What both pages show of a figure set: formatting for the viewer's language.
trait Show {
    fn locale(&self) -> &Locale;
    /// A share with 2 decimals ("97,50 %" in Vietnamese), "—" when nothing was counted.
    fn pct(&self, p: &Option<f64>) -> String {
        match p {
            Some(v) if self.locale().code() == "vi" => format!("{v:.2} %").replace('.', ","),
            Some(v) => format!("{v:.2} %"),
            None => "—".into(),
        }
    }
    fn band(&self, f: &PublicFigures) -> String {
        match &f.band {
            Some(b) => self.locale().t(&format!("stats-band-{b}")),
            None => self.locale().t("stats-no-data"),
        }
    }
    fn period(&self, p: &Period) -> String {
        let (key, args) = p.label_key();
        self.locale().t_args(key, &args)
    }
}

#[derive(Template)]
#[template(path = "public_stats.html")]
struct ListPage {
    t: Locale,
    nav: Option<Nav>,
    period: String,
    q: String,
    error: Option<String>,
    periods: Option<PublicPeriods>,
    offices: Vec<PublicOffice>,
}

impl Show for ListPage {
    fn locale(&self) -> &Locale {
        &self.t
    }
}

impl ListPage {
    /// The CSV link for the same selection.
    fn csv_href(&self) -> String {
        let mut q = vec![];
        if !self.period.trim().is_empty() {
            q.push(format!("period={}", urlencoding(&self.period)));
        }
        if !self.q.trim().is_empty() {
            q.push(format!("q={}", urlencoding(&self.q)));
        }
        if q.is_empty() {
            "/thong-ke.csv".into()
        } else {
            format!("/thong-ke.csv?{}", q.join("&"))
        }
    }
    /// The month's figures (if any), then the year's.
    fn figs<'a>(&self, o: &'a PublicOffice) -> Vec<&'a PublicFigures> {
        o.month.iter().chain([&o.year]).collect()
    }
    /// A new group starts at row `i`.
    fn starts_group(&self, i: &usize) -> bool {
        *i == 0 || self.offices[*i - 1].group_id != self.offices[*i].group_id
    }
}

fn urlencoding(s: &str) -> String {
    s.trim()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /thong-ke?period=&q=`: every office's figures. A bad period is shown next to its
/// field (422) with what was typed kept.
pub async fn list(
    State(s): State<AppState>,
    t: Locale,
    MaybeUser(actor): MaybeUser,
    QueryParam(p): QueryParam<StatsParams>,
) -> Result<Response, Failure> {
    let mut page = ListPage {
        nav: actor.as_ref().map(Nav::of),
        period: p.period.clone().unwrap_or_default(),
        q: p.q.clone(),
        error: None,
        periods: None,
        offices: vec![],
        t,
    };
    let read = async {
        let (periods, filter) = p.parse(s.app.now())?;
        public::statistics(&s.app, &periods, &filter).await
    };
    match read.await {
        Ok(st) => {
            page.periods = Some(st.periods);
            page.offices = st.offices;
            page_with(StatusCode::OK, page)
        }
        Err(e) => {
            let (status, msg) = refusal(&page.t, e)?;
            page.error = Some(msg);
            page_with(status, page)
        }
    }
}

/// `GET /thong-ke.csv?period=&q=&office=`: the open data as CSV (UTF-8 with a BOM), one row
/// per office and period, the columns named like the JSON fields.
pub async fn csv(
    State(s): State<AppState>,
    QueryParam(p): QueryParam<StatsParams>,
) -> Result<Response, Failure> {
    let (periods, filter) = p.parse(s.app.now())?;
    let st = public::statistics(&s.app, &periods, &filter).await?;
    let mut cols: Vec<Column> = ["period", "office_id", "office_code", "office_name", "group"]
        .into_iter()
        .map(|h| Column::new(h, Kind::Text))
        .collect();
    cols.extend(
        columns()
            .into_iter()
            .map(|h| Column::new(h, Kind::Decimal2)),
    );
    let mut rows = vec![];
    for o in &st.offices {
        let per = o
            .month
            .iter()
            .zip(st.periods.month.iter())
            .chain([(&o.year, &st.periods.year)]);
        for (f, period) in per {
            let mut row = vec![
                period.key().into(),
                o.id.to_string().into(),
                o.code.clone().into(),
                o.name.clone().into(),
                o.group_name.clone().into(),
            ];
            row.extend(values(f));
            rows.push(row);
        }
    }
    let body = to_csv(&Table {
        title: "thong-ke".into(),
        columns: cols,
        rows,
        ..Table::default()
    });
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"thong-ke.csv\""),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "public_stats_office.html")]
struct OfficePage {
    t: Locale,
    nav: Option<Nav>,
    s: OfficeStatistics,
    chart: String,
}

impl Show for OfficePage {
    fn locale(&self) -> &Locale {
        &self.t
    }
}

impl OfficePage {
    fn cards(&self) -> Vec<(&Period, &PublicFigures)> {
        let o = &self.s.office;
        let p = &self.s.periods;
        o.month
            .iter()
            .zip(p.month.iter())
            .map(|(f, p)| (p, f))
            .chain([(&p.year, &o.year)])
            .collect()
    }
}

/// `GET /thong-ke/{id}?period=`: one office, its month and year, and the months of the year
/// as a chart (on-time, satisfied and answered-on-time shares).
pub async fn office(
    State(s): State<AppState>,
    t: Locale,
    MaybeUser(actor): MaybeUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<StatsParams>,
) -> Result<Response, Failure> {
    let (periods, _) = p.parse(s.app.now())?;
    let st = public::office_statistics(&s.app, id, &periods).await?;
    let labels: Vec<String> = st
        .trend
        .iter()
        .map(|(m, _)| m.get(5..).unwrap_or(m).to_string())
        .collect();
    let line = |key: &str, get: fn(&PublicFigures) -> Option<f64>| Series {
        name: t.t(key),
        points: st.trend.iter().map(|(_, f)| get(f)).collect(),
    };
    let series = [
        line("stats-on-time", |f| f.on_time_pct),
        line("stats-satisfied", |f| f.satisfied_pct),
        line("stats-complaints", |f| f.complaints_on_time_pct),
    ];
    let title = t.t("stats-trend");
    let empty = t.t("stats-no-data");
    let cap = Caption {
        title: &title,
        empty: &empty,
        comma: t.code() == "vi",
    };
    let chart = charts::line_chart(&cap, &labels, &series);
    page_with(
        StatusCode::OK,
        OfficePage {
            nav: actor.as_ref().map(Nav::of),
            t,
            s: st,
            chart,
        },
    )
}
