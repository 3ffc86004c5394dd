//! The append-only audit log and its hash chain.
//!
//! A use case inserts its row with [`append`] inside its own transaction, so the state change
//! and its audit row commit together. The row is *unsealed*: it has an insertion `id` but no
//! chain position. [`seal`] (run after commit by one sealer at a time) links committed
//! unsealed rows into the SHA-256 chain: it gives each the next `seq`, the previous row's hash
//! as `prev_hash`, and its own `hash`, and moves `audit_head` forward. Writers therefore never
//! wait for each other on `audit_head`; only sealers do.

use congbo_domain::audit::{AuditFields, chain_hash};
use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

/// What a use case records; the id, and later the chain fields, are filled in by the store.
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
    /// Insertion id: increasing in insertion order, fixed at insert, not part of the hash.
    pub id: i64,
    /// Chain position, from 1; `None` until sealed.
    pub seq: Option<i64>,
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
    /// `None` until sealed.
    pub prev_hash: Option<String>,
    /// `None` until sealed.
    pub hash: Option<String>,
}

impl AuditRow {
    /// The fields the hash commits to (`seq` 0 while unsealed).
    pub fn fields(&self) -> AuditFields {
        AuditFields {
            seq: self.seq.unwrap_or(0),
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

    pub fn is_sealed(&self) -> bool {
        self.seq.is_some()
    }
}

const COLS: &str = "id, seq, at, actor_id, actor_name, role, office_id, action, target_type, \
                    target_id, summary, request_id, prev_hash, hash";

/// Insert one unsealed row inside the caller's transaction; returns its insertion id. Takes
/// no lock that other writers wait for (on PostgreSQL the id comes from a sequence; SQLite
/// serialises writers anyway and numbers it after the largest id).
pub async fn append(tx: &mut Tx, a: &NewAudit) -> Result<i64> {
    macro_rules! insert {
        ($sql:expr, $c:expr) => {
            sqlx::query_scalar($sql)
                .bind(a.at)
                .bind(a.actor_id)
                .bind(&a.actor_name)
                .bind(&a.role)
                .bind(a.office_id)
                .bind(&a.action)
                .bind(&a.target_type)
                .bind(&a.target_id)
                .bind(&a.summary)
                .bind(&a.request_id)
                .fetch_one($c)
                .await
        };
    }
    Ok(match tx {
        Tx::Sqlite(t) => insert!(
            "INSERT INTO audit_log (id, at, actor_id, actor_name, role, office_id, action, target_type,
                                    target_id, summary, request_id)
             VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log),
                     $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
            &mut **t
        )?,
        Tx::Postgres(t) => insert!(
            "INSERT INTO audit_log (at, actor_id, actor_name, role, office_id, action, target_type,
                                    target_id, summary, request_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             RETURNING id",
            &mut **t
        )?,
    })
}

/// The chain head: the last sealed seq and its hash.
pub async fn head(tx: &mut Tx) -> Result<(i64, String)> {
    Ok(
        on_tx!(tx, c => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(c).await)?,
    )
}

/// The hash of the sealed row at chain position `seq`, if there is one.
pub async fn hash_at(tx: &mut Tx, seq: i64) -> Result<Option<String>> {
    let row: Option<(Option<String>,)> = on_tx!(tx, c => sqlx::query_as("SELECT hash FROM audit_log WHERE seq = $1")
        .bind(seq).fetch_optional(c).await)?;
    Ok(row.and_then(|(h,)| h))
}

/// Lock the head row until the end of `tx` and read it. Sealers take this lock, so two
/// sealers (in one process or several) never extend the chain from the same head.
pub async fn lock_head(tx: &mut Tx) -> Result<(i64, String)> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
        .fetch_one(c).await)?)
}

/// Committed unsealed rows, by insertion id, at most `limit`.
pub async fn unsealed(tx: &mut Tx, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = format!("SELECT {COLS} FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(limit).fetch_all(c).await)?)
}

/// Whether any committed row waits to be sealed (cheap: the partial index on unsealed ids).
pub async fn any_unsealed(tx: &mut Tx) -> Result<bool> {
    let found: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM audit_log WHERE seq IS NULL LIMIT 1").fetch_optional(c).await)?;
    Ok(found.is_some())
}

/// How many rows are not sealed yet.
pub async fn count_unsealed(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE seq IS NULL").fetch_one(c).await)?)
}

/// How many rows there are, sealed or not.
pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(c).await)?)
}

/// Rows per sealing statement (4 parameters each, far below either backend's limit).
const SEAL_CHUNK: usize = 200;

/// Seal up to `limit` committed unsealed rows in `tx`, which must be a write transaction
/// that nothing else has used for the audit log: lock the head, take the unsealed rows
/// visible now in insertion-id order, chain them after the head, and move the head. Returns
/// how many rows were sealed. The caller commits.
///
/// Why this never forks or reorders the chain: the head row's lock admits one sealer at a
/// time, and each sealer reads the unsealed rows only after it holds the lock (PostgreSQL's
/// READ COMMITTED takes a fresh snapshot per statement), so it sees every row the previous
/// sealer sealed. A row's position is decided once, when it is sealed, and never changes. A
/// row that commits late — e.g. a smaller id whose transaction was still open while larger
/// ids committed — is not visible yet, so it is not skipped over either: it is simply sealed
/// by a later round, after the rows already sealed. So the chain order is the order in which
/// rows became visible to the sealer (insertion id within one round), not strictly the id
/// order; nothing needs a grace period or a guess about transactions still in flight.
pub async fn seal(tx: &mut Tx, limit: i64) -> Result<usize> {
    let (mut seq, mut prev) = lock_head(tx).await?;
    let rows = unsealed(tx, limit).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let mut sealed = Vec::with_capacity(rows.len());
    for row in &rows {
        seq += 1;
        let hash = chain_hash(
            &prev,
            &AuditFields {
                seq,
                ..row.fields()
            },
        );
        sealed.push((
            row.id,
            seq,
            std::mem::replace(&mut prev, hash.clone()),
            hash,
        ));
    }
    for chunk in sealed.chunks(SEAL_CHUNK) {
        let values = (0..chunk.len())
            .map(|i| {
                let p = 4 * i;
                format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "UPDATE audit_log SET seq = v.column2, prev_hash = v.column3, hash = v.column4
             FROM (VALUES {values}) AS v WHERE audit_log.id = v.column1 AND audit_log.seq IS NULL"
        );
        let n = on_tx!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
            for (id, seq, prev_hash, hash) in chunk {
                q = q.bind(*id).bind(*seq).bind(prev_hash).bind(hash);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
        if n != chunk.len() as u64 {
            return Err(crate::StoreError::Config(format!(
                "sealing audit rows: {n} of {} rows updated",
                chunk.len()
            )));
        }
    }
    exec!(tx, c => sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(seq).bind(&prev).execute(c).await)?;
    Ok(rows.len())
}

/// Sealed rows after `after_seq`, in chain order, at most `limit` (for walking the chain in
/// pages).
pub async fn page(tx: &mut Tx, after_seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
    let sql = format!("SELECT {COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(after_seq).bind(limit).fetch_all(c).await)?)
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action_prefix: Option<String>,
    pub actor_name: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Only rows with a smaller insertion id (for paging).
    pub before_id: Option<i64>,
    pub limit: i64,
}

/// Newest first (by insertion id, sealed or not): rows about offices in the subtree at
/// `root_path`, plus rows about no office when `include_unscoped` (for auditors at a
/// top-level office).
pub async fn list(
    tx: &mut Tx,
    root_path: &str,
    include_unscoped: bool,
    f: &AuditFilter,
) -> Result<Vec<AuditRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.seq, a.at, a.actor_id, a.actor_name, a.role, a.office_id, a.action,
                a.target_type, a.target_id, a.summary, a.request_id, a.prev_hash, a.hash
         FROM audit_log a LEFT JOIN offices o ON o.id = a.office_id
         WHERE (o.path LIKE $1 || '%' OR (a.office_id IS NULL AND $2))
           AND ($3 IS NULL OR substr(a.action, 1, length($3)) = $3)
           AND ($4 IS NULL OR a.actor_name = $4)
           AND ($5 IS NULL OR a.at >= $5)
           AND ($6 IS NULL OR a.at < $6)
           AND ($7 IS NULL OR a.id < $7)
         ORDER BY a.id DESC LIMIT $8")
        .bind(root_path).bind(include_unscoped).bind(&f.action_prefix).bind(&f.actor_name)
        .bind(f.from).bind(f.to).bind(f.before_id).bind(f.limit)
        .fetch_all(c).await)?)
}
