//! Dossier lifecycles: through the HTTP API, and the same rows in plain SQL (the floor).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use axum::http::StatusCode;
use congbo_domain::audit::{AuditFields, chain_hash};
use congbo_store::repo::audit::{self as audit_repo, NewAudit};
use congbo_store::{Db, Tx, exec, on_tx};
use tokio::sync::Mutex;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::env::{Env, Head};
use super::http::{Api, excerpt, on_client};
use super::stats::{Cpu, us};

/// The four requests of a lifecycle, in order.
pub const STEPS: [&str; 4] = ["receive", "transfer", "finish", "return"];

/// A counter intake with every document brought: received at once (Form 01), a five working
/// day limit, an SMS notice.
const CREATE: &str = r#"{"procedure_code":"1.004884","applicant":{"name":"Nguyễn Văn An","phone":"0912345678","notify":["sms"]}}"#;

/// What a timed run measured.
#[derive(Debug, Default)]
pub struct Run {
    pub done: usize,
    pub errors: usize,
    pub elapsed: Duration,
    pub lifecycle_us: Vec<u64>,
    /// Per request (API) or per transaction (floor), by step.
    pub step_us: [Vec<u64>; 4],
    pub first_error: Option<String>,
    /// CPU seconds of this process during the run, and the machine's busy share.
    pub cpu_secs: f64,
    /// Of which the HTTP client's threads (zero for the floor).
    pub client_cpu_secs: f64,
    pub machine_busy: f64,
}

impl Run {
    pub fn per_sec(&self) -> f64 {
        self.done as f64 / self.elapsed.as_secs_f64()
    }

    /// Fails with the first error, for warm-up runs.
    pub fn ok(self, what: &str) -> anyhow::Result<Run> {
        if let Some(e) = &self.first_error {
            bail!("{what}: {} errors, the first: {e}", self.errors);
        }
        Ok(self)
    }

    fn merge(&mut self, o: Run) {
        self.done += o.done;
        self.errors += o.errors;
        self.lifecycle_us.extend(o.lifecycle_us);
        for (a, b) in self.step_us.iter_mut().zip(o.step_us) {
            a.extend(b);
        }
        if self.first_error.is_none() {
            self.first_error = o.first_error;
        }
    }

    fn record(&mut self, started: Instant, r: anyhow::Result<[u64; 4]>) {
        match r {
            Ok(steps) => {
                self.done += 1;
                self.lifecycle_us.push(us(started.elapsed()));
                for (all, t) in self.step_us.iter_mut().zip(steps) {
                    all.push(t);
                }
            }
            Err(e) => {
                self.errors += 1;
                if self.first_error.is_none() {
                    self.first_error = Some(format!("{e:#}"));
                }
            }
        }
    }
}

/// Run `n` lifecycles with `concurrency` workers, each taking the next index until none is
/// left; `one(i)` runs lifecycle `i` and returns the time of each step.
async fn drive<F, Fut>(n: usize, concurrency: usize, one: F) -> anyhow::Result<Run>
where
    F: Fn(usize) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<[u64; 4]>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let cpu = Cpu::now();
    let mut set = JoinSet::new();
    for _ in 0..concurrency.min(n) {
        let next = next.clone();
        let one = one.clone();
        set.spawn(async move {
            let mut run = Run::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                let t = Instant::now();
                let r = one(i).await;
                run.record(t, r);
            }
            run
        });
    }
    let mut total = Run::default();
    while let Some(r) = set.join_next().await {
        total.merge(r?);
    }
    total.elapsed = started.elapsed();
    (total.cpu_secs, total.client_cpu_secs, total.machine_busy) = Cpu::now().since(&cpu);
    Ok(total)
}

// ---------------------------------------------------------------------------------------------
// Through the API

pub async fn api(env: &Env, n: usize, concurrency: usize) -> anyhow::Result<Run> {
    let api = Api::new(&env.base);
    let tokens: Arc<Vec<String>> = Arc::new(env.heads.iter().map(|h| h.token.clone()).collect());
    on_client(drive(n, concurrency, move |i| {
        let api = api.clone();
        let tokens = tokens.clone();
        async move {
            let token = &tokens[i % tokens.len()];
            api_lifecycle(&api, token).await
        }
    }))
    .await?
}

async fn api_lifecycle(api: &Api, token: &str) -> anyhow::Result<[u64; 4]> {
    let mut steps = [0; 4];
    let t = Instant::now();
    let (status, body) = api.post("/api/v1/dossiers", token, CREATE).await?;
    steps[0] = us(t.elapsed());
    if status != StatusCode::CREATED {
        bail!("receive: {status} {}", excerpt(&body));
    }
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    ensure!(v["state"] == "received", "receive: state {}", v["state"]);
    let id = v["id"].as_str().context("receive: no id")?.to_string();
    for (k, action) in STEPS.iter().enumerate().skip(1) {
        let t = Instant::now();
        let (status, body) = api
            .post(&format!("/api/v1/dossiers/{id}/{action}"), token, "{}")
            .await?;
        steps[k] = us(t.elapsed());
        if status != StatusCode::OK {
            bail!("{action}: {status} {}", excerpt(&body));
        }
    }
    Ok(steps)
}

/// Every lifecycle so far ended in `returned`.
pub async fn check(env: &Env, expected: usize) -> anyhow::Result<()> {
    let mut tx = env.app.db.read().await?;
    let (returned, open): (i64, i64) = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN state = 'returned' THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN state = 'returned' THEN 0 ELSE 1 END), 0)
         FROM dossiers").fetch_one(c).await)?;
    tx.commit().await?;
    println!("    check: {returned} dossiers returned, {open} left open (expected {expected}, 0)");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The floor: the same rows, plain SQL, one transaction per step

/// Column values copied from a dossier the API wrote, so the floor writes rows of the same size.
#[derive(Debug, Clone)]
pub struct FloorTemplate {
    procedure_version: i64,
    procedure_name: String,
    documents: String,
    facts: String,
    due_date: String,
    subject: String,
    body: String,
}

impl FloorTemplate {
    pub async fn capture(env: &Env) -> anyhow::Result<FloorTemplate> {
        let mut tx = env.app.db.read().await?;
        let (procedure_version, procedure_name, documents, facts, due_date): (
            i64,
            String,
            String,
            String,
            Option<String>,
        ) = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT procedure_version, procedure_name, documents, facts, due_date FROM dossiers
             WHERE state = 'returned' ORDER BY code LIMIT 1").fetch_one(c).await)?;
        let (subject, body): (String, String) = on_tx!(&mut tx, c => sqlx::query_as(
            "SELECT subject, body FROM outbox WHERE topic = 'dossier.received' LIMIT 1")
            .fetch_one(c).await)?;
        tx.commit().await?;
        Ok(FloorTemplate {
            procedure_version,
            procedure_name,
            documents,
            facts,
            due_date: due_date.unwrap_or_default(),
            subject,
            body,
        })
    }
}

/// How the floor writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// As the use cases do: the transactions meet in the database.
    Floor,
    /// Diagnostic: write transactions wait for each other in-process (an async mutex) instead
    /// of in the database (SQLite's busy handler sleeps and retries).
    Queued,
    /// Diagnostic: the audit design before migration 0007. Each audit row is chained inside
    /// its transaction through `audit_head`, whose row lock is held until commit, so every
    /// state change waits for the one before it. (Such rows are sealed rows, so the chain
    /// still verifies with the sealer's rows around them.)
    HeadLocked,
}

struct Ctx {
    db: Db,
    heads: Vec<Head>,
    tpl: FloorTemplate,
    queue: Option<Mutex<()>>,
    head_locked: bool,
}

pub async fn floor(
    env: &Env,
    tpl: &FloorTemplate,
    n: usize,
    concurrency: usize,
    mode: Mode,
) -> anyhow::Result<Run> {
    let ctx = Arc::new(Ctx {
        db: env.app.db.clone(),
        heads: env.heads.clone(),
        tpl: tpl.clone(),
        queue: (mode == Mode::Queued).then(|| Mutex::new(())),
        head_locked: mode == Mode::HeadLocked,
    });
    drive(n, concurrency, move |i| {
        let ctx = ctx.clone();
        async move {
            let h = &ctx.heads[i % ctx.heads.len()];
            floor_lifecycle(&ctx, h).await
        }
    })
    .await
}

/// Single-row write transactions (one new `sequences` row each). With one writer: the serial
/// commit rate, the ceiling for work serialised through a row lock held until commit. With
/// many: how far commits overlap (PostgreSQL's group commit, SQLite's one writer).
pub async fn commits(env: &Env, n: usize, concurrency: usize) -> anyhow::Result<Run> {
    let db = env.app.db.clone();
    let round = Uuid::now_v7();
    drive(n, concurrency, move |i| {
        let db = db.clone();
        async move {
            let t = Instant::now();
            let mut tx = db.begin().await?;
            exec!(&mut tx, c => sqlx::query("INSERT INTO sequences (scope, value) VALUES ($1, 1)")
                .bind(format!("bench:commit:{round}:{i}")).execute(c).await)?;
            tx.commit().await?;
            Ok([us(t.elapsed()), 0, 0, 0])
        }
    })
    .await
}

fn now() -> i64 {
    jiff::Timestamp::now().as_microsecond()
}

/// The rows of one lifecycle as the use cases write them: the dossier (insert, then three
/// updates), five timeline events, two outbox rows (receipt, result ready), four audit rows
/// (unsealed, as `repo::audit::append` writes them; or head-locked in that mode), and the
/// daily serial.
async fn floor_lifecycle(ctx: &Ctx, h: &Head) -> anyhow::Result<[u64; 4]> {
    let (db, tpl) = (&ctx.db, &ctx.tpl);
    let mut steps = [0; 4];
    let id = Uuid::now_v7();

    // Receive (intake at the counter, every document brought).
    let t = Instant::now();
    let at = now();
    let queued = match &ctx.queue {
        Some(q) => Some(q.lock().await),
        None => None,
    };
    let mut tx = db.begin().await?;
    // Floor codes carry the date 2001-01-01, apart from the API's (today) and the lookup's.
    let serial: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
        "INSERT INTO sequences (scope, value) VALUES ($1, 1)
         ON CONFLICT (scope) DO UPDATE SET value = sequences.value + 1
         RETURNING value")
        .bind(format!("dossier:{}:010101", h.office_code)).fetch_one(c).await)?;
    let code = format!("{}-010101-{serial:04}", h.office_code);
    exec!(&mut tx, c => sqlx::query(
        "INSERT INTO dossiers (id, code, secret, office_id, office_path, handler_office_id,
            handler_path, procedure_code, procedure_version, procedure_name, channel, state, step,
            applicant_name, applicant_id_no, applicant_address, applicant_phone, applicant_email,
            notify, documents, facts, submitted_at, received_at, due_date, current_due, step_due,
            on_time, closed_at, apologies, received_by, assignee_id, version, created_at,
            updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
            $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34)")
        .bind(id).bind(&code).bind("7K3M9QX2").bind(h.office_id).bind(&h.office_path)
        .bind(h.office_id).bind(&h.office_path).bind("1.004884").bind(tpl.procedure_version)
        .bind(&tpl.procedure_name).bind("counter").bind("received").bind(None::<i64>)
        .bind("Nguyễn Văn An").bind(None::<String>).bind(None::<String>).bind("0912345678")
        .bind(None::<String>).bind("sms").bind(&tpl.documents).bind(&tpl.facts).bind(at)
        .bind(at).bind(&tpl.due_date).bind(&tpl.due_date).bind(None::<i64>)
        .bind(None::<String>).bind(None::<i64>).bind(0_i64).bind(h.user_id).bind(h.user_id)
        .bind(0_i64).bind(at).bind(at)
        .execute(c).await)?;
    let detail = r#"{"channel":"counter","documents_missing":[]}"#;
    event(
        &mut tx,
        id,
        1,
        at,
        h,
        "submit",
        None,
        "submitted",
        None,
        detail,
    )
    .await?;
    let detail = format!(r#"{{"due":"{}","step":null}}"#, tpl.due_date);
    event(
        &mut tx,
        id,
        2,
        at,
        h,
        "receive",
        Some("submitted"),
        "received",
        Some("01"),
        &detail,
    )
    .await?;
    outbox(&mut tx, id, at, "dossier.received", tpl).await?;
    let summary = format!(
        r#"{{"code":"{code}","procedure":"1.004884","version":{},"channel":"counter","state":"received","due":"{}","missing":0}}"#,
        tpl.procedure_version, tpl.due_date
    );
    audit(&mut tx, ctx, at, h, "dossier.create", id, summary).await?;
    tx.commit().await?;
    drop(queued);
    steps[0] = us(t.elapsed());

    // Transfer, finish, return.
    for (k, m) in MOVES.iter().enumerate() {
        let Move {
            action,
            from,
            to,
            step,
            form,
            notify,
        } = *m;
        let t = Instant::now();
        let at = now();
        let version = k as i64;
        let closed = (to == "returned").then_some(at);
        let on_time = (to != "in-process" && to != "received").then_some("early");
        let queued = match &ctx.queue {
            Some(q) => Some(q.lock().await),
            None => None,
        };
        let mut tx = db.begin().await?;
        let n = exec!(&mut tx, c => sqlx::query(
            "UPDATE dossiers SET handler_office_id = $1, handler_path = $2, state = $3, step = $4,
                facts = $5, received_at = $6, due_date = $7, current_due = $8, step_due = $9,
                on_time = $10, closed_at = $11, apologies = $12, assignee_id = $13, version = $14,
                updated_at = $15
             WHERE id = $16 AND version = $17")
            .bind(h.office_id).bind(&h.office_path).bind(to).bind(step).bind(&tpl.facts)
            .bind(at).bind(&tpl.due_date).bind(&tpl.due_date).bind(step.map(|_| at))
            .bind(on_time).bind(closed).bind(0_i64).bind((to != "returned").then_some(h.user_id))
            .bind(version + 1).bind(at).bind(id).bind(version)
            .execute(c).await)?;
        ensure!(n == 1, "{action}: the dossier changed meanwhile");
        let detail = match step {
            Some(s) => format!(
                r#"{{"to_step":{s},"step_due":"{}T17:00:00","step":{s}}}"#,
                tpl.due_date
            ),
            None => r#"{"step":null}"#.to_string(),
        };
        event(
            &mut tx,
            id,
            k as i64 + 3,
            at,
            h,
            action,
            Some(from),
            to,
            form,
            &detail,
        )
        .await?;
        if notify {
            outbox(&mut tx, id, at, "dossier.result-ready", tpl).await?;
        }
        let summary = format!(
            r#"{{"code":"{code}","from":"{from}","to":"{to}","form":{},"form_no":null,"detail":{detail},"on_time":{}}}"#,
            form.map_or("null".to_string(), |f| format!("\"{f}\"")),
            on_time.map_or("null".to_string(), |o| format!("\"{o}\""))
        );
        audit(
            &mut tx,
            ctx,
            at,
            h,
            &format!("dossier.{action}"),
            id,
            summary,
        )
        .await?;
        tx.commit().await?;
        drop(queued);
        steps[k + 1] = us(t.elapsed());
    }
    Ok(steps)
}

/// A step after intake: action, states, the process step and form, and whether it notifies.
struct Move {
    action: &'static str,
    from: &'static str,
    to: &'static str,
    step: Option<i64>,
    form: Option<&'static str>,
    notify: bool,
}

const MOVES: [Move; 3] = [
    Move {
        action: "transfer",
        from: "received",
        to: "in-process",
        step: Some(2),
        form: Some("06"),
        notify: false,
    },
    Move {
        action: "finish",
        from: "in-process",
        to: "done",
        step: None,
        form: None,
        notify: true,
    },
    Move {
        action: "return",
        from: "done",
        to: "returned",
        step: None,
        form: None,
        notify: false,
    },
];

#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut Tx,
    id: Uuid,
    seq: i64,
    at: i64,
    h: &Head,
    action: &str,
    from: Option<&str>,
    to: &str,
    form: Option<&str>,
    detail: &str,
) -> anyhow::Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO dossier_events (dossier_id, seq, at, action, from_state, to_state, actor_id,
            actor_name, actor_role, office_id, to_office_id, form, form_no, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)")
        .bind(id).bind(seq).bind(at).bind(action).bind(from).bind(to).bind(h.user_id)
        .bind(&h.full_name).bind("head").bind(h.office_id).bind(None::<Uuid>).bind(form)
        .bind(None::<String>).bind(detail)
        .execute(c).await)?;
    Ok(())
}

async fn outbox(
    tx: &mut Tx,
    id: Uuid,
    at: i64,
    topic: &str,
    tpl: &FloorTemplate,
) -> anyhow::Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO outbox (id, created_at, topic, dossier_id, channel, recipient, subject, body,
                             status, attempts, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $2)")
        .bind(Uuid::now_v7()).bind(at).bind(topic).bind(id).bind("sms").bind("0912345678")
        .bind(&tpl.subject).bind(&tpl.body)
        .execute(c).await)?;
    Ok(())
}

/// An audit row, as `repo::audit::append` writes it: inserted unsealed (the sealer running
/// beside the server chains it after commit). Appended last, just before the commit. In
/// [`Mode::HeadLocked`], chained in the transaction through `audit_head` instead.
async fn audit(
    tx: &mut Tx,
    ctx: &Ctx,
    at: i64,
    h: &Head,
    action: &str,
    id: Uuid,
    summary: String,
) -> anyhow::Result<()> {
    let new = NewAudit {
        at,
        actor_id: Some(h.user_id),
        actor_name: h.username.clone(),
        role: Some("head".into()),
        office_id: Some(h.office_id),
        action: action.to_string(),
        target_type: "dossier".into(),
        target_id: Some(id.to_string()),
        summary,
        request_id: None,
    };
    if !ctx.head_locked {
        audit_repo::append(tx, &new).await?;
        return Ok(());
    }
    let (seq, prev_hash): (i64, String) = on_tx!(tx, c => sqlx::query_as(
        "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(c).await)?;
    let fields = AuditFields {
        seq,
        at_micros: at,
        actor_id: Some(h.user_id.to_string()),
        actor_name: new.actor_name.clone(),
        role: new.role.clone(),
        office_id: Some(h.office_id.to_string()),
        action: new.action.clone(),
        target_type: new.target_type.clone(),
        target_id: new.target_id.clone(),
        summary: new.summary.clone(),
        request_id: None,
    };
    let hash = chain_hash(&prev_hash, &fields);
    let row_id = audit_repo::append(tx, &new).await?;
    exec!(tx, c => sqlx::query(
        "UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4")
        .bind(seq).bind(&prev_hash).bind(&hash).bind(row_id)
        .execute(c).await)?;
    exec!(tx, c => sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash).execute(c).await)?;
    Ok(())
}
