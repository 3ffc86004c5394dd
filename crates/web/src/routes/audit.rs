//! The audit log page for auditors, supervisors and administrators, with filters.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use congbo_app::audit;
use congbo_store::repo::audit::AuditFilter;
use serde::Deserialize;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, QueryParam};
use crate::i18n::Locale;
use crate::view::{self, Nav};
use congbo_domain::time::dmy_hm;
use congbo_domain::time::{DAY_MICROS, day_start};

pub const PAGE_SIZE: i64 = 100;

#[derive(Deserialize, Default)]
pub struct Filter {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    pub before: Option<i64>,
}

impl Filter {
    pub fn to_store(&self, limit: i64) -> AuditFilter {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        AuditFilter {
            action_prefix: opt(&self.action),
            actor_name: opt(&self.actor).map(|a| a.to_lowercase()),
            from: self.from.trim().parse().ok().map(day_start),
            // "to" is inclusive of that whole local day.
            to: self
                .to
                .trim()
                .parse()
                .ok()
                .map(|d| day_start(d) + DAY_MICROS),
            before_id: self.before,
            limit,
        }
    }
}

pub struct AuditLine {
    /// The chain position, or empty while not sealed.
    pub seq: String,
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    /// Who did what to which record, in the page's language.
    pub sentence: String,
    pub summary: String,
    pub request_id: String,
}

/// The record an entry names: its kind in words and what identifies it to a person (a code, a
/// name, a username, a date), else its id.
fn target_words(t: &Locale, target_type: &str, target_id: Option<&str>, summary: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(summary).unwrap_or_default();
    let label = ["code", "name", "username", "number"]
        .iter()
        .find_map(|k| v.get(*k).and_then(|x| x.as_str()).map(str::to_string))
        .or_else(|| target_id.map(str::to_string))
        .unwrap_or_default();
    let key = format!("audit-target-{target_type}");
    let kind = if t.has(&key) {
        t.t(&key)
    } else {
        target_type.replace('_', " ")
    };
    format!("{kind} {label}").trim().to_string()
}

/// "Nguyễn Thị Lan chuyển xử lý hồ sơ DB-TL-260212-0001": the action's verb from the locale
/// files (`audit-verb-…`, dots and underscores as dashes), else the action's code.
fn sentence(t: &Locale, r: &congbo_store::repo::audit::AuditRow) -> String {
    let key = format!("audit-verb-{}", r.action.replace(['.', '_'], "-"));
    let verb = if t.has(&key) {
        t.t(&key)
    } else {
        t.t_args("audit-verb-other", &[("action", r.action.clone())])
    };
    let actor = if r.actor_name.is_empty() {
        t.t("audit-system")
    } else {
        r.actor_name.clone()
    };
    t.t_args(
        "audit-sentence",
        &[
            ("actor", actor),
            ("verb", verb),
            (
                "target",
                target_words(t, &r.target_type, r.target_id.as_deref(), &r.summary),
            ),
        ],
    )
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Locale,
    nav: Option<Nav>,
    filter: Filter,
    rows: Vec<AuditLine>,
    older: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(filter): QueryParam<Filter>,
) -> Result<Response, Failure> {
    let rows = audit::list(&state.app, &actor, filter.to_store(PAGE_SIZE)).await?;
    let older = (rows.len() as i64 == PAGE_SIZE).then(|| {
        let last = rows.last().map(|r| r.id).unwrap_or_default();
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "/nhat-ky?action={}&actor={}&from={}&to={}&before={last}",
            enc(&filter.action),
            enc(&filter.actor),
            enc(&filter.from),
            enc(&filter.to)
        )
    });
    let rows = rows
        .into_iter()
        .map(|r| AuditLine {
            sentence: sentence(&t, &r),
            seq: r.seq.map(|s| s.to_string()).unwrap_or_default(),
            at: dmy_hm(r.at),
            actor: r.actor_name,
            role: r
                .role
                .map(|x| t.t(&format!("role-{x}")))
                .unwrap_or_default(),
            action: r.action,
            summary: r.summary,
            request_id: r.request_id.unwrap_or_default(),
        })
        .collect();
    view::page(AuditPage {
        t,
        nav: Some(Nav::of(&actor)),
        filter,
        rows,
        older,
    })
}
