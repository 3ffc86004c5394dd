//! `/bao-cao/{office_id}/dinh-ky`: the periodic reports of an office (or its subtree) over a
//! period, as a printable A4 page (national header, print CSS), `?format=xlsx` (the four
//! parts as sheets, real numbers) or `?format=csv&part=…` (one part, UTF-8 with a BOM). The
//! period is read like the figures API ([`FigureParams`]); a bad one is shown next to the
//! period fields on the page, and is a 422 for a download.

mod tables;

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use congbo_app::AppError;
use congbo_app::report::periodic::{self, PeriodicReport};
use congbo_domain::DomainError;
use congbo_domain::report::Period;
use congbo_domain::time::local_date;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::api::report::FigureParams;
use crate::error::Failure;
use crate::export::{Cell, Kind, NationalHeader, Table, to_csv, to_xlsx};
use crate::extract::{CurrentUser, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view;

pub use tables::Doc;

/// The period fields as typed, to show them again and to build links.
#[derive(Debug, Clone, Default)]
pub struct PeriodForm {
    pub kind: String,
    pub period: String,
    pub from: String,
    pub to: String,
    pub subtree: bool,
}

/// The kinds offered, with their label keys.
pub const KINDS: [(&str, &str); 5] = [
    ("month", "report-kind-month"),
    ("quarter", "report-kind-quarter"),
    ("half", "report-kind-half"),
    ("year", "report-kind-year"),
    ("custom", "report-kind-custom"),
];

impl PeriodForm {
    pub fn of(p: &FigureParams) -> PeriodForm {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        PeriodForm {
            kind: p.kind.clone().unwrap_or_else(|| "month".into()),
            period: s(&p.period),
            from: s(&p.from),
            to: s(&p.to),
            subtree: p.subtree,
        }
    }

    /// The query string (without `?`) of these fields and `extra`.
    pub fn query(&self, extra: &[(&str, &str)]) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("kind", &self.kind);
        for (k, v) in [
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        if self.subtree {
            q.append_pair("subtree", "true");
        }
        for (k, v) in extra {
            q.append_pair(k, v);
        }
        q.finish()
    }
}

/// `format` and `part` of a download.
#[derive(Deserialize, Default)]
pub struct Download {
    pub format: Option<String>,
    pub part: Option<String>,
}

enum Format {
    Html,
    Xlsx,
    Csv(Part),
}

#[derive(Clone, Copy)]
enum Part {
    Handling,
    Satisfaction,
    Queue,
    Narrative,
}

/// The CSV parts: (value, label key).
const PARTS: [(&str, &str); 4] = [
    ("handling", "periodic-csv-handling"),
    ("satisfaction", "periodic-csv-satisfaction"),
    ("queue", "periodic-csv-queue"),
    ("narrative", "periodic-csv-narrative"),
];

impl Download {
    /// Errors: `report-format` (`format`), `report-part` (`part`).
    fn parse(&self) -> Result<Format, AppError> {
        let part = match self.part.as_deref().unwrap_or("handling") {
            "handling" => Part::Handling,
            "satisfaction" => Part::Satisfaction,
            "queue" => Part::Queue,
            "narrative" => Part::Narrative,
            _ => return Err(DomainError::field("report-part", "part").into()),
        };
        match self.format.as_deref().unwrap_or("html") {
            "html" => Ok(Format::Html),
            "xlsx" => Ok(Format::Xlsx),
            "csv" => Ok(Format::Csv(part)),
            _ => Err(DomainError::field("report-format", "format").into()),
        }
    }
}

/// A cell as printed (Vietnamese number forms: 41.111 and 39,19 %).
fn shown(cell: &Cell, kind: Kind) -> String {
    match cell {
        Cell::Empty if kind == Kind::Text => String::new(),
        Cell::Empty => "—".into(),
        Cell::Text(s) => s.clone(),
        Cell::Int(v) if *v < 0 => format!("-{}", shown(&Cell::Int(-v), kind)),
        Cell::Int(v) => crate::routes::catalog::group_thousands(*v as u64),
        Cell::Num(v) if kind == Kind::Percent => format!("{v:.2} %").replace('.', ","),
        Cell::Num(v) => format!("{v:.2}").replace('.', ","),
        Cell::Date(d) => congbo_domain::time::dmy(*d),
    }
}

/// One printed row: its class and its cells (text, is a number).
pub struct ShownRow {
    pub class: &'static str,
    pub cells: Vec<(String, bool)>,
}

/// A table as printed.
pub struct Shown {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<ShownRow>,
    pub notes: Vec<String>,
}

fn show(t: &Table, classes: &[&'static str]) -> Shown {
    let rows = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| ShownRow {
            class: classes.get(i).copied().unwrap_or(""),
            cells: t
                .columns
                .iter()
                .enumerate()
                .map(|(c, col)| {
                    let cell = r.get(c).unwrap_or(&Cell::Empty);
                    (shown(cell, col.kind), col.kind != Kind::Text)
                })
                .collect(),
        })
        .collect();
    Shown {
        title: t.title.clone(),
        headers: t.columns.iter().map(|c| c.header.clone()).collect(),
        rows,
        notes: t.notes.clone(),
    }
}

/// The printed document.
struct DocView {
    header: NationalHeader,
    subtitle: Vec<String>,
    handling: Shown,
    /// Parts b and c.
    summaries: Vec<Shown>,
    narrative_title: String,
    narrative: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "report_periodic.html")]
struct PeriodicPage {
    t: Locale,
    office_id: Uuid,
    form: PeriodForm,
    error: Option<String>,
    /// (label key, href) of the downloads.
    downloads: Vec<(&'static str, String)>,
    to_766: String,
    doc: Option<DocView>,
}

fn doc_view(d: &Doc) -> DocView {
    let (handling, classes) = tables::handling(d);
    DocView {
        header: d.header(),
        subtitle: d.subtitle(),
        handling: show(&handling, &classes),
        summaries: vec![
            show(&tables::satisfaction(d), &[]),
            show(&tables::queue(d), &[]),
        ],
        narrative_title: tables::narrative_title(d),
        narrative: tables::narrative(d),
    }
}

fn download(mime: &str, name: String, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `bao-cao-dinh-ky-DB-TL-2026-03`.
fn file_stem(r: &PeriodicReport, p: &Period) -> String {
    let raw = format!("bao-cao-dinh-ky-{}-{}", r.office.code, p.key());
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

pub async fn page(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(office_id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FigureParams>,
    QueryParam(dl): QueryParam<Download>,
) -> Result<Response, Failure> {
    let format = dl.parse()?;
    let form = PeriodForm::of(&p);
    let result = match p.query(s.app.now(), office_id) {
        Ok((period, q)) => periodic::report(&s.app, &actor, &q)
            .await
            .map(|r| (period, r)),
        Err(e) => Err(e),
    };
    let mut page = PeriodicPage {
        t,
        office_id,
        downloads: std::iter::once(("periodic-xlsx", form.query(&[("format", "xlsx")])))
            .chain(
                PARTS
                    .iter()
                    .map(|(v, key)| (*key, form.query(&[("format", "csv"), ("part", v)]))),
            )
            .collect(),
        to_766: form.query(&[]),
        form,
        error: None,
        doc: None,
    };
    let (period, r) = match (result, &format) {
        (Ok(x), _) => x,
        (Err(e), Format::Html) => {
            let (status, msg) = view::refusal(&t, e)?;
            page.error = Some(msg);
            return view::page_with(status, page);
        }
        (Err(e), _) => return Err(e.into()),
    };
    let (key, args) = period.label_key();
    let d = Doc {
        r: &r,
        period_label: Locale::Vi.t_args(key, &args),
        kind: period.kind,
        today: local_date(s.app.now()),
    };
    let stem = file_stem(&r, &period);
    match format {
        Format::Html => {
            page.doc = Some(doc_view(&d));
            view::page(page)
        }
        Format::Xlsx => {
            let bytes = to_xlsx(&tables::workbook(&d)).map_err(|e| {
                tracing::error!(error = %e, "periodic report xlsx");
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            })?;
            Ok(download(
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("{stem}.xlsx"),
                bytes,
            ))
        }
        Format::Csv(part) => {
            let (table, name) = match part {
                Part::Handling => (tables::handling(&d).0, "tiep-nhan-giai-quyet"),
                Part::Satisfaction => (tables::satisfaction(&d), "hai-long-phan-anh"),
                Part::Queue => (tables::queue(&d), "xep-hang"),
                Part::Narrative => (tables::narrative_table(&d), "de-cuong"),
            };
            Ok(download(
                "text/csv; charset=utf-8",
                format!("{stem}-{name}.csv"),
                to_csv(&table).into_bytes(),
            ))
        }
    }
}
