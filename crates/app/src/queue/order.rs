//! Call order and wait estimates, shared by tickets, the counter's call, the "turn is near"
//! notices and the lobby board.

use congbo_domain::queue::{self as dom, Candidate, ServiceSample};
use congbo_store::Tx;
use congbo_store::repo::queue::{self as repo, TicketRow};
use uuid::Uuid;

use crate::Result;

/// How far back service times count for estimates (micros): one week.
const SAMPLE_WINDOW: i64 = 7 * 24 * 3600 * 1_000_000;
/// How many recent services an estimate uses.
const SAMPLE_COUNT: i64 = 20;

pub(super) fn candidate(t: &TicketRow) -> Candidate {
    Candidate {
        id: t.id,
        group_id: t.group_id,
        target_counter: t.target_counter_id,
        priority: t.priority.is_some(),
        enqueued_at: t.enqueued_at,
        serial: t.serial,
    }
}

/// How many of the office's latest calls in a row went to priority tickets.
pub(super) async fn streak(tx: &mut Tx, office_id: Uuid, day: &str, burst: u32) -> Result<u32> {
    let recent = repo::recent_calls(tx, office_id, day, i64::from(burst)).await?;
    Ok(recent.iter().take_while(|p| **p).count() as u32)
}

/// Predicted call order of each group's waiting tickets.
pub(super) fn group_order(
    waiting: &[TicketRow],
    group_id: Uuid,
    streak: u32,
    burst: u32,
) -> Vec<Uuid> {
    let c: Vec<Candidate> = waiting
        .iter()
        .filter(|t| t.group_id == group_id)
        .map(candidate)
        .collect();
    dom::queue_order(&c, streak, burst)
}

/// The group's recent service times, for estimates.
pub(super) async fn samples(tx: &mut Tx, group_id: Uuid, now: i64) -> Result<Vec<ServiceSample>> {
    Ok(
        repo::recent_services(tx, group_id, now - SAMPLE_WINDOW, SAMPLE_COUNT)
            .await?
            .into_iter()
            .map(|m| ServiceSample {
                seconds: m as f64 / 1e6,
            })
            .collect(),
    )
}

/// Open counters serving the group (an officer signed in).
pub(super) async fn open_counters(tx: &mut Tx, office_id: Uuid, group_id: Uuid) -> Result<u32> {
    let services = repo::counter_services(tx, office_id).await?;
    let duty = repo::duty(tx, office_id).await?;
    Ok(services
        .iter()
        .filter(|(k, g)| *g == group_id && duty.iter().any(|d| d.counter_id == *k))
        .count() as u32)
}
