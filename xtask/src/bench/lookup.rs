//! The public lookup with many dossiers stored: a bulk load in plain SQL, then lookups by code
//! and secret over HTTP, next to the lookup's own SELECTs run directly (the floor).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::http::StatusCode;
use congbo_domain::dossier::DossierCode;
use congbo_store::repo::{dossier as dossier_repo, office as office_repo};
use congbo_store::{Backend, Db, exec, on_tx};
use jiff::ToSpan;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::env::Env;
use super::http::{Api, excerpt, on_client};
use super::stats::{Cpu, us};

/// Codes of stored dossiers are `DB-TL-YYMMDD-NNNN` with dates from 2010-01-01, 9 999 a day;
/// ten years of them at most.
pub const MAX_ROWS: usize = 9999 * 3650;
const SERIALS: usize = 9999;

/// The code of stored dossier `i` (what the SQL below generates).
pub fn code_of(i: usize) -> String {
    let day = jiff::civil::date(2010, 1, 1)
        .checked_add(((i / SERIALS) as i64).days())
        .expect("date in range");
    DossierCode::new("DB-TL", day, (i % SERIALS + 1) as u32)
        .expect("valid code")
        .to_string()
}

/// The lookup secret of stored dossier `i`: eight digits (digits are Crockford base-32).
pub fn secret_of(i: usize) -> String {
    format!("{:08}", (i as u64 * 7919) % 100_000_000)
}

/// Columns copied from the template dossier (everything but id, code and secret).
const COPIED: &str = "t.office_id, t.office_path, t.handler_office_id, t.handler_path, \
    t.procedure_code, t.procedure_version, t.procedure_name, t.channel, t.state, t.step, \
    t.applicant_name, t.applicant_id_no, t.applicant_address, t.applicant_phone, \
    t.applicant_email, t.notify, t.documents, t.facts, t.submitted_at, t.received_at, \
    t.due_date, t.current_due, t.step_due, t.on_time, t.closed_at, t.apologies, t.received_by, \
    t.assignee_id, t.version, t.created_at, t.updated_at";

const COLS: &str = "id, code, secret, office_id, office_path, handler_office_id, handler_path, \
    procedure_code, procedure_version, procedure_name, channel, state, step, applicant_name, \
    applicant_id_no, applicant_address, applicant_phone, applicant_email, notify, documents, \
    facts, submitted_at, received_at, due_date, current_due, step_due, on_time, closed_at, \
    apologies, received_by, assignee_id, version, created_at, updated_at";

/// Store `rows` copies of a returned dossier of DB-TL that the API wrote (with its five-event
/// timeline), under generated codes and secrets. One statement for the dossiers and one for
/// the events, in one transaction; then statistics (PostgreSQL) and a WAL checkpoint (SQLite),
/// as the server's own maintenance would do.
pub async fn fill(env: &Env, rows: usize) -> anyhow::Result<()> {
    let db = &env.app.db;
    let tl = env.heads.first().context("no offices")?;
    let mut tx = db.begin().await?;
    // A dossier of DB-TL written by the API (floor codes carry the date 01-01-01).
    let template: Uuid = on_tx!(&mut tx, c => sqlx::query_scalar(
        "SELECT id FROM dossiers WHERE office_id = $1 AND state = 'returned' AND code > $2
         ORDER BY code LIMIT 1")
        .bind(tl.office_id).bind(format!("{}-02", tl.office_code)).fetch_one(c).await)
    .context("no dossier written by the API to copy")?;
    if tl.office_code != "DB-TL" {
        bail!(
            "expected the first office to be DB-TL, not {}",
            tl.office_code
        );
    }
    let rows = i32::try_from(rows)?;
    let sql = match db.backend() {
        Backend::Postgres => format!(
            "INSERT INTO dossiers ({COLS})
             SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(g.i), 12, '0'))::uuid,
                    'DB-TL-' || to_char(date '2010-01-01' + (g.i / 9999), 'YYMMDD') || '-'
                        || lpad((g.i % 9999 + 1)::text, 4, '0'),
                    lpad(((g.i::bigint * 7919) % 100000000)::text, 8, '0'),
                    {COPIED}
             FROM dossiers t, generate_series(0, $1 - 1) AS g(i)
             WHERE t.id = $2"
        ),
        Backend::Sqlite => format!(
            "WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g WHERE i + 1 < $1)
             INSERT INTO dossiers ({COLS})
             SELECT unhex('0000000000007000' || printf('80%014x', g.i)),
                    'DB-TL-' || substr(strftime('%Y%m%d', '2010-01-01',
                                                '+' || (g.i / 9999) || ' days'), 3) || '-'
                        || printf('%04d', g.i % 9999 + 1),
                    printf('%08d', (g.i * 7919) % 100000000),
                    {COPIED}
             FROM g, dossiers t
             WHERE t.id = $2"
        ),
    };
    let n = exec!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
        .bind(rows).bind(template).execute(c).await)?;
    if n != rows as u64 {
        bail!("stored {n} dossiers, not {rows}");
    }
    let events = exec!(&mut tx, c => sqlx::query(
        "INSERT INTO dossier_events (dossier_id, seq, at, action, from_state, to_state, actor_id,
            actor_name, actor_role, office_id, to_office_id, form, form_no, detail)
         SELECT d.id, e.seq, e.at, e.action, e.from_state, e.to_state, e.actor_id, e.actor_name,
                e.actor_role, e.office_id, e.to_office_id, e.form, e.form_no, e.detail
         FROM dossier_events e, dossiers d
         WHERE e.dossier_id = $1 AND d.code >= 'DB-TL-1' AND d.code < 'DB-TL-2'")
        .bind(template).execute(c).await)?;
    tx.commit().await?;
    match db {
        Db::Postgres(p) => {
            sqlx::query("ANALYZE dossiers").execute(p).await?;
            sqlx::query("ANALYZE dossier_events").execute(p).await?;
        }
        Db::Sqlite(p) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
    }
    let bytes: i64 = match db {
        Db::Postgres(p) => {
            sqlx::query_scalar("SELECT pg_database_size(current_database())")
                .fetch_one(p)
                .await?
        }
        Db::Sqlite(p) => {
            sqlx::query_scalar(
                "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
            )
            .fetch_one(p)
            .await?
        }
    };
    println!(
        "    {n} dossiers and {events} timeline events stored; the database takes {} MB",
        bytes / 1_000_000
    );
    // The generated codes and secrets match what the lookups will ask for.
    let mut tx = db.read().await?;
    for i in [0, rows as usize / 2, rows as usize - 1] {
        let row = dossier_repo::get_by_code(&mut tx, &code_of(i))
            .await?
            .with_context(|| format!("stored dossier {} missing", code_of(i)))?;
        if row.secret != secret_of(i) {
            bail!("stored dossier {} has secret {}", row.code, row.secret);
        }
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Default)]
pub struct Run {
    pub done: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub us: Vec<u64>,
    pub first_error: Option<String>,
    /// CPU seconds of this process during the run, and the machine's busy share.
    pub cpu_secs: f64,
    /// Of which the HTTP client's threads (zero for the floor).
    pub client_cpu_secs: f64,
    pub machine_busy: f64,
}

impl Run {
    pub fn ok(self, what: &str) -> anyhow::Result<Run> {
        if let Some(e) = &self.first_error {
            bail!("{what}: {} errors, the first: {e}", self.errors);
        }
        Ok(self)
    }
}

/// `k` indexes of stored dossiers, uniformly at random (xorshift64*, seeded).
fn picks(rows: usize, k: usize, seed: u64) -> Vec<usize> {
    let mut x = 0x9E37_79B9_7F4A_7C15_u64 ^ seed.wrapping_mul(0xD1B5_4A32_D192_ED03);
    (0..k)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) % rows as u64) as usize
        })
        .collect()
}

async fn drive<F, Fut>(picks: Vec<usize>, concurrency: usize, one: F) -> anyhow::Result<Run>
where
    F: Fn(usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let picks = Arc::new(picks);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let cpu = Cpu::now();
    let mut set = JoinSet::new();
    for _ in 0..concurrency.min(picks.len()) {
        let (picks, next, one) = (picks.clone(), next.clone(), one.clone());
        set.spawn(async move {
            let mut run = Run::default();
            loop {
                let j = next.fetch_add(1, Ordering::Relaxed);
                let Some(&i) = picks.get(j) else { break };
                let t = Instant::now();
                match one(i).await {
                    Ok(()) => {
                        run.done += 1;
                        run.us.push(us(t.elapsed()));
                    }
                    Err(e) => {
                        run.errors += 1;
                        run.first_error.get_or_insert(format!("{e:#}"));
                    }
                }
            }
            run
        });
    }
    let mut total = Run::default();
    while let Some(r) = set.join_next().await {
        let r = r?;
        total.done += r.done;
        total.errors += r.errors;
        total.us.extend(r.us);
        if total.first_error.is_none() {
            total.first_error = r.first_error;
        }
    }
    total.elapsed = started.elapsed();
    (total.cpu_secs, total.client_cpu_secs, total.machine_busy) = Cpu::now().since(&cpu);
    Ok(total)
}

/// `GET /api/v1/public/dossiers?code=…&secret=…` for `k` random stored dossiers.
pub async fn api(
    env: &Env,
    rows: usize,
    k: usize,
    concurrency: usize,
    seed: u64,
) -> anyhow::Result<Run> {
    let api = Api::new(&env.base);
    on_client(drive(picks(rows, k, seed), concurrency, move |i| {
        let api = api.clone();
        async move {
            let path = format!(
                "/api/v1/public/dossiers?code={}&secret={}",
                code_of(i),
                secret_of(i)
            );
            let (status, body) = api.get(&path).await?;
            if status != StatusCode::OK {
                bail!("lookup {}: {status} {}", code_of(i), excerpt(&body));
            }
            Ok(())
        }
    }))
    .await?
}

/// What the lookup asks the database, through the same repository functions: the dossier by
/// code, its timeline, and its office (one office here), in one read transaction.
pub async fn floor(
    env: &Env,
    rows: usize,
    k: usize,
    concurrency: usize,
    seed: u64,
) -> anyhow::Result<Run> {
    let db = env.app.db.clone();
    drive(picks(rows, k, seed), concurrency, move |i| {
        let db = db.clone();
        async move {
            let mut tx = db.read().await?;
            let row = dossier_repo::get_by_code(&mut tx, &code_of(i))
                .await?
                .with_context(|| format!("{} missing", code_of(i)))?;
            let events = dossier_repo::events(&mut tx, row.id).await?;
            let office = office_repo::get(&mut tx, row.office_id).await?;
            tx.commit().await?;
            if events.len() != 5 || office.is_none() {
                bail!("{}: {} events", row.code, events.len());
            }
            Ok(())
        }
    })
    .await
}
