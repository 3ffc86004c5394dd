//! Retention use cases (issue 18): the periods (defaults and minimums from
//! `congbo_domain::privacy::retention`, an administrator's overrides stored per kind), the plan
//! (what the job would treat now) and the job itself: per kind, batches of
//! [`BATCH`](congbo_domain::privacy::retention::BATCH) rows, each in its own transaction with
//! its audit row. Figures never move: dossiers and feedback cases are pseudonymised, not
//! deleted, and nothing the rollup contributions read is touched.

use std::collections::BTreeMap;

use congbo_domain::identity::Perm;
use congbo_domain::privacy::retention::{BATCH, RecordKind, Rule};
use congbo_domain::time::iso_local;
use congbo_store::Tx;
use congbo_store::repo::feedback as feedback_repo;
use congbo_store::repo::retention::{self as repo, PeriodRow};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::{Actor, App, Result};

/// The name on the audit rows the job writes.
pub const JOB_ACTOR: &str = "congbo-retention";

/// How often `serve` runs the job.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// One kind's period in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindPeriod {
    pub rule: Rule,
    /// In the rule's unit.
    pub amount: u32,
    /// An administrator set it (else the default).
    pub overridden: bool,
    pub updated_at: Option<i64>,
}

/// One line of the plan: a kind, its period, the cutoff at `now`, and the rows past it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanLine {
    pub period: KindPeriod,
    pub cutoff: i64,
    pub due: i64,
}

/// What the job did for one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunLine {
    pub kind: RecordKind,
    pub rows: u64,
    pub batches: u64,
}

async fn periods_in(tx: &mut Tx) -> Result<Vec<KindPeriod>> {
    let stored: BTreeMap<String, PeriodRow> = repo::periods(tx)
        .await?
        .into_iter()
        .map(|p| (p.kind.clone(), p))
        .collect();
    Ok(RecordKind::ALL
        .iter()
        .map(|k| {
            let rule = k.rule();
            match stored.get(k.as_str()) {
                // A stored period never goes below the minimum, even if one was lowered since.
                Some(p) => KindPeriod {
                    rule,
                    amount: u32::try_from(p.amount)
                        .unwrap_or(rule.default)
                        .max(rule.minimum),
                    overridden: true,
                    updated_at: Some(p.updated_at),
                },
                None => KindPeriod {
                    rule,
                    amount: rule.default,
                    overridden: false,
                    updated_at: None,
                },
            }
        })
        .collect())
}

/// What the job would treat now (no actor: `congbo retention plan`, and the page below).
pub async fn plan(app: &App) -> Result<Vec<PlanLine>> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let mut out = Vec::new();
    for period in periods_in(&mut tx).await? {
        let cutoff = period.rule.cutoff(now, period.amount);
        let due = repo::count_due(&mut tx, period.rule.kind, cutoff).await?;
        out.push(PlanLine {
            period,
            cutoff,
            due,
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// The administrators' view: the periods and the plan. Periods are the installation's, so
/// they are kept through a role at a top-level office.
pub async fn overview(app: &App, actor: &Actor) -> Result<Vec<PlanLine>> {
    actor.principal.require_top_level(Perm::RetentionManage)?;
    plan(app).await
}

/// Set the periods typed on the page (`""` or the default: back to the default, no stored
/// override). Every value is checked
/// first: one refused value (not a number, below the legal minimum, over 100 years) changes
/// nothing. Each change writes its audit row.
pub async fn set_periods(app: &App, actor: &Actor, typed: &[(RecordKind, String)]) -> Result<u32> {
    let role = actor
        .principal
        .require_top_level(Perm::RetentionManage)?
        .role;
    let mut wanted = Vec::new();
    for (kind, text) in typed {
        let rule = kind.rule();
        // The default typed back (the page shows it in every box) is no override.
        let amount = match text.trim() {
            "" => None,
            t => Some(rule.check(t)?).filter(|a| *a != rule.default),
        };
        wanted.push((rule, amount));
    }
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let current = periods_in(&mut tx).await?;
    let mut changed = 0;
    for (rule, amount) in wanted {
        let Some(before) = current.iter().find(|p| p.rule.kind == rule.kind) else {
            continue;
        };
        let after = amount.unwrap_or(rule.default);
        let overridden = amount.is_some();
        if after == before.amount && overridden == before.overridden {
            continue;
        }
        let kind = rule.kind.as_str();
        match amount {
            Some(a) => {
                let row = PeriodRow {
                    kind: kind.to_string(),
                    amount: i64::from(a),
                    updated_by: actor.principal.user_id,
                    updated_at: now,
                };
                repo::put_period(&mut tx, &row).await?
            }
            None => drop(repo::delete_period(&mut tx, kind).await?),
        }
        let entry = Entry {
            action: "retention.period-changed",
            role: Some(role.as_str()),
            office_id: None,
            target_type: "retention-period",
            target_id: Some(kind.to_string()),
            summary: json!({"kind": kind, "unit": rule.unit.as_str(), "from": before.amount,
                            "to": after, "default": rule.default, "minimum": rule.minimum}),
        };
        audit::record(&mut tx, now, actor, entry).await?;
        changed += 1;
    }
    tx.commit().await?;
    Ok(changed)
}

/// Run the job now: every kind, batch after batch, each batch one transaction with its audit
/// row. Safe to run from several processes at once (a row treated by one is skipped by the
/// other; a batch that found nothing writes no row).
pub async fn run(app: &App) -> Result<Vec<RunLine>> {
    let mut tx = app.db.read().await?;
    let periods = periods_in(&mut tx).await?;
    tx.commit().await?;
    let mut out = Vec::new();
    for period in periods {
        out.push(run_kind(app, &period).await?);
    }
    Ok(out)
}

async fn run_kind(app: &App, period: &KindPeriod) -> Result<RunLine> {
    let rule = period.rule;
    let mut line = RunLine {
        kind: rule.kind,
        rows: 0,
        batches: 0,
    };
    loop {
        let now = app.now();
        let cutoff = rule.cutoff(now, period.amount);
        let mut tx = app.db.begin().await?;
        if rule.kind == RecordKind::FeedbackAttachment {
            // Start the running total from the table while the rows are still there.
            feedback_repo::add_attachment_bytes(&mut tx, 0).await?;
        }
        let done = repo::purge_batch(&mut tx, rule.kind, cutoff, now, BATCH).await?;
        if done.rows == 0 {
            tx.rollback().await?;
            return Ok(line);
        }
        if done.bytes > 0 {
            feedback_repo::add_attachment_bytes(&mut tx, -done.bytes).await?;
        }
        let entry = Entry {
            action: "retention.batch",
            role: None,
            office_id: None,
            target_type: "retention",
            target_id: Some(rule.kind.as_str().to_string()),
            summary: json!({"kind": rule.kind.as_str(), "treatment": rule.treatment.as_str(),
                            "rows": done.rows, "period": period.amount,
                            "unit": rule.unit.as_str(), "cutoff": iso_local(cutoff)}),
        };
        audit::record_as(&mut tx, now, None, JOB_ACTOR, None, entry).await?;
        tx.commit().await?;
        line.rows += done.rows;
        line.batches += 1;
        if (done.rows as i64) < BATCH {
            return Ok(line);
        }
    }
}

/// `serve`'s daily round: the first a minute after start, then every [`EVERY`]; a failed
/// round is logged and tried again the next time. Stops at `shutdown` without a last round.
pub fn spawn_daily(
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::pin!(shutdown);
        let start = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        let mut tick = tokio::time::interval_at(start, EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                _ = tick.tick() => match run(&app).await {
                    Ok(lines) => {
                        let rows: u64 = lines.iter().map(|l| l.rows).sum();
                        tracing::info!(rows, "retention round done");
                    }
                    Err(e) => tracing::error!(error = %e, "retention round failed"),
                },
            }
        }
    })
}
