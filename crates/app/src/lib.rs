//! Use cases. Each one: begin a transaction → load → apply a domain rule → write → append the
//! audit row → commit. Permission checks happen here too (defence in depth), not only in
//! handlers: a use case never trusts its caller's scope.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use congbo_domain::identity::Principal;
use congbo_store::Db;

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod demo;
pub mod error;
pub mod office;
pub mod staff;
pub mod token;

pub use error::AppError;
pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The application: the database and a clock. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    clock: Clock,
}

/// Real time, or a settable instant for tests (lockout expiry, session expiry).
#[derive(Clone)]
pub enum Clock {
    System,
    Manual(Arc<AtomicI64>),
}

impl App {
    pub fn new(db: Db) -> Self {
        Self {
            db,
            clock: Clock::System,
        }
    }
    pub fn with_clock(db: Db, clock: Clock) -> Self {
        Self { db, clock }
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
