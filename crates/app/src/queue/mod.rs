//! The queue: configuration (service groups, counter services, settings), tickets issued at the
//! kiosk, on a phone or by an officer, the counter's actions, the lobby display and statistics.
//!
//! Every change writes, in one transaction: the ticket (or configuration) row, the audit row,
//! outbox rows for citizens who asked to be told their turn is near, and a live signal
//! (PostgreSQL `NOTIFY`, delivered only on commit). Displays in this process are told after the
//! commit; other processes hear the `NOTIFY`.

pub mod display;
pub mod live;
mod stats;

pub use display::{CallInfo, CounterBoard, DisplayView, GroupBoard};
pub use stats::{QueueStats, StatsLine, stats};

use congbo_domain::DomainError;
use congbo_domain::dossier::{
    NotifyChannel, lookup_secret, parse_email, parse_phone, secret_matches,
};
use congbo_domain::identity::{Perm, Role};
use congbo_domain::queue::{
    self as dom, CallContext, Candidate, QueueSettings, ServiceSample, TicketAction, TicketChannel,
    TicketState, WaitEstimate,
};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::outbox::{self as outbox, NewOutbox};
use congbo_store::repo::queue::{self as repo, CounterInfo, DutyRow, GroupRow, TicketRow};
use congbo_store::repo::sequence;
use congbo_store::{StoreError, Tx};
use serde_json::json;
use uuid::Uuid;

use crate::access::{office, path, require};
use crate::audit::{self, Entry};
use crate::settings::queue_settings;
use crate::{Actor, App, AppError, Result, new_id};
use congbo_domain::time::local_date;
use live::Signal;

/// How far back service times count for estimates (micros): one week.
const SAMPLE_WINDOW: i64 = 7 * 24 * 3600 * 1_000_000;
/// How many recent services an estimate uses.
const SAMPLE_COUNT: i64 = 20;

fn role_str(r: Role) -> Option<&'static str> {
    Some(r.as_str())
}

// ---------------------------------------------------------------------------------------------
// Configuration

/// An office's queue as configured: groups, counters with their services and officer, settings.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    pub office: OfficeRow,
    pub groups: Vec<GroupRow>,
    pub counters: Vec<CounterConfig>,
    pub settings: QueueSettings,
}

#[derive(Debug, Clone)]
pub struct CounterConfig {
    pub id: Uuid,
    pub number: i32,
    pub name: String,
    pub groups: Vec<Uuid>,
    pub officer: Option<DutyRow>,
}

async fn config_in(tx: &mut Tx, o: OfficeRow) -> Result<QueueConfig> {
    let groups = repo::groups(tx, o.id).await?;
    let services = repo::counter_services(tx, o.id).await?;
    let duty = repo::duty(tx, o.id).await?;
    let counters = office_repo::list_counters(tx, o.id)
        .await?
        .into_iter()
        .map(|c| CounterConfig {
            id: c.id,
            number: c.number,
            name: c.name,
            groups: services
                .iter()
                .filter(|(k, _)| *k == c.id)
                .map(|(_, g)| *g)
                .collect(),
            officer: duty.iter().find(|d| d.counter_id == c.id).cloned(),
        })
        .collect();
    let settings = queue_settings(tx, o.id).await?;
    Ok(QueueConfig {
        office: o,
        groups,
        counters,
        settings,
    })
}

/// The configuration, for staff of the office (OfficeRead).
pub async fn config(app: &App, actor: &Actor, office_id: Uuid) -> Result<QueueConfig> {
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::OfficeRead, &o)?;
    let c = config_in(&mut tx, o).await?;
    tx.commit().await?;
    Ok(c)
}

/// The public part of the configuration (the kiosk's buttons): active groups and the priority
/// reasons, by office code.
pub async fn public_config(app: &App, office_code: &str) -> Result<QueueConfig> {
    let mut tx = app.db.read().await?;
    let o = office_repo::get_by_code(&mut tx, office_code.trim())
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    let mut c = config_in(&mut tx, o).await?;
    tx.commit().await?;
    c.groups.retain(|g| g.active);
    for k in &mut c.counters {
        k.officer = None;
    }
    Ok(c)
}

/// Add a service group. Errors: `queue-letter-format` (`letter`), `queue-group-name` (`name`),
/// `queue-letter-taken` (409).
pub async fn create_group(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    letter: &str,
    name: &str,
    field: Option<&str>,
) -> Result<GroupRow> {
    let letter = dom::parse_letter(letter)?;
    let name = dom::parse_group_name(name)?;
    let field = field
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string);
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, office_id).await?;
    let role = require(actor, Perm::QueueManage, &o)?;
    let g = GroupRow {
        id: new_id(),
        office_id,
        letter: letter.to_string(),
        name,
        field,
        active: true,
        created_at: now,
    };
    match repo::insert_group(&mut tx, &g).await {
        Err(StoreError::Duplicate(_)) => return Err(AppError::Conflict("queue-letter-taken")),
        r => r?,
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.group.create",
            role: role_str(role),
            office_id: Some(office_id),
            target_type: "service-group",
            target_id: Some(g.id.to_string()),
            summary: json!({"letter": g.letter, "name": g.name, "field": g.field}),
        },
    )
    .await?;
    signal(app, &mut tx, office_id, None).await?;
    tx.commit().await?;
    app.live.publish(Signal::change(office_id));
    Ok(g)
}

/// Rename a group, or take it off the kiosk (`active = false`).
pub async fn update_group(
    app: &App,
    actor: &Actor,
    group_id: Uuid,
    name: &str,
    field: Option<&str>,
    active: bool,
) -> Result<GroupRow> {
    let name = dom::parse_group_name(name)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let mut g = repo::group(&mut tx, group_id)
        .await?
        .ok_or(AppError::NotFound("queue-group-not-found"))?;
    let o = office(&mut tx, g.office_id).await?;
    let role = require(actor, Perm::QueueManage, &o)
        .map_err(|_| AppError::NotFound("queue-group-not-found"))?;
    g.name = name;
    g.field = field
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string);
    g.active = active;
    repo::update_group(&mut tx, &g).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.group.update",
            role: role_str(role),
            office_id: Some(g.office_id),
            target_type: "service-group",
            target_id: Some(g.id.to_string()),
            summary: json!({"letter": g.letter, "name": g.name, "active": g.active}),
        },
    )
    .await?;
    signal(app, &mut tx, g.office_id, None).await?;
    tx.commit().await?;
    app.live.publish(Signal::change(g.office_id));
    Ok(g)
}

/// Set the services a counter serves. Error: `queue-unknown-group` (`groups`) for a group of
/// another office.
pub async fn set_counter_services(
    app: &App,
    actor: &Actor,
    counter_id: Uuid,
    groups: &[Uuid],
) -> Result<()> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let k = repo::counter(&mut tx, counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    let o = office(&mut tx, k.office_id).await?;
    let role = require(actor, Perm::QueueManage, &o)
        .map_err(|_| AppError::NotFound("counter-not-found"))?;
    let known = repo::groups(&mut tx, k.office_id).await?;
    let mut ids: Vec<Uuid> = groups.to_vec();
    ids.sort();
    ids.dedup();
    if ids.iter().any(|g| !known.iter().any(|k| k.id == *g)) {
        return Err(DomainError::field("queue-unknown-group", "groups").into());
    }
    repo::set_counter_services(&mut tx, counter_id, &ids).await?;
    let letters: Vec<&str> = known
        .iter()
        .filter(|g| ids.contains(&g.id))
        .map(|g| g.letter.as_str())
        .collect();
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.counter.services",
            role: role_str(role),
            office_id: Some(k.office_id),
            target_type: "counter",
            target_id: Some(counter_id.to_string()),
            summary: json!({"counter": k.number, "groups": letters}),
        },
    )
    .await?;
    signal(app, &mut tx, k.office_id, None).await?;
    tx.commit().await?;
    app.live.publish(Signal::change(k.office_id));
    Ok(())
}

/// Save the office's settings. Errors: see [`QueueSettings::validate`].
pub async fn put_settings(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    s: &QueueSettings,
) -> Result<QueueSettings> {
    s.validate()?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, office_id).await?;
    let role = require(actor, Perm::QueueManage, &o)?;
    let body = serde_json::to_string(s).map_err(|e| AppError::Internal(e.to_string()))?;
    repo::put_settings(&mut tx, office_id, &body, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.settings",
            role: role_str(role),
            office_id: Some(office_id),
            target_type: "office",
            target_id: Some(office_id.to_string()),
            summary: serde_json::to_value(s).unwrap_or_default(),
        },
    )
    .await?;
    signal(app, &mut tx, office_id, None).await?;
    tx.commit().await?;
    app.live.publish(Signal::change(office_id));
    Ok(s.clone())
}

// ---------------------------------------------------------------------------------------------
// Counter duty

/// Sign the officer in at a counter of an office where they serve the queue.
pub async fn sign_in(app: &App, actor: &Actor, counter_id: Uuid) -> Result<CounterInfo> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let k = repo::counter(&mut tx, counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    let o = office(&mut tx, k.office_id).await?;
    let role = require(actor, Perm::QueueServe, &o).map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("counter-not-found"),
        e => e,
    })?;
    let user = actor.principal.user_id;
    if let Some(d) = repo::duty_of_user(&mut tx, user).await?
        && d.counter_id != counter_id
        && busy(&mut tx, d.office_id, d.counter_id).await?
    {
        return Err(AppError::Conflict("queue-counter-busy"));
    }
    repo::sign_in(&mut tx, counter_id, k.office_id, user, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.counter.sign-in",
            role: role_str(role),
            office_id: Some(k.office_id),
            target_type: "counter",
            target_id: Some(counter_id.to_string()),
            summary: json!({"counter": k.number}),
        },
    )
    .await?;
    signal(app, &mut tx, k.office_id, None).await?;
    tx.commit().await?;
    app.live.publish(Signal::change(k.office_id));
    Ok(k)
}

async fn busy(tx: &mut Tx, office_id: Uuid, counter_id: Uuid) -> Result<bool> {
    Ok(repo::at_counters(tx, office_id)
        .await?
        .iter()
        .any(|t| t.counter_id == Some(counter_id)))
}

/// Sign the officer out of their counter. Error: `queue-counter-busy` while a ticket is there.
pub async fn sign_out(app: &App, actor: &Actor) -> Result<()> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let Some(d) = repo::duty_of_user(&mut tx, actor.principal.user_id).await? else {
        return Ok(());
    };
    if busy(&mut tx, d.office_id, d.counter_id).await? {
        return Err(AppError::Conflict("queue-counter-busy"));
    }
    repo::sign_out(&mut tx, actor.principal.user_id).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.counter.sign-out",
            role: None,
            office_id: Some(d.office_id),
            target_type: "counter",
            target_id: Some(d.counter_id.to_string()),
            summary: json!({}),
        },
    )
    .await?;
    signal(app, &mut tx, d.office_id, None).await?;
    tx.commit().await?;
    app.live.publish(Signal::change(d.office_id));
    Ok(())
}

/// The counter the officer is signed in at, checked against their current roles.
async fn on_duty(tx: &mut Tx, actor: &Actor) -> Result<(DutyRow, CounterInfo, OfficeRow, Role)> {
    let d = repo::duty_of_user(tx, actor.principal.user_id)
        .await?
        .ok_or(DomainError::new("queue-not-on-duty"))?;
    let k = repo::counter(tx, d.counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    let o = office(tx, d.office_id).await?;
    let role = require(actor, Perm::QueueServe, &o)?;
    Ok((d, k, o, role))
}

// ---------------------------------------------------------------------------------------------
// Tickets

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

fn candidate(t: &TicketRow) -> Candidate {
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
async fn streak(tx: &mut Tx, office_id: Uuid, day: &str, burst: u32) -> Result<u32> {
    let recent = repo::recent_calls(tx, office_id, day, i64::from(burst)).await?;
    Ok(recent.iter().take_while(|p| **p).count() as u32)
}

/// Predicted call order of each group's waiting tickets.
fn group_order(waiting: &[TicketRow], group_id: Uuid, streak: u32, burst: u32) -> Vec<Uuid> {
    let c: Vec<Candidate> = waiting
        .iter()
        .filter(|t| t.group_id == group_id)
        .map(candidate)
        .collect();
    dom::queue_order(&c, streak, burst)
}

async fn samples(tx: &mut Tx, group_id: Uuid, now: i64) -> Result<Vec<ServiceSample>> {
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
async fn open_counters(tx: &mut Tx, office_id: Uuid, group_id: Uuid) -> Result<u32> {
    let services = repo::counter_services(tx, office_id).await?;
    let duty = repo::duty(tx, office_id).await?;
    Ok(services
        .iter()
        .filter(|(k, g)| *g == group_id && duty.iter().any(|d| d.counter_id == *k))
        .count() as u32)
}

async fn view_in(tx: &mut Tx, now: i64, row: TicketRow) -> Result<TicketView> {
    let group = repo::group(tx, row.group_id)
        .await?
        .ok_or(AppError::Internal("ticket group missing".into()))?;
    let o = office(tx, row.office_id).await?;
    let s = queue_settings(tx, row.office_id).await?;
    let state = TicketState::parse(&row.state)?;
    let estimate = if state == TicketState::Waiting {
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
        Some(dom::estimate_wait(
            ahead,
            counters,
            &samples,
            s.default_service_seconds,
        ))
    } else {
        None
    };
    let counter = match row.counter_id {
        Some(k) => repo::counter(tx, k).await?,
        None => None,
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
        priority_label,
        dossiers,
    })
}

/// Issue a ticket. `actor` is the officer for a walk-in (`staff` channel); `None` for the kiosk
/// and the web, which are public. A repeated `request_key` returns the first ticket.
///
/// Errors: `queue-unknown-group` (`group_id`, also for an inactive group or another office's),
/// `queue-unknown-channel`, `queue-unknown-priority` (`priority`), `queue-request-key`.
pub async fn issue(
    app: &App,
    actor: Option<&Actor>,
    office_id: Uuid,
    input: &IssueInput,
) -> Result<TicketView> {
    let channel = match (input.channel.as_deref(), actor) {
        (None | Some(""), Some(_)) => TicketChannel::Staff,
        (None | Some(""), None) => TicketChannel::Web,
        (Some(c), _) => TicketChannel::parse(c)?,
    };
    if (channel == TicketChannel::Staff) != actor.is_some() {
        return Err(DomainError::field("queue-unknown-channel", "channel").into());
    }
    let key = parse_request_key(input.request_key.as_deref())?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, office_id).await?;
    let role = match actor {
        Some(a) => Some(require(a, Perm::QueueServe, &o)?),
        None => None,
    };
    if let Some(k) = &key
        && let Some(t) = repo::ticket_by_request_key(&mut tx, office_id, k).await?
    {
        let v = view_in(&mut tx, now, t).await?;
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
    let day = local_date(now).to_string();
    let letter = group.letter.chars().next().unwrap_or('A');
    let serial = sequence::next(&mut tx, &format!("ticket:{office_id}:{}:{day}", group.id)).await?;
    let mut secret = [0u8; 5];
    rand::fill(&mut secret);
    let row = TicketRow {
        id: new_id(),
        office_id,
        group_id: group.id,
        first_group_id: group.id,
        number: dom::ticket_number(letter, serial),
        serial,
        day,
        channel: channel.as_str().to_string(),
        priority,
        priority_by: actor.map(|a| a.principal.user_id),
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
        request_key: key.clone(),
        version: 1,
    };
    match repo::insert_ticket(&mut tx, &row).await {
        // Two taps racing with one key (PostgreSQL): the other one won; return its ticket.
        Err(StoreError::Duplicate(_)) if key.is_some() => {
            drop(tx);
            let mut tx = app.db.read().await?;
            let t = repo::ticket_by_request_key(&mut tx, office_id, key.as_deref().unwrap_or(""))
                .await?
                .ok_or(AppError::Conflict("queue-request-key"))?;
            let v = view_in(&mut tx, now, t).await?;
            tx.commit().await?;
            return Ok(v);
        }
        r => r?,
    }
    let summary = json!({
        "number": row.number, "group": group.letter, "channel": row.channel,
        "priority": row.priority,
    });
    let entry = Entry {
        action: "queue.ticket.issue",
        role: role.and_then(role_str),
        office_id: Some(office_id),
        target_type: "ticket",
        target_id: Some(row.id.to_string()),
        summary,
    };
    match actor {
        Some(a) => audit::record(&mut tx, now, a, entry).await?,
        None => audit::record_as(&mut tx, now, None, channel.as_str(), None, entry).await?,
    }
    signal(app, &mut tx, office_id, None).await?;
    let v = view_in(&mut tx, now, row).await?;
    tx.commit().await?;
    app.live.publish(Signal::change(office_id));
    Ok(v)
}

/// Call the next citizen to the officer's counter (`counter_id`, when given, must be the counter
/// the officer is signed in at).
///
/// Errors: `queue-not-on-duty` (the officer is not signed in at a counter), `queue-counter-busy`
/// (a ticket is still called or served there), `queue-empty` (nobody waits for its services).
pub async fn call_next(app: &App, actor: &Actor, counter_id: Option<Uuid>) -> Result<TicketView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    if let Some(c) = counter_id {
        // Another office's counter does not exist for the caller.
        let named = repo::counter(&mut tx, c)
            .await?
            .ok_or(AppError::NotFound("counter-not-found"))?;
        let named_office = office(&mut tx, named.office_id).await?;
        if !actor.principal.can(Perm::OfficeRead, &path(&named_office)) {
            return Err(AppError::NotFound("counter-not-found"));
        }
    }
    let (_, k, o, role) = on_duty(&mut tx, actor).await?;
    if counter_id.is_some_and(|c| c != k.id) {
        return Err(DomainError::new("queue-not-on-duty").into());
    }
    repo::lock_office(&mut tx, o.id, now).await?;
    if busy(&mut tx, o.id, k.id).await? {
        return Err(AppError::Conflict("queue-counter-busy"));
    }
    let s = queue_settings(&mut tx, o.id).await?;
    let day = local_date(now).to_string();
    let st = streak(&mut tx, o.id, &day, s.priority_burst).await?;
    let groups: Vec<Uuid> = repo::counter_services(&mut tx, o.id)
        .await?
        .into_iter()
        .filter(|(c, _)| *c == k.id)
        .map(|(_, g)| g)
        .collect();
    let waiting = repo::tickets_in_state(&mut tx, o.id, "waiting").await?;
    let candidates: Vec<Candidate> = waiting.iter().map(candidate).collect();
    let ctx = CallContext {
        counter_id: k.id,
        groups: &groups,
        priority_streak: st,
        priority_burst: s.priority_burst,
    };
    let chosen = dom::pick_next(&candidates, &ctx)
        .map(|c| c.id)
        .ok_or(DomainError::new("queue-empty"))?;
    let mut t = waiting
        .iter()
        .find(|t| t.id == chosen)
        .cloned()
        .ok_or(AppError::Internal("chosen ticket vanished".into()))?;
    let before = t.version;
    t.state = TicketState::Called.as_str().into();
    t.called_at = Some(now);
    t.first_called_at.get_or_insert(now);
    t.recalls = 0;
    t.counter_id = Some(k.id);
    t.officer_id = Some(actor.principal.user_id);
    t.target_counter_id = None;
    t.version += 1;
    if !repo::update_ticket(&mut tx, &t, before).await? {
        return Err(AppError::Conflict("queue-ticket-changed"));
    }
    notify_near(&mut tx, app, &o, &s, &waiting, t.id, st, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.ticket.call",
            role: role_str(role),
            office_id: Some(o.id),
            target_type: "ticket",
            target_id: Some(t.id.to_string()),
            summary: json!({"number": t.number, "counter": k.number, "priority": t.priority}),
        },
    )
    .await?;
    signal(app, &mut tx, o.id, Some(t.id)).await?;
    let v = view_in(&mut tx, now, t).await?;
    tx.commit().await?;
    app.live.publish(Signal::call(o.id, v.row.id));
    Ok(v)
}

/// Tell citizens who opted in that their turn is near, once, in the call's transaction.
#[allow(clippy::too_many_arguments)]
async fn notify_near(
    tx: &mut Tx,
    app: &App,
    o: &OfficeRow,
    s: &QueueSettings,
    waiting: &[TicketRow],
    called: Uuid,
    streak: u32,
    now: i64,
) -> Result<()> {
    let rest: Vec<TicketRow> = waiting.iter().filter(|t| t.id != called).cloned().collect();
    let mut groups: Vec<Uuid> = rest.iter().map(|t| t.group_id).collect();
    groups.sort();
    groups.dedup();
    for g in groups {
        let order = group_order(&rest, g, streak, s.priority_burst);
        for (ahead, id) in order.iter().enumerate() {
            if ahead as u32 > s.notify_when_ahead {
                break;
            }
            let Some(t) = rest.iter().find(|t| t.id == *id) else {
                continue;
            };
            let (Some(ch), Some(to), None) = (&t.notify_channel, &t.notify_to, t.notified_at)
            else {
                continue;
            };
            let subject = format!("Sắp đến lượt số {} tại {}", t.number, o.name);
            let body = format!(
                "Số {} của Ông/Bà sắp được gọi: còn {} người phía trước. Xin mời Ông/Bà có mặt \
                 tại khu vực chờ của {}. Theo dõi: {}",
                t.number,
                ahead,
                o.name,
                follow_url(app, t)
            );
            outbox::insert(
                tx,
                &NewOutbox {
                    id: new_id(),
                    created_at: now,
                    topic: "queue.turn-near".into(),
                    dossier_id: None,
                    channel: ch.clone(),
                    recipient: to.clone(),
                    subject,
                    body,
                },
            )
            .await?;
            let mut done = t.clone();
            done.notified_at = Some(now);
            done.version += 1;
            repo::update_ticket(tx, &done, t.version).await?;
        }
    }
    Ok(())
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

/// Where a transferred ticket goes.
#[derive(Debug, Clone, Default)]
pub struct TransferTo {
    pub group_id: Option<Uuid>,
    pub counter_id: Option<Uuid>,
}

/// An officer's action on the ticket at their counter.
///
/// Errors: `queue-ticket-not-found` (404, also for another office's ticket), `queue-not-on-duty`,
/// `queue-not-your-ticket` (called to another counter), the state rules of
/// [`congbo_domain::queue::apply`], `queue-transfer-target` for a transfer without exactly one
/// valid target of the same office.
pub async fn act(
    app: &App,
    actor: &Actor,
    ticket_id: Uuid,
    action: TicketAction,
    to: Option<TransferTo>,
) -> Result<TicketView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let mut t = repo::ticket_for_update(&mut tx, ticket_id)
        .await?
        .ok_or(AppError::NotFound("queue-ticket-not-found"))?;
    let o = office(&mut tx, t.office_id).await?;
    if !actor.principal.can(Perm::QueueServe, &path(&o)) {
        return Err(AppError::NotFound("queue-ticket-not-found"));
    }
    let (d, k, _, role) = on_duty(&mut tx, actor).await?;
    let s = queue_settings(&mut tx, o.id).await?;
    let state = TicketState::parse(&t.state)?;
    let next = dom::apply(
        state,
        t.recalls as u32,
        t.apologized_at.is_some(),
        action,
        &s,
    )?;
    if d.office_id != t.office_id || t.counter_id != Some(k.id) {
        return Err(DomainError::new("queue-not-your-ticket").into());
    }
    let before = t.version;
    let mut summary = json!({"number": t.number, "counter": k.number});
    match action {
        TicketAction::Recall => {
            t.recalls += 1;
            t.called_at = Some(now);
            summary["recalls"] = json!(t.recalls);
        }
        TicketAction::Start => t.serve_start = Some(now),
        TicketAction::NoShow => t.closed_at = Some(now),
        TicketAction::Finish => {
            t.serve_end = Some(now);
            t.closed_at = Some(now);
        }
        TicketAction::Apologize => {
            t.apologized_at = Some(now);
            t.apologized_by = Some(actor.principal.user_id);
            summary["waited_minutes"] =
                json!((t.first_called_at.unwrap_or(now) - t.issued_at) / 60_000_000);
        }
        TicketAction::Transfer => {
            let to = to.unwrap_or_default();
            match (to.group_id, to.counter_id) {
                (Some(g), None) => {
                    let g = repo::group(&mut tx, g)
                        .await?
                        .filter(|g| g.office_id == o.id && g.active)
                        .ok_or(DomainError::field("queue-transfer-target", "group_id"))?;
                    t.group_id = g.id;
                    t.target_counter_id = None;
                    summary["to_group"] = json!(g.letter);
                }
                (None, Some(c)) => {
                    let c = repo::counter(&mut tx, c)
                        .await?
                        .filter(|c| c.office_id == o.id && c.id != k.id)
                        .ok_or(DomainError::field("queue-transfer-target", "counter_id"))?;
                    t.target_counter_id = Some(c.id);
                    summary["to_counter"] = json!(c.number);
                }
                _ => return Err(DomainError::field("queue-transfer-target", "group_id").into()),
            }
            t.counter_id = None;
            t.officer_id = None;
            t.serve_start = None;
            t.recalls = 0;
            t.transfers += 1;
        }
    }
    t.state = next.as_str().into();
    t.version += 1;
    if !repo::update_ticket(&mut tx, &t, before).await? {
        return Err(AppError::Conflict("queue-ticket-changed"));
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: match action {
                TicketAction::Recall => "queue.ticket.recall",
                TicketAction::Start => "queue.ticket.start",
                TicketAction::Transfer => "queue.ticket.transfer",
                TicketAction::NoShow => "queue.ticket.no-show",
                TicketAction::Finish => "queue.ticket.finish",
                TicketAction::Apologize => "queue.ticket.apologize",
            },
            role: role_str(role),
            office_id: Some(o.id),
            target_type: "ticket",
            target_id: Some(t.id.to_string()),
            summary,
        },
    )
    .await?;
    let call = (action == TicketAction::Recall).then_some(t.id);
    signal(app, &mut tx, o.id, call).await?;
    let v = view_in(&mut tx, now, t).await?;
    tx.commit().await?;
    app.live.publish(match call {
        Some(id) => Signal::call(o.id, id),
        None => Signal::change(o.id),
    });
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
    let before = t.version;
    t.notify_channel = Some(ch.as_str().to_string());
    t.notify_to = Some(to);
    t.notified_at = None;
    t.version += 1;
    repo::update_ticket(&mut tx, &t, before).await?;
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

/// What the counter page shows the officer.
#[derive(Debug, Clone)]
pub struct CounterDesk {
    pub duty: Option<(DutyRow, CounterInfo)>,
    pub current: Option<TicketView>,
    /// Offices where the officer may serve, with their configuration (to pick a counter).
    pub config: Option<QueueConfig>,
    pub offices: Vec<OfficeRow>,
    pub waiting: Vec<(GroupRow, usize)>,
}

/// The officer's counter, the ticket at it and the waiting counts of the office.
pub async fn desk(app: &App, actor: &Actor) -> Result<CounterDesk> {
    let now = app.now();
    let scopes = actor.principal.scopes(Perm::QueueServe);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.read().await?;
    let mut offices = Vec::new();
    for a in &actor.principal.assignments {
        if a.role.grants(Perm::QueueServe)
            && let Some(o) = office_repo::get(&mut tx, a.office_id).await?
            && !offices.iter().any(|x: &OfficeRow| x.id == o.id)
        {
            offices.push(o);
        }
    }
    let duty = repo::duty_of_user(&mut tx, actor.principal.user_id).await?;
    let mut out = CounterDesk {
        duty: None,
        current: None,
        config: None,
        offices,
        waiting: Vec::new(),
    };
    let office_id = match &duty {
        Some(d) => Some(d.office_id),
        None => out.offices.first().map(|o| o.id),
    };
    if let Some(d) = duty
        && let Some(k) = repo::counter(&mut tx, d.counter_id).await?
    {
        let at = repo::at_counters(&mut tx, d.office_id).await?;
        if let Some(t) = at.into_iter().find(|t| t.counter_id == Some(k.id)) {
            out.current = Some(view_in(&mut tx, now, t).await?);
        }
        out.duty = Some((d, k));
    }
    if let Some(id) = office_id {
        let o = office(&mut tx, id).await?;
        let c = config_in(&mut tx, o).await?;
        let waiting = repo::tickets_in_state(&mut tx, id, "waiting").await?;
        out.waiting = c
            .groups
            .iter()
            .map(|g| {
                (
                    g.clone(),
                    waiting.iter().filter(|t| t.group_id == g.id).count(),
                )
            })
            .collect();
        out.config = Some(c);
    }
    tx.commit().await?;
    Ok(out)
}

/// Attach a dossier received at the desk to the ticket being served there (same transaction as
/// the dossier's creation). Error: `queue-not-your-ticket` unless the ticket is called or served
/// at the officer's counter, in the dossier's office.
pub(crate) async fn attach_dossier(
    tx: &mut Tx,
    actor: &Actor,
    ticket_id: Uuid,
    dossier_id: Uuid,
    office_id: Uuid,
) -> Result<()> {
    let t = repo::ticket(tx, ticket_id)
        .await?
        .ok_or(DomainError::field("queue-not-your-ticket", "ticket_id"))?;
    let duty = repo::duty_of_user(tx, actor.principal.user_id).await?;
    let ok = t.office_id == office_id
        && TicketState::parse(&t.state).is_ok_and(|s| s.at_counter())
        && duty.is_some_and(|d| t.counter_id == Some(d.counter_id));
    if !ok {
        return Err(DomainError::field("queue-not-your-ticket", "ticket_id").into());
    }
    repo::link_dossier(tx, ticket_id, dossier_id).await?;
    Ok(())
}

/// The ticket a dossier came from: number, counter, officer and wait, for the dossier page.
pub async fn ticket_of_dossier(tx: &mut Tx, dossier_id: Uuid) -> Result<Option<TicketRow>> {
    Ok(repo::ticket_of_dossier(tx, dossier_id).await?)
}

/// Queue a live signal for other processes (delivered when `tx` commits).
async fn signal(app: &App, tx: &mut Tx, office_id: Uuid, call: Option<Uuid>) -> Result<()> {
    let s = match call {
        Some(t) => Signal::call(office_id, t),
        None => Signal::change(office_id),
    };
    app.live.notify(tx, &s).await
}

/// Where a dossier received at the desk came from in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketOrigin {
    pub number: String,
    pub counter: Option<i32>,
    pub officer: Option<String>,
    /// Minutes from taking the number to the first call.
    pub waited_minutes: Option<i64>,
}

/// The ticket a dossier was received from, for the dossier's page. The caller has already
/// checked that the actor may see the dossier.
pub async fn origin_of_dossier(app: &App, dossier_id: Uuid) -> Result<Option<TicketOrigin>> {
    let mut tx = app.db.read().await?;
    let Some(t) = repo::ticket_of_dossier(&mut tx, dossier_id).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    let counter = match t.counter_id {
        Some(k) => repo::counter(&mut tx, k).await?.map(|k| k.number),
        None => None,
    };
    let officer = match t.officer_id {
        Some(u) => congbo_store::repo::staff::get(&mut tx, u)
            .await?
            .map(|u| u.full_name),
        None => None,
    };
    tx.commit().await?;
    Ok(Some(TicketOrigin {
        number: t.number,
        counter,
        officer,
        waited_minutes: t.first_called_at.map(|c| (c - t.issued_at) / 60_000_000),
    }))
}
