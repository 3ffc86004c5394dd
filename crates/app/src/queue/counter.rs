//! The counter: an officer signs in at a counter, calls the next citizen, serves, finishes,
//! transfers, recalls, records a no-show or an apology; the counter page's data.

use congbo_domain::DomainError;
use congbo_domain::identity::{Perm, Role};
use congbo_domain::queue::{self as dom, CallContext, Candidate, TicketAction, TicketState};
use congbo_domain::time::local_date;
use congbo_store::Tx;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::queue::{self as repo, CounterInfo, DutyRow, GroupRow, TicketRow};
use serde_json::{Value, json};
use uuid::Uuid;

use super::config::{QueueConfig, config_in};
use super::live::Signal;
use super::notify::{Call, notify_near};
use super::order::{candidate, streak};
use super::ticket::{TicketView, view_in};
use super::{commit_with, role_str};
use crate::access::{counter_for, office, path, require};
use crate::audit::{self, Entry};
use crate::settings::queue_settings;
use crate::{Actor, App, AppError, Result};

/// Sign the officer in at a counter of an office where they serve the queue.
pub async fn sign_in(app: &App, actor: &Actor, counter_id: Uuid) -> Result<CounterInfo> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (k, role) = counter_for(&mut tx, actor, Perm::QueueServe, counter_id).await?;
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
    commit_with(app, tx, Signal::change(k.office_id)).await?;
    Ok(k)
}

/// Sign out every officer still at a counter from a previous local day (the rule
/// [`dom::duty_current`]); `congbo serve` runs it every minute, so counters close at the end of
/// the day even when nobody pressed "Rời quầy". A ticket still at such a counter stays there
/// for the officer to finish. Returns how many were signed out.
pub async fn end_of_day(app: &App) -> Result<usize> {
    let now = app.now();
    let today = congbo_domain::time::day_start(local_date(now));
    let mut tx = app.db.begin().await?;
    let stale = repo::duty_since_before(&mut tx, today).await?;
    let mut offices: Vec<Uuid> = Vec::new();
    for d in &stale {
        repo::sign_out(&mut tx, d.user_id).await?;
        let entry = Entry {
            action: "queue.counter.sign-out",
            role: None,
            office_id: Some(d.office_id),
            target_type: "counter",
            target_id: Some(d.counter_id.to_string()),
            summary: json!({"user": d.user_id, "since": d.since, "reason": "end-of-day"}),
        };
        audit::record_as(&mut tx, now, None, "system", None, entry).await?;
        if !offices.contains(&d.office_id) {
            offices.push(d.office_id);
        }
    }
    for o in &offices {
        app.live.notify(&mut tx, &Signal::change(*o)).await?;
    }
    tx.commit().await?;
    for o in offices {
        app.live.publish(Signal::change(o));
    }
    Ok(stale.len())
}

/// A ticket is called or served at the counter.
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
    commit_with(app, tx, Signal::change(d.office_id)).await
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

/// A counter named in the request exists for the caller only inside their offices.
async fn visible_counter(tx: &mut Tx, actor: &Actor, counter_id: Uuid) -> Result<()> {
    let named = repo::counter(tx, counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    let named_office = office(tx, named.office_id).await?;
    if !actor.principal.can(Perm::OfficeRead, &path(&named_office)) {
        return Err(AppError::NotFound("counter-not-found"));
    }
    Ok(())
}

/// The ticket the counter calls next among the office's waiting ones. Error: `queue-empty`.
fn pick(waiting: &[TicketRow], ctx: &CallContext<'_>) -> Result<TicketRow> {
    let candidates: Vec<Candidate> = waiting.iter().map(candidate).collect();
    let chosen = dom::pick_next(&candidates, ctx)
        .map(|c| c.id)
        .ok_or(DomainError::new("queue-empty"))?;
    waiting
        .iter()
        .find(|t| t.id == chosen)
        .cloned()
        .ok_or(AppError::Internal("chosen ticket vanished".into()))
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
        visible_counter(&mut tx, actor, c).await?;
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
    let ctx = CallContext {
        counter_id: k.id,
        groups: &groups,
        priority_streak: st,
        priority_burst: s.priority_burst,
    };
    let mut t = pick(&waiting, &ctx)?;
    let old = t.clone();
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
    crate::report::rollup::ticket_changed(&mut tx, Some(&old), &t).await?;
    let call = Call {
        office: &o,
        settings: &s,
        waiting: &waiting,
        called: t.id,
        streak: st,
        now,
    };
    notify_near(&mut tx, app, &call).await?;
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
    let v = view_in(&mut tx, now, t).await?;
    commit_with(app, tx, Signal::call(o.id, v.row.id)).await?;
    Ok(v)
}

/// Where a transferred ticket goes.
#[derive(Debug, Clone, Default)]
pub struct TransferTo {
    pub group_id: Option<Uuid>,
    pub counter_id: Option<Uuid>,
}

/// Send the ticket at counter `k` to exactly one active group or one other counter of its office.
/// Error: `queue-transfer-target`.
async fn transfer(
    tx: &mut Tx,
    t: &mut TicketRow,
    to: TransferTo,
    k: &CounterInfo,
    summary: &mut Value,
) -> Result<()> {
    match (to.group_id, to.counter_id) {
        (Some(g), None) => {
            let g = repo::group(tx, g)
                .await?
                .filter(|g| g.office_id == t.office_id && g.active)
                .ok_or(DomainError::field("queue-transfer-target", "group_id"))?;
            t.group_id = g.id;
            t.target_counter_id = None;
            summary["to_group"] = json!(g.letter);
        }
        (None, Some(c)) => {
            let c = repo::counter(tx, c)
                .await?
                .filter(|c| c.office_id == t.office_id && c.id != k.id)
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
    Ok(())
}

/// What an action other than a transfer records on the ticket (and in the audit summary).
fn mark(t: &mut TicketRow, action: TicketAction, now: i64, officer: Uuid, summary: &mut Value) {
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
            t.apologized_by = Some(officer);
            summary["waited_minutes"] =
                json!((t.first_called_at.unwrap_or(now) - t.issued_at) / 60_000_000);
        }
        TicketAction::Transfer => {}
    }
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
    let recalls = t.recalls as u32;
    let next = dom::apply(state, recalls, t.apologized_at.is_some(), action, &s)?;
    if d.office_id != t.office_id || t.counter_id != Some(k.id) {
        return Err(DomainError::new("queue-not-your-ticket").into());
    }
    let old = t.clone();
    let before = t.version;
    let mut summary = json!({"number": t.number, "counter": k.number});
    match action {
        TicketAction::Transfer => {
            let to = to.unwrap_or_default();
            transfer(&mut tx, &mut t, to, &k, &mut summary).await?;
        }
        _ => mark(&mut t, action, now, actor.principal.user_id, &mut summary),
    }
    t.state = next.as_str().into();
    t.version += 1;
    if !repo::update_ticket(&mut tx, &t, before).await? {
        return Err(AppError::Conflict("queue-ticket-changed"));
    }
    crate::report::rollup::ticket_changed(&mut tx, Some(&old), &t).await?;
    let name = format!("queue.ticket.{}", action.as_str());
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: &name,
            role: role_str(role),
            office_id: Some(o.id),
            target_type: "ticket",
            target_id: Some(t.id.to_string()),
            summary,
        },
    )
    .await?;
    let v = view_in(&mut tx, now, t).await?;
    let signal = match action {
        TicketAction::Recall => Signal::call(o.id, v.row.id),
        _ => Signal::change(o.id),
    };
    commit_with(app, tx, signal).await?;
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
    /// The officer may receive dossiers (DossierIntake somewhere): the page offers to start an
    /// intake from the ticket being served.
    pub may_intake: bool,
}

/// The offices where the officer serves the queue, each once.
async fn serving_offices(tx: &mut Tx, actor: &Actor) -> Result<Vec<OfficeRow>> {
    let mut offices: Vec<OfficeRow> = Vec::new();
    for a in &actor.principal.assignments {
        if a.role.grants(Perm::QueueServe)
            && let Some(o) = office_repo::get(tx, a.office_id).await?
            && !offices.iter().any(|x| x.id == o.id)
        {
            offices.push(o);
        }
    }
    Ok(offices)
}

/// The office's configuration and how many wait for each of its groups.
async fn office_desk(
    tx: &mut Tx,
    office_id: Uuid,
) -> Result<(QueueConfig, Vec<(GroupRow, usize)>)> {
    let o = office(tx, office_id).await?;
    let c = config_in(tx, o).await?;
    let waiting = repo::tickets_in_state(tx, office_id, "waiting").await?;
    let counts = c
        .groups
        .iter()
        .map(|g| {
            let n = waiting.iter().filter(|t| t.group_id == g.id).count();
            (g.clone(), n)
        })
        .collect();
    Ok((c, counts))
}

/// The officer's counter, the ticket at it and the waiting counts of the office.
pub async fn desk(app: &App, actor: &Actor) -> Result<CounterDesk> {
    let now = app.now();
    if actor.principal.scopes(Perm::QueueServe).is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.read().await?;
    let offices = serving_offices(&mut tx, actor).await?;
    let duty = repo::duty_of_user(&mut tx, actor.principal.user_id).await?;
    let office_id = match &duty {
        Some(d) => Some(d.office_id),
        None => offices.first().map(|o| o.id),
    };
    let mut out = CounterDesk {
        duty: None,
        current: None,
        config: None,
        offices,
        waiting: Vec::new(),
        may_intake: !actor.principal.scopes(Perm::DossierIntake).is_empty(),
    };
    // A place left from a previous day is over (the end-of-day task removes it).
    let duty = duty.filter(|d| dom::duty_current(d.since, now));
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
        let (c, waiting) = office_desk(&mut tx, id).await?;
        out.config = Some(c);
        out.waiting = waiting;
    }
    tx.commit().await?;
    Ok(out)
}
