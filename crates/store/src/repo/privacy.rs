//! Personal data storage (issue 18): the access log, data subject requests, consents and the
//! notice texts. Reads that follow one citizen across offices (`*_of_subject`) are national
//! reads by the citizen's identity number; everything else is routed by `shard_key`.

use sqlx::FromRow;
use uuid::Uuid;

use crate::repo::dossier::DossierRow;
use crate::{Result, Tx, exec, on_tx};

// ---------------------------------------------------------------------------------------------
// Access log

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AccessRow {
    pub shard_key: Uuid,
    pub id: Uuid,
    pub at: i64,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub office_id: Uuid,
    pub record_kind: String,
    pub record_id: Uuid,
    pub record_code: String,
    pub via: String,
    pub fields: String,
    pub purpose: Option<String>,
}

const ACCESS_COLS: &str = "shard_key, id, at, actor_id, actor_name, actor_role, office_id, \
    record_kind, record_id, record_code, via, fields, purpose";

pub async fn insert_access(tx: &mut Tx, a: &AccessRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO access_log ({ACCESS_COLS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(a.shard_key).bind(a.id).bind(a.at).bind(a.actor_id).bind(&a.actor_name)
        .bind(&a.actor_role).bind(a.office_id).bind(&a.record_kind).bind(a.record_id)
        .bind(&a.record_code).bind(&a.via).bind(&a.fields).bind(&a.purpose)
        .execute(c).await)?;
    Ok(())
}

/// Who saw one record's personal data, newest first.
pub async fn access_of_record(tx: &mut Tx, shard: Uuid, record_id: Uuid) -> Result<Vec<AccessRow>> {
    let sql = format!(
        "SELECT {ACCESS_COLS} FROM access_log WHERE shard_key = $1 AND record_id = $2 \
         ORDER BY at DESC, id DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard).bind(record_id).fetch_all(c).await)?)
}

/// Who saw the personal data of the dossiers filed under `id_no` (national read).
pub async fn access_of_subject(tx: &mut Tx, id_no: &str) -> Result<Vec<AccessRow>> {
    let cols = ACCESS_COLS
        .split(", ")
        .map(|c| format!("a.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {cols} FROM access_log a JOIN dossiers d ON d.id = a.record_id \
         WHERE d.applicant_id_no = $1 AND a.record_kind = 'dossier' ORDER BY a.at DESC, a.id DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id_no).fetch_all(c).await)?)
}

/// The dossiers filed under an identity number (national read), newest first.
pub async fn dossiers_of_subject(tx: &mut Tx, id_no: &str) -> Result<Vec<DossierRow>> {
    let sql = format!(
        "SELECT {} FROM dossiers WHERE applicant_id_no = $1 ORDER BY created_at DESC",
        crate::repo::dossier::COLS
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id_no).fetch_all(c).await)?)
}

// ---------------------------------------------------------------------------------------------
// Data subject requests

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct RequestRow {
    pub shard_key: Uuid,
    pub id: Uuid,
    pub office_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub kind: String,
    pub state: String,
    pub subject_id_no: String,
    pub contact: String,
    pub detail: Option<String>,
    pub code_hash: Option<String>,
    pub code_expires: Option<i64>,
    pub attempts: i64,
    pub access_hash: Option<String>,
    pub access_expires: Option<i64>,
    pub received_at: i64,
    pub ack_due: Option<String>,
    pub due: Option<String>,
    pub extended: i64,
    pub answer: Option<String>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<i64>,
}

const REQUEST_COLS: &str = "shard_key, id, office_id, parent_id, kind, state, subject_id_no, \
    contact, detail, code_hash, code_expires, attempts, access_hash, access_expires, received_at, \
    ack_due, due, extended, answer, answered_by, answered_at";

pub async fn insert_request(tx: &mut Tx, r: &RequestRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO privacy_requests ({REQUEST_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
         $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(r.shard_key).bind(r.id).bind(r.office_id).bind(r.parent_id).bind(&r.kind)
        .bind(&r.state).bind(&r.subject_id_no).bind(&r.contact).bind(&r.detail)
        .bind(&r.code_hash).bind(r.code_expires).bind(r.attempts).bind(&r.access_hash)
        .bind(r.access_expires).bind(r.received_at).bind(&r.ack_due).bind(&r.due)
        .bind(r.extended).bind(&r.answer).bind(r.answered_by).bind(r.answered_at)
        .execute(c).await)?;
    Ok(())
}

/// A request by its id (the citizen holds only the id; national read).
pub async fn request(tx: &mut Tx, id: Uuid) -> Result<Option<RequestRow>> {
    let sql = format!("SELECT {REQUEST_COLS} FROM privacy_requests WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// Count one wrong code.
pub async fn count_attempt(tx: &mut Tx, shard: Uuid, id: Uuid) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE privacy_requests SET attempts = attempts + 1 WHERE shard_key = $1 AND id = $2")
        .bind(shard).bind(id).execute(c).await)?;
    Ok(())
}

/// The code was right: the access request is done and its export open until `expires`.
pub async fn verify(
    tx: &mut Tx,
    shard: Uuid,
    id: Uuid,
    access_hash: &str,
    expires: i64,
    now: i64,
) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE privacy_requests SET state = 'done', code_hash = NULL, access_hash = $1,
                access_expires = $2, answered_at = $3
         WHERE shard_key = $4 AND id = $5 AND state = 'unverified'")
        .bind(access_hash).bind(expires).bind(now).bind(shard).bind(id).execute(c).await)?;
    Ok(n == 1)
}

/// Open and answered requests of the offices under `path`, newest first.
pub async fn requests_under(tx: &mut Tx, path: &str) -> Result<Vec<RequestRow>> {
    let cols = REQUEST_COLS
        .split(", ")
        .map(|c| format!("r.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {cols} FROM privacy_requests r JOIN offices o ON o.id = r.office_id \
         WHERE o.path LIKE $1 || '%' AND r.kind <> 'access' ORDER BY r.received_at DESC LIMIT 500"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(path).fetch_all(c).await)?)
}

/// The requests a verified access request led to.
pub async fn requests_from(tx: &mut Tx, shard: Uuid, parent: Uuid) -> Result<Vec<RequestRow>> {
    let sql = format!(
        "SELECT {REQUEST_COLS} FROM privacy_requests WHERE shard_key = $1 AND parent_id = $2 \
         ORDER BY received_at"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard).bind(parent).fetch_all(c).await)?)
}

/// Close an open request with an answer (`done` or `refused`).
pub async fn answer(
    tx: &mut Tx,
    shard: Uuid,
    id: Uuid,
    state: &str,
    answer: &str,
    by: Uuid,
    now: i64,
) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE privacy_requests SET state = $1, answer = $2, answered_by = $3, answered_at = $4
         WHERE shard_key = $5 AND id = $6 AND state = 'open'")
        .bind(state).bind(answer).bind(by).bind(now).bind(shard).bind(id).execute(c).await)?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------------
// Consents and notices

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct ConsentRow {
    pub shard_key: Uuid,
    pub id: Uuid,
    pub office_id: Uuid,
    pub record_kind: String,
    pub record_id: Uuid,
    pub purpose: String,
    pub notice_version: i64,
    pub detail: String,
    pub given_at: i64,
    pub recorded_by: Option<Uuid>,
    pub withdrawn_at: Option<i64>,
    pub withdrawn_via: Option<String>,
}

const CONSENT_COLS: &str = "shard_key, id, office_id, record_kind, record_id, purpose, \
    notice_version, detail, given_at, recorded_by, withdrawn_at, withdrawn_via";

pub async fn insert_consent(tx: &mut Tx, k: &ConsentRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO consents ({CONSENT_COLS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(k.shard_key).bind(k.id).bind(k.office_id).bind(&k.record_kind).bind(k.record_id)
        .bind(&k.purpose).bind(k.notice_version).bind(&k.detail).bind(k.given_at)
        .bind(k.recorded_by).bind(k.withdrawn_at).bind(&k.withdrawn_via)
        .execute(c).await)?;
    Ok(())
}

pub async fn consent(tx: &mut Tx, id: Uuid) -> Result<Option<ConsentRow>> {
    let sql = format!("SELECT {CONSENT_COLS} FROM consents WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

pub async fn consent_of_record(
    tx: &mut Tx,
    shard: Uuid,
    record_id: Uuid,
    purpose: &str,
) -> Result<Option<ConsentRow>> {
    let sql = format!(
        "SELECT {CONSENT_COLS} FROM consents WHERE shard_key = $1 AND record_id = $2 AND purpose = $3"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(shard).bind(record_id).bind(purpose).fetch_optional(c).await)?)
}

/// The consents on the dossiers filed under `id_no` (national read).
pub async fn consents_of_subject(tx: &mut Tx, id_no: &str) -> Result<Vec<ConsentRow>> {
    let cols = CONSENT_COLS
        .split(", ")
        .map(|c| format!("k.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {cols} FROM consents k JOIN dossiers d ON d.id = k.record_id \
         WHERE d.applicant_id_no = $1 ORDER BY k.given_at DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id_no).fetch_all(c).await)?)
}

pub async fn withdraw_consent(
    tx: &mut Tx,
    shard: Uuid,
    id: Uuid,
    via: &str,
    now: i64,
) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE consents SET withdrawn_at = $1, withdrawn_via = $2
         WHERE shard_key = $3 AND id = $4 AND withdrawn_at IS NULL")
        .bind(now).bind(via).bind(shard).bind(id).execute(c).await)?;
    Ok(n == 1)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct NoticeRow {
    pub purpose: String,
    pub version: i64,
    pub effective_from: String,
    pub text_vi: String,
    pub text_en: String,
}

/// The notice for `purpose` in force on `day` ('YYYY-MM-DD'): the latest version effective.
pub async fn notice(tx: &mut Tx, purpose: &str, day: &str) -> Result<Option<NoticeRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT purpose, version, effective_from, text_vi, text_en FROM privacy_notices
         WHERE purpose = $1 AND effective_from <= $2 ORDER BY version DESC LIMIT 1")
        .bind(purpose).bind(day).fetch_optional(c).await)?)
}

/// Extend an open request's answer date once.
pub async fn extend(tx: &mut Tx, shard: Uuid, id: Uuid, due: &str) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE privacy_requests SET due = $1, extended = 1
         WHERE shard_key = $2 AND id = $3 AND state = 'open' AND extended = 0")
        .bind(due).bind(shard).bind(id).execute(c).await)?;
    Ok(n == 1)
}
