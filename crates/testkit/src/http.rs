//! In-process HTTP: the real router (every layer included) called through `oneshot`, with a
//! client that keeps its session cookie like a browser, or sends an API token.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use congbo_app::{App, Clock};
use congbo_store::{Backend, Db};
use congbo_web::{AppState, WebConfig};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::TestDb;

/// Host and origin used by in-process requests (a same-origin browser).
pub const HOST: &str = "congbo.test";
pub const ORIGIN: &str = "http://congbo.test";

pub struct TestApp {
    pub app: App,
    pub router: Router,
    /// The manual clock (microseconds since the epoch); `advance` moves it.
    pub clock: Arc<AtomicI64>,
    /// The demo's shared password, when seeded with the demo.
    pub password: String,
    _db: TestDb,
}

impl TestApp {
    /// An empty installation (migrated, no users).
    pub async fn empty(backend: Backend) -> Option<TestApp> {
        let t = TestDb::new(backend).await?;
        Some(Self::on(t, String::new()))
    }

    /// The demo installation: province DB with four communes/wards and staff in every role.
    pub async fn demo(backend: Backend) -> Option<TestApp> {
        let t = TestDb::new(backend).await?;
        let mut ta = Self::on(t, String::new());
        let report = congbo_app::demo::fill(&ta.app).await.expect("demo fill");
        ta.password = report.password;
        Some(ta)
    }

    fn on(t: TestDb, password: String) -> TestApp {
        let clock = Arc::new(AtomicI64::new(jiff::Timestamp::now().as_microsecond()));
        let app = App::with_clock(t.db.clone(), Clock::Manual(clock.clone()));
        let router = congbo_web::router(AppState::new(app.clone(), WebConfig::default()));
        TestApp {
            app,
            router,
            clock,
            password,
            _db: t,
        }
    }

    /// The same installation served with another web configuration (rate limits, trusted
    /// proxies).
    pub fn with_web_config(mut self, config: WebConfig) -> Self {
        self.router = congbo_web::router(AppState::new(self.app.clone(), config));
        self
    }

    /// The same installation with other application settings (quotas, rules).
    pub fn with_settings(mut self, settings: congbo_app::Settings) -> Self {
        self.app = self.app.clone().with_settings(settings);
        self.router = congbo_web::router(AppState::new(self.app.clone(), WebConfig::default()));
        self
    }

    pub fn db(&self) -> &Db {
        &self.app.db
    }

    /// A client acting through an API token of `username` (tokens outlive the session idle
    /// timeout, so tests that move the clock by days keep their identity).
    pub async fn token_client(&self, username: &str) -> Client<'_> {
        let c = self.login(username).await;
        let r = c
            .post_json("/api/v1/tokens", &serde_json::json!({"name": "test"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let secret = r.json()["secret"].as_str().unwrap().to_string();
        self.with_token(&secret)
    }

    /// Set the clock to a Vietnam local time, `YYYY-MM-DDTHH:MM`.
    pub fn set_local_time(&self, local: &str) {
        let t: jiff::civil::DateTime = local.parse().expect("local date-time");
        self.clock
            .store(congbo_domain::time::micros(t), Ordering::SeqCst);
    }

    pub fn advance_minutes(&self, m: i64) {
        self.clock.fetch_add(m * 60 * 1_000_000, Ordering::SeqCst);
    }

    /// A client with no credentials.
    pub fn anon(&self) -> Client<'_> {
        Client {
            app: self,
            cookie: None,
            bearer: None,
            lang: None,
            extra_cookie: None,
            peer: None,
        }
    }

    /// Sign in through the real login form; panics if it fails.
    pub async fn login(&self, username: &str) -> Client<'_> {
        self.login_with(username, &self.password.clone()).await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Client<'_> {
        let res = self
            .anon()
            .post_form(
                "/dang-nhap",
                &[
                    ("username", username),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login of {username} failed: {}",
            res.text()
        );
        let cookie = res.session_cookie().expect("session cookie set");
        if res.header("location") == Some("/tai-khoan") {
            // An administrator set this password, so it must be changed first; tests about
            // something else go on as if it had been (tests of the rule sign in by hand).
            let id = self.user_id(username).await;
            let mut tx = self.db().begin().await.unwrap();
            congbo_store::repo::staff::set_must_change_password(&mut tx, id, false)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        Client {
            app: self,
            cookie: Some(cookie),
            bearer: None,
            lang: None,
            extra_cookie: None,
            peer: None,
        }
    }

    /// A client authenticating with an API token.
    pub fn with_token(&self, token: &str) -> Client<'_> {
        Client {
            app: self,
            cookie: None,
            bearer: Some(token.to_string()),
            lang: None,
            extra_cookie: None,
            peer: None,
        }
    }

    /// Look up an office id by code through the database.
    pub async fn office_id(&self, code: &str) -> uuid::Uuid {
        let mut tx = self.db().read().await.unwrap();
        let o = congbo_store::repo::office::get_by_code(&mut tx, code)
            .await
            .unwrap()
            .expect("office");
        tx.commit().await.unwrap();
        o.id
    }

    pub async fn user_id(&self, username: &str) -> uuid::Uuid {
        let mut tx = self.db().read().await.unwrap();
        let u = congbo_store::repo::staff::get_by_username(&mut tx, username)
            .await
            .unwrap()
            .expect("user");
        tx.commit().await.unwrap();
        u.id
    }

    /// Number of rows in `table` (a name from the schema; tests only).
    pub async fn count_rows(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let sql = sqlx::AssertSqlSafe(sql);
        match self.db() {
            Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        }
    }

    /// Number of audit rows (to prove refused requests wrote nothing).
    pub async fn audit_len(&self) -> i64 {
        let mut tx = self.db().read().await.unwrap();
        let n = congbo_store::repo::audit::count(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        n
    }
}

#[derive(Clone)]
pub struct Client<'a> {
    app: &'a TestApp,
    pub cookie: Option<String>,
    pub bearer: Option<String>,
    lang: Option<&'static str>,
    /// Another cookie the browser holds (`name=value`), e.g. a paired tablet's device cookie.
    pub extra_cookie: Option<String>,
    /// The TCP peer the server sees (none: unknown, as without `ConnectInfo`).
    pub peer: Option<std::net::SocketAddr>,
}

impl Client<'_> {
    /// Requests arrive from this address (the TCP peer).
    pub fn from_addr(mut self, ip: &str) -> Self {
        self.peer = Some(std::net::SocketAddr::new(ip.parse().expect("an IP"), 40000));
        self
    }

    pub fn lang(mut self, l: &'static str) -> Self {
        self.lang = Some(l);
        self
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> TestResponse {
        self.send_with(method, path, content_type, body, &[]).await
    }

    /// Send a request like a same-origin browser (Host + Origin), with extra headers.
    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, ORIGIN);
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        if let Some(t) = &self.bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(l) = self.lang {
            // API clients ask with Accept-Language; pages follow the language-switch cookie.
            b = b.header(header::ACCEPT_LANGUAGE, l);
        }
        let mut cookies: Vec<String> = vec![];
        if let Some(c) = &self.cookie {
            cookies.push(format!("{}={c}", congbo_web::extract::SESSION_COOKIE));
        }
        if let Some(l) = self.lang {
            cookies.push(format!("{}={l}", congbo_web::i18n::LANG_COOKIE));
        }
        if let Some(c) = &self.extra_cookie {
            cookies.push(c.clone());
        }
        if !cookies.is_empty() {
            b = b.header(header::COOKIE, cookies.join("; "));
        }
        let mut req = b.body(Body::from(body)).unwrap();
        if let Some(peer) = self.peer {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(peer));
        }
        for (k, v) in extra {
            // Extra headers replace the defaults (e.g. a foreign Origin).
            req.headers_mut().insert(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                axum::http::HeaderValue::from_str(v).unwrap(),
            );
        }
        let res = self.app.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Method::GET, path, None, vec![]).await
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            body.into_bytes(),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, v: &Value) -> TestResponse {
        self.send(
            Method::POST,
            path,
            Some("application/json"),
            v.to_string().into_bytes(),
        )
        .await
    }

    pub async fn patch_json(&self, path: &str, v: &Value) -> TestResponse {
        self.send(
            Method::PATCH,
            path,
            Some("application/json"),
            v.to_string().into_bytes(),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> TestResponse {
        self.send(Method::DELETE, path, None, vec![]).await
    }
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The value of the session cookie this response sets, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|c| {
                c.strip_prefix(&format!("{}=", congbo_web::extract::SESSION_COOKIE))
                    .map(|rest| rest.split(';').next().unwrap_or("").to_string())
            })
            .filter(|v| !v.is_empty())
    }
    /// The error code of a JSON error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
}
