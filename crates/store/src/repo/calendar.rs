//! The announced working calendar (administrators' days off and make-up days).

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CalendarDayRow {
    /// `YYYY-MM-DD`, local date.
    pub date: String,
    pub kind: String,
    pub name_vi: String,
    pub notice: String,
    pub updated_at: i64,
    pub updated_by: Option<Uuid>,
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(
        on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM calendar_days").fetch_one(c).await)?,
    )
}

pub async fn list_all(tx: &mut Tx) -> Result<Vec<CalendarDayRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT date, kind, name_vi, notice, updated_at, updated_by FROM calendar_days ORDER BY date")
        .fetch_all(c).await)?)
}

pub async fn get(tx: &mut Tx, date: &str) -> Result<Option<CalendarDayRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT date, kind, name_vi, notice, updated_at, updated_by FROM calendar_days WHERE date = $1")
        .bind(date).fetch_optional(c).await)?)
}

/// Insert or replace the row for its date.
pub async fn upsert(tx: &mut Tx, r: &CalendarDayRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO calendar_days (date, kind, name_vi, notice, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (date) DO UPDATE SET kind = excluded.kind, name_vi = excluded.name_vi,
             notice = excluded.notice, updated_at = excluded.updated_at, updated_by = excluded.updated_by")
        .bind(&r.date).bind(&r.kind).bind(&r.name_vi).bind(&r.notice).bind(r.updated_at).bind(r.updated_by)
        .execute(c).await)?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, date: &str) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("DELETE FROM calendar_days WHERE date = $1")
        .bind(date).execute(c).await)?,
    )
}
