//! Offices, their history and their counters.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct OfficeRow {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub path: String,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, code, name, kind, parent_id, path, created_at, updated_at";

pub async fn insert(tx: &mut Tx, o: &OfficeRow, name_folded: &str) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO offices (id, code, name, name_folded, kind, parent_id, path, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(o.id).bind(&o.code).bind(&o.name).bind(name_folded).bind(&o.kind)
        .bind(o.parent_id).bind(&o.path).bind(o.created_at).bind(o.updated_at)
        .execute(c).await)?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<OfficeRow>> {
    let _ = COLS;
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, code, name, kind, parent_id, path, created_at, updated_at FROM offices WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

/// The offices `a` and `b` and the parent of `a`, in one query (each row once, in no
/// particular order; a missing office is simply absent).
pub async fn get_with_parent(tx: &mut Tx, a: Uuid, b: Uuid) -> Result<Vec<OfficeRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, code, name, kind, parent_id, path, created_at, updated_at FROM offices
         WHERE id = $1 OR id = $2 OR id = (SELECT parent_id FROM offices WHERE id = $1)")
        .bind(a).bind(b).fetch_all(c).await)?)
}

pub async fn get_by_code(tx: &mut Tx, code: &str) -> Result<Option<OfficeRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, code, name, kind, parent_id, path, created_at, updated_at FROM offices WHERE code = $1")
        .bind(code).fetch_optional(c).await)?)
}

/// Every office in the subtree rooted at `root_path` (the root included), in path order.
pub async fn list_subtree(tx: &mut Tx, root_path: &str) -> Result<Vec<OfficeRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, code, name, kind, parent_id, path, created_at, updated_at FROM offices
         WHERE path LIKE $1 || '%' ORDER BY path")
        .bind(root_path).fetch_all(c).await)?)
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM offices").fetch_one(c).await)?)
}

pub async fn rename(tx: &mut Tx, id: Uuid, name: &str, name_folded: &str, at: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE offices SET name = $1, name_folded = $2, updated_at = $3 WHERE id = $4")
        .bind(name).bind(name_folded).bind(at).bind(id).execute(c).await)?;
    Ok(())
}

/// Tables that store an office's path beside its id (so scope filters need no join), with
/// their path columns. A move rewrites every one of them with `offices.path`.
pub const STORED_PATHS: [(&str, &str); 4] = [
    ("dossiers", "office_path"),
    ("dossiers", "handler_path"),
    ("feedback_cases", "office_path"),
    ("feedback_cases", "handler_path"),
];

/// Re-root the subtree at `old_path` under `new_path` and set the office's new parent. Every
/// stored copy of a path in the subtree ([`STORED_PATHS`]) is rewritten too, and when the
/// subtree leaves its top-level office the rollup counters move to the new shard key, all in
/// the caller's transaction. Returns the number of offices moved.
pub async fn move_subtree(
    tx: &mut Tx,
    id: Uuid,
    new_parent: Uuid,
    old_path: &str,
    new_path: &str,
    at: i64,
) -> Result<u64> {
    let tail_start = (old_path.len() + 1) as i32;
    let moved = exec!(tx, c => sqlx::query(
        "UPDATE offices SET path = $1 || substr(path, $2), updated_at = $3 WHERE path LIKE $4 || '%'")
        .bind(new_path).bind(tail_start).bind(at).bind(old_path).execute(c).await)?;
    exec!(tx, c => sqlx::query("UPDATE offices SET parent_id = $1 WHERE id = $2")
        .bind(new_parent).bind(id).execute(c).await)?;
    for (table, column) in STORED_PATHS {
        let sql = format!(
            "UPDATE {table} SET {column} = $1 || substr({column}, $2) WHERE {column} LIKE $3 || '%'"
        );
        exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
            .bind(new_path).bind(tail_start).bind(old_path).execute(c).await)?;
    }
    crate::repo::rollup::move_subtree(tx, old_path, new_path).await?;
    let (old_root, new_root) = (
        crate::repo::rollup::root_of(old_path),
        crate::repo::rollup::root_of(new_path),
    );
    if let (Some(old_root), Some(new_root)) = (old_root, new_root)
        && old_root != new_root
    {
        crate::repo::rollup::rekey_subtree(tx, new_path, new_root).await?;
    }
    Ok(moved)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub at: i64,
    pub actor_id: Option<Uuid>,
    pub change: String,
    pub old_name: Option<String>,
    pub new_name: Option<String>,
    pub old_parent_id: Option<Uuid>,
    pub new_parent_id: Option<Uuid>,
}

pub async fn insert_history(tx: &mut Tx, h: &HistoryRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO office_history (id, office_id, at, actor_id, change, old_name, new_name, old_parent_id, new_parent_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(h.id).bind(h.office_id).bind(h.at).bind(h.actor_id).bind(&h.change)
        .bind(&h.old_name).bind(&h.new_name).bind(h.old_parent_id).bind(h.new_parent_id)
        .execute(c).await)?;
    Ok(())
}

pub async fn history(tx: &mut Tx, office_id: Uuid) -> Result<Vec<HistoryRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, office_id, at, actor_id, change, old_name, new_name, old_parent_id, new_parent_id
         FROM office_history WHERE office_id = $1 ORDER BY at, id")
        .bind(office_id).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CounterRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub number: i32,
    pub name: String,
    pub created_at: i64,
}

pub async fn insert_counter(tx: &mut Tx, r: &CounterRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO counters (id, office_id, number, name, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(r.id).bind(r.office_id).bind(r.number).bind(&r.name).bind(r.created_at)
        .execute(c).await)?;
    Ok(())
}

pub async fn list_counters(tx: &mut Tx, office_id: Uuid) -> Result<Vec<CounterRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, office_id, number, name, created_at FROM counters WHERE office_id = $1 ORDER BY number")
        .bind(office_id).fetch_all(c).await)?)
}
