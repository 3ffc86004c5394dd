//! Rollups (`rollup_day`, `rollup_month`: an office's own counters; `rollup_under_day`,
//! `rollup_under_month`: the counters of every office under it): applying counter deltas, the
//! raw rows a rebuild pages through, and the sums figures read. What a row contributes is
//! decided in `congbo_domain::report::rollup`; nothing here knows a metric.
//!
//! Writes are `INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n` in batches, the day and
//! the month row of each delta together, own and under each ancestor, in one transaction and
//! in sorted key order per table (so two PostgreSQL writers touching the same counters lock
//! them in the same order). A subtree's figure is its office's own rows plus its under rows.

use std::collections::BTreeMap;

use congbo_domain::report::rollup::Delta;
use sqlx::FromRow;
use uuid::Uuid;

use crate::repo::dossier::DossierRow;
use crate::repo::feedback::CaseRow as FeedbackRow;
use crate::repo::queue::TicketRow;
use crate::repo::rating::RatingRow;
use crate::{Backend, Result, Tx, exec, on_tx};

/// Rows per INSERT statement (7 parameters each; well under SQLite's limit).
const BATCH: usize = 200;

/// The top-level office of `path` (`/root/…/self/`).
pub(crate) fn root_of(path: &str) -> Option<Uuid> {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// The strict ancestors of the office whose path is `path` (`/root/…/parent/self/`), root first.
fn ancestors_of(path: &str, office_id: Uuid) -> Vec<Uuid> {
    path.trim_matches('/')
        .split('/')
        .filter_map(|s| Uuid::parse_str(s).ok())
        .filter(|id| *id != office_id)
        .collect()
}

/// Per office the deltas name: its shard key and its strict ancestors (one small lookup per
/// distinct office).
async fn placement(tx: &mut Tx, deltas: &[Delta]) -> Result<BTreeMap<Uuid, (Uuid, Vec<Uuid>)>> {
    let mut keys = BTreeMap::new();
    for d in deltas {
        if keys.contains_key(&d.office_id) {
            continue;
        }
        let path: Option<String> = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT path FROM offices WHERE id = $1")
            .bind(d.office_id).fetch_optional(c).await)?;
        let key = path.as_deref().and_then(root_of).unwrap_or(d.office_id);
        let up = path
            .as_deref()
            .map(|p| ancestors_of(p, d.office_id))
            .unwrap_or_default();
        keys.insert(d.office_id, (key, up));
    }
    Ok(keys)
}

/// One row to upsert: (shard_key, office_id, period, metric, dim, n, total).
type Row = (Uuid, Uuid, String, &'static str, String, i64, i64);

/// A counter's key: (shard_key, office_id, period, metric, dim).
type Key = (Uuid, Uuid, String, &'static str, String);

/// A stored counter: (table `day`/`month`/`under_day`/`under_month`, office, period, metric,
/// dim, n, total).
pub type Counter = (String, Uuid, String, String, String, i64, i64);

async fn upsert(tx: &mut Tx, table: &'static str, rows: &[Row]) -> Result<()> {
    let period = if table.ends_with("_day") {
        "day"
    } else {
        "month"
    };
    for chunk in rows.chunks(BATCH) {
        let values = (0..chunk.len())
            .map(|i| {
                let b = i * 7;
                format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO {table} (shard_key, office_id, {period}, metric, dim, n, total)
             VALUES {values}
             ON CONFLICT (shard_key, office_id, {period}, metric, dim)
             DO UPDATE SET n = {table}.n + excluded.n, total = {table}.total + excluded.total"
        );
        exec!(tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(&*sql));
            for r in chunk {
                q = q.bind(r.0).bind(r.1).bind(&r.2).bind(r.3).bind(&r.4).bind(r.5).bind(r.6);
            }
            q.execute(c).await
        })?;
    }
    Ok(())
}

/// Rows keyed and summed (`period_len`: 10 keeps the day, 7 makes the month); zero sums are
/// dropped (they would change nothing).
fn summed(rows: impl Iterator<Item = Row>, period_len: usize) -> Vec<Row> {
    let mut out: BTreeMap<Key, (i64, i64)> = BTreeMap::new();
    for r in rows {
        let e = out
            .entry((r.0, r.1, r.2[..period_len].to_string(), r.3, r.4))
            .or_default();
        e.0 += r.5;
        e.1 += r.6;
    }
    out.into_iter()
        .filter(|(_, (n, t))| *n != 0 || *t != 0)
        .map(|((s, o, p, k, d), (n, t))| (s, o, p, k, d, n, t))
        .collect()
}

/// The deltas as own day rows and as the day rows of each ancestor (`rollup_under_day`).
async fn day_rows(tx: &mut Tx, deltas: &[Delta]) -> Result<(Vec<Row>, Vec<Row>)> {
    let place = placement(tx, deltas).await?;
    let own: Vec<Row> = deltas
        .iter()
        .map(|d| {
            (
                place[&d.office_id].0,
                d.office_id,
                d.day.to_string(),
                d.metric.code(),
                d.dim.clone(),
                d.n,
                d.total,
            )
        })
        .collect();
    let under = summed(
        own.iter().flat_map(|r| {
            place[&r.1]
                .1
                .iter()
                .map(move |a| (r.0, *a, r.2.clone(), r.3, r.4.clone(), r.5, r.6))
        }),
        10,
    );
    Ok((own, under))
}

/// Add the deltas to the day and the month counters of their office and of each of its
/// ancestors (`rollup_under_*`), in the caller's transaction. The deltas must not repeat a key
/// (`diff` and `added` merge them).
pub async fn apply(tx: &mut Tx, deltas: &[Delta]) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let (days, under_days) = day_rows(tx, deltas).await?;
    let months = summed(days.iter().cloned(), 7);
    let under_months = summed(under_days.iter().cloned(), 7);
    upsert(tx, "rollup_day", &days).await?;
    upsert(tx, "rollup_under_day", &under_days).await?;
    upsert(tx, "rollup_month", &months).await?;
    upsert(tx, "rollup_under_month", &under_months).await
}

/// Give the counters of the offices under `path` (already moved there) the shard key `key`:
/// rows under another key are added onto the row under `key` (created if absent), then
/// removed. Run in the move's transaction.
pub async fn rekey_subtree(tx: &mut Tx, path: &str, key: Uuid) -> Result<()> {
    for (table, period) in TABLES {
        let add = format!(
            "INSERT INTO {table} (shard_key, office_id, {period}, metric, dim, n, total)
             SELECT $1, office_id, {period}, metric, dim,
                    CAST(SUM(n) AS BIGINT), CAST(SUM(total) AS BIGINT) FROM {table}
             WHERE shard_key <> $1 AND office_id IN (SELECT id FROM offices WHERE path LIKE $2 || '%')
             GROUP BY office_id, {period}, metric, dim
             ON CONFLICT (shard_key, office_id, {period}, metric, dim)
             DO UPDATE SET n = {table}.n + excluded.n, total = {table}.total + excluded.total"
        );
        let drop = format!(
            "DELETE FROM {table}
             WHERE shard_key <> $1 AND office_id IN (SELECT id FROM offices WHERE path LIKE $2 || '%')"
        );
        for sql in [add, drop] {
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(key).bind(path).execute(c).await)?;
        }
    }
    Ok(())
}

/// Every rollup table with its period column.
const TABLES: [(&str, &str); 4] = [
    ("rollup_day", "day"),
    ("rollup_month", "month"),
    ("rollup_under_day", "day"),
    ("rollup_under_month", "month"),
];

/// An office moved from `old_path` to `new_path` (its subtree's paths already rewritten): take
/// the subtree's own counters off the ancestors it left and add them to the ancestors it joined
/// (`rollup_under_*`; ancestors it kept are untouched). Run in the move's transaction, before
/// [`rekey_subtree`].
pub async fn move_subtree(tx: &mut Tx, old_path: &str, new_path: &str) -> Result<()> {
    let id = new_path
        .trim_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| Uuid::parse_str(s).ok())
        .unwrap_or_default();
    let (old, new) = (ancestors_of(old_path, id), ancestors_of(new_path, id));
    let (old_key, new_key) = (
        root_of(old_path).unwrap_or(id),
        root_of(new_path).unwrap_or(id),
    );
    let left = old
        .iter()
        .filter(|a| !new.contains(a))
        .map(|a| (*a, old_key, "-1"));
    let joined = new
        .iter()
        .filter(|a| !old.contains(a))
        .map(|a| (*a, new_key, "1"));
    for (ancestor, key, sign) in left.chain(joined).collect::<Vec<_>>() {
        for (own, under, period) in [
            ("rollup_day", "rollup_under_day", "day"),
            ("rollup_month", "rollup_under_month", "month"),
        ] {
            let sql = format!(
                "INSERT INTO {under} (shard_key, office_id, {period}, metric, dim, n, total)
                 SELECT $1, $2, {period}, metric, dim,
                        CAST({sign} * SUM(n) AS BIGINT), CAST({sign} * SUM(total) AS BIGINT)
                 FROM {own} WHERE office_id IN (SELECT id FROM offices WHERE path LIKE $3 || '%')
                 GROUP BY {period}, metric, dim
                 ON CONFLICT (shard_key, office_id, {period}, metric, dim)
                 DO UPDATE SET n = {under}.n + excluded.n, total = {under}.total + excluded.total"
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(key).bind(ancestor).bind(new_path).execute(c).await)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rebuild

/// Keep concurrent writers out while a rebuild runs: on PostgreSQL an EXCLUSIVE lock on both
/// tables (reads go on; a writer's upsert waits for the rebuild to commit, then applies its
/// diff to the rebuilt counters). SQLite's write transaction already serialises writers.
pub async fn lock_for_rebuild(tx: &mut Tx) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        exec!(tx, c => sqlx::query(
            "LOCK TABLE rollup_day, rollup_month, rollup_under_day, rollup_under_month
             IN EXCLUSIVE MODE")
            .execute(c).await)?;
    }
    Ok(())
}

/// Delete the day counters of days `>= from` and the month counters of months `>= from`'s
/// month (every counter when `from` is `None`). Returns the day rows deleted.
pub async fn clear_from(tx: &mut Tx, from: Option<&str>) -> Result<u64> {
    let day = from.unwrap_or("");
    let month = &day[..day.len().min(7)];
    let n = exec!(tx, c => sqlx::query("DELETE FROM rollup_day WHERE day >= $1")
        .bind(day).execute(c).await)?;
    for sql in [
        "DELETE FROM rollup_under_day WHERE day >= $1",
        "DELETE FROM rollup_month WHERE month >= $1",
        "DELETE FROM rollup_under_month WHERE month >= $1",
    ] {
        let p = if sql.contains("day") { day } else { month };
        exec!(tx, c => sqlx::query(sql).bind(p).execute(c).await)?;
    }
    Ok(n)
}

/// Add deltas to the day counters (own and ancestors') only; a rebuild derives the months
/// afterwards.
pub async fn add_days(tx: &mut Tx, deltas: &[Delta]) -> Result<()> {
    if deltas.is_empty() {
        return Ok(());
    }
    let (days, under_days) = day_rows(tx, deltas).await?;
    upsert(tx, "rollup_day", &days).await?;
    upsert(tx, "rollup_under_day", &under_days).await
}

/// Recompute the month counters of months `>= month` ('YYYY-MM'; '' for all) from the day
/// counters (after `clear_from` removed them).
pub async fn derive_months(tx: &mut Tx, month: &str) -> Result<()> {
    for (month_table, day_table) in [
        ("rollup_month", "rollup_day"),
        ("rollup_under_month", "rollup_under_day"),
    ] {
        let sql = format!(
            "INSERT INTO {month_table} (shard_key, office_id, month, metric, dim, n, total)
             SELECT shard_key, office_id, substr(day, 1, 7), metric, dim,
                    CAST(SUM(n) AS BIGINT), CAST(SUM(total) AS BIGINT)
             FROM {day_table} WHERE day >= $1
             GROUP BY shard_key, office_id, substr(day, 1, 7), metric, dim
             HAVING SUM(n) <> 0 OR SUM(total) <> 0"
        );
        exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql)).bind(month).execute(c).await)?;
    }
    Ok(())
}

/// What a dossier contributes depends on these columns only.
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct DossierSource {
    pub id: Uuid,
    pub office_id: Uuid,
    pub procedure_code: String,
    pub channel: String,
    pub received_by: Option<Uuid>,
    pub facts: String,
}

impl From<&DossierRow> for DossierSource {
    fn from(d: &DossierRow) -> Self {
        Self {
            id: d.id,
            office_id: d.office_id,
            procedure_code: d.procedure_code.clone(),
            channel: d.channel.clone(),
            received_by: d.received_by,
            facts: d.facts.clone(),
        }
    }
}

/// Dossiers after `after` (by id), at most `limit`, that may contribute on or after `from`
/// ('YYYY-MM-DD', with `from_micros` its first instant): changed since, or due since the day
/// before (the `settled` counter lands the day after the due date).
pub async fn dossier_page(
    tx: &mut Tx,
    after: Uuid,
    from: &str,
    from_micros: i64,
    limit: i64,
) -> Result<Vec<DossierSource>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, office_id, procedure_code, channel, received_by, facts
         FROM dossiers WHERE id > $1 AND (updated_at >= $2 OR current_due >= $3)
         ORDER BY id LIMIT $4")
        .bind(after).bind(from_micros).bind(from).bind(limit).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct TicketSource {
    pub id: Uuid,
    pub office_id: Uuid,
    pub day: String,
    pub first_group_id: Uuid,
    pub group_id: Uuid,
    pub channel: String,
    pub state: String,
    pub issued_at: i64,
    pub first_called_at: Option<i64>,
    pub serve_start: Option<i64>,
    pub serve_end: Option<i64>,
    pub officer_id: Option<Uuid>,
}

impl From<&TicketRow> for TicketSource {
    fn from(t: &TicketRow) -> Self {
        Self {
            id: t.id,
            office_id: t.office_id,
            day: t.day.clone(),
            first_group_id: t.first_group_id,
            group_id: t.group_id,
            channel: t.channel.clone(),
            state: t.state.clone(),
            issued_at: t.issued_at,
            first_called_at: t.first_called_at,
            serve_start: t.serve_start,
            serve_end: t.serve_end,
            officer_id: t.officer_id,
        }
    }
}

/// Tickets of days `>= from` after `after` (by id), at most `limit`.
pub async fn ticket_page(
    tx: &mut Tx,
    after: Uuid,
    from: &str,
    limit: i64,
) -> Result<Vec<TicketSource>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, office_id, day, first_group_id, group_id, channel, state, issued_at,
                first_called_at, serve_start, serve_end, officer_id
         FROM tickets WHERE id > $1 AND day >= $2 ORDER BY id LIMIT $3")
        .bind(after).bind(from).bind(limit).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct RatingSource {
    pub id: Uuid,
    pub office_id: Uuid,
    pub day: String,
    pub criterion: String,
    pub scale: String,
    pub value: i64,
    pub satisfied: bool,
    pub low: bool,
    pub officer_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    pub group_id: Option<Uuid>,
    pub set_aside: bool,
}

impl RatingSource {
    pub fn of(r: &RatingRow, set_aside: bool) -> Self {
        Self {
            id: r.id,
            office_id: r.office_id,
            day: r.day.clone(),
            criterion: r.criterion.clone(),
            scale: r.scale.clone(),
            value: r.value,
            satisfied: r.satisfied,
            low: r.low,
            officer_id: r.officer_id,
            procedure_code: r.procedure_code.clone(),
            group_id: r.group_id,
            set_aside,
        }
    }
}

/// Ratings of days `>= from` after `after` (by id), at most `limit`, with their set-aside flag.
pub async fn rating_page(
    tx: &mut Tx,
    after: Uuid,
    from: &str,
    limit: i64,
) -> Result<Vec<RatingSource>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT r.id, r.office_id, r.day, r.criterion, r.scale, r.value, r.satisfied, r.low,
                r.officer_id, r.procedure_code, r.group_id,
                EXISTS (SELECT 1 FROM rating_corrections k WHERE k.rating_id = r.id) AS set_aside
         FROM ratings r WHERE r.id > $1 AND r.day >= $2 ORDER BY r.id LIMIT $3")
        .bind(after).bind(from).bind(limit).fetch_all(c).await)?)
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct FeedbackSource {
    pub id: Uuid,
    pub office_id: Uuid,
    pub day: String,
    pub category: String,
    pub channel: String,
    pub answered_at: Option<i64>,
    pub answered_on_time: Option<bool>,
    pub upheld: Option<bool>,
    pub officer_id: Option<Uuid>,
}

impl From<&FeedbackRow> for FeedbackSource {
    fn from(k: &FeedbackRow) -> Self {
        Self {
            id: k.id,
            office_id: k.office_id,
            day: k.day.clone(),
            category: k.category.clone(),
            channel: k.channel.clone(),
            answered_at: k.answered_at,
            answered_on_time: k.answered_on_time,
            upheld: k.upheld,
            officer_id: k.officer_id,
        }
    }
}

/// Feedback cases received on or answered after `from` after `after`, at most `limit`.
pub async fn feedback_page(
    tx: &mut Tx,
    after: Uuid,
    from: &str,
    from_micros: i64,
    limit: i64,
) -> Result<Vec<FeedbackSource>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, office_id, day, category, channel, answered_at, answered_on_time, upheld,
                officer_id
         FROM feedback_cases WHERE id > $1 AND (day >= $2 OR answered_at >= $3)
         ORDER BY id LIMIT $4")
        .bind(after).bind(from).bind(from_micros).bind(limit).fetch_all(c).await)?)
}

/// Whether a rating has been set aside.
pub async fn rating_set_aside(tx: &mut Tx, rating_id: Uuid) -> Result<bool> {
    let n: i64 = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM rating_corrections WHERE rating_id = $1")
        .bind(rating_id).fetch_one(c).await)?;
    Ok(n > 0)
}

// ---------------------------------------------------------------------------------------------
// Reads

/// Which table and periods to sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    /// `rollup_day`, days 'YYYY-MM-DD'.
    Day,
    /// `rollup_month`, months 'YYYY-MM'.
    Month,
}

impl Grain {
    fn table(self) -> (&'static str, &'static str) {
        match self {
            Grain::Day => ("rollup_day", "day"),
            Grain::Month => ("rollup_month", "month"),
        }
    }
}

/// Which dims to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dims {
    /// Everything but the procedure (`p:`) and service group (`g:`) breakdowns.
    Whole,
    /// Only the totals row.
    Totals,
    /// One filter value (`p:1.001`) and the rows crossed with it (`p:1.001|…`).
    Filter(String),
    /// Every row whose dim starts with the prefix (`p:`: each procedure and its crossings).
    Breakdown(&'static str),
}

/// Sum query over the offices whose path starts with `path` (`exact`: only the office `office_id`).
#[derive(Debug, Clone)]
pub struct SumQuery<'a> {
    pub office_id: Uuid,
    pub path: &'a str,
    pub subtree: bool,
    pub grain: Grain,
    /// Inclusive bounds of the period, in the grain's format.
    pub from: &'a str,
    pub to: &'a str,
    pub dims: Dims,
    /// Only these metric codes (all when empty).
    pub metrics: &'a [&'a str],
}

/// One summed counter: (office or period key, metric, dim, n, total).
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct Sum {
    pub key: String,
    pub metric: String,
    pub dim: String,
    pub n: i64,
    pub total: i64,
}

/// What to group by besides metric and dim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Nothing,
    Office,
    Period,
}

/// Counters summed over the offices and the period, grouped by metric, dim and `by`.
pub async fn sums(tx: &mut Tx, q: &SumQuery<'_>, by: GroupBy) -> Result<Vec<Sum>> {
    let (table, period) = q.grain.table();
    // A subtree summed as a whole is the office's own rows plus its `rollup_under_*` rows (a
    // handful of rows per metric and period, however many offices lie under it); per office
    // it is every office's own rows.
    let (from_table, office) = if q.subtree && by != GroupBy::Office {
        (
            format!(
                "(SELECT office_id, {period}, metric, dim, n, total FROM {table}
                   WHERE office_id = $2
                  UNION ALL
                  SELECT office_id, {period}, metric, dim, n, total FROM rollup_under_{period}
                   WHERE office_id = $2)"
            ),
            "$1 = $1",
        )
    } else if q.subtree {
        (
            table.to_string(),
            "r.office_id IN (SELECT id FROM offices WHERE path LIKE $1 || '%') AND $2 = $2",
        )
    } else {
        (table.to_string(), "$1 = $1 AND r.office_id = $2")
    };
    let dims = match &q.dims {
        Dims::Whole => "r.dim NOT LIKE 'p:%' AND r.dim NOT LIKE 'g:%' AND $5 = $5",
        Dims::Totals => "r.dim = '' AND $5 = $5",
        Dims::Filter(_) => "(r.dim = $5 OR r.dim LIKE $5 || '|%')",
        Dims::Breakdown(_) => "r.dim LIKE $5 || '%'",
    };
    let metrics = if q.metrics.is_empty() {
        String::new()
    } else {
        let list = q
            .metrics
            .iter()
            .filter(|m| {
                m.bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')
            })
            .map(|m| format!("'{m}'"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(" AND r.metric IN ({list})")
    };
    let key = match by {
        GroupBy::Nothing => "''".to_string(),
        GroupBy::Office => office_key(tx.backend()),
        GroupBy::Period => format!("r.{period}"),
    };
    let group = if by == GroupBy::Nothing {
        String::new()
    } else {
        format!("{key}, ")
    };
    let filter = match &q.dims {
        Dims::Filter(f) => f.as_str(),
        Dims::Breakdown(prefix) => prefix,
        _ => "",
    };
    let sql = format!(
        "SELECT {key} AS key, r.metric, r.dim, CAST(SUM(r.n) AS BIGINT) AS n,
                CAST(SUM(r.total) AS BIGINT) AS total
         FROM {from_table} r
         WHERE {office} AND r.{period} >= $3 AND r.{period} <= $4 AND {dims}{metrics}
         GROUP BY {group}r.metric, r.dim"
    );
    Ok(on_tx!(tx, c => sqlx::query_as(sqlx::AssertSqlSafe(&*sql))
        .bind(q.path).bind(q.office_id).bind(q.from).bind(q.to).bind(filter)
        .fetch_all(c).await)?)
}

/// The office id as text in the simple hex form (the form `offices.path` uses).
fn office_key(b: Backend) -> String {
    match b {
        Backend::Sqlite => "lower(hex(r.office_id))".into(),
        Backend::Postgres => "replace(r.office_id::text, '-', '')".into(),
    }
}

/// Every non-zero counter of the four tables (own and under, day and month), sorted (for the rebuild-equals-incremental tests).
pub async fn snapshot(tx: &mut Tx) -> Result<Vec<Counter>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT 'day' AS t, office_id, day AS p, metric, dim, n, total FROM rollup_day
          WHERE n <> 0 OR total <> 0
         UNION ALL
         SELECT 'month' AS t, office_id, month AS p, metric, dim, n, total FROM rollup_month
          WHERE n <> 0 OR total <> 0
         UNION ALL
         SELECT 'under_day' AS t, office_id, day AS p, metric, dim, n, total FROM rollup_under_day
          WHERE n <> 0 OR total <> 0
         UNION ALL
         SELECT 'under_month' AS t, office_id, month AS p, metric, dim, n, total
          FROM rollup_under_month WHERE n <> 0 OR total <> 0
         ORDER BY 1, 2, 3, 4, 5")
        .fetch_all(c).await)?)
}
