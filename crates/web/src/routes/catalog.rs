//! The procedure catalogue: public search and detail pages (no sign-in), and the import page
//! for administrators of a top-level office.

use askama::Template;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use congbo_app::catalog::{self, Format};
use congbo_domain::catalog::{ImportReport, ProcedureVersion, version_in_force};
use serde::Deserialize;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, MaybeUser, PageForm, PathParam, QueryParam};
use crate::form_state::FormState;
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
    t.limit(&v.procedure.limit)
}

#[derive(Template)]
#[template(path = "procedures.html")]
struct ProceduresPage {
    t: Locale,
    nav: Option<Nav>,
    q: String,
    procedures: Vec<ProcedureLine>,
    /// The signed-in user may import procedures: the page links to the import form.
    can_import: bool,
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
        can_import: user
            .as_ref()
            .is_some_and(|a| congbo_app::access::capabilities(a).catalog_manage),
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
    form: FormState,
}

impl ImportPage {
    /// The text shown again after a refusal: what was pasted, else the uploaded file's text.
    fn typed_content(&self) -> &str {
        match self.form.value("content") {
            "" => self.form.value("file"),
            c => c,
        }
    }

    fn format_checked(&self, f: &str) -> bool {
        match self.form.value("format") {
            "" => f == "csv",
            v => v == f,
        }
    }
}

async fn import_page(
    state: &AppState,
    t: Locale,
    actor: &congbo_app::Actor,
    report: Option<ImportReport>,
    form: FormState,
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
                    // The parser's detail is English: shown on English pages only.
                    let msg = if t.code() == "en" && !e.detail.is_empty() {
                        format!("{msg} ({})", e.detail)
                    } else {
                        msg
                    };
                    (
                        e.row,
                        e.code.clone().unwrap_or_default(),
                        e.field.clone(),
                        msg,
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
            form,
        },
    )
}

pub async fn import_form(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
) -> Result<Response, Failure> {
    import_page(&state, t, &actor, None, form).await
}

/// `POST /danh-muc/nhap`: a file (multipart, `file`) or pasted text (`content`), CSV or JSON
/// (`format`; an uploaded file's extension decides when the format is not given). A report
/// with bad rows shows the form again with the content kept.
pub async fn import(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    req: Request,
) -> Result<Response, Failure> {
    let fields = import_fields(req).await?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map_or("", |(_, v)| v.as_str())
    };
    let (content, named) = match get("file") {
        "" => (get("content"), ""),
        file => (file, get("file_name")),
    };
    let format = match get("format") {
        "" if named.to_ascii_lowercase().ends_with(".json") => "json",
        "" => "csv",
        f => f,
    };
    let format = Format::parse(format)?;
    let report = catalog::import(&state.app, &actor, format, content).await?;
    let form = if report.is_clean() {
        FormState::default()
    } else {
        FormState::kept("/danh-muc/nhap", fields)
    };
    import_page(&state, t, &actor, Some(report), form).await
}

/// The import form's fields, from a urlencoded or a multipart body (the file's text as
/// `file`, its name as `file_name`).
async fn import_fields(req: Request) -> Result<Vec<(String, String)>, Failure> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let PageForm(f) = PageForm::<Vec<(String, String)>>::from_request(req, &()).await?;
        return Ok(f);
    }
    let bad = |_| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid-form");
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(|r| Failure::new(r.status(), "invalid-form"))?;
    let mut out = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(bad)?;
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| Failure::new(StatusCode::UNPROCESSABLE_ENTITY, "catalog-file-not-text"))?;
        if let Some(f) = file_name.filter(|f| !f.is_empty()) {
            out.push(("file_name".to_string(), f));
        }
        out.push((name, text));
    }
    Ok(out)
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
