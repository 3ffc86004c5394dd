//! Writing audit rows (always inside the use case's transaction), listing them for auditors, and
//! verifying the chain.

use congbo_domain::audit::{Break, Verifier};
use congbo_domain::identity::Perm;
use congbo_store::repo::audit::{self as repo, AuditFilter, AuditRow, NewAudit};
use congbo_store::{Db, Tx};
use uuid::Uuid;

use crate::{Actor, App, AppError, Result};

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

/// The log as the actor may see it: rows about offices in their AuditRead scopes, newest first.
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
    rows.sort_by_key(|r| std::cmp::Reverse(r.seq));
    rows.dedup_by_key(|r| r.seq);
    rows.truncate(f.limit as usize);
    Ok(rows)
}

/// The outcome of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Ok(i64),
    Broken(Break),
}

/// Walk every row in order and check it against its hash and the recorded head.
pub async fn verify(db: &Db) -> Result<Verdict> {
    let mut tx = db.read().await?;
    let (head_seq, head_hash) = repo::head(&mut tx).await?;
    let mut v = Verifier::default();
    let mut after = 0;
    loop {
        let page = repo::page(&mut tx, after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for row in &page {
            if let Err(b) = v.push(&row.fields(), &row.hash) {
                return Ok(Verdict::Broken(b));
            }
        }
    }
    tx.commit().await?;
    Ok(match v.finish(head_seq, &head_hash) {
        Ok(n) => Verdict::Ok(n),
        Err(b) => Verdict::Broken(b),
    })
}
