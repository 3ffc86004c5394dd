//! The use-case error. Every variant has a stable code; the web edge maps it to a status and a
//! translated message.

use congbo_domain::DomainError;
use congbo_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input or a refused rule (422).
    #[error("invalid: {0}")]
    Invalid(DomainError),
    /// Not signed in, or wrong credentials (401).
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// Signed in but not allowed here (403).
    #[error("forbidden")]
    Forbidden,
    /// Account locked after repeated failures (423), minutes remaining.
    #[error("locked for {0} minutes")]
    Locked(i64),
    /// Nothing by that id in the caller's view (404). Out-of-scope ids are also 404 where the
    /// existence itself must not leak.
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// Would duplicate something unique, or conflicts with current state (409).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Store(StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(e) => e.code,
            AppError::Unauthorized(c) => c,
            AppError::Forbidden => "forbidden",
            AppError::Locked(_) => "account-locked",
            AppError::NotFound(c) => c,
            AppError::Conflict(c) => c,
            AppError::Store(_) | AppError::Internal(_) => "internal",
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        if e.code == "forbidden" {
            AppError::Forbidden
        } else {
            AppError::Invalid(e)
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(what) => {
                let code = if what.contains("code") {
                    "duplicate-office-code"
                } else if what.contains("username") {
                    "duplicate-username"
                } else if what.contains("number") {
                    "duplicate-counter-number"
                } else if what.contains("role") {
                    "duplicate-assignment"
                } else {
                    "duplicate"
                };
                AppError::Conflict(code)
            }
            e => AppError::Store(e),
        }
    }
}
