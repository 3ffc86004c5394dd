//! A dossier's one-time rating link: the page it opens and the rating given through it.

use congbo_domain::DomainError;
use congbo_domain::rating::{self as dom, Channel, RatingSettings, Submission};
use congbo_store::Tx;
use congbo_store::repo::dossier::{self as dossier_repo, DossierRow};
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::queue as queue_repo;
use congbo_store::repo::rating as repo;

use super::give::{Receipt, Subject, ready};
use crate::access::office;
use crate::settings::rating_settings;
use crate::{Actor, App, AppError, Result};

/// What the rating page of a dossier shows.
#[derive(Debug, Clone)]
pub struct DossierRating {
    pub code: String,
    pub procedure_name: String,
    pub office: OfficeRow,
    pub settings: RatingSettings,
    pub already_rated: bool,
}

async fn dossier_by_token(tx: &mut Tx, code: &str, token: &str) -> Result<DossierRow> {
    let d = dossier_repo::get_by_code(tx, code.trim())
        .await?
        .filter(|d| {
            let want = crate::links::rating_token(d.id, &d.secret);
            want.len() == token.trim().len()
                && want
                    .bytes()
                    .zip(token.trim().bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        })
        .ok_or(AppError::NotFound("rating-token-invalid"))?;
    Ok(d)
}

/// The rating page of a dossier (public, with the link's token). Errors:
/// `rating-token-invalid` (404: unknown code or forged token), `rating-token-expired`.
pub async fn dossier_page(app: &App, code: &str, token: &str) -> Result<DossierRating> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let d = dossier_by_token(&mut tx, code, token).await?;
    let s = rating_settings(&mut tx, d.office_id).await?;
    if !dom::link_open(d.closed_at, now, s.link_valid_days) {
        return Err(DomainError::new("rating-token-expired").into());
    }
    let o = office(&mut tx, d.office_id).await?;
    let already = repo::rated(&mut tx, d.id, Channel::Qr.as_str()).await?;
    tx.commit().await?;
    Ok(DossierRating {
        code: d.code,
        procedure_name: d.procedure_name,
        office: o,
        settings: s,
        already_rated: already,
    })
}

/// The citizen rates a dossier through its link: overall, timeliness, attitude, trips.
/// Errors: those of [`dossier_page`], `rating-self` (the officer who received or holds it,
/// signed in on this browser), `rating-already-given` (409), and [`dom::check`]'s.
pub async fn rate_dossier(
    app: &App,
    code: &str,
    token: &str,
    sub: &Submission,
    contact: Option<&str>,
    staff: Option<&Actor>,
) -> Result<Receipt> {
    let ready = ready(app, sub, contact, async |tx| {
        Ok(dossier_by_token(tx, code, token).await?.office_id)
    })
    .await?;
    let mut tx = app.db.begin().await?;
    let d = dossier_by_token(&mut tx, code, token).await?;
    if !dom::link_open(d.closed_at, ready.now, ready.settings.link_valid_days) {
        return Err(DomainError::new("rating-token-expired").into());
    }
    if let Some(a) = staff {
        let me = Some(a.principal.user_id);
        if me == d.received_by || me == d.assignee_id {
            return Err(DomainError::new("rating-self").into());
        }
    }
    let ticket = queue_repo::ticket_of_dossier(&mut tx, d.id).await?;
    let subject = Subject {
        office_id: ready.office_id,
        subject_id: d.id,
        ticket_id: ticket.as_ref().map(|t| t.id),
        dossier_id: Some(d.id),
        counter_id: ticket.as_ref().and_then(|t| t.counter_id),
        // The officer who received the dossier at the desk is the one the citizen met.
        officer_id: d.received_by.or(ticket.as_ref().and_then(|t| t.officer_id)),
        procedure_code: Some(d.procedure_code.clone()),
        group_id: ticket.as_ref().map(|t| t.group_id),
        device_id: None,
    };
    let r = ready.store(&mut tx, subject, Channel::Qr).await?;
    tx.commit().await?;
    Ok(r)
}
