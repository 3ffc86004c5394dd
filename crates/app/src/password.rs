//! Password hashing (argon2id, PHC strings) off the async runtime, in one place.

use crate::{AppError, Result};

/// Hash a password with argon2id off the async runtime.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || password_auth::generate_hash(password))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Whether `password` matches the stored PHC `hash` (off the async runtime).
pub(crate) async fn verify(password: String, hash: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || password_auth::verify_password(password, &hash).is_ok())
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// A hash to verify against when the user does not exist, so both paths take the same time.
pub(crate) fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| password_auth::generate_hash("congbo-timing-equaliser"))
}
