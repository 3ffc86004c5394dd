//! The dossiers received from a ticket: linked at intake (called by the dossier area, in its
//! transaction), and the ticket a dossier came from, for the dossier's page.

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::queue::TicketState;
use congbo_store::Tx;
use congbo_store::repo::queue::{self as repo, TicketRow};
use serde_json::json;
use uuid::Uuid;

use super::live::Signal;
use super::role_str;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result};

/// A dossier received from the ticket at the officer's counter.
pub(crate) struct Attach<'a> {
    pub ticket_id: Uuid,
    pub dossier_id: Uuid,
    pub dossier_code: &'a str,
    pub office_id: Uuid,
    /// The citizen has nothing more at this counter: the ticket is finished with the intake, so
    /// the lobby display, the citizen's phone and the counter's rating tablet move on at once.
    /// `false` keeps it at the counter for a further dossier.
    pub finish: bool,
    pub now: i64,
}

/// Attach a dossier received at the desk to the ticket being served there, in the dossier's
/// transaction, and finish the ticket unless the officer keeps it for another dossier. Returns
/// the live signal to publish once that transaction commits (queued for other processes in it).
/// Error: `queue-not-your-ticket` unless the ticket is called or served at the officer's
/// counter, in the dossier's office.
pub(crate) async fn attach_dossier(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    a: Attach<'_>,
) -> Result<Option<Signal>> {
    let t = repo::ticket_for_update(tx, a.ticket_id)
        .await?
        .ok_or(DomainError::field("queue-not-your-ticket", "ticket_id"))?;
    let duty = repo::duty_of_user(tx, actor.principal.user_id).await?;
    let ok = t.office_id == a.office_id
        && TicketState::parse(&t.state).is_ok_and(|s| s.at_counter())
        && duty.is_some_and(|d| t.counter_id == Some(d.counter_id));
    if !ok {
        return Err(DomainError::field("queue-not-your-ticket", "ticket_id").into());
    }
    repo::link_dossier(tx, a.ticket_id, a.dossier_id).await?;
    if !a.finish {
        return Ok(None);
    }
    finish_with_intake(tx, actor, t, &a).await?;
    let s = Signal::change(a.office_id);
    app.live.notify(tx, &s).await?;
    Ok(Some(s))
}

/// The ticket's service ends with the intake (a called ticket was served from its call).
async fn finish_with_intake(
    tx: &mut Tx,
    actor: &Actor,
    mut t: TicketRow,
    a: &Attach<'_>,
) -> Result<()> {
    let o = crate::access::office(tx, t.office_id).await?;
    let role = crate::access::require(actor, Perm::QueueServe, &o)?;
    let old = t.clone();
    let before = t.version;
    t.serve_start.get_or_insert(a.now);
    t.serve_end = Some(a.now);
    t.closed_at = Some(a.now);
    t.state = TicketState::Done.as_str().into();
    t.version += 1;
    if !repo::update_ticket(tx, &t, before).await? {
        return Err(AppError::Conflict("queue-ticket-changed"));
    }
    crate::report::rollup::ticket_changed(tx, Some(&old), &t).await?;
    let counter = match t.counter_id {
        Some(k) => repo::counter(tx, k).await?.map(|k| k.number),
        None => None,
    };
    audit::record(
        tx,
        a.now,
        actor,
        Entry {
            action: "queue.ticket.finish",
            role: role_str(role),
            office_id: Some(t.office_id),
            target_type: "ticket",
            target_id: Some(t.id.to_string()),
            summary: json!({"number": t.number, "counter": counter, "dossier": a.dossier_code}),
        },
    )
    .await?;
    Ok(())
}

/// The ticket a dossier came from: number, counter, officer and wait, for the dossier page.
pub async fn ticket_of_dossier(tx: &mut Tx, dossier_id: Uuid) -> Result<Option<TicketRow>> {
    Ok(repo::ticket_of_dossier(tx, dossier_id).await?)
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

/// The ticket a dossier was received from, for the dossier's page: shown only to those who
/// may read dossiers at the ticket's office (`None` otherwise, as for a dossier without one).
pub async fn origin_of_dossier(
    app: &App,
    actor: &Actor,
    dossier_id: Uuid,
) -> Result<Option<TicketOrigin>> {
    let mut tx = app.db.read().await?;
    let Some(t) = repo::ticket_of_dossier(&mut tx, dossier_id).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    let o = crate::access::office(&mut tx, t.office_id).await?;
    if !actor
        .principal
        .can(Perm::DossierRead, &crate::access::path(&o))
    {
        tx.commit().await?;
        return Ok(None);
    }
    let counter = match t.counter_id {
        Some(k) => repo::counter(&mut tx, k).await?.map(|k| k.number),
        None => None,
    };
    let officer = crate::staff::name_of(&mut tx, t.officer_id).await?;
    tx.commit().await?;
    Ok(Some(TicketOrigin {
        number: t.number,
        counter,
        officer,
        waited_minutes: t.first_called_at.map(|c| (c - t.issued_at) / 60_000_000),
    }))
}
