//! Serial numbers per scope (dossier codes per office and day, queue tickets per service and day).

use crate::{Result, Tx, on_tx};

/// The next value in `scope` (1 for a new scope). The row lock (PostgreSQL) or the write lock
/// (SQLite) is held until the caller's transaction ends, so concurrent callers get distinct
/// values and a rolled-back transaction gives its value back to nobody else.
pub async fn next(tx: &mut Tx, scope: &str) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "INSERT INTO sequences (scope, value) VALUES ($1, 1)
         ON CONFLICT (scope) DO UPDATE SET value = sequences.value + 1
         RETURNING value")
        .bind(scope).fetch_one(c).await)?)
}

/// The last value handed out in `scope`, if any.
pub async fn current(tx: &mut Tx, scope: &str) -> Result<Option<i64>> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT value FROM sequences WHERE scope = $1")
        .bind(scope).fetch_optional(c).await)?,
    )
}

/// Like [`current`], in one statement on the pool (no transaction): the per-use check of a
/// cache's version counter (`App::calendar`), one round trip.
pub async fn current_on(db: &crate::Db, scope: &str) -> Result<Option<i64>> {
    let sql = "SELECT value FROM sequences WHERE scope = $1";
    Ok(match db {
        crate::Db::Sqlite(p) => {
            sqlx::query_scalar(sql)
                .bind(scope)
                .fetch_optional(p)
                .await?
        }
        crate::Db::Postgres(p) => {
            sqlx::query_scalar(sql)
                .bind(scope)
                .fetch_optional(p)
                .await?
        }
    })
}
