//! The JSON API under `/api/v1`. Every route is described in the OpenAPI document generated
//! from these annotations and served at `/api/v1/openapi.json`.

use serde::Serialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

pub mod audit;
pub mod breach;
pub mod calendar;
pub mod catalog;
pub mod dossier;
pub mod evaluation;
pub mod evaluation_year;
pub mod feedback;
pub mod office;
pub mod public_stats;
pub mod queue;
pub mod rating;
pub mod report;
pub mod staff;
pub mod token;

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
        dossier::withdraw, dossier::apologize, dossier::request_apology, dossier::lookup,
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
        report::figures, report::index766, report::by_office, report::trend, report::drill,
        report::periodic, public_stats::statistics,
        evaluation::get_scorecard, evaluation::get_register, evaluation::add_entry,
        evaluation::answer, evaluation::decide_suggestion, evaluation::get_form, evaluation::step,
        breach::list, breach::create, breach::get, breach::authority_notified,
        breach::subjects_notified,
        evaluation_year::get_ranking, evaluation_year::decide, evaluation_year::publish,
        evaluation_year::commend, evaluation_year::cases, evaluation_year::open,
        evaluation_year::case, evaluation_year::step,
    ),
    components(schemas(ErrorBody, ErrorDetail, report::FiguresOut, report::Index766Out, report::ByOfficeOut, report::TrendOut, report::MonthOut, report::PeriodicOut,
        public_stats::StatisticsOut, public_stats::PeriodOut, breach::BreachOut, breach::BreachIn,
        breach::AuthorityIn, breach::SubjectsIn)),
    modifiers(&BearerAuth),
    security(("api_token" = [])),
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`: this document.
pub(crate) async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}

/// RFC 3339 UTC text for an instant in microseconds.
pub fn rfc3339(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .map(|t| t.to_string())
        .unwrap_or_default()
}
