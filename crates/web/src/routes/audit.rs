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
    pub target: String,
    pub summary: String,
    pub request_id: String,
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
            seq: r.seq.map(|s| s.to_string()).unwrap_or_default(),
            at: dmy_hm(r.at),
            actor: r.actor_name,
            role: r
                .role
                .map(|x| t.t(&format!("role-{x}")))
                .unwrap_or_default(),
            action: r.action,
            target: format!("{} {}", r.target_type, r.target_id.unwrap_or_default()),
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
