//! Officer evaluation, the year (issue 14 items 4–6): a unit's annual ranking (one row per unit
//! and year, its result as JSON), discipline cases (the Decree 172 case as JSON beside its
//! state) and commendation records. Every table is keyed by `shard_key` first.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

// ---------------------------------------------------------------------------------------------
// The annual ranking of a unit

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct RankingRow {
    pub shard_key: Uuid,
    pub office_id: Uuid,
    pub year: i64,
    pub state: String,
    pub result: String,
    pub decided_by: Uuid,
    pub decided_at: i64,
    pub published_by: Option<Uuid>,
    pub published_at: Option<i64>,
    pub version: i64,
}

const RANKING_COLS: &str = "shard_key, office_id, year, state, result, decided_by, decided_at, \
    published_by, published_at, version";

pub async fn ranking(
    tx: &mut Tx,
    shard_key: Uuid,
    office_id: Uuid,
    year: i64,
) -> Result<Option<RankingRow>> {
    let sql = format!(
        "SELECT {RANKING_COLS} FROM evaluation_rankings
         WHERE shard_key = $1 AND office_id = $2 AND year = $3"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(office_id).bind(year).fetch_optional(c).await)?)
}

/// Insert a ranking (version 1) or replace it when its stored version is `expected_version`;
/// false when someone changed it meanwhile.
pub async fn save_ranking(
    tx: &mut Tx,
    r: &RankingRow,
    expected_version: Option<i64>,
) -> Result<bool> {
    let n = match expected_version {
        None => {
            let sql = format!(
                "INSERT INTO evaluation_rankings ({RANKING_COLS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(r.shard_key).bind(r.office_id).bind(r.year).bind(&r.state).bind(&r.result)
                .bind(r.decided_by).bind(r.decided_at).bind(r.published_by).bind(r.published_at)
                .bind(r.version).execute(c).await)?
        }
        Some(v) => exec!(tx, c => sqlx::query(
            "UPDATE evaluation_rankings SET state = $4, result = $5, decided_by = $6,
                decided_at = $7, published_by = $8, published_at = $9, version = $10
             WHERE shard_key = $1 AND office_id = $2 AND year = $3 AND version = $11")
            .bind(r.shard_key).bind(r.office_id).bind(r.year).bind(&r.state).bind(&r.result)
            .bind(r.decided_by).bind(r.decided_at).bind(r.published_by).bind(r.published_at)
            .bind(r.version).bind(v).execute(c).await)?,
    };
    Ok(n == 1)
}

/// The approved or locked period forms of `officer_id` whose period starts with `year_prefix`
/// (`2026-`): (period, form JSON).
pub async fn forms_in_year(
    tx: &mut Tx,
    shard_key: Uuid,
    officer_id: Uuid,
    year_prefix: &str,
) -> Result<Vec<(String, String)>> {
    let like = format!("{year_prefix}%");
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT period, form FROM evaluation_forms
         WHERE shard_key = $1 AND officer_id = $2 AND period LIKE $3
           AND state IN ('approved', 'locked')
         ORDER BY period")
        .bind(shard_key).bind(officer_id).bind(like).fetch_all(c).await)?)
}

// ---------------------------------------------------------------------------------------------
// Discipline cases

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CaseRow {
    pub shard_key: Uuid,
    pub id: Uuid,
    pub officer_id: Uuid,
    pub office_id: Uuid,
    pub state: String,
    pub summary: String,
    pub source: Option<String>,
    pub record: String,
    pub created_by: Uuid,
    pub created_at: i64,
    pub version: i64,
    pub updated_at: i64,
}

const CASE_COLS: &str = "shard_key, id, officer_id, office_id, state, summary, source, record, \
    created_by, created_at, version, updated_at";

pub async fn insert_case(tx: &mut Tx, r: &CaseRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO evaluation_discipline ({CASE_COLS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(r.shard_key).bind(r.id).bind(r.officer_id).bind(r.office_id).bind(&r.state)
        .bind(&r.summary).bind(&r.source).bind(&r.record).bind(r.created_by).bind(r.created_at)
        .bind(r.version).bind(r.updated_at).execute(c).await)?;
    Ok(())
}

pub async fn case(tx: &mut Tx, shard_key: Uuid, id: Uuid) -> Result<Option<CaseRow>> {
    let sql =
        format!("SELECT {CASE_COLS} FROM evaluation_discipline WHERE shard_key = $1 AND id = $2");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(id).fetch_optional(c).await)?)
}

/// The officer's cases, newest first.
pub async fn cases_of(tx: &mut Tx, shard_key: Uuid, officer_id: Uuid) -> Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {CASE_COLS} FROM evaluation_discipline WHERE shard_key = $1 AND officer_id = $2
         ORDER BY created_at DESC, id DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(officer_id).fetch_all(c).await)?)
}

/// Saves a case's new state when its stored version is `expected_version`; false otherwise.
pub async fn update_case(tx: &mut Tx, r: &CaseRow, expected_version: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE evaluation_discipline SET state = $3, record = $4, version = $5, updated_at = $6
         WHERE shard_key = $1 AND id = $2 AND version = $7")
        .bind(r.shard_key).bind(r.id).bind(&r.state).bind(&r.record).bind(r.version)
        .bind(r.updated_at).bind(expected_version).execute(c).await)?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------------
// Commendation records

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CommendationRow {
    pub shard_key: Uuid,
    pub id: Uuid,
    pub officer_id: Uuid,
    pub office_id: Uuid,
    pub year: i64,
    pub title: String,
    pub decision_no: String,
    pub decided_on: String,
    pub issuer: String,
    pub created_by: Uuid,
    pub created_at: i64,
}

const COMMENDATION_COLS: &str = "shard_key, id, officer_id, office_id, year, title, decision_no, \
    decided_on, issuer, created_by, created_at";

/// A second record of one title for one officer and year is a duplicate
/// (`evaluation_commendations_shard_key_officer_id_year_title_key`).
pub async fn insert_commendation(tx: &mut Tx, r: &CommendationRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO evaluation_commendations ({COMMENDATION_COLS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(r.shard_key).bind(r.id).bind(r.officer_id).bind(r.office_id).bind(r.year)
        .bind(&r.title).bind(&r.decision_no).bind(&r.decided_on).bind(&r.issuer)
        .bind(r.created_by).bind(r.created_at).execute(c).await)?;
    Ok(())
}

/// The commendations recorded for officers of `office_id` in `year`, by officer then title.
pub async fn commendations_at(
    tx: &mut Tx,
    shard_key: Uuid,
    office_id: Uuid,
    year: i64,
) -> Result<Vec<CommendationRow>> {
    let sql = format!(
        "SELECT {COMMENDATION_COLS} FROM evaluation_commendations
         WHERE shard_key = $1 AND office_id = $2 AND year = $3 ORDER BY officer_id, title"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(office_id).bind(year).fetch_all(c).await)?)
}

/// The officer's commendations, newest year first.
pub async fn commendations_of(
    tx: &mut Tx,
    shard_key: Uuid,
    officer_id: Uuid,
) -> Result<Vec<CommendationRow>> {
    let sql = format!(
        "SELECT {COMMENDATION_COLS} FROM evaluation_commendations
         WHERE shard_key = $1 AND officer_id = $2 ORDER BY year DESC, title"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(officer_id).fetch_all(c).await)?)
}
