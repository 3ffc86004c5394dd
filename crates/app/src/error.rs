//! The use-case error. Every variant has a stable code; the web edge maps it to a status and a
//! translated message.

use congbo_domain::{DomainError, Forbidden};
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
    /// Too many failed sign-ins in a row: try again after this many seconds (429).
    #[error("retry after {0} seconds")]
    RetryLater(i64),
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
            AppError::Forbidden => Forbidden::CODE,
            AppError::RetryLater(_) => "sign-in-wait",
            AppError::NotFound(c) => c,
            AppError::Conflict(c) => c,
            AppError::Store(_) | AppError::Internal(_) => "internal",
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Invalid(e)
    }
}

impl From<Forbidden> for AppError {
    fn from(_: Forbidden) -> Self {
        AppError::Forbidden
    }
}

/// The unique constraints whose violation the user can cause, by the constraint's name (the
/// store reports PostgreSQL's name on both backends), and the code each becomes. A duplicate
/// on any other constraint is the plain `duplicate`.
pub const DUPLICATES: &[(&str, &str)] = &[
    ("offices_code_key", "duplicate-office-code"),
    ("users_username_key", "duplicate-username"),
    ("counters_office_id_number_key", "duplicate-counter-number"),
    (
        "role_assignments_user_id_role_office_id_key",
        "duplicate-assignment",
    ),
    (
        "evaluation_register_shard_key_officer_id_suggestion_key",
        "suggestion-decided",
    ),
    (
        "evaluation_commendations_shard_key_officer_id_year_title_key",
        "commendation-recorded",
    ),
];

/// The code of a duplicate on `constraint` (see [`DUPLICATES`]).
pub fn duplicate_code(constraint: &str) -> &'static str {
    DUPLICATES
        .iter()
        .find(|(name, _)| *name == constraint)
        .map_or("duplicate", |(_, code)| code)
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Duplicate(constraint) => AppError::Conflict(duplicate_code(&constraint)),
            e => AppError::Store(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_is_named_by_its_constraint_not_by_words_in_it() {
        assert_eq!(
            AppError::from(StoreError::Duplicate("offices_code_key".into())).code(),
            "duplicate-office-code"
        );
        assert_eq!(
            AppError::from(StoreError::Duplicate(
                "role_assignments_user_id_role_office_id_key".into()
            ))
            .code(),
            "duplicate-assignment"
        );
        // Another table's `code` column is not an office code.
        assert_eq!(
            AppError::from(StoreError::Duplicate("dossiers_code_key".into())).code(),
            "duplicate"
        );
    }

    #[test]
    fn a_permission_refusal_is_forbidden_by_type() {
        let e = AppError::from(Forbidden);
        assert!(matches!(e, AppError::Forbidden));
        assert_eq!(e.code(), "forbidden");
        // A rule refusal is never taken for a permission refusal, whatever its code.
        assert!(matches!(
            AppError::from(DomainError::new("forbidden")),
            AppError::Invalid(_)
        ));
    }
}
