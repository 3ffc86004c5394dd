//! Use cases. Each one: begin a transaction → load → apply a domain rule → write → append the
//! audit row → commit. Permission checks happen here too (defence in depth), not only in
//! handlers: a use case never trusts its caller's scope.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use tokio::sync::RwLock;

use congbo_domain::calendar::{DeadlineRules, WorkCalendar};
use congbo_domain::dossier::DossierRules;
use congbo_domain::identity::Principal;
use congbo_store::Db;

pub mod access;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod conduct;
pub mod demo;
pub mod dossier;
pub mod error;
pub mod evaluation;
pub mod feedback;
pub mod links;
pub mod notify;
pub mod office;
pub mod password;
pub mod privacy;
pub mod queue;
pub mod rating;
pub mod report;
pub mod settings;
pub mod staff;
pub mod token;

pub use error::AppError;

use congbo_store::repo::sequence as seq_repo;

/// Version counters (rows of `sequences`) of the data every process caches: an edit bumps its
/// counter in the edit's transaction, and a process compares the counter with the one its
/// cache was built from before each use (issue 15: several processes serve one province).
pub const CALENDAR_VERSION: &str = "cache:calendar";
/// See [`CALENDAR_VERSION`]: the procedure catalogue (parsed versions).
pub const CATALOG_VERSION: &str = "cache:catalog";
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// A cached value and the version counter it was built from.
type Versioned<T> = (i64, Arc<T>);

/// The application: the database, a clock, the settings, the cached working calendar and the
/// cached procedure versions.
/// Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    clock: Clock,
    pub settings: Arc<Settings>,
    /// The working calendar and the version of the calendar it was built from.
    calendar: Arc<RwLock<Option<Versioned<WorkCalendar>>>>,
    /// Live signals and the lobby displays' hub.
    pub live: Arc<queue::live::Live>,
    /// Parsed procedure versions, cleared by catalogue imports.
    pub(crate) procedures: Arc<catalog::ProcedureCache>,
    /// Failed sign-ins of names that are not accounts (counted, never written).
    pub(crate) unknown_names: Arc<auth::throttle::UnknownNames>,
}

/// Rules an installation may configure.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Re-appointment limit and the due-soon warning (reference §1.5, not confirmed: defaults).
    pub dossier: DossierRules,
    /// Default cut-off and office hours (a procedure's own cut-off wins).
    pub deadline: DeadlineRules,
    /// Base URL of the public pages, for links in notices and QR codes.
    pub public_url: String,
    /// Bytes of feedback attachments the installation keeps at most (0: no quota). Past it,
    /// new attachments are refused (`feedback-attachment-quota`) and the gauges
    /// `congbo_attachment_stored_bytes` / `congbo_attachment_quota_bytes` tell the operator.
    pub attachment_quota_bytes: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            dossier: DossierRules::default(),
            deadline: DeadlineRules::default(),
            public_url: "http://127.0.0.1:8080".into(),
            attachment_quota_bytes: 0,
        }
    }
}

/// Real time, or a settable instant for tests (lockout expiry, session expiry).
#[derive(Clone)]
pub enum Clock {
    System,
    Manual(Arc<AtomicI64>),
}

impl App {
    pub fn new(db: Db) -> Self {
        Self::with_clock(db, Clock::System)
    }
    pub fn with_clock(db: Db, clock: Clock) -> Self {
        Self {
            db,
            clock,
            settings: Arc::new(Settings::default()),
            calendar: Arc::default(),
            live: Arc::default(),
            procedures: Arc::default(),
            unknown_names: Arc::default(),
        }
    }
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = Arc::new(settings);
        self
    }
    /// The working calendar from the database, kept while the calendar's version counter
    /// ([`CALENDAR_VERSION`], bumped in every edit's transaction, by any process) stays the
    /// same: each use costs one indexed read, and an edit made through another process is
    /// seen by the next use here.
    pub async fn calendar(&self) -> Result<Arc<WorkCalendar>> {
        let version = seq_repo::current_on(&self.db, CALENDAR_VERSION)
            .await?
            .unwrap_or(0);
        let fresh = |slot: &Option<Versioned<WorkCalendar>>| {
            slot.as_ref()
                .filter(|(v, _)| *v == version)
                .map(|(_, c)| c.clone())
        };
        if let Some(c) = fresh(&*self.calendar.read().await) {
            return Ok(c);
        }
        let mut slot = self.calendar.write().await;
        if let Some(c) = fresh(&slot) {
            return Ok(c);
        }
        // Read after the version: the calendar is at least as new as the version it is kept
        // under (an edit in between only causes one more reload).
        let c = Arc::new(calendar::load(&self.db).await?);
        *slot = Some((version, c.clone()));
        Ok(c)
    }
    /// Forget the cached calendar in this process (every process also sees the version).
    pub(crate) async fn forget_calendar(&self) {
        *self.calendar.write().await = None;
    }
    /// Now, in microseconds since the Unix epoch (UTC).
    pub fn now(&self) -> i64 {
        match &self.clock {
            Clock::System => jiff::Timestamp::now().as_microsecond(),
            Clock::Manual(t) => t.load(Ordering::SeqCst),
        }
    }
}

/// Who is acting, as far as a use case needs to know.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Principal,
    pub request_id: Option<String>,
    /// The SHA-256 of the session token when acting through a browser session.
    pub session_hash: Option<String>,
}

/// A fresh UUIDv7 (time-ordered, made in Rust: no sequence needed on any backend).
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

/// 32 random bytes, hex: session cookies, API tokens, setup links.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::fill(&mut b);
    hex::encode(b)
}

pub fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(s.as_bytes()))
}
