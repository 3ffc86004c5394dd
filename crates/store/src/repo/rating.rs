//! Satisfaction: rating settings, paired counter tablets, ratings and their corrections,
//! recovery cases, and the codes of conduct.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

// ---------------------------------------------------------------------------------------------
// Settings

pub async fn settings(tx: &mut Tx, office_id: Uuid) -> Result<Option<String>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT body FROM rating_settings WHERE office_id = $1")
        .bind(office_id).fetch_optional(c).await)?)
}

pub async fn put_settings(tx: &mut Tx, office_id: Uuid, body: &str, now: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO rating_settings (office_id, body, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (office_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at")
        .bind(office_id).bind(body).bind(now).execute(c).await)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Devices

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub counter_id: Uuid,
    pub pair_hash: Option<String>,
    pub pair_expires: i64,
    pub secret_hash: Option<String>,
    pub created_by: Uuid,
    pub created_at: i64,
    pub paired_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

const DEVICE_COLS: &str = "id, office_id, counter_id, pair_hash, pair_expires, secret_hash, \
    created_by, created_at, paired_at, revoked_at";

pub async fn insert_device(tx: &mut Tx, d: &DeviceRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO rating_devices ({DEVICE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(d.id).bind(d.office_id).bind(d.counter_id).bind(&d.pair_hash).bind(d.pair_expires)
        .bind(&d.secret_hash).bind(d.created_by).bind(d.created_at).bind(d.paired_at)
        .bind(d.revoked_at).execute(c).await)?;
    Ok(())
}

pub async fn device_by_pair_hash(tx: &mut Tx, hash: &str) -> Result<Option<DeviceRow>> {
    let sql = format!("SELECT {DEVICE_COLS} FROM rating_devices WHERE pair_hash = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(hash).fetch_optional(c).await)?)
}

pub async fn device_by_secret(tx: &mut Tx, hash: &str) -> Result<Option<DeviceRow>> {
    let sql = format!("SELECT {DEVICE_COLS} FROM rating_devices WHERE secret_hash = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(hash).fetch_optional(c).await)?)
}

/// Use the pairing code once: the device gets its secret; false if someone used it first.
pub async fn pair_device(tx: &mut Tx, id: Uuid, secret_hash: &str, now: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE rating_devices SET pair_hash = NULL, secret_hash = $1, paired_at = $2
         WHERE id = $3 AND pair_hash IS NOT NULL AND revoked_at IS NULL")
        .bind(secret_hash).bind(now).bind(id).execute(c).await)?;
    Ok(n == 1)
}

pub async fn revoke_device(tx: &mut Tx, id: Uuid, now: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE rating_devices SET revoked_at = $1, pair_hash = NULL
         WHERE id = $2 AND revoked_at IS NULL")
        .bind(now).bind(id).execute(c).await)?;
    Ok(n == 1)
}

pub async fn device(tx: &mut Tx, id: Uuid) -> Result<Option<DeviceRow>> {
    let sql = format!("SELECT {DEVICE_COLS} FROM rating_devices WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// The office's devices that are not revoked, newest first.
pub async fn devices(tx: &mut Tx, office_id: Uuid) -> Result<Vec<DeviceRow>> {
    let sql = format!(
        "SELECT {DEVICE_COLS} FROM rating_devices WHERE office_id = $1 AND revoked_at IS NULL
         ORDER BY created_at DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(office_id).fetch_all(c).await)?)
}

// ---------------------------------------------------------------------------------------------
// Ratings

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct RatingRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub subject_id: Uuid,
    pub ticket_id: Option<Uuid>,
    pub dossier_id: Option<Uuid>,
    pub counter_id: Option<Uuid>,
    pub officer_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    pub group_id: Option<Uuid>,
    pub criterion: String,
    pub channel: String,
    pub scale: String,
    pub value: i64,
    pub satisfied: bool,
    pub low: bool,
    pub reasons: String,
    pub comment: Option<String>,
    pub trips: Option<i64>,
    pub device_id: Option<Uuid>,
    pub submission_id: Uuid,
    pub at: i64,
    pub day: String,
}

const RATING_COLS: &str = "id, office_id, subject_id, ticket_id, dossier_id, counter_id, \
    officer_id, procedure_code, group_id, criterion, channel, scale, value, satisfied, low, \
    reasons, comment, trips, device_id, submission_id, at, day";

fn prefixed(cols: &str, p: &str) -> String {
    cols.split(", ")
        .map(|c| format!("{p}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Insert a rating. A second rating of the same subject, criterion and channel is refused by
/// the unique constraint (`StoreError::Duplicate`).
pub async fn insert_rating(tx: &mut Tx, r: &RatingRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO ratings ({RATING_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(r.id).bind(r.office_id).bind(r.subject_id).bind(r.ticket_id).bind(r.dossier_id)
        .bind(r.counter_id).bind(r.officer_id).bind(&r.procedure_code).bind(r.group_id)
        .bind(&r.criterion).bind(&r.channel).bind(&r.scale).bind(r.value).bind(r.satisfied)
        .bind(r.low).bind(&r.reasons).bind(&r.comment).bind(r.trips).bind(r.device_id)
        .bind(r.submission_id).bind(r.at).bind(&r.day)
        .execute(c).await)?;
    Ok(())
}

pub async fn rating(tx: &mut Tx, id: Uuid) -> Result<Option<RatingRow>> {
    let sql = format!("SELECT {RATING_COLS} FROM ratings WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// Whether the subject already has a rating through `channel`.
pub async fn rated(tx: &mut Tx, subject_id: Uuid, channel: &str) -> Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM ratings WHERE subject_id = $1 AND channel = $2")
        .bind(subject_id).bind(channel).fetch_one(c).await)?;
    Ok(n > 0)
}

/// Ratings of the offices under `path` (a materialised path prefix) on the local days
/// `from..=to`, without those set aside, oldest first.
pub async fn ratings_under(
    tx: &mut Tx,
    path: &str,
    from: &str,
    to: &str,
) -> Result<Vec<RatingRow>> {
    let sql = format!(
        "SELECT {} FROM ratings r JOIN offices o ON o.id = r.office_id
         WHERE o.path LIKE $1 || '%' AND r.day >= $2 AND r.day <= $3
           AND NOT EXISTS (SELECT 1 FROM rating_corrections k WHERE k.rating_id = r.id)
         ORDER BY r.at",
        prefixed(RATING_COLS, "r")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(path).bind(from).bind(to).fetch_all(c).await)?)
}

/// An officer's own ratings on the local days `from..=to`, without those set aside.
pub async fn ratings_of_officer(
    tx: &mut Tx,
    officer_id: Uuid,
    from: &str,
    to: &str,
) -> Result<Vec<RatingRow>> {
    let sql = format!(
        "SELECT {RATING_COLS} FROM ratings r
         WHERE officer_id = $1 AND day >= $2 AND day <= $3
           AND NOT EXISTS (SELECT 1 FROM rating_corrections k WHERE k.rating_id = r.id)
         ORDER BY at"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(officer_id).bind(from).bind(to).fetch_all(c).await)?)
}

pub async fn insert_correction(
    tx: &mut Tx,
    id: Uuid,
    rating_id: Uuid,
    reason: &str,
    by: Uuid,
    at: i64,
) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO rating_corrections (id, rating_id, reason, by_user, at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(rating_id).bind(reason).bind(by).bind(at).execute(c).await)?;
    Ok(())
}

/// Dossiers of the offices under `path` closed in `[from, to)` (micros): id and on-time status.
pub async fn dossiers_closed_under(
    tx: &mut Tx,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<(Uuid, Option<String>)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, on_time FROM dossiers
         WHERE office_path LIKE $1 || '%' AND closed_at >= $2 AND closed_at < $3")
        .bind(path).bind(from).bind(to).fetch_all(c).await)?)
}

/// Which of these dossiers have a rating that is not "satisfied" (any criterion, channel).
pub async fn disliked_dossiers(tx: &mut Tx, path: &str) -> Result<Vec<Uuid>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT DISTINCT r.dossier_id FROM ratings r JOIN offices o ON o.id = r.office_id
         WHERE o.path LIKE $1 || '%' AND r.dossier_id IS NOT NULL AND NOT r.satisfied
           AND NOT EXISTS (SELECT 1 FROM rating_corrections k WHERE k.rating_id = r.id)")
        .bind(path).fetch_all(c).await)?)
}

// ---------------------------------------------------------------------------------------------
// Recovery cases

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CaseRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub rating_id: Uuid,
    pub officer_id: Option<Uuid>,
    pub opened_at: i64,
    pub due_date: String,
    pub contact_channel: Option<String>,
    pub contact_to: Option<String>,
    pub state: String,
    pub called_back: Option<bool>,
    pub outcome: Option<String>,
    pub closed_by: Option<Uuid>,
    pub closed_at: Option<i64>,
    pub version: i64,
}

const CASE_COLS: &str = "id, office_id, rating_id, officer_id, opened_at, due_date, \
    contact_channel, contact_to, state, called_back, outcome, closed_by, closed_at, version";

pub async fn insert_case(tx: &mut Tx, k: &CaseRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO recovery_cases ({CASE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
         $11, $12, $13, $14)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(k.id).bind(k.office_id).bind(k.rating_id).bind(k.officer_id).bind(k.opened_at)
        .bind(&k.due_date).bind(&k.contact_channel).bind(&k.contact_to).bind(&k.state)
        .bind(k.called_back).bind(&k.outcome).bind(k.closed_by).bind(k.closed_at).bind(k.version)
        .execute(c).await)?;
    Ok(())
}

pub async fn case(tx: &mut Tx, id: Uuid) -> Result<Option<CaseRow>> {
    let sql = format!("SELECT {CASE_COLS} FROM recovery_cases WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// Close the case if it is still at `expected_version`; false if another writer got there.
pub async fn close_case(tx: &mut Tx, k: &CaseRow, expected_version: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE recovery_cases SET state = $1, called_back = $2, outcome = $3, closed_by = $4,
            closed_at = $5, version = $6
         WHERE id = $7 AND version = $8")
        .bind(&k.state).bind(k.called_back).bind(&k.outcome).bind(k.closed_by).bind(k.closed_at)
        .bind(k.version).bind(k.id).bind(expected_version).execute(c).await)?;
    Ok(n == 1)
}

/// Cases of the offices under `path`, open ones first, then by deadline.
pub async fn cases_under(tx: &mut Tx, path: &str, open_only: bool) -> Result<Vec<CaseRow>> {
    let sql = format!(
        "SELECT {} FROM recovery_cases k JOIN offices o ON o.id = k.office_id
         WHERE o.path LIKE $1 || '%' AND (k.state = 'open' OR NOT $2)
         ORDER BY CASE WHEN k.state = 'open' THEN 0 ELSE 1 END, k.due_date, k.opened_at",
        prefixed(CASE_COLS, "k")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(path).bind(open_only).fetch_all(c).await)?)
}

// ---------------------------------------------------------------------------------------------
// Codes of conduct

pub async fn conduct_codes(tx: &mut Tx) -> Result<Vec<(String, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT code, body FROM conduct_codes ORDER BY code")
        .fetch_all(c).await)?)
}

pub async fn put_conduct_code(
    tx: &mut Tx,
    code: &str,
    body: &str,
    now: i64,
    by: Option<Uuid>,
) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO conduct_codes (code, body, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
            updated_by = excluded.updated_by")
        .bind(code).bind(body).bind(now).bind(by).execute(c).await)?;
    Ok(())
}
