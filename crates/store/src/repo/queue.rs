//! The queue: service groups, counter services, counter duty, settings, tickets and their links
//! to dossiers.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Backend, Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct GroupRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub letter: String,
    pub name: String,
    pub field: Option<String>,
    pub active: bool,
    pub created_at: i64,
}

pub async fn insert_group(tx: &mut Tx, g: &GroupRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO service_groups (id, office_id, letter, name, field, active, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(g.id).bind(g.office_id).bind(&g.letter).bind(&g.name).bind(&g.field)
        .bind(g.active).bind(g.created_at).execute(c).await)?;
    Ok(())
}

pub async fn update_group(tx: &mut Tx, g: &GroupRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE service_groups SET name = $1, field = $2, active = $3 WHERE id = $4")
        .bind(&g.name).bind(&g.field).bind(g.active).bind(g.id).execute(c).await)?;
    Ok(())
}

const GROUP_COLS: &str = "id, office_id, letter, name, field, active, created_at";

pub async fn groups(tx: &mut Tx, office_id: Uuid) -> Result<Vec<GroupRow>> {
    let sql =
        format!("SELECT {GROUP_COLS} FROM service_groups WHERE office_id = $1 ORDER BY letter");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(office_id).fetch_all(c).await)?)
}

pub async fn group(tx: &mut Tx, id: Uuid) -> Result<Option<GroupRow>> {
    let sql = format!("SELECT {GROUP_COLS} FROM service_groups WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// Replace the services a counter serves.
pub async fn set_counter_services(tx: &mut Tx, counter_id: Uuid, groups: &[Uuid]) -> Result<()> {
    exec!(tx, c => sqlx::query("DELETE FROM counter_services WHERE counter_id = $1")
        .bind(counter_id).execute(c).await)?;
    for g in groups {
        exec!(tx, c => sqlx::query(
            "INSERT INTO counter_services (counter_id, group_id) VALUES ($1, $2)")
            .bind(counter_id).bind(g).execute(c).await)?;
    }
    Ok(())
}

/// Every (counter, service group) pair of an office.
pub async fn counter_services(tx: &mut Tx, office_id: Uuid) -> Result<Vec<(Uuid, Uuid)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT cs.counter_id, cs.group_id FROM counter_services cs
         JOIN counters k ON k.id = cs.counter_id WHERE k.office_id = $1")
        .bind(office_id).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct CounterInfo {
    pub id: Uuid,
    pub office_id: Uuid,
    pub number: i32,
    pub name: String,
}

pub async fn counter(tx: &mut Tx, id: Uuid) -> Result<Option<CounterInfo>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, office_id, number, name FROM counters WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct DutyRow {
    pub counter_id: Uuid,
    pub office_id: Uuid,
    pub user_id: Uuid,
    pub since: i64,
    pub full_name: String,
}

/// Sign `user_id` in at a counter, signing them out of any other and replacing whoever was there.
pub async fn sign_in(
    tx: &mut Tx,
    counter_id: Uuid,
    office_id: Uuid,
    user_id: Uuid,
    since: i64,
) -> Result<()> {
    exec!(tx, c => sqlx::query("DELETE FROM counter_duty WHERE counter_id = $1 OR user_id = $2")
        .bind(counter_id).bind(user_id).execute(c).await)?;
    exec!(tx, c => sqlx::query(
        "INSERT INTO counter_duty (counter_id, office_id, user_id, since) VALUES ($1, $2, $3, $4)")
        .bind(counter_id).bind(office_id).bind(user_id).bind(since).execute(c).await)?;
    Ok(())
}

/// Sign the officer out of their counter; true if they were signed in.
pub async fn sign_out(tx: &mut Tx, user_id: Uuid) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query("DELETE FROM counter_duty WHERE user_id = $1")
        .bind(user_id).execute(c).await)?;
    Ok(n > 0)
}

/// Every officer at a counter since before `before` (micros), in every office.
pub async fn duty_since_before(tx: &mut Tx, before: i64) -> Result<Vec<DutyRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT d.counter_id, d.office_id, d.user_id, d.since, u.full_name
         FROM counter_duty d JOIN users u ON u.id = d.user_id WHERE d.since < $1
         ORDER BY d.office_id, d.counter_id")
        .bind(before).fetch_all(c).await)?)
}

pub async fn duty(tx: &mut Tx, office_id: Uuid) -> Result<Vec<DutyRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT d.counter_id, d.office_id, d.user_id, d.since, u.full_name
         FROM counter_duty d JOIN users u ON u.id = d.user_id WHERE d.office_id = $1")
        .bind(office_id).fetch_all(c).await)?)
}

pub async fn duty_of_user(tx: &mut Tx, user_id: Uuid) -> Result<Option<DutyRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT d.counter_id, d.office_id, d.user_id, d.since, u.full_name
         FROM counter_duty d JOIN users u ON u.id = d.user_id WHERE d.user_id = $1")
        .bind(user_id).fetch_optional(c).await)?)
}

pub async fn settings(tx: &mut Tx, office_id: Uuid) -> Result<Option<String>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT body FROM queue_settings WHERE office_id = $1")
        .bind(office_id).fetch_optional(c).await)?)
}

pub async fn put_settings(tx: &mut Tx, office_id: Uuid, body: &str, at: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO queue_settings (office_id, body, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (office_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at")
        .bind(office_id).bind(body).bind(at).execute(c).await)?;
    Ok(())
}

/// Serialise queue decisions of one office (who is called next) until the transaction ends:
/// a row lock on PostgreSQL; SQLite's write transaction already holds the database lock.
pub async fn lock_office(tx: &mut Tx, office_id: Uuid, at: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO queue_settings (office_id, body, updated_at) VALUES ($1, '{}', $2)
         ON CONFLICT (office_id) DO UPDATE SET updated_at = queue_settings.updated_at")
        .bind(office_id).bind(at).execute(c).await)?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct TicketRow {
    pub id: Uuid,
    pub office_id: Uuid,
    pub group_id: Uuid,
    pub first_group_id: Uuid,
    pub number: String,
    pub serial: i64,
    pub day: String,
    pub channel: String,
    pub priority: Option<String>,
    pub priority_by: Option<Uuid>,
    pub state: String,
    pub issued_at: i64,
    pub enqueued_at: i64,
    pub first_called_at: Option<i64>,
    pub called_at: Option<i64>,
    pub recalls: i64,
    pub counter_id: Option<Uuid>,
    pub officer_id: Option<Uuid>,
    pub target_counter_id: Option<Uuid>,
    pub transfers: i64,
    pub serve_start: Option<i64>,
    pub serve_end: Option<i64>,
    pub closed_at: Option<i64>,
    pub apologized_at: Option<i64>,
    pub apologized_by: Option<Uuid>,
    pub follow_secret: String,
    pub notify_channel: Option<String>,
    pub notify_to: Option<String>,
    pub notified_at: Option<i64>,
    pub request_key: Option<String>,
    pub version: i64,
}

const TICKET_COLS: &str = "id, office_id, group_id, first_group_id, number, serial, day, channel, \
    priority, priority_by, state, issued_at, enqueued_at, first_called_at, called_at, recalls, \
    counter_id, officer_id, target_counter_id, transfers, serve_start, serve_end, closed_at, \
    apologized_at, apologized_by, follow_secret, notify_channel, notify_to, notified_at, \
    request_key, version";

pub async fn insert_ticket(tx: &mut Tx, t: &TicketRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO tickets ({TICKET_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
         $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29,
         $30, $31)"
    );
    exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(t.id).bind(t.office_id).bind(t.group_id).bind(t.first_group_id).bind(&t.number)
        .bind(t.serial).bind(&t.day).bind(&t.channel).bind(&t.priority).bind(t.priority_by)
        .bind(&t.state).bind(t.issued_at).bind(t.enqueued_at).bind(t.first_called_at)
        .bind(t.called_at).bind(t.recalls).bind(t.counter_id).bind(t.officer_id)
        .bind(t.target_counter_id).bind(t.transfers).bind(t.serve_start).bind(t.serve_end)
        .bind(t.closed_at).bind(t.apologized_at).bind(t.apologized_by).bind(&t.follow_secret)
        .bind(&t.notify_channel).bind(&t.notify_to).bind(t.notified_at).bind(&t.request_key)
        .bind(t.version)
        .execute(c).await)?;
    Ok(())
}

/// Write back every mutable column if the row is still at `expected_version`; false if another
/// writer got there first.
pub async fn update_ticket(tx: &mut Tx, t: &TicketRow, expected_version: i64) -> Result<bool> {
    let n = exec!(tx, c => sqlx::query(
        "UPDATE tickets SET group_id = $1, priority = $2, priority_by = $3, state = $4,
            enqueued_at = $5, first_called_at = $6, called_at = $7, recalls = $8, counter_id = $9,
            officer_id = $10, target_counter_id = $11, transfers = $12, serve_start = $13,
            serve_end = $14, closed_at = $15, apologized_at = $16, apologized_by = $17,
            notify_channel = $18, notify_to = $19, notified_at = $20, version = $21
         WHERE id = $22 AND version = $23")
        .bind(t.group_id).bind(&t.priority).bind(t.priority_by).bind(&t.state)
        .bind(t.enqueued_at).bind(t.first_called_at).bind(t.called_at).bind(t.recalls)
        .bind(t.counter_id).bind(t.officer_id).bind(t.target_counter_id).bind(t.transfers)
        .bind(t.serve_start).bind(t.serve_end).bind(t.closed_at).bind(t.apologized_at)
        .bind(t.apologized_by).bind(&t.notify_channel).bind(&t.notify_to).bind(t.notified_at)
        .bind(t.version).bind(t.id).bind(expected_version)
        .execute(c).await)?;
    Ok(n == 1)
}

pub async fn ticket(tx: &mut Tx, id: Uuid) -> Result<Option<TicketRow>> {
    let sql = format!("SELECT {TICKET_COLS} FROM tickets WHERE id = $1");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

/// The ticket, locked until the transaction ends (PostgreSQL `FOR UPDATE`).
pub async fn ticket_for_update(tx: &mut Tx, id: Uuid) -> Result<Option<TicketRow>> {
    let lock = if tx.backend() == Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let sql = format!("SELECT {TICKET_COLS} FROM tickets WHERE id = $1{lock}");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(id).fetch_optional(c).await)?)
}

pub async fn ticket_by_request_key(
    tx: &mut Tx,
    office_id: Uuid,
    key: &str,
) -> Result<Option<TicketRow>> {
    let sql =
        format!("SELECT {TICKET_COLS} FROM tickets WHERE office_id = $1 AND request_key = $2");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(office_id).bind(key).fetch_optional(c).await)?)
}

/// Tickets of an office in `state`, in queue-key order.
pub async fn tickets_in_state(tx: &mut Tx, office_id: Uuid, state: &str) -> Result<Vec<TicketRow>> {
    let sql = format!(
        "SELECT {TICKET_COLS} FROM tickets WHERE office_id = $1 AND state = $2
         ORDER BY enqueued_at, serial"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(office_id).bind(state).fetch_all(c).await)?)
}

/// The tickets of a local day (`YYYY-MM-DD`) with this number, in every office.
pub async fn tickets_by_number(tx: &mut Tx, day: &str, number: &str) -> Result<Vec<TicketRow>> {
    let sql = format!("SELECT {TICKET_COLS} FROM tickets WHERE day = $1 AND number = $2");
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(day).bind(number).fetch_all(c).await)?)
}

/// The tickets called to or served at the office's counters now.
pub async fn at_counters(tx: &mut Tx, office_id: Uuid) -> Result<Vec<TicketRow>> {
    let sql = format!(
        "SELECT {TICKET_COLS} FROM tickets WHERE office_id = $1 AND state IN ('called', 'serving')
         ORDER BY called_at DESC"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(office_id).fetch_all(c).await)?)
}

/// The office's tickets of the local days `from..=to` ('YYYY-MM-DD').
pub async fn tickets_between(
    tx: &mut Tx,
    office_id: Uuid,
    from: &str,
    to: &str,
) -> Result<Vec<TicketRow>> {
    let sql = format!(
        "SELECT {TICKET_COLS} FROM tickets WHERE office_id = $1 AND day >= $2 AND day <= $3
         ORDER BY issued_at"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(office_id).bind(from).bind(to).fetch_all(c).await)?)
}

/// Whether the office's most recent first calls went to priority tickets, newest first.
pub async fn recent_calls(
    tx: &mut Tx,
    office_id: Uuid,
    day: &str,
    limit: i64,
) -> Result<Vec<bool>> {
    let rows: Vec<(Option<String>,)> = on_tx!(tx, c => sqlx::query_as(
        "SELECT priority FROM tickets
         WHERE office_id = $1 AND day = $2 AND first_called_at IS NOT NULL
         ORDER BY first_called_at DESC LIMIT $3")
        .bind(office_id).bind(day).bind(limit).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(p,)| p.is_some()).collect())
}

/// Service durations (micros) of the group's most recent finished tickets since `since`.
pub async fn recent_services(
    tx: &mut Tx,
    group_id: Uuid,
    since: i64,
    limit: i64,
) -> Result<Vec<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT serve_end - serve_start FROM tickets
         WHERE group_id = $1 AND state = 'done' AND closed_at >= $2 AND serve_start IS NOT NULL
         ORDER BY closed_at DESC LIMIT $3")
        .bind(group_id).bind(since).bind(limit).fetch_all(c).await)?)
}

/// How many of the office's tickets of `day` are in `state`.
pub async fn count_in_state(tx: &mut Tx, office_id: Uuid, day: &str, state: &str) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE office_id = $1 AND day = $2 AND state = $3")
        .bind(office_id).bind(day).bind(state).fetch_one(c).await)?)
}

pub async fn link_dossier(tx: &mut Tx, ticket_id: Uuid, dossier_id: Uuid) -> Result<()> {
    exec!(tx, c => sqlx::query("INSERT INTO ticket_dossiers (ticket_id, dossier_id) VALUES ($1, $2)")
        .bind(ticket_id).bind(dossier_id).execute(c).await)?;
    Ok(())
}

pub async fn dossiers_of_ticket(tx: &mut Tx, ticket_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT d.id, d.code FROM ticket_dossiers td JOIN dossiers d ON d.id = td.dossier_id
         WHERE td.ticket_id = $1 ORDER BY d.code")
        .bind(ticket_id).fetch_all(c).await)?)
}

pub async fn ticket_of_dossier(tx: &mut Tx, dossier_id: Uuid) -> Result<Option<TicketRow>> {
    let sql = format!(
        "SELECT {} FROM tickets t JOIN ticket_dossiers td ON td.ticket_id = t.id
         WHERE td.dossier_id = $1",
        TICKET_COLS
            .split(", ")
            .map(|c| format!("t.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(dossier_id).fetch_optional(c).await)?)
}

/// The ticket most recently finished at a counter (for the counter's rating tablet).
pub async fn last_finished_at(tx: &mut Tx, counter_id: Uuid) -> Result<Option<TicketRow>> {
    let sql = format!(
        "SELECT {TICKET_COLS} FROM tickets WHERE counter_id = $1 AND state = 'done'
         ORDER BY serve_end DESC LIMIT 1"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(counter_id).fetch_optional(c).await)?)
}
