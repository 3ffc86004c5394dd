//! What every page shares: the navigation of the signed-in user, and formatting helpers.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use congbo_app::Actor;

use crate::error::Failure;
use crate::i18n::Locale;

/// The signed-in user as the layout shows them, and which menu entries they get.
#[derive(Debug, Clone)]
pub struct Nav {
    pub full_name: String,
    pub username: String,
    pub can_offices: bool,
    pub can_staff: bool,
    pub can_audit: bool,
    pub can_dossiers: bool,
    pub can_queue: bool,
    pub can_feedback: bool,
    pub can_figures: bool,
    /// The ratings page: ratings about the user (roles citizens rate) or an office's.
    pub can_ratings: bool,
    /// The user's own evaluation page (everyone has one).
    pub evaluation: String,
    /// Evaluates others (heads): the staff list leads to their pages.
    pub can_evaluate: bool,
    /// Answers citizens' personal data requests (heads and deputies).
    pub can_privacy: bool,
    /// Sets the retention periods of personal data.
    pub can_retention: bool,
    /// Keeps the personal data breach register.
    pub can_breaches: bool,
}

impl Nav {
    /// The menu from what the caller may do ([`congbo_app::access::capabilities`]).
    pub fn of(actor: &Actor) -> Nav {
        let p = &actor.principal;
        let may = congbo_app::access::capabilities(actor);
        Nav {
            full_name: p.full_name.clone(),
            username: p.username.clone(),
            can_offices: may.offices,
            can_staff: may.staff,
            can_audit: may.audit,
            can_dossiers: may.dossiers,
            can_queue: may.queue,
            // Taking feedback at the desk goes through the public form; the list needs reading.
            can_feedback: may.feedback_read,
            can_ratings: may.rated || may.ratings_read,
            can_figures: may.figures,
            evaluation: crate::routes::evaluation::scorecard_path(p.user_id),
            can_evaluate: may.evaluation_manage,
            can_privacy: may.privacy,
            can_retention: may.retention,
            can_breaches: may.breaches,
        }
    }
}

/// A page shown again with a refused rule's message is 422; otherwise 200.
pub fn status_for(error: &Option<String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// A refused rule becomes its status and the translated message to show on the page again;
/// anything else (not found, forbidden, a server error) stays a failure page.
pub fn refusal(t: &Locale, e: congbo_app::AppError) -> Result<(StatusCode, String), Failure> {
    let f = Failure::from(e);
    if f.status.is_server_error()
        || f.status == StatusCode::FORBIDDEN
        || f.status == StatusCode::NOT_FOUND
    {
        return Err(f);
    }
    let msg = f.message(t);
    Ok((f.status, msg))
}

/// Render a page, 200.
pub fn page<T: Template>(t: T) -> Result<Response, Failure> {
    page_with(StatusCode::OK, t)
}

pub fn page_with<T: Template>(status: StatusCode, t: T) -> Result<Response, Failure> {
    let html = t.render().map_err(|e| {
        tracing::error!(error = %e, "template failed");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    })?;
    Ok((status, Html(html)).into_response())
}

pub fn role_label(t: &Locale, role: &str) -> String {
    t.t(&format!("role-{role}"))
}

pub fn kind_label(t: &Locale, kind: &str) -> String {
    t.t(&format!("kind-{kind}"))
}
