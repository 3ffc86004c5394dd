//! The procedure catalogue: versions of procedures, stored whole as JSON with listing columns.

use sqlx::FromRow;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct ProcedureRow {
    pub code: String,
    pub version: i64,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub name: String,
    pub name_folded: String,
    pub field: String,
    pub level: String,
    pub body: String,
    pub updated_at: i64,
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM procedure_versions").fetch_one(c).await)?,
    )
}

/// Replace every stored version of `code` (an import is the source of truth for its codes).
pub async fn delete_code(tx: &mut Tx, code: &str) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("DELETE FROM procedure_versions WHERE code = $1")
        .bind(code).execute(c).await)?,
    )
}

pub async fn insert(tx: &mut Tx, r: &ProcedureRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO procedure_versions (code, version, effective_from, effective_to, name, name_folded, field,
                                         level, body, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
        .bind(&r.code).bind(r.version).bind(&r.effective_from).bind(&r.effective_to).bind(&r.name)
        .bind(&r.name_folded).bind(&r.field).bind(&r.level).bind(&r.body).bind(r.updated_at)
        .execute(c).await)?;
    Ok(())
}

/// Versions in force on `date` (`YYYY-MM-DD`, both ends inclusive), by field then name.
pub async fn in_force(tx: &mut Tx, date: &str) -> Result<Vec<ProcedureRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT code, version, effective_from, effective_to, name, name_folded, field, level, body, updated_at
         FROM procedure_versions
         WHERE effective_from <= $1 AND (effective_to IS NULL OR effective_to >= $1)
         ORDER BY field, name, code")
        .bind(date).fetch_all(c).await)?)
}

/// Every version of one procedure, oldest first.
pub async fn versions(tx: &mut Tx, code: &str) -> Result<Vec<ProcedureRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT code, version, effective_from, effective_to, name, name_folded, field, level, body, updated_at
         FROM procedure_versions WHERE code = $1 ORDER BY version")
        .bind(code).fetch_all(c).await)?)
}

/// Every version of every procedure (for export), by code and version.
pub async fn all(tx: &mut Tx) -> Result<Vec<ProcedureRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT code, version, effective_from, effective_to, name, name_folded, field, level, body, updated_at
         FROM procedure_versions ORDER BY code, version")
        .fetch_all(c).await)?)
}
