//! Keeping the rollups: the incremental calls every use case that writes a dossier, ticket,
//! rating or feedback case makes **in its own transaction** (`*_changed(tx, before, after)`),
//! and the rebuild from the raw rows (`congbo rollup rebuild [--from DATE]`).
//!
//! What a row contributes is the pure function of the row in
//! `congbo_domain::report::rollup` (the module header there says why the counters are kept in
//! the transaction rather than by a job with a watermark). Here the stored row is turned into
//! the domain's input, and `diff(before, after)` is written with one batched upsert per table.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use congbo_domain::dossier::DossierFacts;
use congbo_domain::report::rollup::{
    self as rules, Delta, DossierInput, FeedbackInput, RatingInput, TicketInput,
};
use congbo_domain::time::day_start;
use congbo_store::Tx;
use congbo_store::repo::rollup::{
    self as repo, DossierSource, FeedbackSource, RatingSource, TicketSource,
};
use jiff::civil::Date;
use uuid::Uuid;

use crate::{App, AppError, Result};

fn date(s: &str) -> Result<Date> {
    s.parse()
        .map_err(|_| AppError::Internal(format!("stored day is not a date: {s}")))
}

pub fn dossier_input(s: &DossierSource) -> Result<DossierInput> {
    let facts: DossierFacts = serde_json::from_str(&s.facts)
        .map_err(|e| AppError::Internal(format!("dossier facts: {e}")))?;
    Ok(DossierInput {
        office_id: s.office_id,
        procedure_code: s.procedure_code.clone(),
        channel: s.channel.clone(),
        received_by: s.received_by,
        facts,
    })
}

pub fn ticket_input(t: &TicketSource) -> Result<TicketInput> {
    Ok(TicketInput {
        office_id: t.office_id,
        day: date(&t.day)?,
        first_group_id: t.first_group_id,
        group_id: t.group_id,
        channel: t.channel.clone(),
        state: t.state.clone(),
        issued_at: t.issued_at,
        first_called_at: t.first_called_at,
        serve_start: t.serve_start,
        serve_end: t.serve_end,
        officer_id: t.officer_id,
    })
}

pub fn rating_input(r: &RatingSource) -> Result<RatingInput> {
    Ok(RatingInput {
        office_id: r.office_id,
        day: date(&r.day)?,
        criterion: r.criterion.clone(),
        scale: r.scale.clone(),
        value: r.value,
        satisfied: r.satisfied,
        low: r.low,
        officer_id: r.officer_id,
        procedure_code: r.procedure_code.clone(),
        group_id: r.group_id,
        set_aside: r.set_aside,
    })
}

pub fn feedback_input(k: &FeedbackSource) -> Result<FeedbackInput> {
    Ok(FeedbackInput {
        office_id: k.office_id,
        day: date(&k.day)?,
        category: k.category.clone(),
        channel: k.channel.clone(),
        answered_at: k.answered_at,
        answered_on_time: k.answered_on_time,
        upheld: k.upheld,
        officer_id: k.officer_id,
    })
}

pub fn dossier_deltas(s: &DossierSource) -> Result<Vec<Delta>> {
    Ok(rules::dossier_contributions(&dossier_input(s)?))
}
pub fn ticket_deltas(s: &TicketSource) -> Result<Vec<Delta>> {
    Ok(rules::ticket_contributions(&ticket_input(s)?))
}
pub fn rating_deltas(s: &RatingSource) -> Result<Vec<Delta>> {
    Ok(rules::rating_contributions(&rating_input(s)?))
}
pub fn feedback_deltas(s: &FeedbackSource) -> Result<Vec<Delta>> {
    Ok(rules::feedback_contributions(&feedback_input(s)?))
}

/// Write `diff(before, after)` in the caller's transaction.
pub async fn apply(tx: &mut Tx, before: &[Delta], after: &[Delta]) -> Result<()> {
    let d = rules::diff(before, after);
    repo::apply(tx, &d).await?;
    Ok(())
}

/// Whether the `*_changed` calls below write anything. **Benchmark-only**: `cargo xtask bench
/// reports` turns it off for a moment to measure what keeping the rollups costs a lifecycle
/// (docs/PERFORMANCE.md, "Reports"). Nothing else may turn it off: counters missed while it is
/// off are only put right by `rollup rebuild`. A process-wide switch rather than an `App`
/// setting because the calls receive the transaction, not the application.
static MAINTAINED: AtomicBool = AtomicBool::new(true);

/// Benchmark-only: see [`MAINTAINED`].
#[doc(hidden)]
pub fn set_maintained_for_benchmark(on: bool) {
    MAINTAINED.store(on, Ordering::Relaxed);
}

async fn changed<S>(
    tx: &mut Tx,
    before: Option<&S>,
    after: &S,
    deltas: fn(&S) -> Result<Vec<Delta>>,
) -> Result<()> {
    if !MAINTAINED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let b = before.map(deltas).transpose()?.unwrap_or_default();
    let a = deltas(after)?;
    apply(tx, &b, &a).await
}

/// A dossier was inserted (`before` = None) or updated, in `tx`.
pub async fn dossier_changed(
    tx: &mut Tx,
    before: Option<&congbo_store::repo::dossier::DossierRow>,
    after: &congbo_store::repo::dossier::DossierRow,
) -> Result<()> {
    let b = before.map(DossierSource::from);
    changed(tx, b.as_ref(), &DossierSource::from(after), dossier_deltas).await
}

/// A ticket was inserted (`before` = None) or updated, in `tx`.
pub async fn ticket_changed(
    tx: &mut Tx,
    before: Option<&congbo_store::repo::queue::TicketRow>,
    after: &congbo_store::repo::queue::TicketRow,
) -> Result<()> {
    let b = before.map(TicketSource::from);
    changed(tx, b.as_ref(), &TicketSource::from(after), ticket_deltas).await
}

/// A rating was inserted (`before` = None), or set aside (`before` with `set_aside` false,
/// `after` true), in `tx`.
pub async fn rating_changed(
    tx: &mut Tx,
    before: Option<&RatingSource>,
    after: &RatingSource,
) -> Result<()> {
    changed(tx, before, after, rating_deltas).await
}

/// A feedback case was inserted (`before` = None) or updated, in `tx`.
pub async fn feedback_changed(
    tx: &mut Tx,
    before: Option<&congbo_store::repo::feedback::CaseRow>,
    after: &congbo_store::repo::feedback::CaseRow,
) -> Result<()> {
    let b = before.map(FeedbackSource::from);
    changed(
        tx,
        b.as_ref(),
        &FeedbackSource::from(after),
        feedback_deltas,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Rebuild

/// Raw rows read per page.
const PAGE: i64 = 1000;

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq)]
pub struct Rebuilt {
    /// Raw rows read (dossiers, tickets, ratings, feedback cases).
    pub rows: u64,
    /// Day counters written.
    pub counters: u64,
    pub from: Option<Date>,
    pub seconds: f64,
}

/// Recompute the counters of days `>= from` (all when `None`) from the raw rows, in one
/// transaction that keeps other writers of the counters waiting (see
/// `repo::rollup::lock_for_rebuild`). `progress` is called after each page with the rows read
/// so far.
pub async fn rebuild(
    app: &App,
    from: Option<Date>,
    progress: &mut (dyn FnMut(u64) + Send),
) -> Result<Rebuilt> {
    let started = Instant::now();
    let from_s = from.map(|d| d.to_string()).unwrap_or_default();
    let from_micros = from.map(day_start).unwrap_or(i64::MIN);
    let mut tx = app.db.begin().await?;
    repo::lock_for_rebuild(&mut tx).await?;
    repo::clear_from(&mut tx, from.map(|_| from_s.as_str())).await?;
    let mut st = State {
        from,
        rows: 0,
        counters: 0,
    };
    let mut after = Uuid::nil();
    loop {
        let page = repo::dossier_page(&mut tx, after, &from_s, from_micros, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let d = page
            .iter()
            .map(dossier_deltas)
            .collect::<Result<Vec<_>>>()?;
        st.add(&mut tx, d, progress).await?;
    }
    after = Uuid::nil();
    loop {
        let page = repo::ticket_page(&mut tx, after, &from_s, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let d = page.iter().map(ticket_deltas).collect::<Result<Vec<_>>>()?;
        st.add(&mut tx, d, progress).await?;
    }
    after = Uuid::nil();
    loop {
        let page = repo::rating_page(&mut tx, after, &from_s, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let d = page.iter().map(rating_deltas).collect::<Result<Vec<_>>>()?;
        st.add(&mut tx, d, progress).await?;
    }
    after = Uuid::nil();
    loop {
        let page = repo::feedback_page(&mut tx, after, &from_s, from_micros, PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let d = page
            .iter()
            .map(feedback_deltas)
            .collect::<Result<Vec<_>>>()?;
        st.add(&mut tx, d, progress).await?;
    }
    repo::derive_months(&mut tx, &from_s[..from_s.len().min(7)]).await?;
    tx.commit().await?;
    Ok(Rebuilt {
        rows: st.rows,
        counters: st.counters,
        from,
        seconds: started.elapsed().as_secs_f64(),
    })
}

struct State {
    from: Option<Date>,
    rows: u64,
    counters: u64,
}

impl State {
    /// Add one page's contributions dated on or after `from`.
    async fn add(
        &mut self,
        tx: &mut Tx,
        per_row: Vec<Vec<Delta>>,
        progress: &mut (dyn FnMut(u64) + Send),
    ) -> Result<()> {
        self.rows += per_row.len() as u64;
        let all: Vec<Delta> = per_row
            .into_iter()
            .flatten()
            .filter(|d| self.from.is_none_or(|f| d.day >= f))
            .collect();
        let merged = rules::added(&all);
        self.counters += merged.len() as u64;
        repo::add_days(tx, &merged).await?;
        progress(self.rows);
        Ok(())
    }
}
