//! The notification outbox: rows written in the same transaction as the dossier change they
//! announce, picked up and delivered later by the dispatcher.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: Uuid,
    pub created_at: i64,
    pub topic: String,
    pub dossier_id: Option<Uuid>,
    /// `email`, `sms` or `zalo`.
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// `pending`, `sent` or `dead` (gave up after the last attempt).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
    /// The adapter that delivered it (`smtp`, `webhook`, `log`).
    pub adapter: Option<String>,
}

const COLS: &str = "id, created_at, topic, dossier_id, channel, recipient, subject, body, status, \
                    attempts, next_attempt_at, last_error, sent_at, adapter";

/// A new pending message, due at once.
#[derive(Debug, Clone)]
pub struct NewOutbox {
    pub id: Uuid,
    pub created_at: i64,
    pub topic: String,
    pub dossier_id: Option<Uuid>,
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

pub async fn insert(tx: &mut Tx, m: &NewOutbox) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO outbox (id, created_at, topic, dossier_id, channel, recipient, subject, body,
                             status, attempts, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $2)")
        .bind(m.id).bind(m.created_at).bind(&m.topic).bind(m.dossier_id).bind(&m.channel)
        .bind(&m.recipient).bind(&m.subject).bind(&m.body)
        .execute(c).await)?;
    Ok(())
}

/// Pending messages due at `now`, oldest first.
pub async fn due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    let sql = format!(
        "SELECT {COLS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1
         ORDER BY next_attempt_at, id LIMIT $2"
    );
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(now).bind(limit).fetch_all(c).await)?,
    )
}

/// Messages about one dossier, oldest first.
pub async fn for_dossier(tx: &mut Tx, dossier_id: Uuid) -> Result<Vec<OutboxRow>> {
    let sql = format!("SELECT {COLS} FROM outbox WHERE dossier_id = $1 ORDER BY created_at, id");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(dossier_id).fetch_all(c).await)?,
    )
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<OutboxRow>> {
    let sql = format!("SELECT {COLS} FROM outbox WHERE id = $1");
    Ok(
        on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql)).bind(id).fetch_optional(c).await)?,
    )
}

/// Delivered by `adapter` at `at`. Only a pending row changes (returns false otherwise).
pub async fn mark_sent(tx: &mut Tx, id: Uuid, at: i64, adapter: &str) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, adapter = $2, attempts = attempts + 1,
                           last_error = NULL
         WHERE id = $3 AND status = 'pending'")
        .bind(at).bind(adapter).bind(id).execute(c).await)?;
    Ok(n == 1)
}

/// A failed attempt: retry at `next_attempt_at`, or give up (`dead`) when `give_up`.
pub async fn mark_failed(
    tx: &mut Tx,
    id: Uuid,
    error: &str,
    next_attempt_at: i64,
    give_up: bool,
) -> Result<bool> {
    let status = if give_up { "dead" } else { "pending" };
    let n = exec!(tx, c => sqlx::query(
        "UPDATE outbox SET status = $1, last_error = $2, next_attempt_at = $3,
                           attempts = attempts + 1
         WHERE id = $4 AND status = 'pending'")
        .bind(status).bind(error).bind(next_attempt_at).bind(id).execute(c).await)?;
    Ok(n == 1)
}

/// Counts by status (for `/metrics` and the admin view).
pub async fn counts(tx: &mut Tx) -> Result<Vec<(String, i64)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT status, COUNT(*) FROM outbox GROUP BY status ORDER BY status")
        .fetch_all(c).await)?)
}

/// Take up to `limit` due pending messages for delivery, oldest first, leasing them until
/// `lease_until`: their `next_attempt_at` moves there, so no other dispatcher takes them while
/// this one sends (should this one die, they fall due again when the lease runs out). The
/// caller commits at once and sends outside the transaction, then calls `mark_sent` or
/// `mark_failed`. PostgreSQL skips rows that another dispatcher's claim holds locked
/// (`FOR UPDATE SKIP LOCKED`); on SQLite the write lock taken by `Db::begin` serialises claims.
pub async fn claim(tx: &mut Tx, now: i64, lease_until: i64, limit: i64) -> Result<Vec<OutboxRow>> {
    let pick = "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $2
                ORDER BY next_attempt_at, id LIMIT $3";
    // PostgreSQL: `= ANY(ARRAY(…))` runs the locking sub-select exactly once (an `IN` may be
    // planned as a join that re-reads it).
    let chosen = match tx.backend() {
        crate::Backend::Sqlite => format!("IN ({pick})"),
        crate::Backend::Postgres => format!("= ANY(ARRAY({pick} FOR UPDATE SKIP LOCKED))"),
    };
    let sql = format!("UPDATE outbox SET next_attempt_at = $1 WHERE id {chosen} RETURNING {COLS}");
    let mut rows: Vec<OutboxRow> = on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(lease_until).bind(now).bind(limit).fetch_all(c).await)?;
    // RETURNING follows no ORDER BY; deliver oldest first.
    rows.sort_by_key(|r| (r.created_at, r.id));
    Ok(rows)
}
