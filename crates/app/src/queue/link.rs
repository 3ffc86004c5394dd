//! The dossiers received from a ticket: linked at intake (called by the dossier area, in its
//! transaction), and the ticket a dossier came from, for the dossier's page.

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::queue::TicketState;
use congbo_store::Tx;
use congbo_store::repo::queue::{self as repo, TicketRow};
use uuid::Uuid;

use crate::{Actor, App, Result};

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
