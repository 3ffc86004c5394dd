//! Password hashing (argon2id, PHC strings) off the async runtime, in one place.
//!
//! At most half the CPU cores hash at once (at least one): a sign-in flood queues here instead
//! of taking every core from the requests that do the office's work.

use std::sync::OnceLock;

use tokio::sync::Semaphore;

use crate::{AppError, Result};

fn permits() -> &'static Semaphore {
    static S: OnceLock<Semaphore> = OnceLock::new();
    S.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Semaphore::new((cores / 2).max(1))
    })
}

/// Run argon2 work on the blocking pool, within the process's allowance of cores.
async fn on_a_core<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Hash a password with argon2id off the async runtime.
pub async fn hash(password: String) -> Result<String> {
    on_a_core(move || password_auth::generate_hash(password)).await
}

/// Whether `password` matches the stored PHC `hash` (off the async runtime).
pub(crate) async fn verify(password: String, hash: String) -> Result<bool> {
    on_a_core(move || password_auth::verify_password(password, &hash).is_ok()).await
}

/// A hash to verify against when the user does not exist, so both paths take the same time.
pub(crate) fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| password_auth::generate_hash("congbo-timing-equaliser"))
}
