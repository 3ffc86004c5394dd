//! The HTTP edge: server-rendered pages (askama + htmx), the JSON API under `/api/v1` with its
//! OpenAPI document, operations endpoints, and the layers every request passes through.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn;
use axum::middleware::from_fn_with_state;
use congbo_app::App;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub mod api;
pub mod assets;
pub mod charts;
pub mod error;
pub mod export;
pub mod extract;
pub mod form_state;
pub mod forms;
pub mod i18n;
pub mod legacy;
pub mod middleware;
pub mod open311;
pub mod ratelimit;
pub mod router;
pub mod routes;
pub mod view;

/// Largest request body accepted anywhere (bigger uploads get their own limit when they come).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Catalogue imports (a province's procedures as CSV or JSON) may be larger.
pub const IMPORT_LIMIT: usize = 4 * 1024 * 1024;
/// The feedback form with its attachments (three of at most 5 MiB, and the text).
pub const FEEDBACK_LIMIT: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// The public base URL (e.g. `https://motcua.dienbien.gov.vn`), if behind a proxy.
    pub public_url: Option<String>,
    /// Mark cookies `Secure` and send HSTS (true when served over TLS).
    pub secure_cookies: bool,
    /// Public dossier lookups allowed per client address per minute (default
    /// [`DEFAULT_LOOKUPS_PER_MINUTE`]; `Some(0)` turns the limit off, for benchmarks).
    pub lookup_per_minute: Option<u32>,
    /// Queue numbers a client address may take per minute without signing in (kiosk, phone);
    /// default [`DEFAULT_TICKETS_PER_MINUTE`], 0 = unlimited.
    pub tickets_per_minute: Option<u32>,
    /// Feedback a client address may send per minute without signing in; default
    /// [`DEFAULT_FEEDBACK_PER_MINUTE`], 0 = unlimited.
    pub feedback_per_minute: Option<u32>,
    /// Follows of a case (code and secret) a client address may make per minute; default
    /// [`DEFAULT_FEEDBACK_FOLLOWS_PER_MINUTE`], 0 = unlimited.
    pub feedback_follow_per_minute: Option<u32>,
    /// The sender's actions on a case a client address may try per minute; default
    /// [`DEFAULT_FEEDBACK_ACTIONS_PER_MINUTE`], 0 = unlimited.
    pub feedback_action_per_minute: Option<u32>,
    /// Attachment bytes a client address may send a day without signing in; default
    /// [`DEFAULT_ATTACHMENT_BYTES_PER_DAY`], 0 = unlimited.
    pub attachment_bytes_per_day: Option<u64>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the header is ignored).
    pub trusted_proxies: ratelimit::TrustedProxies,
}

/// Default allowance of public dossier lookups per client address per minute.
pub const DEFAULT_LOOKUPS_PER_MINUTE: u32 = 20;
/// A lobby kiosk serves everyone from one address: generous, but a script cannot flood.
pub const DEFAULT_TICKETS_PER_MINUTE: u32 = 30;
/// Feedback is written by hand: a few a minute from one address is already a lot.
pub const DEFAULT_FEEDBACK_PER_MINUTE: u32 = 5;
/// Two submissions with three full attachments each: a citizen with photos is never refused,
/// a script is stopped after about 30 MiB a day.
pub const DEFAULT_ATTACHMENT_BYTES_PER_DAY: u64 = 30 * 1024 * 1024;
/// Following a case: like the dossier lookup.
pub const DEFAULT_FEEDBACK_FOLLOWS_PER_MINUTE: u32 = 20;
/// A sender answers, gives a verdict or reopens a few times in a case's life.
pub const DEFAULT_FEEDBACK_ACTIONS_PER_MINUTE: u32 = 10;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: Arc<WebConfig>,
    pub metrics: PrometheusHandle,
    pub lookup_limiter: Arc<ratelimit::Limiter>,
    pub ticket_limiter: Arc<ratelimit::Limiter>,
    pub feedback_limiter: Arc<ratelimit::Limiter>,
    pub feedback_follow_limiter: Arc<ratelimit::Limiter>,
    pub feedback_action_limiter: Arc<ratelimit::Limiter>,
    pub attachment_volume: Arc<ratelimit::DailyVolume>,
    /// Failed sign-ins per client address and per name.
    pub sign_in_limits: Arc<ratelimit::SignInLimits>,
    /// Turns true when the server starts shutting down, so endless event streams end and the
    /// graceful shutdown does not wait for lobby displays to disconnect.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    stop: Arc<tokio::sync::watch::Sender<bool>>,
}

impl AppState {
    pub fn new(app: App, config: WebConfig) -> Self {
        let per_minute = config
            .lookup_per_minute
            .unwrap_or(DEFAULT_LOOKUPS_PER_MINUTE);
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let tickets_per_minute = config
            .tickets_per_minute
            .unwrap_or(DEFAULT_TICKETS_PER_MINUTE);
        let feedback_per_minute = config
            .feedback_per_minute
            .unwrap_or(DEFAULT_FEEDBACK_PER_MINUTE);
        let allowance =
            |v: Option<u32>, default: u32| Arc::new(ratelimit::Limiter::new(v.unwrap_or(default)));
        let feedback_follow_limiter = allowance(
            config.feedback_follow_per_minute,
            DEFAULT_FEEDBACK_FOLLOWS_PER_MINUTE,
        );
        let feedback_action_limiter = allowance(
            config.feedback_action_per_minute,
            DEFAULT_FEEDBACK_ACTIONS_PER_MINUTE,
        );
        let attachment_volume = Arc::new(ratelimit::DailyVolume::new(
            config
                .attachment_bytes_per_day
                .unwrap_or(DEFAULT_ATTACHMENT_BYTES_PER_DAY),
        ));
        Self {
            app,
            attachment_volume,
            config: Arc::new(config),
            feedback_follow_limiter,
            feedback_action_limiter,
            metrics: metrics_handle(),
            lookup_limiter: Arc::new(ratelimit::Limiter::new(per_minute)),
            ticket_limiter: Arc::new(ratelimit::Limiter::new(tickets_per_minute)),
            feedback_limiter: Arc::new(ratelimit::Limiter::new(feedback_per_minute)),
            sign_in_limits: Arc::default(),
            stopping,
            stop: Arc::new(stop),
        }
    }
}

/// The process-wide Prometheus recorder (installed once; every router shares it).
fn metrics_handle() -> PrometheusHandle {
    static H: OnceLock<PrometheusHandle> = OnceLock::new();
    H.get_or_init(|| {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        // Another recorder may already be installed in this process (tests); ours still renders.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
    .clone()
}

/// The whole application: the routes of the one route table ([`router::routes`]) and the
/// layers every request passes through.
pub fn router(state: AppState) -> Router {
    let x_request_id = axum::http::HeaderName::from_static("x-request-id");
    let replay = form_state::Replay {
        router: Router::new()
            .merge(router::routes(&state))
            .with_state(state.clone()),
    };
    Router::new()
        .merge(router::routes(&state))
        .layer(from_fn_with_state(replay, form_state::keep_typed))
        .fallback_service(
            Router::new()
                .fallback(legacy::fallback)
                .with_state(state.clone()),
        )
        .layer(from_fn(middleware::metrics))
        .layer(from_fn_with_state(state.clone(), ratelimit::resolve_client))
        .layer(from_fn_with_state(state.clone(), middleware::csrf))
        .layer(from_fn(middleware::render_failures))
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let rid = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %rid)
        }))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serve until `shutdown` resolves; in-flight requests finish (up to 30 s), then the database
/// is closed (SQLite checkpointed).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let db = state.app.db.clone();
    let stop = state.stop.clone();
    let app = router(state);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop.send(true);
        let _ = tx.send(());
    });
    let drain_limit = async move {
        let _ = rx.await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    };
    tokio::select! {
        r = server => r?,
        _ = drain_limit => tracing::warn!("shutdown: in-flight requests did not finish within 30 s"),
    }
    db.close().await;
    Ok(())
}
