//! Server-rendered pages, one file per area.

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub mod account;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod dossier;
pub mod feedback;
pub mod home;
pub mod office;
pub mod ops;
pub mod queue;
pub mod rating;
pub mod staff;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::dashboard))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/setup/{token}", get(auth::setup_page).post(auth::setup))
        .route("/account", get(account::page))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/offices", get(office::list).post(office::create))
        .route("/offices/{id}", get(office::show))
        .route("/offices/{id}/rename", post(office::rename))
        .route("/offices/{id}/move", post(office::move_to))
        .route("/offices/{id}/counters", post(office::create_counter))
        .route("/offices/{id}/xep-hang", get(queue::config))
        .route("/offices/{id}/xep-hang/dich-vu", post(queue::add_group))
        .route(
            "/offices/{id}/xep-hang/quay/{counter}",
            post(queue::set_services),
        )
        .route("/offices/{id}/xep-hang/cai-dat", post(queue::save_settings))
        .route("/staff", get(staff::list).post(staff::create))
        .route("/staff/{id}", get(staff::show))
        .route("/staff/{id}/roles", post(staff::assign))
        .route("/staff/{id}/roles/{assignment}/revoke", post(staff::revoke))
        .route("/staff/{id}/unlock", post(staff::unlock))
        .route("/staff/{id}/active", post(staff::set_active))
        .route("/audit", get(audit::page))
        .route("/thu-tuc", get(catalog::public_list))
        .route("/thu-tuc/{code}", get(catalog::public_detail))
        .route(
            "/catalog/import",
            get(catalog::import_form)
                .post(catalog::import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .route("/catalog/export", get(catalog::export))
        .route("/ho-so", get(dossier::list).post(dossier::create))
        .route("/ho-so/tiep-nhan", get(dossier::new_form))
        .route("/ho-so/so-theo-doi", get(dossier::book))
        .route("/ho-so/{id}", get(dossier::show))
        .route("/ho-so/{id}/mau/{number}", get(dossier::form))
        .route("/ho-so/{id}/{action}", post(dossier::act))
        .route("/display/{code}", get(queue::display_page))
        .route("/ve/{id}", get(queue::follow))
        .route("/ve/{id}/bao", post(queue::subscribe))
        .route("/quay", get(queue::counter))
        .route("/quay/vao", post(queue::sign_in))
        .route("/quay/ra", post(queue::sign_out))
        .route("/quay/goi", post(queue::call_next))
        .route("/quay/cap-so", post(queue::walk_in))
        .route("/quay/ve/{id}/{action}", post(queue::ticket_action))
        .route(
            "/rate/{counter}",
            get(rating::tablet).post(rating::tablet_rate),
        )
        .route("/rate/{counter}/pair", get(rating::pair))
        .route("/danh-gia", get(rating::staff))
        .route("/danh-gia/phuc-hoi/{id}", post(rating::close_case))
        .route(
            "/danh-gia/{code}",
            get(rating::dossier_form).post(rating::dossier_rate),
        )
        .route(
            "/offices/{id}/danh-gia",
            get(rating::settings).post(rating::save_settings),
        )
        .route(
            "/offices/{id}/danh-gia/quay/{counter}",
            post(rating::pair_start),
        )
        .route(
            "/offices/{id}/danh-gia/thiet-bi/{device}/go",
            post(rating::revoke),
        )
        .route("/phan-anh", get(feedback::list))
        .route("/phan-anh/cong-khai", get(feedback::answers))
        .route("/phan-anh/theo-doi/{action}", post(feedback::sender_act))
        .route("/phan-anh/tep/{id}", get(feedback::attachment))
        .route("/phan-anh/{id}", get(feedback::show))
        .route("/phan-anh/{id}/{action}", post(feedback::act))
        .route("/calendar", get(calendar::page_for_year))
        .route("/calendar/days", post(calendar::set_day))
        .route("/calendar/days/{date}/delete", post(calendar::remove_day))
}
