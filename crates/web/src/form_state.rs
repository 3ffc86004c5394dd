//! One mechanism for every page form: a refused form is shown again, 422, with what was typed
//! and the message next to its field — never the bare error page.
//!
//! How it works. [`keep_typed`] (a layer around the route table) keeps the text fields of
//! every page `POST` whose body is a form (urlencoded or multipart; files that are UTF-8 text
//! are kept as their text, other files are dropped; sensitive fields — passwords, secrets —
//! are never kept). When the handler answers with a `Failure` that concerns the input
//! ([`is_input_refusal`]: 422 and 409), the layer asks the router again, as a `GET` of the page
//! the form was on (the same-origin `Referer`, else [`form_page`]: the `POST` path, or its
//! nearest ancestor that is a page), carrying a [`FormState`] with the values and the
//! translated message. The page's handler takes [`FormState`] as an extractor (empty on an
//! ordinary visit) and its template prefills from it (`form.value_or(...)`, `form.checked(...)`)
//! and shows the message with the `field_error` macro of `templates/_form.html`. The answer
//! keeps the refusal's status.
//!
//! A page form therefore needs nothing in its `POST` handler: it returns `Failure` as every
//! handler does. A test (`tests/http/forms.rs`) walks the route table's page forms.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;

use crate::error::Failure;
use crate::i18n::Locale;

/// What a refused form carried: where it was posted, the values typed, and the refusal.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    /// The path the form was posted to (empty on an ordinary visit).
    pub action: String,
    values: Vec<(String, String)>,
    /// The field the refusal concerns (`Failure::field`), if any.
    pub field: Option<String>,
    /// The message next to the field (without the field's label).
    pub message: Option<String>,
    /// The message with the field's label, for the summary above the form.
    pub summary: Option<String>,
    refused: bool,
}

static EMPTY: FormState = FormState {
    action: String::new(),
    values: Vec::new(),
    field: None,
    message: None,
    summary: None,
    refused: false,
};

/// Field names whose values are never sent back to the browser.
pub fn is_sensitive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "password", "mat_khau", "mat-khau", "secret", "bi_mat", "bi-mat", "token", "csrf",
    ]
    .iter()
    .any(|s| n.contains(s))
        || n == "k"
}

/// The refusals that concern what was typed: the form is shown again for them. Others
/// (forbidden, not found, too many tries, a server error) keep the failure page.
pub fn is_input_refusal(f: &Failure) -> bool {
    matches!(
        f.status,
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT | StatusCode::BAD_REQUEST
    ) && f.code != "csrf"
}

/// The values a refused form may show again: never a password, secret or token.
fn kept_values(values: Vec<(String, String)>) -> Vec<(String, String)> {
    values
        .into_iter()
        .filter(|(n, _)| !is_sensitive(n))
        .collect()
}

impl FormState {
    /// The state of a refused form (values already filtered of sensitive fields).
    pub fn refused(action: &str, values: Vec<(String, String)>, f: &Failure, t: &Locale) -> Self {
        let summary = f.message(t);
        let message = Failure {
            field: None,
            ..f.clone()
        }
        .message(t);
        FormState {
            action: action.to_string(),
            values: kept_values(values),
            field: f.field.map(str::to_string),
            message: Some(message),
            summary: Some(summary),
            refused: true,
        }
    }

    /// This state if the refused form was posted to `action`, else an empty one (pages with
    /// several forms prefill only the one that was sent).
    pub fn at(&self, action: &str) -> &FormState {
        if self.action == action { self } else { &EMPTY }
    }

    /// This state if the refused form's path ends with `suffix` (`"/doi-ten"`), else an
    /// empty one.
    pub fn ending(&self, suffix: &str) -> &FormState {
        if self.action.ends_with(suffix) {
            self
        } else {
            &EMPTY
        }
    }

    /// A form shown again by its own handler, with a report of its own instead of one message
    /// (the catalogue import's bad rows).
    pub fn kept(action: &str, values: Vec<(String, String)>) -> Self {
        FormState {
            action: action.to_string(),
            values: kept_values(values),
            refused: true,
            ..FormState::default()
        }
    }

    /// Whether this is a refused form being shown again.
    pub fn is_refused(&self) -> bool {
        self.refused
    }

    /// The first value typed for `name` ("" if none).
    pub fn value(&self, name: &str) -> &str {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// What was typed for `name` when the form is shown again, else `default`.
    pub fn value_or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        if self.is_refused() && self.values.iter().any(|(n, _)| n == name) {
            self.value(name)
        } else {
            default
        }
    }

    /// Whether `value` was among the values sent for `name` (checkboxes, multiple selects).
    pub fn sent(&self, name: &str, value: &str) -> bool {
        self.values.iter().any(|(n, v)| n == name && v == value)
    }

    /// A checkbox or option: as sent when the form is shown again, else `default`.
    pub fn checked(&self, name: &str, value: &str, default: bool) -> bool {
        if self.is_refused() {
            self.sent(name, value)
        } else {
            default
        }
    }

    /// An option of a select: selected as sent when the form is shown again (and the field
    /// was sent), else `default`.
    pub fn selected(&self, name: &str, value: &str, default: bool) -> bool {
        if self.is_refused() && self.values.iter().any(|(n, _)| n == name) {
            self.sent(name, value)
        } else {
            default
        }
    }

    /// The message for `field` (one of the names the refusal may carry).
    pub fn error(&self, field: &str) -> Option<&str> {
        match &self.field {
            Some(f) if f == field => self.message.as_deref(),
            _ => None,
        }
    }

    /// The refusal's message for one of `fields` (a field the page shows under another name).
    pub fn error_any(&self, fields: &[&str]) -> Option<&str> {
        fields.iter().find_map(|f| self.error(f))
    }

    /// Attributes marking an input as refused (`aria-invalid`, pointing at its message).
    pub fn invalid(&self, field: &str) -> String {
        if self.error(field).is_some() {
            format!(r#" aria-invalid="true" aria-describedby="err-{field}""#)
        } else {
            String::new()
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for FormState {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<FormState>()
            .cloned()
            .unwrap_or_default())
    }
}

/// The largest body kept to be shown again (the catalogue import's allowance); larger bodies
/// pass through untouched.
const KEEP_LIMIT: usize = crate::IMPORT_LIMIT;
/// The largest text file kept as its text.
const TEXT_FILE_LIMIT: usize = 1024 * 1024;

fn is_form(headers: &HeaderMap) -> Option<bool> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if ct.starts_with("application/x-www-form-urlencoded") {
        Some(false)
    } else if ct.starts_with("multipart/form-data") {
        Some(true)
    } else {
        None
    }
}

/// The text fields of a form body (files that are UTF-8 text count as text).
async fn fields_of(headers: &HeaderMap, multipart: bool, bytes: &Bytes) -> Vec<(String, String)> {
    if !multipart {
        return url::form_urlencoded::parse(bytes)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    }
    let mut req = Request::new(Body::from(bytes.clone()));
    *req.headers_mut() = headers.clone();
    let Ok(mut mp) = axum::extract::Multipart::from_request(req, &()).await else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or("").to_string();
        let is_file = field.file_name().is_some();
        let Ok(data) = field.bytes().await else { break };
        if is_file && data.len() > TEXT_FILE_LIMIT {
            continue;
        }
        if let Ok(text) = String::from_utf8(data.to_vec()) {
            if is_file && text.is_empty() {
                continue;
            }
            out.push((name, text));
        }
    }
    out
}

/// The page a form posted to `path` is shown on: the same-origin `Referer` if any, else the
/// one the route table names ([`crate::router::page_for_post`]).
pub fn form_page(path: &str, headers: &HeaderMap) -> String {
    let referer = headers
        .get("hx-current-url")
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(|r| same_origin_path(r, headers));
    if let Some(r) = referer {
        return r;
    }
    crate::router::page_for_post(path)
}

fn same_origin_path(url: &str, headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok())?;
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let (h, p) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    (h == host && p.starts_with('/') && !p.starts_with("//")).then(|| p.to_string())
}

/// The state of the layer: the routes, to ask again for the form's page.
#[derive(Clone)]
pub struct Replay {
    pub router: Router,
}

/// The layer described in the module's header.
pub async fn keep_typed(State(replay): State<Replay>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let multipart = is_form(req.headers());
    // The declared length (hyper takes it from `Content-Length`; in-process bodies know it).
    let small = axum::body::HttpBody::size_hint(req.body())
        .upper()
        .is_some_and(|n| n <= KEEP_LIMIT as u64);
    if req.method() != Method::POST || path.starts_with("/api/") || multipart.is_none() || !small {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, KEEP_LIMIT).await else {
        return Failure::new(StatusCode::PAYLOAD_TOO_LARGE, "body-too-large").into_response();
    };
    let res = next
        .run(Request::from_parts(
            parts.clone(),
            Body::from(bytes.clone()),
        ))
        .await;
    let Some(f) = res.extensions().get::<Failure>().cloned() else {
        return res;
    };
    if !is_input_refusal(&f) {
        return res;
    }
    let t = Locale::from_parts(&parts);
    let values = fields_of(&parts.headers, multipart == Some(true), &bytes).await;
    let state = FormState::refused(&path, values, &f, &t);
    let summary = state.summary.clone().unwrap_or_default();
    let target = form_page(&path, &parts.headers);
    let mut get = Request::builder().method(Method::GET).uri(target.as_str());
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            get = get.header(name, value);
        }
    }
    let Ok(mut get) = get.body(Body::empty()) else {
        return res;
    };
    // Only the client's address carries over (the router's own extensions, such as the path
    // parameters of the `POST`, would confuse the page's extractors).
    if let Some(a) = parts.extensions.get::<crate::ratelimit::ClientAddr>() {
        get.extensions_mut().insert(*a);
    }
    if let Some(c) = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
    {
        get.extensions_mut().insert(*c);
    }
    get.extensions_mut().insert(state);
    let Ok(page) = replay.router.oneshot(get).await;
    if page.status() != StatusCode::OK || page.extensions().get::<Failure>().is_some() {
        return res;
    }
    let (mut head, body) = page.into_parts();
    let Ok(html) = axum::body::to_bytes(body, usize::MAX).await else {
        return res;
    };
    let html = with_summary(String::from_utf8_lossy(&html).into_owned(), &summary);
    head.status = f.status;
    head.headers.remove(header::CONTENT_LENGTH);
    let mut page = Response::from_parts(head, Body::from(html));
    f.set_retry_after(&mut page);
    page
}

/// The refusal is always shown: a page whose template has no summary for this form gets it at
/// the top of its main content.
fn with_summary(mut html: String, summary: &str) -> String {
    if html.contains(SUMMARY_CLASS) {
        return html;
    }
    if let Some(at) = html.find(r#"<main id="main" tabindex="-1">"#) {
        let at = at + r#"<main id="main" tabindex="-1">"#.len();
        let p = format!(
            r#"<p class="{SUMMARY_CLASS}" role="alert">{}</p>"#,
            askama::filters::escape(summary, askama::filters::Html)
                .map(|e| e.to_string())
                .unwrap_or_default()
        );
        html.insert_str(at, &p);
    }
    html
}

/// The class of the summary (`templates/_form.html`).
const SUMMARY_CLASS: &str = "error-msg form-summary";
