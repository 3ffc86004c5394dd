//! Sign-in sessions. Only the SHA-256 of the cookie token is stored.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: Uuid,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_seen_at: i64,
}

pub async fn insert(tx: &mut Tx, s: &SessionRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&s.token_hash).bind(s.user_id).bind(s.created_at).bind(s.expires_at).bind(s.last_seen_at)
        .execute(c).await)?;
    Ok(())
}

/// The session if it exists and has not expired at `now`.
pub async fn get_live(tx: &mut Tx, token_hash: &str, now: i64) -> Result<Option<SessionRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT token_hash, user_id, created_at, expires_at, last_seen_at FROM sessions
         WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash).bind(now).fetch_optional(c).await)?)
}

pub async fn touch(tx: &mut Tx, token_hash: &str, now: i64, expires_at: i64) -> Result<()> {
    exec!(tx, c => sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3")
        .bind(now).bind(expires_at).bind(token_hash).execute(c).await)?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &str) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash).execute(c).await)?,
    )
}

/// End every session of a user except `keep` (after a password change).
pub async fn delete_others(tx: &mut Tx, user_id: Uuid, keep: &str) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
        .bind(user_id).bind(keep).execute(c).await)?,
    )
}

pub async fn delete_expired(tx: &mut Tx, now: i64) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now).execute(c).await)?,
    )
}
