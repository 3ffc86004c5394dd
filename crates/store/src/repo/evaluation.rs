//! Officer evaluation (issue 14): the strengths-and-weaknesses register, dismissed register
//! suggestions, period evaluation forms, and the raw evidence of one officer's month (tickets,
//! dossiers, Form 04 apologies, recovery cases). Every table is keyed by `shard_key` first.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

// ---------------------------------------------------------------------------------------------
// The register

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct EntryRow {
    pub shard_key: Uuid,
    pub id: Uuid,
    pub officer_id: Uuid,
    pub office_id: Uuid,
    pub kind: String,
    pub note: String,
    pub clause: Option<String>,
    pub evidence: Option<String>,
    pub suggestion: Option<String>,
    pub created_by: Uuid,
    pub created_at: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
}

const ENTRY_COLS: &str = "shard_key, id, officer_id, office_id, kind, note, clause, evidence, \
    suggestion, created_by, created_at, answer, answered_at";

/// A second entry from the same suggestion is refused by the unique constraint
/// (`evaluation_register_shard_key_officer_id_suggestion_key`).
pub async fn insert_entry(tx: &mut Tx, e: &EntryRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO evaluation_register ({ENTRY_COLS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(e.shard_key).bind(e.id).bind(e.officer_id).bind(e.office_id).bind(&e.kind)
        .bind(&e.note).bind(&e.clause).bind(&e.evidence).bind(&e.suggestion).bind(e.created_by)
        .bind(e.created_at).bind(&e.answer).bind(e.answered_at)
        .execute(c).await)?;
    Ok(())
}

pub async fn entry(tx: &mut Tx, shard_key: Uuid, id: Uuid) -> Result<Option<EntryRow>> {
    let sql =
        format!("SELECT {ENTRY_COLS} FROM evaluation_register WHERE shard_key = $1 AND id = $2");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(id).fetch_optional(c).await)?)
}

/// The officer's register, newest first.
pub async fn entries(tx: &mut Tx, shard_key: Uuid, officer_id: Uuid) -> Result<Vec<EntryRow>> {
    let sql = format!(
        "SELECT {ENTRY_COLS} FROM evaluation_register WHERE shard_key = $1 AND officer_id = $2
         ORDER BY created_at DESC, id DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(officer_id).fetch_all(c).await)?)
}

/// The officer's answer to an entry not answered yet; false when it already has one.
pub async fn answer_entry(
    tx: &mut Tx,
    shard_key: Uuid,
    id: Uuid,
    answer: &str,
    at: i64,
) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE evaluation_register SET answer = $3, answered_at = $4
         WHERE shard_key = $1 AND id = $2 AND answer IS NULL")
        .bind(shard_key).bind(id).bind(answer).bind(at).execute(c).await)?;
    Ok(n == 1)
}

/// Keys of the suggestions dismissed for the officer.
pub async fn dismissed(tx: &mut Tx, shard_key: Uuid, officer_id: Uuid) -> Result<Vec<String>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT suggestion FROM evaluation_dismissed WHERE shard_key = $1 AND officer_id = $2")
        .bind(shard_key).bind(officer_id).fetch_all(c).await)?)
}

/// A second dismissal of one suggestion is a duplicate (`evaluation_dismissed_pkey`).
pub async fn dismiss(
    tx: &mut Tx,
    shard_key: Uuid,
    officer_id: Uuid,
    suggestion: &str,
    by: Uuid,
    at: i64,
) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO evaluation_dismissed (shard_key, officer_id, suggestion, dismissed_by,
            dismissed_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(shard_key).bind(officer_id).bind(suggestion).bind(by).bind(at).execute(c).await)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Evaluation forms

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct FormRow {
    pub shard_key: Uuid,
    pub officer_id: Uuid,
    pub period: String,
    pub office_id: Uuid,
    pub state: String,
    pub form: String,
    pub version: i64,
    pub updated_at: i64,
}

const FORM_COLS: &str =
    "shard_key, officer_id, period, office_id, state, form, version, updated_at";

pub async fn form(
    tx: &mut Tx,
    shard_key: Uuid,
    officer_id: Uuid,
    period: &str,
) -> Result<Option<FormRow>> {
    let sql = format!(
        "SELECT {FORM_COLS} FROM evaluation_forms
         WHERE shard_key = $1 AND officer_id = $2 AND period = $3"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(officer_id).bind(period).fetch_optional(c).await)?)
}

/// The officer's forms, newest period first.
pub async fn forms_of(tx: &mut Tx, shard_key: Uuid, officer_id: Uuid) -> Result<Vec<FormRow>> {
    let sql = format!(
        "SELECT {FORM_COLS} FROM evaluation_forms WHERE shard_key = $1 AND officer_id = $2
         ORDER BY period DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard_key).bind(officer_id).fetch_all(c).await)?)
}

/// Insert a form (version 1) or update it when its stored version is `expected_version`;
/// false when someone changed it meanwhile.
pub async fn save_form(tx: &mut Tx, f: &FormRow, expected_version: Option<i64>) -> Result<bool> {
    let n = match expected_version {
        None => {
            let sql = format!(
                "INSERT INTO evaluation_forms ({FORM_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(f.shard_key).bind(f.officer_id).bind(&f.period).bind(f.office_id)
                .bind(&f.state).bind(&f.form).bind(f.version).bind(f.updated_at)
                .execute(c).await)?
        }
        Some(v) => exec!(tx, c => sqlx::query(
            "UPDATE evaluation_forms SET state = $4, form = $5, version = $6, updated_at = $7
             WHERE shard_key = $1 AND officer_id = $2 AND period = $3 AND version = $8")
            .bind(f.shard_key).bind(f.officer_id).bind(&f.period).bind(&f.state).bind(&f.form)
            .bind(f.version).bind(f.updated_at).bind(v)
            .execute(c).await)?,
    };
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------------
// One officer's month: the raw rows behind what the rollups do not break down by officer

/// A ticket the officer called or served.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct TicketFacts {
    pub id: Uuid,
    pub office_id: Uuid,
    pub number: String,
    pub day: String,
    pub state: String,
    pub officer_id: Option<Uuid>,
    pub issued_at: i64,
    pub first_called_at: Option<i64>,
    pub serve_start: Option<i64>,
    pub serve_end: Option<i64>,
    pub apologized_by: Option<Uuid>,
}

/// Tickets of local days `from..=to` last handled by the officer (or apologised for by them).
pub async fn tickets_of(
    tx: &mut Tx,
    officer_id: Uuid,
    from: &str,
    to: &str,
) -> Result<Vec<TicketFacts>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, office_id, number, day, state, officer_id, issued_at, first_called_at, serve_start,
                serve_end, apologized_by
         FROM tickets WHERE (officer_id = $1 OR apologized_by = $1) AND day >= $2 AND day <= $3
         ORDER BY issued_at")
        .bind(officer_id).bind(from).bind(to).fetch_all(c).await)?)
}

/// A dossier received by the officer, as the scorecard and the task lines see it.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct DossierFacts {
    pub id: Uuid,
    pub code: String,
    pub state: String,
    pub received_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub on_time: Option<String>,
    pub due_date: Option<String>,
}

/// Dossiers received by the officer whose receipt or closing falls in `[from, to)` (UTC µs),
/// or still open with their original due date on the local days `days.0..=days.1`.
pub async fn dossiers_of(
    tx: &mut Tx,
    officer_id: Uuid,
    from: i64,
    to: i64,
    days: (&str, &str),
) -> Result<Vec<DossierFacts>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, code, state, received_at, closed_at, on_time, due_date FROM dossiers
         WHERE received_by = $1
           AND ((received_at >= $2 AND received_at < $3) OR (closed_at >= $2 AND closed_at < $3)
             OR (closed_at IS NULL AND due_date >= $4 AND due_date <= $5))
         ORDER BY received_at, id")
        .bind(officer_id).bind(from).bind(to).bind(days.0).bind(days.1).fetch_all(c).await)?)
}

/// Form 04 apologies issued in `[from, to)` on dossiers the officer received.
pub async fn apologies_on(tx: &mut Tx, officer_id: Uuid, from: i64, to: i64) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
         WHERE d.received_by = $1 AND e.form = '04' AND e.at >= $2 AND e.at < $3")
        .bind(officer_id).bind(from).bind(to).fetch_one(c).await)?)
}

/// Dossiers the officer acted on (any step) in `[from, to)`.
pub async fn processed_by(tx: &mut Tx, officer_id: Uuid, from: i64, to: i64) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(DISTINCT dossier_id) FROM dossier_events
         WHERE actor_id = $1 AND at >= $2 AND at < $3")
        .bind(officer_id).bind(from).bind(to).fetch_one(c).await)?)
}

/// Recovery cases about the officer opened in `[from, to)`: (opened, still open).
pub async fn recovery_of(tx: &mut Tx, officer_id: Uuid, from: i64, to: i64) -> Result<(i64, i64)> {
    let rows: Vec<(String,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT state FROM recovery_cases WHERE officer_id = $1 AND opened_at >= $2
           AND opened_at < $3")
        .bind(officer_id).bind(from).bind(to).fetch_all(c).await)?;
    let open = rows.iter().filter(|(s,)| s == "open").count();
    Ok((rows.len() as i64, open as i64))
}
