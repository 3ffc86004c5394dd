//! Report pages: the dashboards under `/bao-cao` ([`dashboard`]: a head's office, a province's
//! comparison), the list behind each figure ([`drill`]), the Decision 766 page ([`index766`])
//! and the periodic reports ([`periodic`]). Handlers only parse the filters
//! (`crate::api::report::FigureParams`, as the JSON API does), call the use cases of
//! `congbo_app::report` and render; a refused filter shows the page again with the message
//! next to its field (422) and the values as typed.

mod dashboard;
mod drill;
pub mod index766;
pub mod periodic;

pub use dashboard::{compare, dashboard, home};
pub use drill::drill;

use axum::http::StatusCode;
use congbo_app::AppError;

use crate::api::report::FigureParams;
use crate::error::Failure;
use crate::i18n::Locale;

/// The filter form as typed, the refused field with its message, and the query string that
/// carries the filters to the drill-down and back.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kind: String,
    pub period: String,
    pub from: String,
    pub to: String,
    pub subtree: bool,
    pub procedure: String,
    pub service_group: String,
    pub sort: String,
    /// (field, message).
    pub error: Option<(&'static str, String)>,
}

impl Filters {
    pub fn of(p: &FigureParams, sort: Option<&str>) -> Filters {
        let v = |x: &Option<String>| x.clone().unwrap_or_default();
        Filters {
            kind: p.kind.clone().unwrap_or_else(|| "month".into()),
            period: v(&p.period),
            from: v(&p.from),
            to: v(&p.to),
            subtree: p.subtree,
            procedure: v(&p.procedure),
            service_group: v(&p.service_group),
            sort: sort.unwrap_or_default().to_string(),
            error: None,
        }
    }

    /// The message for `field`, if it was refused.
    pub fn err(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// A refusal that names no filter field (shown above the form).
    pub fn general_error(&self) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| !FIELDS.contains(f))
            .map(|(_, m)| m.as_str())
    }

    /// `kind=…&period=…` (non-empty filters only), to append after `?`.
    pub fn qs(&self) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("kind", &self.kind),
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
            ("procedure", &self.procedure),
            ("service_group", &self.service_group),
        ] {
            if !v.trim().is_empty() {
                s.append_pair(k, v.trim());
            }
        }
        if self.subtree {
            s.append_pair("subtree", "true");
        }
        s.finish()
    }

    pub fn is_kind(&self, k: &str) -> bool {
        self.kind == k
    }

    pub fn kinds(&self) -> [&'static str; 5] {
        ["month", "quarter", "half", "year", "custom"]
    }
}

const FIELDS: [&str; 8] = [
    "kind",
    "period",
    "from",
    "to",
    "procedure",
    "service_group",
    "sort",
    "subtree",
];

/// A refused filter: its status, field and translated message; not found, forbidden and
/// server errors stay failures.
pub fn refused(t: &Locale, e: AppError) -> Result<(StatusCode, (&'static str, String)), Failure> {
    let f = Failure::from(e);
    if f.status.is_server_error()
        || f.status == StatusCode::FORBIDDEN
        || f.status == StatusCode::NOT_FOUND
        || f.status == StatusCode::UNAUTHORIZED
    {
        return Err(f);
    }
    Ok((f.status, (f.field.unwrap_or(""), f.message(t))))
}

/// A share as the page writes it: `87,5 %` in Vietnamese, `87.5 %` in English, `—` for none.
pub fn pct(t: &Locale, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(x) => {
            let s = format!("{x:.1}");
            let s = if t.code() == "vi" {
                s.replace('.', ",")
            } else {
                s
            };
            format!("{s} %")
        }
    }
}

/// A number with two decimals (a comma in Vietnamese), `—` for none.
pub fn num(t: &Locale, v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(x) => {
            let s = format!("{x:.2}");
            if t.code() == "vi" {
                s.replace('.', ",")
            } else {
                s
            }
        }
    }
}

/// Minutes (rounded up) of a number of seconds, `—` for none.
pub fn minutes(secs: Option<i64>) -> String {
    secs.map(|s| ((s + 59) / 60).to_string())
        .unwrap_or_else(|| "—".into())
}
