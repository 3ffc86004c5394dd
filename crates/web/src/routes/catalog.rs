//! The procedure catalogue: public search and detail pages (no sign-in), and the import page
//! for administrators of a top-level office.

use askama::Template;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use congbo_app::catalog::{self, Format};
use congbo_domain::catalog::{ImportReport, ProcedureVersion, version_in_force};
use serde::Deserialize;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, MaybeUser, PageForm, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view::{Nav, page, page_with};
use congbo_domain::time::local_date;

pub struct ProcedureLine {
    pub code: String,
    pub name: String,
    pub field: String,
    pub limit: String,
    pub fee: String,
}

fn fee_text(t: &Locale, v: &ProcedureVersion) -> String {
    let fees = &v.procedure.fees;
    if fees.is_empty() || fees.iter().all(|f| f.amount_vnd == 0) {
        return t.t("catalog-no-fee");
    }
    fees.iter()
        .map(|f| format!("{}: {} đ", f.description, group_thousands(f.amount_vnd)))
        .collect::<Vec<_>>()
        .join("; ")
}

/// 20000 → "20.000" (Vietnamese thousands separator).
pub fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn limit_text(t: &Locale, v: &ProcedureVersion) -> String {
    if v.procedure.limit.amount == 0 {
        t.t("catalog-same-day")
    } else {
        v.procedure.limit.to_string()
    }
}

#[derive(Template)]
#[template(path = "procedures.html")]
struct ProceduresPage {
    t: Locale,
    nav: Option<Nav>,
    q: String,
    procedures: Vec<ProcedureLine>,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn public_list(
    State(state): State<AppState>,
    t: Locale,
    MaybeUser(user): MaybeUser,
    QueryParam(q): QueryParam<SearchQuery>,
) -> Result<Response, Failure> {
    let query: String = q.q.chars().take(200).collect();
    let found = catalog::search(
        &state.app.db,
        &query,
        &local_date(state.app.now()).to_string(),
    )
    .await?;
    page(ProceduresPage {
        procedures: found
            .iter()
            .map(|v| ProcedureLine {
                code: v.procedure.code.as_str().to_string(),
                name: v.procedure.name.clone(),
                field: v.procedure.field.clone(),
                limit: limit_text(&t, v),
                fee: fee_text(&t, v),
            })
            .collect(),
        q: query,
        nav: user.as_ref().map(Nav::of),
        t,
    })
}

#[derive(Template)]
#[template(path = "procedure.html")]
struct ProcedurePage {
    t: Locale,
    nav: Option<Nav>,
    v: ProcedureVersion,
    limit: String,
    fee: String,
    documents: Vec<(String, String, u8)>,
    level: String,
    online: String,
    cutoff: String,
}

pub async fn public_detail(
    State(state): State<AppState>,
    t: Locale,
    MaybeUser(user): MaybeUser,
    PathParam(code): PathParam<String>,
) -> Result<Response, Failure> {
    let versions = catalog::versions(&state.app.db, &code).await?;
    let on = local_date(state.app.now());
    let v = version_in_force(&versions, on)
        .cloned()
        .ok_or(Failure::new(StatusCode::NOT_FOUND, "procedure-not-found"))?;
    page(ProcedurePage {
        limit: limit_text(&t, &v),
        fee: fee_text(&t, &v),
        documents: v
            .procedure
            .documents
            .iter()
            .map(|d| (d.name.clone(), d.form.label_vi().to_string(), d.count))
            .collect(),
        level: v.procedure.level.label_vi().to_string(),
        online: v.procedure.online_level.label_vi().to_string(),
        cutoff: v
            .procedure
            .cutoff
            .map(|c| c.strftime("%H:%M").to_string())
            .unwrap_or_else(|| "15:00".into()),
        v,
        nav: user.as_ref().map(Nav::of),
        t,
    })
}

#[derive(Template)]
#[template(path = "catalog_import.html")]
struct ImportPage {
    t: Locale,
    nav: Option<Nav>,
    count: usize,
    report: Option<ImportReport>,
    stored: bool,
    messages: Vec<(usize, String, String, String)>,
}

async fn import_page(
    state: &AppState,
    t: Locale,
    actor: &congbo_app::Actor,
    report: Option<ImportReport>,
) -> Result<Response, Failure> {
    if !congbo_app::access::capabilities(actor).catalog_manage {
        return Err(congbo_app::AppError::Forbidden.into());
    }
    let count = catalog::search(&state.app.db, "", &local_date(state.app.now()).to_string())
        .await?
        .len();
    let messages = report
        .as_ref()
        .map(|r| {
            r.errors
                .iter()
                .map(|e| {
                    let msg =
                        Failure::new(StatusCode::UNPROCESSABLE_ENTITY, e.error_code).message(&t);
                    (
                        e.row,
                        e.code.clone().unwrap_or_default(),
                        e.field.clone(),
                        format!("{msg} ({})", e.detail),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let stored = report
        .as_ref()
        .is_some_and(|r| r.is_clean() && !r.valid.is_empty());
    let status = if report.as_ref().is_some_and(|r| !r.is_clean()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page_with(
        status,
        ImportPage {
            t,
            nav: Some(Nav::of(actor)),
            count,
            report,
            stored,
            messages,
        },
    )
}

pub async fn import_form(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
) -> Result<Response, Failure> {
    import_page(&state, t, &actor, None).await
}

#[derive(Deserialize)]
pub struct ImportForm {
    format: String,
    content: String,
}

pub async fn import(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<ImportForm>,
) -> Result<Response, Failure> {
    let format = Format::parse(&f.format)?;
    let report = catalog::import(&state.app, &actor, format, &f.content).await?;
    import_page(&state, t, &actor, Some(report)).await
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: String,
}

/// The whole catalogue as a file (public data, like the catalogue pages).
pub async fn export(
    State(state): State<AppState>,
    QueryParam(q): QueryParam<ExportQuery>,
) -> Result<Response, Failure> {
    let format = Format::parse(&q.format)?;
    let body = catalog::export(&state.app.db, format).await?;
    let (mime, name) = match format {
        Format::Json => ("application/json; charset=utf-8", "thu-tuc.json"),
        Format::Csv => ("text/csv; charset=utf-8", "thu-tuc.csv"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
