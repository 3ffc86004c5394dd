//! Counter tablets: pairing with a one-time code, unpairing, the tablet's rating window after
//! a ticket is finished, and the rating given on it.

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::rating::{self as dom, Channel, Criterion, RatingSettings, Scale, Submission};
use congbo_store::Tx;
use congbo_store::repo::dossier as dossier_repo;
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::queue as queue_repo;
use congbo_store::repo::rating::{self as repo, DeviceRow};
use serde_json::json;
use uuid::Uuid;

use super::give::{Receipt, Subject, ready};
use crate::access::{counter_for, office, require, require_as};
use crate::audit::{self, Entry};
use crate::settings::rating_settings;
use crate::staff::name_of;
use crate::{Actor, App, AppError, Result, new_id, random_token, sha256_hex};

/// How long a pairing code works (micros): 15 minutes.
const PAIR_VALID: i64 = 15 * 60 * 1_000_000;

// Counter tablets

/// A pairing code just made: the tablet opens `/may-danh-gia/{counter}/ghep?code=…` within 15 minutes.
#[derive(Debug, Clone)]
pub struct Pairing {
    pub device: DeviceRow,
    pub counter_number: i32,
    pub code: String,
    pub url: String,
}

/// Start pairing a tablet with a counter (head or administrator of the office).
pub async fn pair_start(app: &App, actor: &Actor, counter_id: Uuid) -> Result<Pairing> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (k, role) = counter_for(&mut tx, actor, Perm::RatingManage, counter_id).await?;
    let code = random_token()[..24].to_string();
    let device = DeviceRow {
        id: new_id(),
        office_id: k.office_id,
        counter_id,
        pair_hash: Some(sha256_hex(&code)),
        pair_expires: now + PAIR_VALID,
        secret_hash: None,
        created_by: actor.principal.user_id,
        created_at: now,
        paired_at: None,
        revoked_at: None,
    };
    repo::insert_device(&mut tx, &device).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.device.pair-start",
            role: Some(role.as_str()),
            office_id: Some(k.office_id),
            target_type: "rating-device",
            target_id: Some(device.id.to_string()),
            summary: json!({"counter": k.number}),
        },
    )
    .await?;
    tx.commit().await?;
    let url = format!(
        "{}/may-danh-gia/{counter_id}/ghep?code={code}",
        app.settings.public_url.trim_end_matches('/')
    );
    Ok(Pairing {
        device,
        counter_number: k.number,
        code,
        url,
    })
}

/// The tablet opens the pairing link: the code is used up and the tablet gets its secret (kept
/// in a cookie). Error: `rating-pair-invalid` for an unknown, used, expired or revoked code or
/// another counter's.
pub async fn pair_complete(app: &App, counter_id: Uuid, code: &str) -> Result<String> {
    let now = app.now();
    let bad = || AppError::Invalid(DomainError::new("rating-pair-invalid"));
    let mut tx = app.db.begin().await?;
    let d = repo::device_by_pair_hash(&mut tx, &sha256_hex(code.trim()))
        .await?
        .filter(|d| d.counter_id == counter_id && d.revoked_at.is_none())
        .ok_or_else(bad)?;
    if now > d.pair_expires {
        return Err(bad());
    }
    let secret = random_token();
    if !repo::pair_device(&mut tx, d.id, &sha256_hex(&secret), now).await? {
        return Err(bad());
    }
    audit::record_as(
        &mut tx,
        now,
        None,
        "device",
        None,
        Entry {
            action: "rating.device.paired",
            role: None,
            office_id: Some(d.office_id),
            target_type: "rating-device",
            target_id: Some(d.id.to_string()),
            summary: json!({"counter_id": counter_id}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// Unpair a tablet.
pub async fn revoke_device(app: &App, actor: &Actor, device_id: Uuid) -> Result<()> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let d = repo::device(&mut tx, device_id)
        .await?
        .ok_or(AppError::NotFound("rating-device-not-found"))?;
    let o = office(&mut tx, d.office_id).await?;
    let role = require_as(actor, Perm::RatingManage, &o, "rating-device-not-found")?;
    repo::revoke_device(&mut tx, device_id, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.device.revoke",
            role: Some(role.as_str()),
            office_id: Some(d.office_id),
            target_type: "rating-device",
            target_id: Some(device_id.to_string()),
            summary: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The office's paired (or pairing) tablets.
pub async fn devices(app: &App, actor: &Actor, office_id: Uuid) -> Result<Vec<DeviceRow>> {
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::RatingManage, &o)?;
    let d = repo::devices(&mut tx, office_id).await?;
    tx.commit().await?;
    Ok(d)
}

/// The device behind a tablet's secret, if it is paired with this counter.
async fn device_of(tx: &mut Tx, counter_id: Uuid, secret: Option<&str>) -> Result<DeviceRow> {
    let unpaired = || AppError::Invalid(DomainError::new("rating-device-unpaired"));
    let secret = secret.filter(|s| !s.is_empty()).ok_or_else(unpaired)?;
    repo::device_by_secret(tx, &sha256_hex(secret))
        .await?
        .filter(|d| d.counter_id == counter_id && d.revoked_at.is_none())
        .ok_or_else(unpaired)
}

/// The ticket the tablet may rate now.
#[derive(Debug, Clone)]
pub struct OpenTicket {
    pub ticket_id: Uuid,
    pub number: String,
    pub officer_name: String,
    pub seconds_left: u32,
}

/// What the counter tablet shows: locked, or open for the ticket just finished.
#[derive(Debug, Clone)]
pub struct Tablet {
    pub office: OfficeRow,
    pub counter_number: i32,
    pub scale: Scale,
    pub settings: RatingSettings,
    pub open: Option<OpenTicket>,
    /// The whole rating window (seconds; the queue setting), for the countdown's bar.
    pub window_seconds: u32,
}

async fn open_ticket(
    tx: &mut Tx,
    counter_id: Uuid,
    office_id: Uuid,
    now: i64,
) -> Result<Option<(queue_repo::TicketRow, u32)>> {
    let window = crate::settings::queue_settings(tx, office_id)
        .await?
        .rating_window_seconds;
    let Some(t) = queue_repo::last_finished_at(tx, counter_id).await? else {
        return Ok(None);
    };
    let Some(end) = t.serve_end else {
        return Ok(None);
    };
    if !dom::window_open(end, now, window)
        || repo::rated(tx, t.id, Channel::CounterDevice.as_str()).await?
    {
        return Ok(None);
    }
    Ok(Some((t, dom::window_left(end, now, window))))
}

/// The tablet's state. Error: `rating-device-unpaired` unless the device secret belongs to a
/// tablet paired with this counter.
pub async fn tablet(app: &App, counter_id: Uuid, secret: Option<&str>) -> Result<Tablet> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let k = queue_repo::counter(&mut tx, counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    device_of(&mut tx, counter_id, secret).await?;
    let o = office(&mut tx, k.office_id).await?;
    let settings = rating_settings(&mut tx, o.id).await?;
    let window_seconds = crate::settings::queue_settings(&mut tx, o.id)
        .await?
        .rating_window_seconds;
    let open = match open_ticket(&mut tx, counter_id, o.id, now).await? {
        Some((t, left)) => {
            let officer_name = name_of(&mut tx, t.officer_id).await?.unwrap_or_default();
            Some(OpenTicket {
                ticket_id: t.id,
                number: t.number,
                officer_name,
                seconds_left: left,
            })
        }
        None => None,
    };
    tx.commit().await?;
    Ok(Tablet {
        office: o,
        counter_number: k.number,
        scale: settings.scale,
        settings,
        open,
        window_seconds,
    })
}

/// What a ticket's rating is about: the ticket, its first dossier and that one's procedure,
/// the counter, the officer who served and the service.
async fn ticket_subject(
    tx: &mut Tx,
    t: &queue_repo::TicketRow,
    office_id: Uuid,
    counter_id: Uuid,
    device_id: Uuid,
) -> Result<Subject> {
    let dossier = queue_repo::dossiers_of_ticket(tx, t.id)
        .await?
        .into_iter()
        .next();
    let procedure_code = match dossier {
        Some((id, _)) => dossier_repo::get(tx, id).await?.map(|d| d.procedure_code),
        None => None,
    };
    Ok(Subject {
        office_id,
        subject_id: t.id,
        ticket_id: Some(t.id),
        dossier_id: dossier.map(|d| d.0),
        counter_id: Some(counter_id),
        officer_id: t.officer_id,
        procedure_code,
        group_id: Some(t.group_id),
        device_id: Some(device_id),
    })
}

/// The citizen rates the ticket just finished at the counter, on the paired tablet.
///
/// `staff` is the staff member signed in on the same browser, if any: an officer cannot rate
/// their own service. Errors: `rating-device-unpaired`, `rating-window-closed` (the window
/// passed, or the ticket is not the one just finished here), `rating-self`,
/// `rating-already-given` (409), and the checks of [`dom::check`].
pub async fn rate_at_counter(
    app: &App,
    counter_id: Uuid,
    secret: Option<&str>,
    ticket_id: Uuid,
    sub: &Submission,
    contact: Option<&str>,
    staff: Option<&Actor>,
) -> Result<Receipt> {
    // The tablet asks the overall score only.
    let sub = Submission {
        values: sub
            .values
            .iter()
            .filter(|(c, _)| *c == Criterion::Overall)
            .copied()
            .collect(),
        trips: None,
        ..sub.clone()
    };
    let ready = ready(app, &sub, contact, async |tx| {
        let k = queue_repo::counter(tx, counter_id)
            .await?
            .ok_or(AppError::NotFound("counter-not-found"))?;
        Ok(k.office_id)
    })
    .await?;
    let (now, office_id) = (ready.now, ready.office_id);
    let mut tx = app.db.begin().await?;
    let device = device_of(&mut tx, counter_id, secret).await?;
    // A second try on the same service says so, as the rating link does (not "time is up").
    if repo::rated(&mut tx, ticket_id, Channel::CounterDevice.as_str()).await? {
        return Err(AppError::Conflict("rating-already-given"));
    }
    let (t, _) = open_ticket(&mut tx, counter_id, office_id, now)
        .await?
        .filter(|(t, _)| t.id == ticket_id)
        .ok_or(DomainError::new("rating-window-closed"))?;
    if staff.is_some_and(|a| Some(a.principal.user_id) == t.officer_id) {
        return Err(DomainError::new("rating-self").into());
    }
    let subject = ticket_subject(&mut tx, &t, office_id, counter_id, device.id).await?;
    let r = ready
        .store(&mut tx, subject, Channel::CounterDevice)
        .await?;
    tx.commit().await?;
    Ok(r)
}
