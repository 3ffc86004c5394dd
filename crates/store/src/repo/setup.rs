//! One-time links that create the first administrator.

use crate::{Result, Tx, exec, on_tx};

/// Replace any earlier link with this one: only the newest printed link works.
pub async fn replace(tx: &mut Tx, token_hash: &str, now: i64, expires_at: i64) -> Result<()> {
    exec!(tx, c => sqlx::query("DELETE FROM setup_tokens").execute(c).await)?;
    exec!(tx, c => sqlx::query("INSERT INTO setup_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)")
        .bind(token_hash).bind(now).bind(expires_at).execute(c).await)?;
    Ok(())
}

/// Is this link live at `now`?
pub async fn is_live(tx: &mut Tx, token_hash: &str, now: i64) -> Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash).bind(now).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Use the link up: true if it was live and is now gone (one use only).
pub async fn consume(tx: &mut Tx, token_hash: &str, now: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash).bind(now).execute(c).await)?;
    Ok(n == 1)
}
