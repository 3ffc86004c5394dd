//! Writing audit rows (always inside the use case's transaction), sealing them into the hash
//! chain after commit, listing them for auditors (sealed or not), and verifying the chain.

use congbo_domain::audit::{Break, Verifier};
use congbo_domain::identity::Perm;
use congbo_store::repo::audit::{self as repo, AuditFilter, AuditRow, NewAudit};
use congbo_store::{Db, Tx};
use uuid::Uuid;

use crate::{Actor, App, AppError, Result};

pub mod anchor;

/// One state change, as recorded.
pub struct Entry<'a> {
    pub action: &'a str,
    pub role: Option<&'a str>,
    pub office_id: Option<Uuid>,
    pub target_type: &'a str,
    pub target_id: Option<String>,
    pub summary: serde_json::Value,
}

/// Append a row for `actor` in `tx`.
pub async fn record(tx: &mut Tx, at: i64, actor: &Actor, e: Entry<'_>) -> Result<()> {
    record_as(
        tx,
        at,
        Some(actor.principal.user_id),
        &actor.principal.username,
        actor.request_id.clone(),
        e,
    )
    .await
}

/// Append a row for an actor that is not a signed-in principal (the system, a failed sign-in).
pub async fn record_as(
    tx: &mut Tx,
    at: i64,
    actor_id: Option<Uuid>,
    actor_name: &str,
    request_id: Option<String>,
    e: Entry<'_>,
) -> Result<()> {
    repo::append(
        tx,
        &NewAudit {
            at,
            actor_id,
            actor_name: actor_name.to_string(),
            role: e.role.map(str::to_string),
            office_id: e.office_id,
            action: e.action.to_string(),
            target_type: e.target_type.to_string(),
            target_id: e.target_id,
            summary: e.summary.to_string(),
            request_id,
        },
    )
    .await?;
    Ok(())
}

/// The log as the actor may see it: rows about offices in their AuditRead scopes, newest first
/// (rows not sealed yet included).
pub async fn list(app: &App, actor: &Actor, mut f: AuditFilter) -> Result<Vec<AuditRow>> {
    let scopes = actor.principal.scopes(Perm::AuditRead);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    f.limit = f.limit.clamp(1, 500);
    let mut tx = app.db.read().await?;
    let mut rows = Vec::new();
    for root in &scopes {
        // Rows that name no office (e.g. a failed sign-in of an unknown name) are shown to
        // auditors whose scope is a whole top-level tree.
        rows.extend(repo::list(&mut tx, root.as_str(), root.depth() == 1, &f).await?);
    }
    tx.commit().await?;
    rows.sort_by_key(|r| std::cmp::Reverse(r.id));
    rows.dedup_by_key(|r| r.id);
    rows.truncate(f.limit as usize);
    Ok(rows)
}

/// The outcome of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every sealed row checks out; the number of sealed rows.
    Ok(i64),
    Broken(Break),
}

/// What [`check`] found: the sealed chain's verdict and how many rows await sealing.
#[derive(Debug, PartialEq, Eq)]
pub struct Report {
    pub verdict: Verdict,
    /// Committed rows not linked into the chain yet (the sealer has not reached them).
    pub unsealed: i64,
}

/// Rows sealed per transaction by [`seal_now`] and the background sealer.
const SEAL_BATCH: i64 = 1000;

/// Link every committed unsealed row into the chain now (in transactions of at most
/// [`SEAL_BATCH`] rows); returns how many were sealed. Safe to run from several tasks and
/// processes at once: sealers take turns on the chain head.
pub async fn seal_now(db: &Db) -> Result<u64> {
    // Look first, without a write transaction: an idle installation takes no lock (and, on
    // PostgreSQL, writes and flushes nothing) every round.
    let mut tx = db.read().await?;
    let waiting = repo::any_unsealed(&mut tx).await?;
    tx.commit().await?;
    if !waiting {
        return Ok(0);
    }
    let mut total = 0;
    loop {
        let mut tx = db.begin().await?;
        let n = repo::seal(&mut tx, SEAL_BATCH).await?;
        tx.commit().await?;
        total += n as u64;
        if (n as i64) < SEAL_BATCH {
            return Ok(total);
        }
    }
}

/// How often the background sealer looks for new rows.
pub const SEAL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(200);

/// Run the sealer until `shutdown` completes, then seal once more. `congbo serve` runs it
/// beside the server; a failed round is logged and retried at the next tick.
pub fn spawn_sealer(
    db: Db,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    spawn_rounds(SEAL_INTERVAL, shutdown, move || {
        let db = db.clone();
        async move {
            if let Err(e) = seal_now(&db).await {
                tracing::error!(error = %e, "sealing the audit chain failed");
            }
        }
    })
}

/// Run `round` every `every` (the first at once) until `shutdown` completes, then once more.
pub fn spawn_rounds<F, Fut>(
    every: std::time::Duration,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    round: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    tokio::spawn(async move {
        tokio::pin!(shutdown);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tick.tick() => round().await,
            }
        }
        round().await;
    })
}

/// Walk every sealed row in chain order and check it against its hash and the recorded head;
/// count the rows not sealed yet. Reads only. Rows a sealer adds while this runs (past the
/// head read first) are left for the next check.
pub async fn check(db: &Db) -> Result<Report> {
    let mut tx = db.read().await?;
    let (head_seq, head_hash) = repo::head(&mut tx).await?;
    let mut v = Verifier::default();
    let mut after = 0;
    let mut broken = None;
    'walk: loop {
        let page = repo::page(&mut tx, after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq.unwrap_or(after);
        for row in &page {
            if row.seq.is_some_and(|s| s > head_seq) {
                break 'walk;
            }
            if let Err(b) = v.push(&row.fields(), row.hash.as_deref().unwrap_or_default()) {
                broken = Some(b);
                break 'walk;
            }
        }
    }
    let unsealed = repo::count_unsealed(&mut tx).await?;
    tx.commit().await?;
    let verdict = match broken {
        Some(b) => Verdict::Broken(b),
        None => match v.finish(head_seq, &head_hash) {
            Ok(n) => Verdict::Ok(n),
            Err(b) => Verdict::Broken(b),
        },
    };
    Ok(Report { verdict, unsealed })
}

/// Seal what is committed, then check the whole chain.
pub async fn verify(db: &Db) -> Result<Verdict> {
    seal_now(db).await?;
    Ok(check(db).await?.verdict)
}
