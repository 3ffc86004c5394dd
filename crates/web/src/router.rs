//! The one route table: every path the server answers, with its method, its area (page, JSON
//! API, Open311, operations), its rate limit and its body allowance. [`routes`] registers the
//! table; [`entries`] lists the same table (without the handlers) so tests compare what is
//! served with the OpenAPI document and sweep every endpoint — the list cannot drift from the
//! router because both are built by [`table`].

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn_with_state;
use axum::routing::{MethodFilter, MethodRouter, on};

use crate::{AppState, api, assets, open311, ratelimit, routes as page};

/// Which part of the edge a route belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Server-rendered pages (HTML, forms).
    Page,
    /// The JSON API under `/api/v1`; described in the OpenAPI document unless `documented`
    /// is false (the document itself).
    Api,
    /// The GeoReport v2 (Open311) endpoints.
    Open311,
    /// Health, readiness, metrics and static assets.
    Ops,
}

/// The per-client allowance a route is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    None,
    /// Public dossier look-ups.
    Lookup,
    /// Queue numbers taken without signing in.
    Ticket,
    /// Feedback sent without signing in.
    Feedback,
    /// Following a feedback case with its code and secret.
    FeedbackFollow,
    /// The sender's actions on a feedback case (each carries the secret).
    FeedbackAction,
}

/// One method on one path, as listed for tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub area: Area,
    pub method: Method,
    /// The path in axum's syntax, e.g. `/api/v1/offices/{id}` (as in the OpenAPI document).
    pub path: &'static str,
    pub limit: Limit,
    /// A body allowance other than [`crate::BODY_LIMIT`].
    pub body_limit: Option<usize>,
    /// Described in the OpenAPI document (API routes only).
    pub documented: bool,
    /// For a page form (`POST`) whose form is not on the page at its own path or above it:
    /// the page that shows the form (see [`page_for_post`]).
    pub form_page: Option<&'static str>,
}

/// One table row: the entry and the handler that serves it.
struct Route {
    entry: Entry,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn limit(&mut self, l: Limit) -> &mut Self {
        self.entry.limit = l;
        self
    }
    fn body_limit(&mut self, bytes: usize) -> &mut Self {
        self.entry.body_limit = Some(bytes);
        self
    }
    fn form_page(&mut self, page: &'static str) -> &mut Self {
        self.entry.form_page = Some(page);
        self
    }
    fn undocumented(&mut self) -> &mut Self {
        self.entry.documented = false;
        self
    }

    /// The handler with the route's own layers: the body allowance inside, the rate limit
    /// outside (a refused client is not read).
    fn into_method_router(self, state: &AppState) -> MethodRouter<AppState> {
        let mut h = self.handler;
        if let Some(bytes) = self.entry.body_limit {
            h = h.layer(DefaultBodyLimit::max(bytes));
        }
        match self.entry.limit {
            Limit::None => h,
            Limit::Lookup => h.layer(from_fn_with_state(state.clone(), ratelimit::lookup_limit)),
            Limit::Ticket => h.layer(from_fn_with_state(state.clone(), ratelimit::ticket_limit)),
            Limit::Feedback => {
                h.layer(from_fn_with_state(state.clone(), ratelimit::feedback_limit))
            }
            Limit::FeedbackFollow => h.layer(from_fn_with_state(
                state.clone(),
                ratelimit::feedback_follow_limit,
            )),
            Limit::FeedbackAction => h.layer(from_fn_with_state(
                state.clone(),
                ratelimit::feedback_action_limit,
            )),
        }
    }
}

#[derive(Default)]
struct Table(Vec<Route>);

impl Table {
    fn add<H, T>(&mut self, area: Area, method: Method, path: &'static str, h: H) -> &mut Route
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a routable method");
        self.0.push(Route {
            entry: Entry {
                area,
                documented: area == Area::Api,
                method,
                path,
                limit: Limit::None,
                body_limit: None,
                form_page: None,
            },
            handler: on(filter, h),
        });
        self.0.last_mut().expect("just pushed")
    }
    fn page<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        m: Method,
        path: &'static str,
        h: H,
    ) -> &mut Route {
        self.add(Area::Page, m, path, h)
    }
    fn api<H: Handler<T, AppState>, T: 'static>(
        &mut self,
        m: Method,
        path: &'static str,
        h: H,
    ) -> &mut Route {
        self.add(Area::Api, m, path, h)
    }
}

/// Every route of the server.
fn table() -> Vec<Route> {
    use Method as M;
    let mut t = Table::default();

    // Pages.
    t.page(M::GET, "/", page::home::dashboard);
    t.page(M::POST, "/ngon-ngu/{code}", page::home::set_language);
    t.page(M::GET, "/dang-nhap", page::auth::login_page);
    t.page(M::POST, "/dang-nhap", page::auth::login);
    t.page(M::POST, "/dang-xuat", page::auth::logout);
    t.page(M::GET, "/kich-hoat/{token}", page::auth::setup_page);
    t.page(M::POST, "/kich-hoat/{token}", page::auth::setup);
    t.page(M::GET, "/tai-khoan", page::account::page);
    t.page(
        M::POST,
        "/tai-khoan/mat-khau",
        page::account::change_password,
    );
    t.page(
        M::POST,
        "/tai-khoan/khoa-truy-cap",
        page::account::create_token,
    );
    t.page(
        M::POST,
        "/tai-khoan/khoa-truy-cap/{id}/thu-hoi",
        page::account::revoke_token,
    );
    t.page(M::GET, "/don-vi", page::office::list);
    t.page(M::POST, "/don-vi", page::office::create);
    t.page(M::GET, "/don-vi/{id}", page::office::show);
    t.page(M::POST, "/don-vi/{id}/doi-ten", page::office::rename);
    t.page(M::POST, "/don-vi/{id}/chuyen", page::office::move_to);
    t.page(M::POST, "/don-vi/{id}/quay", page::office::create_counter);
    t.page(M::GET, "/don-vi/{id}/xep-hang", page::queue::config);
    t.page(
        M::POST,
        "/don-vi/{id}/xep-hang/dich-vu",
        page::queue::add_group,
    );
    t.page(
        M::POST,
        "/don-vi/{id}/xep-hang/quay/{counter}",
        page::queue::set_services,
    );
    t.page(
        M::POST,
        "/don-vi/{id}/xep-hang/cai-dat",
        page::queue::save_settings,
    );
    t.page(M::GET, "/can-bo", page::staff::list);
    t.page(M::POST, "/can-bo", page::staff::create);
    t.page(M::GET, "/can-bo/{id}", page::staff::show);
    t.page(M::POST, "/can-bo/{id}/vai-tro", page::staff::assign);
    t.page(
        M::POST,
        "/can-bo/{id}/vai-tro/{assignment}/thu-hoi",
        page::staff::revoke,
    );
    t.page(M::POST, "/can-bo/{id}/mo-khoa", page::staff::unlock);
    t.page(M::POST, "/can-bo/{id}/trang-thai", page::staff::set_active);
    t.page(
        M::GET,
        "/can-bo/{id}/danh-gia-cong-viec",
        page::evaluation::show,
    );
    t.page(
        M::POST,
        "/can-bo/{id}/danh-gia-cong-viec/so-theo-doi",
        page::evaluation::add_entry,
    );
    t.page(
        M::POST,
        "/can-bo/{id}/danh-gia-cong-viec/so-theo-doi/{entry}/tra-loi",
        page::evaluation::answer,
    );
    t.page(
        M::POST,
        "/can-bo/{id}/danh-gia-cong-viec/goi-y/{decision}",
        page::evaluation::decide,
    );
    t.page(
        M::GET,
        "/can-bo/{id}/cham-diem/{ky}",
        page::evaluation::form,
    );
    t.page(
        M::POST,
        "/can-bo/{id}/cham-diem/{ky}/{action}",
        page::evaluation::step,
    );
    t.page(
        M::GET,
        "/can-bo/{id}/ky-luat",
        page::evaluation_year::discipline_page,
    );
    t.page(
        M::POST,
        "/can-bo/{id}/ky-luat",
        page::evaluation_year::open_case,
    );
    t.page(
        M::GET,
        "/can-bo/{id}/ky-luat/{case}",
        page::evaluation_year::case_page,
    );
    t.page(
        M::POST,
        "/can-bo/{id}/ky-luat/{case}/{action}",
        page::evaluation_year::case_step,
    );
    t.page(
        M::GET,
        "/don-vi/{id}/xep-loai/{year}",
        page::evaluation_year::ranking_page,
    );
    t.page(
        M::POST,
        "/don-vi/{id}/xep-loai/{year}/quyet-dinh",
        page::evaluation_year::decide,
    );
    t.page(
        M::POST,
        "/don-vi/{id}/xep-loai/{year}/cong-bo",
        page::evaluation_year::publish,
    );
    t.page(
        M::POST,
        "/don-vi/{id}/xep-loai/{year}/khen-thuong",
        page::evaluation_year::commend,
    );
    t.page(M::GET, "/nhat-ky", page::audit::page);
    t.page(M::GET, "/thu-tuc", page::catalog::public_list);
    t.page(M::GET, "/thu-tuc/{code}", page::catalog::public_detail);
    t.page(M::GET, "/danh-muc/nhap", page::catalog::import_form)
        .body_limit(crate::IMPORT_LIMIT);
    t.page(M::POST, "/danh-muc/nhap", page::catalog::import)
        .body_limit(crate::IMPORT_LIMIT);
    t.page(M::GET, "/danh-muc/xuat", page::catalog::export);
    t.page(M::GET, "/ho-so", page::dossier::list);
    t.page(M::POST, "/ho-so", page::dossier::create)
        .form_page("/ho-so/tiep-nhan");
    t.page(M::GET, "/ho-so/tiep-nhan", page::dossier::new_form);
    t.page(M::GET, "/ho-so/so-theo-doi", page::dossier::book);
    t.page(M::GET, "/ho-so/{id}", page::dossier::show);
    t.page(M::GET, "/ho-so/{id}/mau/{number}", page::dossier::form);
    t.page(M::POST, "/ho-so/{id}/{action}", page::dossier::act);
    t.page(M::GET, "/tra-cuu", page::dossier::lookup);
    t.page(M::POST, "/tra-cuu", page::dossier::lookup_found)
        .limit(Limit::Lookup);
    t.page(
        M::GET,
        "/ho-so/{id}/truy-cap",
        page::privacy::access::dossier_log,
    );
    t.page(M::GET, "/du-lieu-ca-nhan", page::privacy::access::requests);
    t.page(
        M::POST,
        "/du-lieu-ca-nhan/yeu-cau/{id}",
        page::privacy::access::answer,
    );
    t.page(
        M::POST,
        "/du-lieu-ca-nhan/yeu-cau/{id}/gia-han",
        page::privacy::access::extend,
    );
    t.page(
        M::GET,
        "/du-lieu-cua-toi",
        page::privacy::request::start_form,
    );
    t.page(M::POST, "/du-lieu-cua-toi", page::privacy::request::start)
        .limit(Limit::Lookup);
    t.page(
        M::GET,
        "/du-lieu-cua-toi/{id}",
        page::privacy::request::export,
    );
    t.page(
        M::GET,
        "/du-lieu-cua-toi/{id}/xac-nhan",
        page::privacy::request::code_form,
    );
    t.page(
        M::POST,
        "/du-lieu-cua-toi/{id}/xac-nhan",
        page::privacy::request::verify,
    )
    .limit(Limit::Lookup);
    t.page(
        M::GET,
        "/du-lieu-cua-toi/{id}/tai-ve",
        page::privacy::request::download,
    );
    t.page(
        M::POST,
        "/du-lieu-cua-toi/{id}/yeu-cau",
        page::privacy::request::file,
    )
    .limit(Limit::Lookup);
    t.page(
        M::POST,
        "/du-lieu-cua-toi/{id}/dong-y/{consent}/rut",
        page::privacy::request::withdraw,
    )
    .limit(Limit::Lookup);
    t.page(M::GET, "/man-hinh/{code}", page::queue::display_page);
    t.page(M::GET, "/ki-ot/{code}", page::queue::kiosk)
        .limit(Limit::Ticket);
    t.page(M::POST, "/ki-ot/{code}", page::queue::kiosk_issue)
        .limit(Limit::Ticket);
    t.page(M::GET, "/lay-so/{code}", page::queue::take_number)
        .limit(Limit::Ticket);
    t.page(M::POST, "/lay-so/{code}", page::queue::take_number_issue)
        .limit(Limit::Ticket);
    t.page(M::GET, "/ve/{id}", page::queue::follow);
    t.page(M::GET, "/so", page::queue::follow_code)
        .limit(Limit::Lookup);
    t.page(M::POST, "/ve/{id}/bao", page::queue::subscribe);
    t.page(M::GET, "/quay", page::queue::counter);
    t.page(M::POST, "/quay/vao", page::queue::sign_in);
    t.page(M::POST, "/quay/ra", page::queue::sign_out);
    t.page(M::POST, "/quay/goi", page::queue::call_next);
    t.page(M::POST, "/quay/cap-so", page::queue::walk_in);
    t.page(
        M::POST,
        "/quay/ve/{id}/{action}",
        page::queue::ticket_action,
    );
    t.page(M::GET, "/may-danh-gia/{counter}", page::rating::tablet);
    t.page(
        M::POST,
        "/may-danh-gia/{counter}",
        page::rating::tablet_rate,
    );
    t.page(M::GET, "/may-danh-gia/{counter}/ghep", page::rating::pair);
    t.page(M::GET, "/danh-gia", page::rating::staff);
    t.page(M::POST, "/danh-gia/phuc-hoi/{id}", page::rating::close_case);
    t.page(M::GET, "/danh-gia/{code}", page::rating::dossier_form);
    t.page(M::POST, "/danh-gia/{code}", page::rating::dossier_rate);
    t.page(M::GET, "/don-vi/{id}/danh-gia", page::rating::settings);
    t.page(
        M::POST,
        "/don-vi/{id}/danh-gia",
        page::rating::save_settings,
    );
    t.page(
        M::POST,
        "/don-vi/{id}/danh-gia/quay/{counter}",
        page::rating::pair_start,
    );
    t.page(
        M::POST,
        "/don-vi/{id}/danh-gia/thiet-bi/{device}/go",
        page::rating::revoke,
    );
    t.page(M::GET, "/phan-anh", page::feedback::list);
    t.page(M::GET, "/phan-anh/cong-khai", page::feedback::answers);
    t.page(M::GET, "/phan-anh/gui", page::feedback::form)
        .body_limit(crate::FEEDBACK_LIMIT)
        .limit(Limit::Feedback);
    t.page(M::POST, "/phan-anh/gui", page::feedback::send)
        .body_limit(crate::FEEDBACK_LIMIT)
        .limit(Limit::Feedback);
    t.page(M::GET, "/phan-anh/theo-doi", page::feedback::follow)
        .limit(Limit::FeedbackFollow);
    t.page(
        M::POST,
        "/phan-anh/theo-doi/{action}",
        page::feedback::sender_act,
    )
    .limit(Limit::FeedbackAction);
    t.page(M::GET, "/phan-anh/tep/{id}", page::feedback::attachment);
    t.page(M::GET, "/phan-anh/{id}", page::feedback::show);
    t.page(M::POST, "/phan-anh/{id}/{action}", page::feedback::act);
    t.page(M::GET, "/bao-cao", page::report::home);
    t.page(M::GET, "/bao-cao/{id}", page::report::dashboard);
    t.page(M::GET, "/bao-cao/{id}/so-sanh", page::report::compare);
    t.page(
        M::GET,
        "/bao-cao/{id}/chi-tiet/{figure}",
        page::report::drill,
    );
    t.page(M::GET, "/lich", page::calendar::page_for_year);
    t.page(M::POST, "/lich/ngay", page::calendar::set_day);
    t.page(M::POST, "/lich/ngay/{date}/xoa", page::calendar::remove_day);
    t.page(
        M::GET,
        "/bao-cao/{id}/chi-so-766",
        page::report::index766::page,
    );
    t.page(
        M::GET,
        "/bao-cao/{id}/dinh-ky",
        page::report::periodic::page,
    );

    // The JSON API.
    t.api(M::GET, "/api/v1/openapi.json", api::openapi_json)
        .undocumented();
    t.api(M::GET, "/api/v1/me", api::staff::me);
    t.api(M::GET, "/api/v1/offices", api::office::list);
    t.api(M::POST, "/api/v1/offices", api::office::create);
    t.api(M::GET, "/api/v1/offices/{id}", api::office::get);
    t.api(M::PATCH, "/api/v1/offices/{id}", api::office::update);
    t.api(M::GET, "/api/v1/offices/{id}/history", api::office::history);
    t.api(
        M::GET,
        "/api/v1/offices/{id}/counters",
        api::office::counters,
    );
    t.api(
        M::POST,
        "/api/v1/offices/{id}/counters",
        api::office::create_counter,
    );
    t.api(M::GET, "/api/v1/staff", api::staff::list);
    t.api(M::POST, "/api/v1/staff", api::staff::create);
    t.api(M::GET, "/api/v1/staff/{id}", api::staff::get);
    t.api(M::POST, "/api/v1/staff/{id}/roles", api::staff::assign);
    t.api(
        M::DELETE,
        "/api/v1/staff/{id}/roles/{assignment_id}",
        api::staff::revoke,
    );
    t.api(M::POST, "/api/v1/staff/{id}/unlock", api::staff::unlock);
    t.api(M::GET, "/api/v1/tokens", api::token::list);
    t.api(M::POST, "/api/v1/tokens", api::token::create);
    t.api(M::DELETE, "/api/v1/tokens/{id}", api::token::revoke);
    t.api(M::GET, "/api/v1/audit", api::audit::list);
    t.api(M::GET, "/api/v1/procedures", api::catalog::list);
    t.api(M::POST, "/api/v1/procedures/import", api::catalog::import)
        .body_limit(crate::IMPORT_LIMIT);
    t.api(M::GET, "/api/v1/procedures/{code}", api::catalog::versions);
    t.api(M::GET, "/api/v1/calendar/due", api::calendar::due_date);
    t.api(
        M::PUT,
        "/api/v1/calendar/days/{date}",
        api::calendar::put_day,
    );
    t.api(
        M::DELETE,
        "/api/v1/calendar/days/{date}",
        api::calendar::delete_day,
    );
    t.api(M::GET, "/api/v1/calendar/{year}", api::calendar::year);
    t.api(M::GET, "/api/v1/dossiers", api::dossier::list);
    t.api(M::POST, "/api/v1/dossiers", api::dossier::create);
    t.api(M::GET, "/api/v1/dossiers/{id}", api::dossier::get);
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/receive",
        api::dossier::receive,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/request-supplement",
        api::dossier::request_supplement,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/supplement-received",
        api::dossier::supplement_received,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/refuse",
        api::dossier::refuse,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/transfer",
        api::dossier::transfer,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/finish",
        api::dossier::finish,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/return",
        api::dossier::return_result,
    );
    t.api(M::POST, "/api/v1/dossiers/{id}/stop", api::dossier::stop);
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/withdraw",
        api::dossier::withdraw,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/apologize",
        api::dossier::apologize,
    );
    t.api(
        M::POST,
        "/api/v1/dossiers/{id}/request-apology",
        api::dossier::request_apology,
    );
    t.api(M::GET, "/api/v1/public/dossiers", api::dossier::lookup)
        .limit(Limit::Lookup);
    t.api(M::GET, "/api/v1/offices/{id}/queue", api::queue::config);
    t.api(
        M::POST,
        "/api/v1/offices/{id}/service-groups",
        api::queue::create_group,
    );
    t.api(
        M::PUT,
        "/api/v1/offices/{id}/queue-settings",
        api::queue::put_settings,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/queue-stats",
        api::queue::stats,
    );
    t.api(
        M::PATCH,
        "/api/v1/service-groups/{id}",
        api::queue::update_group,
    );
    t.api(M::POST, "/api/v1/counters/sign-out", api::queue::sign_out);
    t.api(
        M::PUT,
        "/api/v1/counters/{id}/services",
        api::queue::set_services,
    );
    t.api(
        M::POST,
        "/api/v1/counters/{id}/sign-in",
        api::queue::sign_in,
    );
    t.api(
        M::POST,
        "/api/v1/counters/{id}/call-next",
        api::queue::call_next,
    );
    t.api(M::POST, "/api/v1/tickets", api::queue::issue_staff);
    t.api(M::GET, "/api/v1/tickets/{id}", api::queue::get);
    t.api(M::POST, "/api/v1/tickets/{id}/recall", api::queue::recall);
    t.api(M::POST, "/api/v1/tickets/{id}/start", api::queue::start);
    t.api(
        M::POST,
        "/api/v1/tickets/{id}/transfer",
        api::queue::transfer,
    );
    t.api(M::POST, "/api/v1/tickets/{id}/no-show", api::queue::no_show);
    t.api(M::POST, "/api/v1/tickets/{id}/finish", api::queue::finish);
    t.api(
        M::POST,
        "/api/v1/tickets/{id}/apologize",
        api::queue::apologize,
    );
    t.api(
        M::GET,
        "/api/v1/public/offices/{code}/queue",
        api::queue::public_config,
    );
    t.api(
        M::POST,
        "/api/v1/public/offices/{code}/tickets",
        api::queue::issue_public,
    )
    .limit(Limit::Ticket);
    t.api(
        M::GET,
        "/api/v1/public/offices/{code}/display",
        api::queue::board,
    );
    t.api(
        M::GET,
        "/api/v1/public/offices/{code}/events",
        api::queue::events,
    );
    t.api(M::GET, "/api/v1/public/tickets/{id}", api::queue::follow);
    t.api(
        M::POST,
        "/api/v1/public/tickets/{id}/subscribe",
        api::queue::subscribe,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/rating-settings",
        api::rating::get_settings,
    );
    t.api(
        M::PUT,
        "/api/v1/offices/{id}/rating-settings",
        api::rating::put_settings,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/satisfaction",
        api::rating::figures,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/recovery-cases",
        api::rating::cases,
    );
    t.api(
        M::POST,
        "/api/v1/counters/{id}/rating-devices",
        api::rating::pair,
    );
    t.api(
        M::DELETE,
        "/api/v1/rating-devices/{id}",
        api::rating::revoke_device,
    );
    t.api(M::GET, "/api/v1/ratings/mine", api::rating::mine);
    t.api(
        M::POST,
        "/api/v1/ratings/{id}/set-aside",
        api::rating::set_aside,
    );
    t.api(
        M::POST,
        "/api/v1/recovery-cases/{id}/close",
        api::rating::close_case,
    );
    t.api(M::GET, "/api/v1/conduct-codes", api::rating::conduct_codes);
    t.api(
        M::PUT,
        "/api/v1/conduct-codes/{code}",
        api::rating::put_conduct_code,
    );
    t.api(
        M::GET,
        "/api/v1/public/dossier-ratings/{code}",
        api::rating::dossier_form,
    );
    t.api(
        M::POST,
        "/api/v1/public/dossier-ratings/{code}",
        api::rating::rate_dossier,
    );
    t.api(M::GET, "/api/v1/feedback", api::feedback::list);
    t.api(M::POST, "/api/v1/feedback", api::feedback::create);
    t.api(M::GET, "/api/v1/feedback/{id}", api::feedback::get);
    t.api(
        M::POST,
        "/api/v1/feedback/{id}/identity",
        api::feedback::reveal,
    );
    t.api(
        M::GET,
        "/api/v1/feedback/{id}/identity-log",
        api::feedback::identity_log,
    );
    t.api(
        M::POST,
        "/api/v1/feedback/{id}/{action}",
        api::feedback::act,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/feedback-stats",
        api::feedback::stats,
    );
    t.api(M::GET, "/api/v1/offices/{id}/figures", api::report::figures);
    t.api(
        M::GET,
        "/api/v1/offices/{id}/index766",
        api::report::index766,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/figures/by-office",
        api::report::by_office,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/figures/trend",
        api::report::trend,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/figures/drill/{figure}",
        api::report::drill,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/reports/periodic",
        api::report::periodic,
    );
    t.api(
        M::GET,
        "/api/v1/staff/{id}/conduct-record",
        api::feedback::record,
    );
    t.api(
        M::GET,
        "/api/v1/staff/{id}/scorecard",
        api::evaluation::get_scorecard,
    );
    t.api(
        M::GET,
        "/api/v1/staff/{id}/register",
        api::evaluation::get_register,
    );
    t.api(
        M::POST,
        "/api/v1/staff/{id}/register",
        api::evaluation::add_entry,
    );
    t.api(
        M::POST,
        "/api/v1/staff/{id}/register/{entry}/answer",
        api::evaluation::answer,
    );
    t.api(
        M::POST,
        "/api/v1/staff/{id}/register/suggestions/{decision}",
        api::evaluation::decide_suggestion,
    );
    t.api(
        M::GET,
        "/api/v1/staff/{id}/evaluations/{period}",
        api::evaluation::get_form,
    );
    t.api(
        M::POST,
        "/api/v1/staff/{id}/evaluations/{period}/{action}",
        api::evaluation::step,
    );
    t.api(
        M::GET,
        "/api/v1/offices/{id}/rankings/{year}",
        api::evaluation_year::get_ranking,
    );
    t.api(
        M::POST,
        "/api/v1/offices/{id}/rankings/{year}/decide",
        api::evaluation_year::decide,
    );
    t.api(
        M::POST,
        "/api/v1/offices/{id}/rankings/{year}/publish",
        api::evaluation_year::publish,
    );
    t.api(
        M::POST,
        "/api/v1/offices/{id}/rankings/{year}/commendations",
        api::evaluation_year::commend,
    );
    t.api(
        M::GET,
        "/api/v1/staff/{id}/discipline",
        api::evaluation_year::cases,
    );
    t.api(
        M::POST,
        "/api/v1/staff/{id}/discipline",
        api::evaluation_year::open,
    );
    t.api(
        M::GET,
        "/api/v1/staff/{id}/discipline/{case}",
        api::evaluation_year::case,
    );
    t.api(
        M::POST,
        "/api/v1/staff/{id}/discipline/{case}/{action}",
        api::evaluation_year::step,
    );
    t.api(
        M::POST,
        "/api/v1/public/feedback",
        api::feedback::create_public,
    )
    .limit(Limit::Feedback);
    t.api(
        M::GET,
        "/api/v1/public/feedback/{code}",
        api::feedback::follow,
    )
    .limit(Limit::FeedbackFollow);
    t.api(
        M::POST,
        "/api/v1/public/feedback/{code}/{action}",
        api::feedback::sender_act,
    )
    .limit(Limit::FeedbackAction);
    t.api(
        M::GET,
        "/api/v1/public/feedback-answers",
        api::feedback::answers,
    );

    // Personal data (issue 18): retention periods and the breach register.
    t.page(
        M::GET,
        "/du-lieu-ca-nhan/luu-tru",
        page::privacy::retention::page_get,
    );
    t.page(
        M::POST,
        "/du-lieu-ca-nhan/luu-tru",
        page::privacy::retention::save,
    );
    t.page(
        M::GET,
        "/du-lieu-ca-nhan/su-co",
        page::privacy::breach::list,
    );
    t.page(
        M::POST,
        "/du-lieu-ca-nhan/su-co",
        page::privacy::breach::create,
    );
    t.page(
        M::GET,
        "/du-lieu-ca-nhan/su-co/{id}",
        page::privacy::breach::show,
    );
    t.page(
        M::POST,
        "/du-lieu-ca-nhan/su-co/{id}/{action}",
        page::privacy::breach::act,
    );
    t.api(M::GET, "/api/v1/breaches", api::breach::list);
    t.api(M::POST, "/api/v1/breaches", api::breach::create);
    t.api(M::GET, "/api/v1/breaches/{id}", api::breach::get);
    t.api(
        M::POST,
        "/api/v1/breaches/{id}/authority-notified",
        api::breach::authority_notified,
    );
    t.api(
        M::POST,
        "/api/v1/breaches/{id}/subjects-notified",
        api::breach::subjects_notified,
    );

    // Public statistics (issue 13 §5): pages and open data, no sign-in.
    t.page(M::GET, "/thong-ke", page::public_stats::list);
    t.page(M::GET, "/thong-ke.csv", page::public_stats::csv);
    t.page(M::GET, "/thong-ke/{id}", page::public_stats::office);
    t.api(
        M::GET,
        "/api/v1/public/statistics",
        api::public_stats::statistics,
    );

    // Open311 (GeoReport v2).
    t.add(
        Area::Open311,
        M::GET,
        "/open311/v2/{file}",
        open311::get_root,
    );
    t.add(
        Area::Open311,
        M::POST,
        "/open311/v2/{file}",
        open311::post_request,
    );
    t.add(
        Area::Open311,
        M::GET,
        "/open311/v2/services/{file}",
        open311::service_definition,
    );
    t.add(
        Area::Open311,
        M::GET,
        "/open311/v2/requests/{file}",
        open311::request,
    );
    t.add(
        Area::Open311,
        M::GET,
        "/open311/v2/tokens/{file}",
        open311::token,
    );

    // Operations.
    t.add(Area::Ops, M::GET, "/static/{name}", assets::serve);
    t.add(Area::Ops, M::GET, "/healthz", page::ops::healthz);
    t.add(Area::Ops, M::GET, "/readyz", page::ops::readyz);
    t.add(Area::Ops, M::GET, "/metrics", page::ops::metrics);

    t.0
}

/// The routes of [`table`], registered with their own layers (the shared layers and the
/// fallback are added by [`crate::router`]).
pub fn routes(state: &AppState) -> Router<AppState> {
    table().into_iter().fold(Router::new(), |r, route| {
        let path = route.entry.path;
        r.route(path, route.into_method_router(state))
    })
}

/// Every route the server answers, in table order.
pub fn entries() -> Vec<Entry> {
    table().into_iter().map(|r| r.entry).collect()
}

/// Whether the concrete `path` matches the route `pattern` (`{name}` matches one segment).
pub fn matches(pattern: &str, path: &str) -> bool {
    let (p, c): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == c.len()
        && p.iter()
            .zip(&c)
            .all(|(a, b)| a == b || (a.starts_with('{') && a.ends_with('}') && !b.is_empty()))
}

/// The page that shows the form posted to the page route `path` (when the browser sent no
/// `Referer`): the route's `form_page`, else the page (`GET`) at `path`, else its nearest
/// ancestor that is a page (`/don-vi/7/doi-ten` → `/don-vi/7`), else `/`.
pub fn page_for_post(path: &str) -> String {
    let all = entries();
    let pages: Vec<&Entry> = all
        .iter()
        .filter(|e| e.area == Area::Page && e.method == Method::GET)
        .collect();
    let posted = all
        .iter()
        .find(|e| e.area == Area::Page && e.method == Method::POST && matches(e.path, path));
    if let Some(page) = posted.and_then(|e| e.form_page) {
        return page.to_string();
    }
    let mut candidate = path.trim_end_matches('/').to_string();
    while !candidate.is_empty() {
        if pages.iter().any(|e| matches(e.path, &candidate)) {
            return candidate;
        }
        candidate.truncate(candidate.rfind('/').unwrap_or(0));
    }
    "/".to_string()
}

/// The page forms: every page `POST`, with the page that shows its form.
pub fn page_forms() -> Vec<(&'static str, Option<&'static str>)> {
    entries()
        .into_iter()
        .filter(|e| e.area == Area::Page && e.method == Method::POST)
        .map(|e| (e.path, e.form_page))
        .collect()
}

/// The page routes: method and path.
pub fn page_routes() -> Vec<(Method, &'static str)> {
    of_area(Area::Page)
}

/// The JSON API routes: method and path (including the undocumented OpenAPI document).
pub fn api_routes() -> Vec<(Method, &'static str)> {
    of_area(Area::Api)
}

fn of_area(area: Area) -> Vec<(Method, &'static str)> {
    entries()
        .into_iter()
        .filter(|e| e.area == area)
        .map(|e| (e.method, e.path))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_method_and_path_is_listed_twice() {
        let mut seen = std::collections::HashSet::new();
        for e in entries() {
            assert!(
                seen.insert((e.method.clone(), e.path)),
                "{} {} twice",
                e.method,
                e.path
            );
        }
    }

    #[test]
    fn a_refused_form_goes_back_to_its_page() {
        assert_eq!(page_for_post("/ho-so"), "/ho-so/tiep-nhan");
        assert_eq!(page_for_post("/danh-muc/nhap"), "/danh-muc/nhap");
        assert_eq!(page_for_post("/lich/ngay"), "/lich");
        assert_eq!(page_for_post("/tai-khoan/mat-khau"), "/tai-khoan");
        let id = "0190a3c4-0000-7000-8000-000000000001";
        assert_eq!(
            page_for_post(&format!("/don-vi/{id}/doi-ten")),
            format!("/don-vi/{id}")
        );
        assert_eq!(
            page_for_post(&format!("/ho-so/{id}/apology")),
            format!("/ho-so/{id}")
        );
    }

    #[test]
    fn api_paths_live_under_api_v1_and_pages_do_not() {
        for e in entries() {
            assert_eq!(
                e.area == Area::Api,
                e.path.starts_with("/api/v1/"),
                "{:?} {}",
                e.area,
                e.path
            );
        }
    }
}
