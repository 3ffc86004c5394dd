//! API tokens for integrations. Only the SHA-256 of a token is stored.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Db, Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct TokenRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

pub async fn insert(tx: &mut Tx, t: &TokenRow, token_hash: &str) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, prefix, token_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(t.id).bind(t.user_id).bind(&t.name).bind(&t.prefix).bind(token_hash).bind(t.created_at)
        .execute(c).await)?;
    Ok(())
}

pub async fn list_for_user(tx: &mut Tx, user_id: Uuid) -> Result<Vec<TokenRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens
         WHERE user_id = $1 ORDER BY created_at DESC")
        .bind(user_id).fetch_all(c).await)?)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<TokenRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

/// The live (not revoked) token with this hash.
pub async fn find_live(tx: &mut Tx, token_hash: &str) -> Result<Option<TokenRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens
         WHERE token_hash = $1 AND revoked_at IS NULL")
        .bind(token_hash).fetch_optional(c).await)?)
}

pub async fn revoke(tx: &mut Tx, id: Uuid, at: i64) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(at).bind(id).execute(c).await)?,
    )
}

/// Revoke every live token of a user (password changed, account deactivated).
pub async fn revoke_all_of(tx: &mut Tx, user_id: Uuid, at: i64) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(at).bind(user_id).execute(c).await)?,
    )
}

pub async fn touch(tx: &mut Tx, id: Uuid, at: i64) -> Result<()> {
    exec!(tx, c => sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(at).bind(id).execute(c).await)?;
    Ok(())
}

/// A live token with its user and one of the user's role assignments (none: `assignment_id`
/// and the fields after it are `None`).
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct TokenGrantRow {
    pub token_id: Uuid,
    pub last_used_at: Option<i64>,
    pub user_id: Uuid,
    pub username: String,
    pub full_name: String,
    pub active: bool,
    pub assignment_id: Option<Uuid>,
    pub role: Option<String>,
    pub office_id: Option<Uuid>,
    pub office_path: Option<String>,
}

/// The live token with this hash, its user and the user's role assignments, in one query on
/// the pool (a single statement is its own consistent snapshot: no explicit transaction).
/// One row per assignment (at least one row when the token is live), by office path and role.
pub async fn find_live_with_grants(db: &Db, token_hash: &str) -> Result<Vec<TokenGrantRow>> {
    const SQL: &str = "SELECT t.id AS token_id, t.last_used_at, u.id AS user_id, u.username,
                u.full_name, u.active, a.id AS assignment_id, a.role, a.office_id,
                o.path AS office_path
         FROM api_tokens t
         JOIN users u ON u.id = t.user_id
         LEFT JOIN role_assignments a ON a.user_id = u.id
         LEFT JOIN offices o ON o.id = a.office_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL
         ORDER BY o.path, a.role";
    Ok(match db {
        Db::Sqlite(p) => sqlx::query_as(SQL).bind(token_hash).fetch_all(p).await?,
        Db::Postgres(p) => sqlx::query_as(SQL).bind(token_hash).fetch_all(p).await?,
    })
}
