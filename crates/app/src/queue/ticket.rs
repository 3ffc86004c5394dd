//! Tickets: taken at the kiosk, on a phone or for a walk-in by an officer; followed by their
//! holder; "tell me when my turn is near".

use congbo_domain::DomainError;
use congbo_domain::dossier::{
    NotifyChannel, lookup_secret, parse_email, parse_phone, secret_matches,
};
use congbo_domain::identity::{Perm, Role};
use congbo_domain::queue::{self as dom, QueueSettings, TicketChannel, TicketState, WaitEstimate};
use congbo_domain::time::local_date;
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::queue::{self as repo, CounterInfo, GroupRow, TicketRow};
use congbo_store::repo::sequence;
use congbo_store::{StoreError, Tx};
use serde_json::json;
use uuid::Uuid;

use super::live::Signal;
use super::order::{group_order, open_counters, samples, streak};
use super::{commit_with, role_str};
use crate::access::{office, path, require};
use crate::audit::{self, Entry};
use crate::settings::queue_settings;
use crate::{Actor, App, AppError, Result, new_id};

/// A ticket with what the citizen and the officer need to know about it.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub row: TicketRow,
    pub group: GroupRow,
    pub office: OfficeRow,
    pub state: TicketState,
    /// While waiting: citizens before this one and the estimated wait.
    pub estimate: Option<WaitEstimate>,
    /// The counter calling or serving it.
    pub counter: Option<CounterInfo>,
    /// While waiting after a transfer to one counter: that counter (the holder waits near it).
    pub sent_to: Option<CounterInfo>,
    /// Minutes from taking the number to the first call (or until now while waiting).
    pub waited_minutes: i64,
    /// Waited past the office's threshold and no apology recorded yet.
    pub owes_apology: bool,
    pub priority_label: Option<String>,
    pub dossiers: Vec<(Uuid, String)>,
}

/// How a ticket is requested.
#[derive(Debug, Clone, Default)]
pub struct IssueInput {
    pub group_id: Uuid,
    /// `kiosk`, `web` (public) or `staff` (an officer, for a walk-in).
    pub channel: Option<String>,
    /// A priority reason code the office accepts (`elderly`, …).
    pub priority: Option<String>,
    /// The issuing device's idempotency key: the same key gives the same ticket.
    pub request_key: Option<String>,
}

fn parse_request_key(k: Option<&str>) -> Result<Option<String>> {
    match k.map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k)
            if k.len() <= 64
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Ok(Some(k.to_string()))
        }
        Some(_) => Err(DomainError::field("queue-request-key", "request_key").into()),
    }
}

/// The channel asked for: `staff` exactly when an officer issues it (default), `web` by default
/// for the public. Error: `queue-unknown-channel` (`channel`).
fn channel_of(channel: Option<&str>, actor: Option<&Actor>) -> Result<TicketChannel> {
    let channel = match (channel, actor) {
        (None | Some(""), Some(_)) => TicketChannel::Staff,
        (None | Some(""), None) => TicketChannel::Web,
        (Some(c), _) => TicketChannel::parse(c)?,
    };
    if (channel == TicketChannel::Staff) != actor.is_some() {
        return Err(DomainError::field("queue-unknown-channel", "channel").into());
    }
    Ok(channel)
}

/// While waiting: the citizens before the ticket and the estimated wait.
async fn estimate_in(
    tx: &mut Tx,
    now: i64,
    row: &TicketRow,
    s: &QueueSettings,
) -> Result<WaitEstimate> {
    let waiting = repo::tickets_in_state(tx, row.office_id, "waiting").await?;
    let st = streak(tx, row.office_id, &row.day, s.priority_burst).await?;
    let ahead = if row.target_counter_id.is_some() {
        // Sent to one counter: next there.
        0
    } else {
        group_order(&waiting, row.group_id, st, s.priority_burst)
            .iter()
            .position(|id| *id == row.id)
            .unwrap_or(0) as u32
    };
    let counters = open_counters(tx, row.office_id, row.group_id).await?;
    let samples = samples(tx, row.group_id, now).await?;
    Ok(dom::estimate_wait(
        ahead,
        counters,
        &samples,
        s.default_service_seconds,
    ))
}

pub(super) async fn view_in(tx: &mut Tx, now: i64, row: TicketRow) -> Result<TicketView> {
    let group = repo::group(tx, row.group_id)
        .await?
        .ok_or(AppError::Internal("ticket group missing".into()))?;
    let o = office(tx, row.office_id).await?;
    let s = queue_settings(tx, row.office_id).await?;
    let state = TicketState::parse(&row.state)?;
    let estimate = match state {
        TicketState::Waiting => Some(estimate_in(tx, now, &row, &s).await?),
        _ => None,
    };
    let counter = match row.counter_id {
        Some(k) => repo::counter(tx, k).await?,
        None => None,
    };
    let sent_to = match row.target_counter_id {
        Some(k) if state == TicketState::Waiting => repo::counter(tx, k).await?,
        _ => None,
    };
    let waited_until = row.first_called_at.unwrap_or(now);
    let owes = row.apologized_at.is_none()
        && !state.is_closed()
        && s.owes_apology(row.issued_at, waited_until);
    let priority_label = row.priority.as_ref().map(|p| {
        s.priority(p)
            .map(|r| r.label.clone())
            .unwrap_or_else(|_| p.clone())
    });
    let dossiers = repo::dossiers_of_ticket(tx, row.id).await?;
    Ok(TicketView {
        waited_minutes: (waited_until - row.issued_at) / 60_000_000,
        owes_apology: owes,
        row,
        group,
        office: o,
        state,
        estimate,
        counter,
        sent_to,
        priority_label,
        dossiers,
    })
}

/// A new ticket of the group on `channel`, waiting from `now`, numbered in the day's sequence of
/// its group (no priority, no request key yet).
async fn new_ticket(
    tx: &mut Tx,
    now: i64,
    group: &GroupRow,
    channel: TicketChannel,
) -> Result<TicketRow> {
    let day = local_date(now).to_string();
    let letter = group.letter.chars().next().unwrap_or('A');
    let key = format!("ticket:{}:{}:{day}", group.office_id, group.id);
    let serial = sequence::next(tx, &key).await?;
    let mut secret = [0u8; 5];
    rand::fill(&mut secret);
    Ok(TicketRow {
        id: new_id(),
        office_id: group.office_id,
        group_id: group.id,
        first_group_id: group.id,
        number: dom::ticket_number(letter, serial),
        serial,
        day,
        channel: channel.as_str().to_string(),
        priority: None,
        priority_by: None,
        state: TicketState::Waiting.as_str().to_string(),
        issued_at: now,
        enqueued_at: now,
        first_called_at: None,
        called_at: None,
        recalls: 0,
        counter_id: None,
        officer_id: None,
        target_counter_id: None,
        transfers: 0,
        serve_start: None,
        serve_end: None,
        closed_at: None,
        apologized_at: None,
        apologized_by: None,
        follow_secret: lookup_secret(secret),
        notify_channel: None,
        notify_to: None,
        notified_at: None,
        request_key: None,
        version: 1,
    })
}

/// The ticket already issued with the device's key, if any.
async fn issued_with_key(
    tx: &mut Tx,
    now: i64,
    office_id: Uuid,
    key: Option<&str>,
) -> Result<Option<TicketView>> {
    let Some(k) = key else { return Ok(None) };
    match repo::ticket_by_request_key(tx, office_id, k).await? {
        Some(t) => Ok(Some(view_in(tx, now, t).await?)),
        None => Ok(None),
    }
}

fn issue_entry<'a>(role: Option<Role>, row: &TicketRow, letter: &str) -> Entry<'a> {
    Entry {
        action: "queue.ticket.issue",
        role: role.and_then(role_str),
        office_id: Some(row.office_id),
        target_type: "ticket",
        target_id: Some(row.id.to_string()),
        summary: json!({
            "number": row.number, "group": letter, "channel": row.channel,
            "priority": row.priority,
        }),
    }
}

/// Issue a ticket. `actor` is the officer for a walk-in (`staff` channel); `None` for the kiosk
/// and the web, which are public. A repeated `request_key` returns the first ticket.
///
/// Errors: `queue-unknown-group` (`group_id`, also for an inactive group or another office's),
/// `queue-unknown-channel` (also `staff` without an officer), `queue-unknown-priority`
/// (`priority`), `queue-request-key`.
pub async fn issue(
    app: &App,
    actor: Option<&Actor>,
    office_id: Uuid,
    input: &IssueInput,
) -> Result<TicketView> {
    let channel = channel_of(input.channel.as_deref(), actor)?;
    let key = parse_request_key(input.request_key.as_deref())?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, office_id).await?;
    let role = match actor {
        Some(a) => Some(require(a, Perm::QueueServe, &o)?),
        None => None,
    };
    if let Some(v) = issued_with_key(&mut tx, now, office_id, key.as_deref()).await? {
        tx.commit().await?;
        return Ok(v);
    }
    let group = repo::group(&mut tx, input.group_id)
        .await?
        .filter(|g| g.office_id == office_id && g.active)
        .ok_or(DomainError::field("queue-unknown-group", "group_id"))?;
    let s = queue_settings(&mut tx, office_id).await?;
    let priority = match input.priority.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(p) => Some(s.priority(p)?.code.clone()),
    };
    let mut row = new_ticket(&mut tx, now, &group, channel).await?;
    row.priority = priority;
    row.priority_by = actor.map(|a| a.principal.user_id);
    row.request_key = key.clone();
    match repo::insert_ticket(&mut tx, &row).await {
        // Two taps racing with one key (PostgreSQL): the other one won; return its ticket.
        Err(StoreError::Duplicate(_)) if key.is_some() => {
            drop(tx);
            let mut tx = app.db.read().await?;
            let v = issued_with_key(&mut tx, now, office_id, key.as_deref())
                .await?
                .ok_or(AppError::Conflict("queue-request-key"))?;
            tx.commit().await?;
            return Ok(v);
        }
        r => r?,
    }
    crate::report::rollup::ticket_changed(&mut tx, None, &row).await?;
    let entry = issue_entry(role, &row, &group.letter);
    match actor {
        Some(a) => audit::record(&mut tx, now, a, entry).await?,
        None => audit::record_as(&mut tx, now, None, channel.as_str(), None, entry).await?,
    }
    let v = view_in(&mut tx, now, row).await?;
    commit_with(app, tx, Signal::change(office_id)).await?;
    Ok(v)
}

/// A ticket as staff of its office see it.
pub async fn get(app: &App, actor: &Actor, ticket_id: Uuid) -> Result<TicketView> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let t = repo::ticket(&mut tx, ticket_id)
        .await?
        .ok_or(AppError::NotFound("queue-ticket-not-found"))?;
    let o = office(&mut tx, t.office_id).await?;
    if !actor.principal.can(Perm::OfficeRead, &path(&o)) {
        return Err(AppError::NotFound("queue-ticket-not-found"));
    }
    let v = view_in(&mut tx, now, t).await?;
    tx.commit().await?;
    Ok(v)
}

/// The ticket for its holder (id and the secret printed on it). A wrong secret is the same as
/// an unknown ticket.
pub async fn follow(app: &App, ticket_id: Uuid, secret: &str) -> Result<TicketView> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let t = repo::ticket(&mut tx, ticket_id)
        .await?
        .filter(|t| secret_matches(&t.follow_secret, secret))
        .ok_or(AppError::NotFound("queue-ticket-not-found"))?;
    let v = view_in(&mut tx, now, t).await?;
    tx.commit().await?;
    Ok(v)
}

/// The ticket by the short code printed on it (`A012-K3Q9-XZ7M`: today's number, then its
/// secret), for a holder who types it on a phone instead of scanning the QR code. A wrong or
/// old code is the same as an unknown ticket (`queue-ticket-not-found`).
pub async fn follow_by_code(app: &App, code: &str) -> Result<TicketView> {
    let now = app.now();
    let day = local_date(now).to_string();
    let mut tx = app.db.read().await?;
    for (number, secret) in dom::split_short_code(code) {
        for t in repo::tickets_by_number(&mut tx, &day, &number).await? {
            if secret_matches(&t.follow_secret, &secret) {
                let v = view_in(&mut tx, now, t).await?;
                tx.commit().await?;
                return Ok(v);
            }
        }
    }
    tx.commit().await?;
    Err(AppError::NotFound("queue-ticket-not-found"))
}

/// Where the holder follows the ticket on a phone.
pub fn follow_url(app: &App, t: &TicketRow) -> String {
    format!(
        "{}/ve/{}?k={}",
        app.settings.public_url.trim_end_matches('/'),
        t.id,
        t.follow_secret
    )
}

/// The holder asks to be told when their turn is near (email, SMS or Zalo).
/// Errors: `unknown-notify-channel`, `phone-format` / `email-format` (`to`),
/// `queue-ticket-closed`.
pub async fn subscribe(
    app: &App,
    ticket_id: Uuid,
    secret: &str,
    channel: &str,
    to: &str,
) -> Result<TicketView> {
    let ch = NotifyChannel::parse(channel)?;
    let to = match ch {
        NotifyChannel::Email => parse_email(to),
        NotifyChannel::Sms | NotifyChannel::Zalo => parse_phone(to),
    }
    .map_err(|e| DomainError {
        field: Some("notify_to"),
        ..e
    })?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let mut t = repo::ticket_for_update(&mut tx, ticket_id)
        .await?
        .filter(|t| secret_matches(&t.follow_secret, secret))
        .ok_or(AppError::NotFound("queue-ticket-not-found"))?;
    if t.state != TicketState::Waiting.as_str() {
        return Err(DomainError::new("queue-ticket-closed").into());
    }
    let old = t.clone();
    let before = t.version;
    t.notify_channel = Some(ch.as_str().to_string());
    t.notify_to = Some(to);
    t.notified_at = None;
    t.version += 1;
    repo::update_ticket(&mut tx, &t, before).await?;
    crate::report::rollup::ticket_changed(&mut tx, Some(&old), &t).await?;
    audit::record_as(
        &mut tx,
        now,
        None,
        "citizen",
        None,
        Entry {
            action: "queue.ticket.subscribe",
            role: None,
            office_id: Some(t.office_id),
            target_type: "ticket",
            target_id: Some(t.id.to_string()),
            summary: json!({"number": t.number, "channel": ch.as_str()}),
        },
    )
    .await?;
    let v = view_in(&mut tx, now, t).await?;
    tx.commit().await?;
    Ok(v)
}
