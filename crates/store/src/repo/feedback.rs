//! Feedback cases, their timeline and attachments, views of a sender's identity, and the
//! officers' records of upheld conduct complaints.

use base64::Engine;
use sqlx::FromRow;
use uuid::Uuid;

use crate::{Backend, Result, StoreError, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CaseRow {
    pub id: Uuid,
    pub code: String,
    pub secret: String,
    pub office_id: Uuid,
    pub office_path: String,
    pub handler_office_id: Uuid,
    pub handler_path: String,
    pub category: String,
    pub channel: String,
    pub privacy: String,
    pub sender_name: Option<String>,
    pub sender_contact: Option<String>,
    pub sender_address: Option<String>,
    pub title: String,
    pub content: String,
    pub officer_id: Option<Uuid>,
    pub clause: Option<String>,
    pub reference: Option<String>,
    pub state: String,
    pub reopened: i64,
    pub helpful: Option<bool>,
    pub received_at: i64,
    pub day: String,
    pub classify_due: String,
    pub answer_due: String,
    pub publish_due: Option<String>,
    pub info_question: Option<String>,
    pub info_reply: Option<String>,
    pub refusal: Option<String>,
    pub forwarded_to: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    pub answered_on_time: Option<bool>,
    pub public_text: Option<String>,
    pub public_answer: Option<String>,
    pub published_at: Option<i64>,
    pub upheld: Option<bool>,
    pub disclosed: bool,
    pub entered_by: Option<Uuid>,
    pub version: i64,
    pub updated_at: i64,
}

const COLS: &str = "id, code, secret, office_id, office_path, handler_office_id, handler_path, \
    category, channel, privacy, sender_name, sender_contact, sender_address, title, content, \
    officer_id, clause, reference, state, reopened, helpful, received_at, day, classify_due, \
    answer_due, publish_due, info_question, info_reply, refusal, forwarded_to, answer, \
    answered_at, answered_on_time, public_text, public_answer, published_at, upheld, disclosed, \
    entered_by, version, updated_at";

pub async fn insert(tx: &mut Tx, k: &CaseRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO feedback_cases ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
         $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27,
         $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(k.id).bind(&k.code).bind(&k.secret).bind(k.office_id).bind(&k.office_path)
        .bind(k.handler_office_id).bind(&k.handler_path).bind(&k.category).bind(&k.channel)
        .bind(&k.privacy).bind(&k.sender_name).bind(&k.sender_contact).bind(&k.sender_address)
        .bind(&k.title).bind(&k.content).bind(k.officer_id).bind(&k.clause).bind(&k.reference)
        .bind(&k.state).bind(k.reopened).bind(k.helpful).bind(k.received_at).bind(&k.day)
        .bind(&k.classify_due).bind(&k.answer_due).bind(&k.publish_due).bind(&k.info_question)
        .bind(&k.info_reply).bind(&k.refusal).bind(&k.forwarded_to).bind(&k.answer)
        .bind(k.answered_at).bind(k.answered_on_time).bind(&k.public_text).bind(&k.public_answer)
        .bind(k.published_at).bind(k.upheld).bind(k.disclosed).bind(k.entered_by).bind(k.version)
        .bind(k.updated_at)
        .execute(c).await)?;
    Ok(())
}

/// Write back every mutable column if the row is still at `expected_version`.
pub async fn update(tx: &mut Tx, k: &CaseRow, expected_version: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE feedback_cases SET handler_office_id = $1, handler_path = $2, state = $3,
            reopened = $4, helpful = $5, classify_due = $6, answer_due = $7, publish_due = $8,
            info_question = $9, info_reply = $10, refusal = $11, forwarded_to = $12, answer = $13,
            answered_at = $14, answered_on_time = $15, public_text = $16, public_answer = $17,
            published_at = $18, upheld = $19, disclosed = $20, version = $21, updated_at = $22
         WHERE id = $23 AND version = $24")
        .bind(k.handler_office_id).bind(&k.handler_path).bind(&k.state).bind(k.reopened)
        .bind(k.helpful).bind(&k.classify_due).bind(&k.answer_due).bind(&k.publish_due)
        .bind(&k.info_question).bind(&k.info_reply).bind(&k.refusal).bind(&k.forwarded_to)
        .bind(&k.answer).bind(k.answered_at).bind(k.answered_on_time).bind(&k.public_text)
        .bind(&k.public_answer).bind(k.published_at).bind(k.upheld).bind(k.disclosed)
        .bind(k.version).bind(k.updated_at).bind(k.id).bind(expected_version)
        .execute(c).await)?;
    Ok(n == 1)
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<CaseRow>> {
    let sql = format!("SELECT {COLS} FROM feedback_cases WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// The case, locked until the transaction ends (PostgreSQL `FOR UPDATE`).
pub async fn get_for_update(tx: &mut Tx, id: Uuid) -> Result<Option<CaseRow>> {
    let lock = if tx.backend() == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT {COLS} FROM feedback_cases WHERE id = $1{lock}");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

pub async fn get_by_code(tx: &mut Tx, code: &str) -> Result<Option<CaseRow>> {
    let sql = format!("SELECT {COLS} FROM feedback_cases WHERE code = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(code).fetch_optional(c).await)?)
}

/// Cases received by, or handled by, offices under `path`, received on `from..=to`, newest
/// first, at most `limit`.
pub async fn list_under(
    tx: &mut Tx,
    path: &str,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {COLS} FROM feedback_cases
         WHERE (office_path LIKE $1 || '%' OR handler_path LIKE $1 || '%')
           AND day >= $2 AND day <= $3
         ORDER BY received_at DESC LIMIT $4"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(path).bind(from).bind(to).bind(limit).fetch_all(c).await)?)
}

/// Every case received on `from..=to` (Open311's list; the caller filters), newest first.
pub async fn list_between(tx: &mut Tx, from: &str, to: &str, limit: i64) -> Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {COLS} FROM feedback_cases WHERE day >= $1 AND day <= $2
         ORDER BY received_at DESC LIMIT $3"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(from).bind(to).bind(limit).fetch_all(c).await)?)
}

/// Published cases, newest first.
pub async fn published(tx: &mut Tx, limit: i64) -> Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {COLS} FROM feedback_cases WHERE state = 'published'
         ORDER BY published_at DESC LIMIT $1"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(limit).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct EventRow {
    pub case_id: Uuid,
    pub seq: i64,
    pub at: i64,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub note: Option<String>,
}

pub async fn insert_event(tx: &mut Tx, e: &EventRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO feedback_events (case_id, seq, at, action, from_state, to_state, actor_id,
            actor_name, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(e.case_id).bind(e.seq).bind(e.at).bind(&e.action).bind(&e.from_state)
        .bind(&e.to_state).bind(e.actor_id).bind(&e.actor_name).bind(&e.note)
        .execute(c).await)?;
    Ok(())
}

pub async fn events(tx: &mut Tx, case_id: Uuid) -> Result<Vec<EventRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT case_id, seq, at, action, from_state, to_state, actor_id, actor_name, note
         FROM feedback_events WHERE case_id = $1 ORDER BY seq")
        .bind(case_id).fetch_all(c).await)?)
}

/// Every event since `since` (micros), oldest first (Open311 request updates).
/// Add `bytes` to the running total of stored attachment bytes (a `sequences` row, made from
/// the table's sum the first time) and return the new total. The row stays locked until the
/// caller's transaction ends.
pub async fn add_attachment_bytes(tx: &mut Tx, bytes: i64) -> Result<i64> {
    const SCOPE: &str = "attachments:bytes";
    let known: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT value FROM sequences WHERE scope = $1").bind(SCOPE).fetch_optional(c).await)?;
    if known.is_none() {
        exec!(tx, c => sqlx::query(
            "INSERT INTO sequences (scope, value)
             SELECT $1, CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM feedback_attachments WHERE true
             ON CONFLICT (scope) DO NOTHING")
            .bind(SCOPE).execute(c).await)?;
    }
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE sequences SET value = value + $1 WHERE scope = $2 RETURNING value")
        .bind(bytes).bind(SCOPE).fetch_one(c).await)?)
}

pub async fn events_between(
    tx: &mut Tx,
    since: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<EventRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT case_id, seq, at, action, from_state, to_state, actor_id, actor_name, note
         FROM feedback_events WHERE at >= $1 AND at <= $2 ORDER BY at, seq LIMIT $3")
        .bind(since).bind(until).bind(limit).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: Uuid,
    pub case_id: Uuid,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

pub async fn insert_attachment(tx: &mut Tx, a: &AttachmentMeta, body: &[u8]) -> Result<()> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(body);
    exec!(tx, c => sqlx::query(
        "INSERT INTO feedback_attachments (id, case_id, filename, mime, size, sha256, body,
            created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
        .bind(a.id).bind(a.case_id).bind(&a.filename).bind(&a.mime).bind(a.size).bind(&a.sha256)
        .bind(encoded).bind(a.created_at).execute(c).await)?;
    Ok(())
}

pub async fn attachments(tx: &mut Tx, case_id: Uuid) -> Result<Vec<AttachmentMeta>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, case_id, filename, mime, size, sha256, created_at FROM feedback_attachments
         WHERE case_id = $1 ORDER BY created_at, id")
        .bind(case_id).fetch_all(c).await)?)
}

#[derive(FromRow)]
struct StoredAttachment {
    #[sqlx(flatten)]
    meta: AttachmentMeta,
    body: String,
}

/// An attachment's metadata and bytes.
pub async fn attachment(tx: &mut Tx, id: Uuid) -> Result<Option<(AttachmentMeta, Vec<u8>)>> {
    let row: Option<StoredAttachment> = on_tx!(tx, c => sqlx::query_as(
        "SELECT id, case_id, filename, mime, size, sha256, created_at, body
         FROM feedback_attachments WHERE id = $1")
        .bind(id).fetch_optional(c).await)?;
    let Some(StoredAttachment { meta, body }) = row else {
        return Ok(None);
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|e| StoreError::Config(format!("attachment {}: {e}", meta.id)))?;
    Ok(Some((meta, bytes)))
}

pub async fn insert_identity_view(
    tx: &mut Tx,
    id: Uuid,
    case_id: Uuid,
    user_id: Uuid,
    at: i64,
    reason: &str,
) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO identity_views (id, case_id, user_id, at, reason) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(case_id).bind(user_id).bind(at).bind(reason).execute(c).await)?;
    Ok(())
}

/// Who saw the sender's identity, when and why: (user, at, reason), oldest first.
pub async fn identity_views(tx: &mut Tx, case_id: Uuid) -> Result<Vec<(Uuid, i64, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT user_id, at, reason FROM identity_views WHERE case_id = $1 ORDER BY at, id")
        .bind(case_id).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct OfficerRecord {
    pub id: Uuid,
    pub officer_id: Uuid,
    pub office_id: Uuid,
    pub kind: String,
    pub clause: Option<String>,
    pub source_type: String,
    pub source_id: Uuid,
    pub note: Option<String>,
    pub at: i64,
}

pub async fn insert_officer_record(tx: &mut Tx, r: &OfficerRecord) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO officer_records (id, officer_id, office_id, kind, clause, source_type,
            source_id, note, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
        .bind(r.id).bind(r.officer_id).bind(r.office_id).bind(&r.kind).bind(&r.clause)
        .bind(&r.source_type).bind(r.source_id).bind(&r.note).bind(r.at).execute(c).await)?;
    Ok(())
}

pub async fn officer_records(tx: &mut Tx, officer_id: Uuid) -> Result<Vec<OfficerRecord>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, officer_id, office_id, kind, clause, source_type, source_id, note, at
         FROM officer_records WHERE officer_id = $1 ORDER BY at")
        .bind(officer_id).fetch_all(c).await)?)
}
