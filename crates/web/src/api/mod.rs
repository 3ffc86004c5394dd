//! The JSON API under `/api/v1`. Every route is described in the OpenAPI document generated
//! from these annotations and served at `/api/v1/openapi.json`.

use axum::Router;
use axum::routing::{delete, get, patch, post, put};
use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::AppState;

pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod dossier;
pub mod feedback;
pub mod office;
pub mod queue;
pub mod rating;
pub mod staff;
pub mod token;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/me", get(staff::me))
        .route("/offices", get(office::list).post(office::create))
        .route("/offices/{id}", get(office::get).patch(office::update))
        .route("/offices/{id}/history", get(office::history))
        .route(
            "/offices/{id}/counters",
            get(office::counters).post(office::create_counter),
        )
        .route("/staff", get(staff::list).post(staff::create))
        .route("/staff/{id}", get(staff::get))
        .route("/staff/{id}/roles", post(staff::assign))
        .route("/staff/{id}/roles/{assignment_id}", delete(staff::revoke))
        .route("/staff/{id}/unlock", post(staff::unlock))
        .route("/tokens", get(token::list).post(token::create))
        .route("/tokens/{id}", delete(token::revoke))
        .route("/audit", get(audit::list))
        .route("/procedures", get(catalog::list))
        .route(
            "/procedures/import",
            post(catalog::import).layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .route("/procedures/{code}", get(catalog::versions))
        .route("/calendar/due", get(calendar::due_date))
        .route(
            "/calendar/days/{date}",
            axum::routing::put(calendar::put_day).delete(calendar::delete_day),
        )
        .route("/calendar/{year}", get(calendar::year))
        .route("/dossiers", get(dossier::list).post(dossier::create))
        .route("/dossiers/{id}", get(dossier::get))
        .route("/dossiers/{id}/receive", post(dossier::receive))
        .route(
            "/dossiers/{id}/request-supplement",
            post(dossier::request_supplement),
        )
        .route(
            "/dossiers/{id}/supplement-received",
            post(dossier::supplement_received),
        )
        .route("/dossiers/{id}/refuse", post(dossier::refuse))
        .route("/dossiers/{id}/transfer", post(dossier::transfer))
        .route("/dossiers/{id}/finish", post(dossier::finish))
        .route("/dossiers/{id}/return", post(dossier::return_result))
        .route("/dossiers/{id}/stop", post(dossier::stop))
        .route("/dossiers/{id}/withdraw", post(dossier::withdraw))
        .route("/dossiers/{id}/apologize", post(dossier::apologize))
        .route("/offices/{id}/queue", get(queue::config))
        .route("/offices/{id}/service-groups", post(queue::create_group))
        .route("/offices/{id}/queue-settings", put(queue::put_settings))
        .route("/offices/{id}/queue-stats", get(queue::stats))
        .route("/service-groups/{id}", patch(queue::update_group))
        .route("/counters/sign-out", post(queue::sign_out))
        .route("/counters/{id}/services", put(queue::set_services))
        .route("/counters/{id}/sign-in", post(queue::sign_in))
        .route("/counters/{id}/call-next", post(queue::call_next))
        .route("/tickets", post(queue::issue_staff))
        .route("/tickets/{id}", get(queue::get))
        .route("/tickets/{id}/recall", post(queue::recall))
        .route("/tickets/{id}/start", post(queue::start))
        .route("/tickets/{id}/transfer", post(queue::transfer))
        .route("/tickets/{id}/no-show", post(queue::no_show))
        .route("/tickets/{id}/finish", post(queue::finish))
        .route("/tickets/{id}/apologize", post(queue::apologize))
        .route("/public/offices/{code}/queue", get(queue::public_config))
        .route("/public/offices/{code}/display", get(queue::board))
        .route("/public/offices/{code}/events", get(queue::events))
        .route("/public/tickets/{id}", get(queue::follow))
        .route("/public/tickets/{id}/subscribe", post(queue::subscribe))
        .route(
            "/offices/{id}/rating-settings",
            get(rating::get_settings).put(rating::put_settings),
        )
        .route("/offices/{id}/satisfaction", get(rating::figures))
        .route("/offices/{id}/recovery-cases", get(rating::cases))
        .route("/counters/{id}/rating-devices", post(rating::pair))
        .route("/rating-devices/{id}", delete(rating::revoke_device))
        .route("/ratings/mine", get(rating::mine))
        .route("/ratings/{id}/set-aside", post(rating::set_aside))
        .route("/recovery-cases/{id}/close", post(rating::close_case))
        .route("/conduct-codes", get(rating::conduct_codes))
        .route("/conduct-codes/{code}", put(rating::put_conduct_code))
        .route("/feedback", get(feedback::list).post(feedback::create))
        .route("/feedback/{id}", get(feedback::get))
        .route("/feedback/{id}/identity", post(feedback::reveal))
        .route("/feedback/{id}/identity-log", get(feedback::identity_log))
        .route("/feedback/{id}/{action}", post(feedback::act))
        .route("/offices/{id}/feedback-stats", get(feedback::stats))
        .route("/staff/{id}/conduct-record", get(feedback::record))
        .route(
            "/public/feedback/{code}/{action}",
            post(feedback::sender_act),
        )
        .route("/public/feedback-answers", get(feedback::answers))
        .route(
            "/public/dossier-ratings/{code}",
            get(rating::dossier_form).post(rating::rate_dossier),
        )
}

/// `{"error": {"code": …, "message": …}}`; `message` is in the caller's language.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable code, e.g. `forbidden`, `office-code-format`.
    pub code: String,
    /// Translated message (Vietnamese by default; `Accept-Language: en` for English).
    pub message: String,
    /// The input field concerned, if any.
    pub field: Option<String>,
    /// Parser detail for malformed input.
    pub detail: Option<String>,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "congbo API", version = "1", description = "Dossiers (intake, lifecycle actions, lists, public lookup), offices, staff, API tokens, the working calendar, the procedure catalogue and the audit log of a congbo installation. Authenticate with `Authorization: Bearer <API token>`."),
    paths(
        staff::me,
        office::list, office::create, office::get, office::update, office::history,
        office::counters, office::create_counter,
        staff::list, staff::create, staff::get, staff::assign, staff::revoke, staff::unlock,
        token::list, token::create, token::revoke,
        audit::list,
        calendar::year, calendar::due_date, calendar::put_day, calendar::delete_day,
        catalog::list, catalog::versions, catalog::import,
        dossier::create, dossier::list, dossier::get, dossier::receive,
        dossier::request_supplement, dossier::supplement_received, dossier::refuse,
        dossier::transfer, dossier::finish, dossier::return_result, dossier::stop,
        dossier::withdraw, dossier::apologize, dossier::lookup,
        queue::config, queue::create_group, queue::update_group, queue::put_settings,
        queue::set_services, queue::sign_in, queue::sign_out, queue::call_next,
        queue::issue_staff, queue::issue_public, queue::public_config, queue::get,
        queue::follow, queue::subscribe, queue::recall, queue::start, queue::transfer,
        queue::no_show, queue::finish, queue::apologize, queue::board, queue::events,
        queue::stats,
        rating::get_settings, rating::put_settings, rating::pair, rating::revoke_device,
        rating::conduct_codes, rating::put_conduct_code, rating::dossier_form,
        rating::rate_dossier, rating::mine, rating::figures, rating::cases, rating::close_case,
        rating::set_aside,
        feedback::create, feedback::create_public, feedback::list, feedback::get,
        feedback::reveal, feedback::identity_log, feedback::act, feedback::stats,
        feedback::record, feedback::follow, feedback::sender_act, feedback::answers,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    security(("api_token" = [])),
)]
pub struct ApiDoc;

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// RFC 3339 UTC text for an instant in microseconds.
pub fn rfc3339(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
