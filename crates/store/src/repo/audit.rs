//! The append-only audit log and its hash chain head.

use congbo_domain::audit::{AuditFields, chain_hash};
use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

/// What a use case records; seq, time of commit order and hashes are filled in by `append`.
#[derive(Debug, Clone)]
pub struct NewAudit {
    pub at: i64,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub role: Option<String>,
    pub office_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub role: Option<String>,
    pub office_id: Option<Uuid>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub summary: String,
    pub request_id: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRow {
    pub fn fields(&self) -> AuditFields {
        AuditFields {
            seq: self.seq,
            at_micros: self.at,
            actor_id: self.actor_id.map(|u| u.to_string()),
            actor_name: self.actor_name.clone(),
            role: self.role.clone(),
            office_id: self.office_id.map(|u| u.to_string()),
            action: self.action.clone(),
            target_type: self.target_type.clone(),
            target_id: self.target_id.clone(),
            summary: self.summary.clone(),
            request_id: self.request_id.clone(),
        }
    }
}

/// Append one row inside the caller's transaction. The head row's lock serialises appends,
/// so the chain has no forks even with several server processes on PostgreSQL.
pub async fn append(tx: &mut Tx, a: &NewAudit) -> Result<i64> {
    let (seq, prev_hash): (i64, String) = on_tx!(tx, c => sqlx::query_as(
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(c).await)?;
    let row = AuditRow {
        seq,
        at: a.at,
        actor_id: a.actor_id,
        actor_name: a.actor_name.clone(),
        role: a.role.clone(),
        office_id: a.office_id,
        action: a.action.clone(),
        target_type: a.target_type.clone(),
        target_id: a.target_id.clone(),
        summary: a.summary.clone(),
        request_id: a.request_id.clone(),
        hash: String::new(),
        prev_hash,
    };
    let hash = chain_hash(&row.prev_hash, &row.fields());
    exec!(tx, c => sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, role, office_id, action, target_type, target_id,
                                summary, request_id, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(seq).bind(row.at).bind(row.actor_id).bind(&row.actor_name).bind(&row.role)
        .bind(row.office_id).bind(&row.action).bind(&row.target_type).bind(&row.target_id)
        .bind(&row.summary).bind(&row.request_id).bind(&row.prev_hash).bind(&hash)
        .execute(c).await)?;
    exec!(tx, c => sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash).execute(c).await)?;
    Ok(seq)
}

pub async fn head(tx: &mut Tx) -> Result<(i64, String)> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(c).await)?,
    )
}

/// Rows after `after_seq`, in order, at most `limit` (for walking the chain in pages).
pub async fn page(tx: &mut Tx, after_seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT seq, at, actor_id, actor_name, role, office_id, action, target_type, target_id, summary,
                request_id, prev_hash, hash
         FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2")
        .bind(after_seq).bind(limit).fetch_all(c).await)?)
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action_prefix: Option<String>,
    pub actor_name: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub before_seq: Option<i64>,
    pub limit: i64,
}

/// Newest first: rows about offices in the subtree at `root_path`, plus rows about no office
/// when `include_unscoped` (for auditors at a top-level office).
pub async fn list(
    tx: &mut Tx,
    root_path: &str,
    include_unscoped: bool,
    f: &AuditFilter,
) -> Result<Vec<AuditRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.seq, a.at, a.actor_id, a.actor_name, a.role, a.office_id, a.action, a.target_type,
                a.target_id, a.summary, a.request_id, a.prev_hash, a.hash
         FROM audit_log a LEFT JOIN offices o ON o.id = a.office_id
         WHERE (o.path LIKE $1 || '%' OR (a.office_id IS NULL AND $2))
           AND ($3 IS NULL OR substr(a.action, 1, length($3)) = $3)
           AND ($4 IS NULL OR a.actor_name = $4)
           AND ($5 IS NULL OR a.at >= $5)
           AND ($6 IS NULL OR a.at < $6)
           AND ($7 IS NULL OR a.seq < $7)
         ORDER BY a.seq DESC LIMIT $8")
        .bind(root_path).bind(include_unscoped).bind(&f.action_prefix).bind(&f.actor_name)
        .bind(f.from).bind(f.to).bind(f.before_seq).bind(f.limit)
        .fetch_all(c).await)?)
}
