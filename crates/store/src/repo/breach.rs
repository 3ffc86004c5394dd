//! Personal data storage: the breach register (issue 18). Incidents are read within an
//! office subtree through their office's path (no path is stored beside the incident, so an
//! office move needs nothing here).

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct BreachRow {
    pub shard_key: Uuid,
    pub id: Uuid,
    pub office_id: Uuid,
    pub detected_at: i64,
    pub description: String,
    pub offices_affected: String,
    /// Comma-separated `BreachKind` codes.
    pub record_kinds: String,
    pub people_estimate: Option<i64>,
    pub measures: String,
    pub authority_due_at: i64,
    pub authority_notified_at: Option<i64>,
    pub authority_reference: Option<String>,
    pub subjects_notified_at: Option<i64>,
    pub reminded_at: Option<i64>,
    pub created_by: Uuid,
    pub created_at: i64,
    pub version: i64,
}

const COLS: &str = "b.shard_key, b.id, b.office_id, b.detected_at, b.description, \
    b.offices_affected, b.record_kinds, b.people_estimate, b.measures, b.authority_due_at, \
    b.authority_notified_at, b.authority_reference, b.subjects_notified_at, b.reminded_at, \
    b.created_by, b.created_at, b.version";

pub async fn insert(tx: &mut Tx, b: &BreachRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO breaches (shard_key, id, office_id, detected_at, description, offices_affected,
            record_kinds, people_estimate, measures, authority_due_at, authority_notified_at,
            authority_reference, subjects_notified_at, reminded_at, created_by, created_at, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)")
        .bind(b.shard_key).bind(b.id).bind(b.office_id).bind(b.detected_at).bind(&b.description)
        .bind(&b.offices_affected).bind(&b.record_kinds).bind(b.people_estimate).bind(&b.measures)
        .bind(b.authority_due_at).bind(b.authority_notified_at).bind(&b.authority_reference)
        .bind(b.subjects_notified_at).bind(b.reminded_at).bind(b.created_by).bind(b.created_at)
        .bind(b.version)
        .execute(c).await)?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<BreachRow>> {
    let sql = format!("SELECT {COLS} FROM breaches b WHERE b.id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// Incidents recorded at offices under `root` (a materialised path), newest detection first.
pub async fn list_under(tx: &mut Tx, root: &str, limit: i64) -> Result<Vec<BreachRow>> {
    let sql = format!(
        "SELECT {COLS} FROM breaches b JOIN offices o ON o.id = b.office_id
         WHERE o.path LIKE $1 || '%' ORDER BY b.detected_at DESC, b.id DESC LIMIT $2"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(root).bind(limit).fetch_all(c).await)?)
}

/// Mark the notice to the authority (once): false if it was marked already.
pub async fn mark_authority(tx: &mut Tx, id: Uuid, at: i64, reference: &str) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE breaches SET authority_notified_at = $1, authority_reference = $2,
            version = version + 1
         WHERE id = $3 AND authority_notified_at IS NULL")
        .bind(at).bind(reference).bind(id).execute(c).await)?;
    Ok(n == 1)
}

/// Mark that the data subjects were told (once): false if it was marked already.
pub async fn mark_subjects(tx: &mut Tx, id: Uuid, at: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE breaches SET subjects_notified_at = $1, version = version + 1
         WHERE id = $2 AND subjects_notified_at IS NULL")
        .bind(at).bind(id).execute(c).await)?;
    Ok(n == 1)
}

/// Incidents not notified nor reminded whose deadline is at or before `due_by`.
pub async fn reminders_due(tx: &mut Tx, due_by: i64, limit: i64) -> Result<Vec<BreachRow>> {
    let sql = format!(
        "SELECT {COLS} FROM breaches b
         WHERE b.authority_notified_at IS NULL AND b.reminded_at IS NULL
           AND b.authority_due_at <= $1
         ORDER BY b.authority_due_at, b.id LIMIT $2"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(due_by).bind(limit).fetch_all(c).await)?)
}

/// Take the reminder of incident `id` (true for exactly one caller, across processes: the
/// row is re-checked after its lock).
pub async fn claim_reminder(tx: &mut Tx, id: Uuid, at: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE breaches SET reminded_at = $1
         WHERE id = $2 AND reminded_at IS NULL AND authority_notified_at IS NULL")
        .bind(at).bind(id).execute(c).await)?;
    Ok(n == 1)
}

/// Active administrators with an e-mail address holding their role at the office of path
/// `office_path` or above it: who the reminders go to.
pub async fn admin_emails(tx: &mut Tx, office_path: &str) -> Result<Vec<String>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT DISTINCT u.email FROM users u
           JOIN role_assignments r ON r.user_id = u.id
           JOIN offices o ON o.id = r.office_id
         WHERE r.role = 'admin' AND u.active AND u.email IS NOT NULL AND u.email <> ''
           AND $1 LIKE o.path || '%'
         ORDER BY u.email")
        .bind(office_path).fetch_all(c).await)?)
}
