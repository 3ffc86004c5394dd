//! The lobby board: numbers at each counter, the next numbers, today's count. No personal data.

use congbo_domain::queue::{TicketState, announce, estimate_wait};
use congbo_domain::time::{local, local_date};
use congbo_store::repo::office::{self as office_repo, CounterRow};
use congbo_store::repo::queue::{self as repo, DutyRow, TicketRow};
use serde::Serialize;
use uuid::Uuid;

use super::order::{group_order, samples, streak};
use crate::settings::queue_settings;
use crate::{App, AppError, Result};

/// How many waiting numbers per group the board carries (the follower's page finds its own
/// place in this list).
const WAITING_SHOWN: usize = 200;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DisplayView {
    pub office_code: String,
    pub office_name: String,
    /// Local time the board was made (HH:MM:SS).
    pub generated_at: String,
    /// Speak calls aloud (the office's setting).
    pub voice: bool,
    pub counters: Vec<CounterBoard>,
    pub groups: Vec<GroupBoard>,
    /// The next numbers to be called, all services together, oldest first.
    pub next: Vec<String>,
    /// For each of `next`, the counter it was sent to by a transfer (it waits near it).
    pub next_counters: Vec<Option<i32>>,
    pub served_today: i64,
    pub waiting_total: usize,
    /// The most recent call still announced (its ticket at the counter, its time not over),
    /// for a display that connects after it.
    pub last_call: Option<CallInfo>,
    /// How long a call stays announced (seconds; the office's setting).
    pub call_banner_seconds: u32,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CounterBoard {
    #[serde(skip)]
    pub id: Uuid,
    pub number: i32,
    pub name: String,
    /// An officer is signed in.
    pub open: bool,
    /// The number called or served there.
    pub ticket: Option<String>,
    /// `called` or `serving`.
    pub state: Option<String>,
    #[serde(skip)]
    pub ticket_id: Option<Uuid>,
    #[serde(skip)]
    pub called_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroupBoard {
    pub letter: String,
    pub name: String,
    /// Waiting numbers in their predicted call order.
    pub waiting: Vec<String>,
    pub waiting_count: usize,
    /// Open counters serving this group.
    pub open_counters: u32,
    /// Recent median service time (seconds) used for estimates.
    pub service_seconds: u32,
    /// Estimated minutes for a number taken now.
    pub estimate_minutes: u32,
}

/// A call to announce.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CallInfo {
    pub number: String,
    pub counter: i32,
    pub counter_name: String,
    /// "Mời số A012 đến quầy số 3"
    pub text: String,
    /// Seconds it stays announced from when this board was made.
    pub left: u32,
    /// The same, read digit by digit for speech synthesis.
    pub speech: String,
    pub at: String,
}

impl DisplayView {
    /// The announcement of a call of `ticket`, if it is still at a counter.
    pub fn call_of(&self, ticket: Uuid) -> Option<CallInfo> {
        self.counters
            .iter()
            .find(|c| c.ticket_id == Some(ticket))
            .map(|c| call_info(c, self.call_banner_seconds))
    }
}

fn call_info(c: &CounterBoard, left: u32) -> CallInfo {
    let number = c.ticket.clone().unwrap_or_default();
    let a = announce(&number, c.number.max(0) as u32);
    CallInfo {
        number,
        counter: c.number,
        counter_name: c.name.clone(),
        text: a.text,
        speech: a.speech,
        left,
        at: c
            .called_at
            .map(|m| local(m).strftime("%H:%M:%S").to_string())
            .unwrap_or_default(),
    }
}

/// The board of the office with this code.
pub async fn by_code(app: &App, code: &str) -> Result<DisplayView> {
    load(app, office_id(app, code).await?).await
}

/// The office's id by code (for the event stream).
pub async fn office_id(app: &App, code: &str) -> Result<Uuid> {
    let mut tx = app.db.read().await?;
    let o = office_repo::get_by_code(&mut tx, code.trim())
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    tx.commit().await?;
    Ok(o.id)
}

/// Each counter: open or not, and the ticket called or served there.
fn counter_boards(
    counters: Vec<CounterRow>,
    at: &[TicketRow],
    duty: &[DutyRow],
) -> Vec<CounterBoard> {
    counters
        .into_iter()
        .map(|c| {
            let t = at.iter().find(|t| t.counter_id == Some(c.id));
            CounterBoard {
                id: c.id,
                number: c.number,
                name: c.name,
                open: duty.iter().any(|d| d.counter_id == c.id),
                ticket: t.map(|t| t.number.clone()),
                state: t.map(|t| t.state.clone()),
                ticket_id: t.map(|t| t.id),
                called_at: t.and_then(|t| t.called_at),
            }
        })
        .collect()
}

/// The office's board now.
pub async fn load(app: &App, office_id: Uuid) -> Result<DisplayView> {
    let now = app.now();
    let day = local_date(now).to_string();
    let mut tx = app.db.read().await?;
    let o = office_repo::get(&mut tx, office_id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    let s = queue_settings(&mut tx, office_id).await?;
    let mut duty = repo::duty(&mut tx, office_id).await?;
    duty.retain(|d| congbo_domain::queue::duty_current(d.since, now));
    let services = repo::counter_services(&mut tx, office_id).await?;
    let at = repo::at_counters(&mut tx, office_id).await?;
    let waiting = repo::tickets_in_state(&mut tx, office_id, TicketState::Waiting.as_str()).await?;
    let st = streak(&mut tx, office_id, &day, s.priority_burst).await?;
    let counters = office_repo::list_counters(&mut tx, office_id).await?;
    let counters = counter_boards(counters, &at, &duty);
    let mut groups = Vec::new();
    for g in repo::groups(&mut tx, office_id).await? {
        if !g.active {
            continue;
        }
        let order = group_order(&waiting, g.id, st, s.priority_burst);
        let numbers: Vec<String> = order
            .iter()
            .filter_map(|id| waiting.iter().find(|t| t.id == *id))
            .map(|t| t.number.clone())
            .collect();
        let open = services
            .iter()
            .filter(|(k, gid)| *gid == g.id && duty.iter().any(|d| d.counter_id == *k))
            .count() as u32;
        let sm = samples(&mut tx, g.id, now).await?;
        let e = estimate_wait(numbers.len() as u32, open, &sm, s.default_service_seconds);
        groups.push(GroupBoard {
            letter: g.letter,
            name: g.name,
            waiting_count: numbers.len(),
            waiting: numbers.into_iter().take(WAITING_SHOWN).collect(),
            open_counters: open,
            service_seconds: e.service_seconds,
            estimate_minutes: e.minutes,
        });
    }
    let served_today =
        repo::count_in_state(&mut tx, office_id, &day, TicketState::Done.as_str()).await?;
    tx.commit().await?;
    // Every waiting number, a ticket sent to one counter first (it is next there), then
    // priority, then the time the number was first taken (kept across transfers).
    let mut heads: Vec<&TicketRow> = waiting.iter().collect();
    heads.sort_by_key(|t| {
        (
            t.target_counter_id.is_none(),
            t.priority.is_none(),
            t.enqueued_at,
            t.serial,
        )
    });
    let last_call = counters
        .iter()
        .filter(|c| c.ticket.is_some() && c.state.as_deref() == Some("called"))
        .filter_map(|c| Some((c, s.call_banner_left(c.called_at?, now))))
        .filter(|(_, left)| *left > 0)
        .max_by_key(|(c, _)| c.called_at)
        .map(|(c, left)| call_info(c, left));
    let next_counters = heads
        .iter()
        .take(8)
        .map(|t| {
            let sent = t.target_counter_id?;
            counters.iter().find(|c| c.id == sent).map(|c| c.number)
        })
        .collect();
    Ok(DisplayView {
        office_code: o.code,
        office_name: o.name,
        generated_at: local(now).strftime("%H:%M:%S").to_string(),
        voice: s.voice,
        counters,
        groups,
        next: heads.iter().take(8).map(|t| t.number.clone()).collect(),
        next_counters,
        served_today,
        waiting_total: waiting.len(),
        last_call,
        call_banner_seconds: s.call_banner_seconds,
    })
}
