//! Open311 GeoReport v2 under `/open311/v2/`: service discovery, the service list (the
//! feedback categories and the procedure catalogue), service definitions, POST a request (API
//! key required), GET requests with the standard filters (and `page`/`page_size`), GET one
//! request, tokens, and the widely used `servicerequestupdates` extension. Every resource comes
//! as XML (`.xml`) and JSON (`.json`); errors use the Open311 error body.
//!
//! What is public here carries no personal data: a request's description is its published,
//! redacted text (nothing before publication), and the sender is never shown.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use congbo_app::feedback::{self, Open311Refusal, Open311Request};
use congbo_app::{Actor, AppError, auth};
use congbo_domain::feedback::{Category, State as CaseState};
use congbo_domain::time::vn as vietnam;
use congbo_store::repo::feedback::CaseRow;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::AppState;
use crate::extract::PathParam;

pub use congbo_app::feedback::{SERVICE_CONDUCT, SERVICE_PROCEDURE};
/// The largest GET requests answer (the spec's default cap) and the default window (days).
const MAX_REQUESTS: usize = 1000;
const WINDOW_DAYS: i64 = 90;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Xml,
}

/// `services.json` → ("services", Json). An unknown format is a 404.
fn split(file: &str) -> Option<(&str, Format)> {
    let (name, ext) = file.rsplit_once('.')?;
    match ext {
        "json" => Some((name, Format::Json)),
        "xml" => Some((name, Format::Xml)),
        _ => None,
    }
}

fn xml_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            c => o.push(c),
        }
    }
    o
}

/// The XML of a JSON value under `name` (the "Spark" mapping: an array named `xs` holds `x`
/// elements; null is an empty element).
fn xml_of(name: &str, v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            out.push_str(&format!("<{name}>"));
            for (k, v) in m {
                xml_of(k, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Array(items) => {
            let item = name.strip_suffix('s').unwrap_or(name);
            out.push_str(&format!("<{name}>"));
            for v in items {
                xml_of(item, v, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name}/>")),
        Value::String(s) => out.push_str(&format!("<{name}>{}</{name}>", xml_escape(s))),
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// A list response: `root` holds one `item` element per entry in XML; a JSON array.
fn list(fmt: Format, root: &str, item: &str, items: Vec<Value>) -> Response {
    list_with(fmt, root, item, items, StatusCode::OK)
}

fn list_with(
    fmt: Format,
    root: &str,
    item: &str,
    items: Vec<Value>,
    status: StatusCode,
) -> Response {
    match fmt {
        Format::Json => (status, axum::Json(Value::Array(items))).into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            out.push_str(&format!("<{root}>"));
            for v in &items {
                xml_of(item, v, &mut out);
            }
            out.push_str(&format!("</{root}>"));
            xml_response(status, out)
        }
    }
}

/// A single-object response (discovery, a service definition).
fn object(fmt: Format, root: &str, v: Value) -> Response {
    match fmt {
        Format::Json => axum::Json(v).into_response(),
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
            xml_of(root, &v, &mut out);
            xml_response(StatusCode::OK, out)
        }
    }
}

fn xml_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// The Open311 error body, `errors/error{code, description}`; the description is the
/// Vietnamese message of the error `code`.
fn error(fmt: Format, status: StatusCode, code: &'static str) -> Response {
    let description = crate::error::Failure::new(status, code).message(&crate::i18n::Locale::Vi);
    describe(fmt, status, &description)
}

fn describe(fmt: Format, status: StatusCode, description: &str) -> Response {
    list_with(
        fmt,
        "errors",
        "error",
        vec![json!({"code": status.as_u16(), "description": description})],
        status,
    )
}

fn app_error(fmt: Format, e: AppError) -> Response {
    let f = crate::error::Failure::from(e);
    let msg = f.message(&crate::i18n::Locale::Vi);
    let status = match f.status {
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => StatusCode::BAD_REQUEST,
        s => s,
    };
    describe(fmt, status, &msg)
}

/// W3C datetime with the zone: `2026-03-10T09:00:00+07:00`.
fn w3c(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| {
            t.to_zoned(vietnam())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        })
        .unwrap_or_default()
}

/// The end of a due day at the office (17:00, UTC+7).
fn due_w3c(day: &str) -> Value {
    match day.parse::<Date>() {
        Ok(d) => Value::String(format!("{}T17:00:00+07:00", d)),
        Err(_) => Value::Null,
    }
}

fn base(s: &AppState) -> String {
    s.app.settings.public_url.trim_end_matches('/').to_string()
}

fn query_pairs(q: &Option<String>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(q.as_deref().unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// A parameter; an empty one is the same as a missing one (the spec's rule).
fn param<'a>(p: &'a [(String, String)], k: &str) -> Option<&'a str> {
    p.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// `GET /open311/v2/{file}` for discovery, services, requests and servicerequestupdates.
pub async fn get_root(
    State(s): State<AppState>,
    PathParam(file): PathParam<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let Some((name, fmt)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "open311-no-resource");
    };
    let p = query_pairs(&q);
    match name {
        "discovery" => discovery(&s, fmt),
        "services" => services(&s, fmt).await,
        "requests" => requests(&s, fmt, &p).await,
        "servicerequestupdates" => updates(&s, fmt, &p).await,
        _ => error(fmt, StatusCode::NOT_FOUND, "open311-no-resource"),
    }
}

fn discovery(s: &AppState, fmt: Format) -> Response {
    let url = format!("{}/open311/v2", base(s));
    object(
        fmt,
        "discovery",
        json!({
            "changeset": "2026-12-01T00:00:00+07:00",
            "contact": "Bộ phận Một cửa — phản ánh, kiến nghị",
            "key_service": format!("{}/tai-khoan", base(s)),
            "endpoints": [{
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": url,
                "changeset": "2026-12-01T00:00:00+07:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }],
        }),
    )
}

async fn services(s: &AppState, fmt: Format) -> Response {
    let mut out = vec![
        json!({
            "service_code": SERVICE_PROCEDURE, "service_name": Category::Procedure.label_vi(),
            "description": "Phản ánh, kiến nghị về quy định, thủ tục hành chính.",
            "metadata": true, "type": "realtime", "keywords": "phản ánh, kiến nghị, thủ tục",
            "group": "Phản ánh, kiến nghị",
        }),
        json!({
            "service_code": SERVICE_CONDUCT, "service_name": Category::Conduct.label_vi(),
            "description": "Phản ánh về hành vi, thái độ phục vụ của cán bộ, công chức.",
            "metadata": true, "type": "realtime", "keywords": "thái độ, cán bộ, công chức",
            "group": "Phản ánh, kiến nghị",
        }),
    ];
    let today = jiff::Timestamp::from_microsecond(s.app.now())
        .map(|t| t.to_zoned(vietnam()).date().to_string())
        .unwrap_or_default();
    match congbo_app::catalog::search(&s.app.db, "", &today).await {
        Ok(procs) => {
            for v in procs {
                let p = v.procedure;
                out.push(json!({
                    "service_code": p.code.to_string(), "service_name": p.name,
                    "description": format!("Phản ánh, kiến nghị về thủ tục {} ({}).", p.name, p.field),
                    "metadata": true, "type": "realtime", "keywords": p.field.to_lowercase(),
                    "group": p.field,
                }));
            }
        }
        Err(e) => return app_error(fmt, e),
    }
    list(fmt, "services", "service", out)
}

/// The attributes a service takes (`attribute[code]=…` in a POST).
fn attributes(conduct: bool, clauses: Vec<(String, String)>) -> Vec<Value> {
    let mut a = vec![json!({
        "variable": true, "code": "reference", "datatype": "string", "required": false,
        "datatype_description": "Số thứ tự hoặc mã hồ sơ (nếu có)", "order": 3,
        "description": "Số thứ tự hoặc mã hồ sơ liên quan", "values": [],
    })];
    if conduct {
        a.insert(
            0,
            json!({
                "variable": true, "code": "officer", "datatype": "string", "required": false,
                "datatype_description": "Tên cán bộ, công chức hoặc số quầy (nếu biết)", "order": 1,
                "description": "Cán bộ, công chức bị phản ánh", "values": [],
            }),
        );
        a.insert(
            1,
            json!({
                "variable": true, "code": "clause", "datatype": "singlevaluelist",
                "required": false, "datatype_description": "Nội dung quy tắc ứng xử bị vi phạm",
                "order": 2, "description": "Quy tắc ứng xử",
                "values": clauses.into_iter().map(|(k, n)| json!({"key": k, "name": n})).collect::<Vec<_>>(),
            }),
        );
    }
    a
}

/// `GET /open311/v2/services/{code}.{fmt}`.
pub async fn service_definition(
    State(s): State<AppState>,
    PathParam(file): PathParam<String>,
) -> Response {
    let Some((code, fmt)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "open311-no-service");
    };
    let conduct = code == SERVICE_CONDUCT;
    let known = conduct
        || code == SERVICE_PROCEDURE
        || congbo_app::catalog::versions(&s.app.db, code).await.is_ok();
    if !known {
        return error(fmt, StatusCode::NOT_FOUND, "open311-no-service");
    }
    let clauses = match congbo_app::conduct::all(&s.app).await {
        Ok(codes) => codes
            .into_iter()
            .flat_map(|c| {
                let code = c.code.clone();
                c.items
                    .into_iter()
                    .map(move |i| (format!("{code}/{}", i.code), i.text))
            })
            .collect(),
        Err(e) => return app_error(fmt, e),
    };
    object(
        fmt,
        "service_definition",
        json!({"service_code": code, "attributes": attributes(conduct, clauses)}),
    )
}

/// The public form of a case.
fn request_json(s: &AppState, k: &CaseRow, office_name: &str) -> Value {
    let state = CaseState::parse(&k.state).unwrap_or(CaseState::Received);
    let published = state == CaseState::Published;
    let service_code = feedback::service_code(&k.category);
    json!({
        "service_request_id": k.code,
        "status": if state.is_closed() { "closed" } else { "open" },
        "status_notes": if published { Value::from(k.public_answer.clone().unwrap_or_default()) } else { Value::from(state.label_vi()) },
        "service_name": if service_code == SERVICE_CONDUCT { Category::Conduct.label_vi() } else { Category::Procedure.label_vi() },
        "service_code": service_code,
        "description": if published { Value::from(k.public_text.clone().unwrap_or_default()) } else { Value::Null },
        "agency_responsible": office_name,
        "service_notice": Value::Null,
        "requested_datetime": w3c(k.received_at),
        "updated_datetime": w3c(k.updated_at),
        "expected_datetime": due_w3c(&k.answer_due),
        "address": office_name,
        "address_id": Value::Null,
        "zipcode": Value::Null,
        "lat": Value::Null,
        "long": Value::Null,
        "media_url": if published { Value::from(format!("{}/phan-anh/cong-khai?q={}", base(s), k.code)) } else { Value::Null },
    })
}

/// A W3C datetime or a plain date, as a local day.
fn parse_day(s: &str) -> Option<Date> {
    if let Ok(t) = s.parse::<jiff::Timestamp>() {
        return Some(t.to_zoned(vietnam()).date());
    }
    s.get(..10).and_then(|d| d.parse::<Date>().ok())
}

async fn office_names(
    s: &AppState,
    rows: &[CaseRow],
) -> std::collections::BTreeMap<uuid::Uuid, String> {
    let ids: Vec<uuid::Uuid> = rows.iter().map(|k| k.office_id).collect();
    feedback::office_names(&s.app, &ids)
        .await
        .unwrap_or_default()
}

async fn requests(s: &AppState, fmt: Format, p: &[(String, String)]) -> Response {
    let today = jiff::Timestamp::from_microsecond(s.app.now())
        .map(|t| t.to_zoned(vietnam()).date())
        .unwrap_or(Date::constant(2026, 1, 1));
    // service_request_id overrides every other filter.
    if let Some(ids) = param(p, "service_request_id") {
        let mut rows = Vec::new();
        for id in ids.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            match feedback::by_code_or_id(&s.app, id).await {
                Ok(Some(k)) => rows.push(k),
                Ok(None) => {}
                Err(e) => return app_error(fmt, e),
            }
        }
        let names = office_names(s, &rows).await;
        let items = rows
            .iter()
            .map(|k| request_json(s, k, names.get(&k.office_id).map_or("", |n| n)))
            .collect();
        return list(fmt, "service_requests", "request", items);
    }
    let end = match param(p, "end_date") {
        Some(d) => match parse_day(d) {
            Some(d) => d,
            None => return error(fmt, StatusCode::BAD_REQUEST, "open311-bad-date"),
        },
        None => today,
    };
    let start = match param(p, "start_date") {
        Some(d) => match parse_day(d) {
            Some(d) => d,
            None => return error(fmt, StatusCode::BAD_REQUEST, "open311-bad-date"),
        },
        None => end
            .checked_sub(jiff::Span::new().days(WINDOW_DAYS))
            .unwrap_or(end),
    };
    if start > end || (end - start).get_days() > WINDOW_DAYS as i32 {
        return error(fmt, StatusCode::BAD_REQUEST, "open311-range");
    }
    let codes: Option<Vec<&str>> =
        param(p, "service_code").map(|c| c.split(',').map(str::trim).collect());
    let statuses: Option<Vec<&str>> =
        param(p, "status").map(|c| c.split(',').map(str::trim).collect());
    let page_size = param(p, "page_size")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(MAX_REQUESTS)
        .clamp(1, MAX_REQUESTS);
    let page = param(p, "page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let rows = match feedback::all_between(&s.app, start, end, 10_000).await {
        Ok(r) => r,
        Err(e) => return app_error(fmt, e),
    };
    let rows: Vec<CaseRow> = rows
        .into_iter()
        .filter(|k| {
            let code = feedback::service_code(&k.category);
            let status = if CaseState::parse(&k.state).is_ok_and(|s| s.is_closed()) {
                "closed"
            } else {
                "open"
            };
            codes.as_ref().is_none_or(|c| c.contains(&code))
                && statuses.as_ref().is_none_or(|s| s.contains(&status))
        })
        .skip((page - 1) * page_size)
        .take(page_size)
        .collect();
    let names = office_names(s, &rows).await;
    let items = rows
        .iter()
        .map(|k| request_json(s, k, names.get(&k.office_id).map_or("", |n| n)))
        .collect();
    list(fmt, "service_requests", "request", items)
}

/// `GET /open311/v2/requests/{id}.{fmt}`.
pub async fn request(State(s): State<AppState>, PathParam(file): PathParam<String>) -> Response {
    let Some((id, fmt)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "open311-no-request");
    };
    match feedback::by_code_or_id(&s.app, id).await {
        Ok(Some(k)) => {
            let names = office_names(&s, std::slice::from_ref(&k)).await;
            let v = request_json(&s, &k, names.get(&k.office_id).map_or("", |n| n));
            list(fmt, "service_requests", "request", vec![v])
        }
        Ok(None) => error(fmt, StatusCode::NOT_FOUND, "open311-no-request"),
        Err(e) => app_error(fmt, e),
    }
}

/// `GET /open311/v2/tokens/{token}.{fmt}`: the request a token stands for (the token is the
/// request's internal id; our services are realtime, so POST answers with the id directly).
pub async fn token(State(s): State<AppState>, PathParam(file): PathParam<String>) -> Response {
    let Some((token, fmt)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "open311-no-token");
    };
    let found = match token.parse::<uuid::Uuid>() {
        Ok(_) => feedback::by_code_or_id(&s.app, token).await,
        Err(_) => Ok(None),
    };
    match found {
        Ok(Some(k)) => list(
            fmt,
            "service_requests",
            "request",
            vec![json!({"service_request_id": k.code, "token": token})],
        ),
        Ok(None) => error(fmt, StatusCode::NOT_FOUND, "open311-no-token"),
        Err(e) => app_error(fmt, e),
    }
}

async fn updates(s: &AppState, fmt: Format, p: &[(String, String)]) -> Response {
    let now = s.app.now();
    let micros = |d: &str, end: bool| -> Option<i64> {
        if let Ok(t) = d.parse::<jiff::Timestamp>() {
            return Some(t.as_microsecond());
        }
        let day = d.get(..10)?.parse::<Date>().ok()?;
        let t = if end { day.tomorrow().ok()? } else { day };
        Some(t.to_zoned(vietnam()).ok()?.timestamp().as_microsecond() - i64::from(end))
    };
    let until = match param(p, "end_date") {
        Some(d) => match micros(d, true) {
            Some(m) => m,
            None => return error(fmt, StatusCode::BAD_REQUEST, "open311-bad-date"),
        },
        None => now,
    };
    let since = match param(p, "start_date") {
        Some(d) => match micros(d, false) {
            Some(m) => m,
            None => return error(fmt, StatusCode::BAD_REQUEST, "open311-bad-date"),
        },
        None => until - WINDOW_DAYS * 86_400 * 1_000_000,
    };
    let evs = match feedback::events_between(&s.app, since, until, MAX_REQUESTS as i64).await {
        Ok(e) => e,
        Err(e) => return app_error(fmt, e),
    };
    let items = evs
        .iter()
        .map(|(e, k)| {
            let to = CaseState::parse(&e.to_state).unwrap_or(CaseState::Received);
            let description = if to == CaseState::Published {
                k.public_answer.clone().unwrap_or_default()
            } else {
                to.label_vi().to_string()
            };
            json!({
                "update_id": format!("{}-{}", k.code, e.seq),
                "service_request_id": k.code,
                "status": if to.is_closed() { "closed" } else { "open" },
                "external_status_code": e.to_state,
                "updated_datetime": w3c(e.at),
                "description": description,
                "media_url": "",
            })
        })
        .collect();
    list(fmt, "service_request_updates", "request_update", items)
}

/// `POST /open311/v2/requests.{fmt}` (form-encoded, `api_key` required).
pub async fn post_request(
    State(s): State<AppState>,
    PathParam(file): PathParam<String>,
    body: Bytes,
) -> Response {
    let Some(("requests", fmt)) = split(&file) else {
        return error(Format::Json, StatusCode::NOT_FOUND, "open311-no-resource");
    };
    let p: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // The key: an API token of staff who may take in feedback.
    let principal = match param(&p, "api_key") {
        Some(k) => match auth::from_api_token(&s.app, k).await {
            Ok(Some(p)) => p,
            Ok(None) => return error(fmt, StatusCode::FORBIDDEN, "open311-key-invalid"),
            Err(e) => return app_error(fmt, e),
        },
        None => return error(fmt, StatusCode::FORBIDDEN, "open311-key-missing"),
    };
    let actor = Actor {
        principal,
        request_id: None,
        session_hash: None,
    };
    let text = |k: &str| param(&p, k).map(str::to_string);
    let request = Open311Request {
        jurisdiction_id: text("jurisdiction_id"),
        service_code: text("service_code"),
        first_name: text("first_name"),
        last_name: text("last_name"),
        phone: text("phone"),
        email: text("email"),
        description: text("description"),
        address_string: text("address_string"),
        media_url: text("media_url"),
        officer: text("attribute[officer]"),
        clause: text("attribute[clause]"),
        reference: text("attribute[reference]"),
    };
    match feedback::submit_open311(&s.app, &actor, &request).await {
        Ok(r) => list_with(
            fmt,
            "service_requests",
            "request",
            vec![json!({
                "service_request_id": r.code,
                "service_notice": format!(
                    "Đã tiếp nhận. Hạn trả lời: {}. Mã theo dõi: {}.", r.answer_due, r.secret
                ),
                "account_id": Value::Null,
            })],
            StatusCode::CREATED,
        ),
        Err(Open311Refusal::App(e)) => app_error(fmt, e),
        Err(r) => {
            let status = match r {
                Open311Refusal::JurisdictionUnknown | Open311Refusal::NoService => {
                    StatusCode::NOT_FOUND
                }
                Open311Refusal::KeyForbidden => StatusCode::FORBIDDEN,
                _ => StatusCode::BAD_REQUEST,
            };
            error(fmt, status, r.code())
        }
    }
}
