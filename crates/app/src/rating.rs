//! Satisfaction ratings: per-office settings, counter tablets paired with a one-time code, the
//! tablet's rating window after a ticket is finished, the one-time rating link of a dossier,
//! the recovery case a low score opens for the head of unit, what an officer and a head see,
//! figures per office, officer, procedure, service, counter and channel, and the codes of
//! conduct.
//!
//! Every rating, with its recovery case and its audit row, is written in one transaction.
//! Ratings are never updated or deleted; setting one aside writes a correction row.

use std::collections::BTreeMap;

use congbo_domain::DomainError;
use congbo_domain::conduct::CodeOfConduct;
use congbo_domain::dossier::{parse_email, parse_phone};
use congbo_domain::identity::Perm;
use congbo_domain::rating::{
    self as dom, Channel, Checked, Criterion, Indicator54, RatingSettings, Scale, Score,
    Submission, Summary,
};
use congbo_store::repo::dossier as dossier_repo;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::queue as queue_repo;
use congbo_store::repo::rating::{self as repo, CaseRow, DeviceRow, RatingRow};
use congbo_store::repo::staff as staff_repo;
use congbo_store::{StoreError, Tx};
use jiff::civil::Date;
use serde_json::json;
use uuid::Uuid;

use crate::access::{office, path, require};
use crate::audit::{self, Entry};
use crate::settings::rating_settings;
use crate::{Actor, App, AppError, Result, new_id, random_token, sha256_hex};
use congbo_domain::time::{days_range, local_date};

/// How long a pairing code works (micros): 15 minutes.
const PAIR_VALID: i64 = 15 * 60 * 1_000_000;

// ---------------------------------------------------------------------------------------------
// Settings and codes of conduct

/// An office's rating settings with the codes of conduct to choose from (staff of the office).
pub async fn settings(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
) -> Result<(OfficeRow, RatingSettings, Vec<CodeOfConduct>)> {
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::OfficeRead, &o)?;
    let s = rating_settings(&mut tx, office_id).await?;
    let codes = crate::conduct::codes_in(&mut tx).await?;
    tx.commit().await?;
    Ok((o, s, codes))
}

/// Save an office's rating settings. Errors: see [`RatingSettings::validate`].
pub async fn put_settings(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    s: &RatingSettings,
) -> Result<RatingSettings> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, office_id).await?;
    let role = require(actor, Perm::RatingManage, &o)?;
    s.validate(&crate::conduct::codes_in(&mut tx).await?)?;
    let body = serde_json::to_string(s).map_err(|e| AppError::Internal(e.to_string()))?;
    repo::put_settings(&mut tx, office_id, &body, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.settings",
            role: Some(role.as_str()),
            office_id: Some(office_id),
            target_type: "office",
            target_id: Some(office_id.to_string()),
            summary: serde_json::to_value(s).unwrap_or_default(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(s.clone())
}

// ---------------------------------------------------------------------------------------------
// Counter tablets

/// A pairing code just made: the tablet opens `/rate/{counter}/pair?code=…` within 15 minutes.
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
    let k = queue_repo::counter(&mut tx, counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    let o = office(&mut tx, k.office_id).await?;
    let role = require(actor, Perm::RatingManage, &o).map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("counter-not-found"),
        e => e,
    })?;
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
        "{}/rate/{counter_id}/pair?code={code}",
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
    let role = require(actor, Perm::RatingManage, &o)
        .map_err(|_| AppError::NotFound("rating-device-not-found"))?;
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
    let open = match open_ticket(&mut tx, counter_id, o.id, now).await? {
        Some((t, left)) => {
            let officer_name = match t.officer_id {
                Some(u) => staff_repo::get(&mut tx, u)
                    .await?
                    .map(|u| u.full_name)
                    .unwrap_or_default(),
                None => String::new(),
            };
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
    })
}

/// A contact the citizen leaves to be called back: a phone number or an e-mail address.
/// Error: `invalid-phone` / `invalid-email` (`contact`).
pub fn parse_contact(s: Option<&str>) -> Result<Option<(String, String)>> {
    let Some(s) = s.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let (channel, parsed) = if s.contains('@') {
        ("email", parse_email(s))
    } else {
        ("phone", parse_phone(s))
    };
    let v = parsed.map_err(|e| DomainError {
        field: Some("contact"),
        ..e
    })?;
    Ok(Some((channel.to_string(), v)))
}

/// What a rating is about, resolved before it is stored.
struct Subject {
    office_id: Uuid,
    subject_id: Uuid,
    ticket_id: Option<Uuid>,
    dossier_id: Option<Uuid>,
    counter_id: Option<Uuid>,
    officer_id: Option<Uuid>,
    procedure_code: Option<String>,
    group_id: Option<Uuid>,
    device_id: Option<Uuid>,
}

/// Write the rows of one submission, the recovery case when it is low, and the audit row.
#[allow(clippy::too_many_arguments)]
async fn store(
    tx: &mut Tx,
    now: i64,
    s: &RatingSettings,
    due: Date,
    subject: &Subject,
    channel: Channel,
    checked: &Checked,
    contact: Option<(String, String)>,
) -> Result<Receipt> {
    let submission = new_id();
    let day = local_date(now).to_string();
    let mut first = None;
    for (i, (criterion, score)) in checked.scores.iter().enumerate() {
        let r = RatingRow {
            id: new_id(),
            office_id: subject.office_id,
            subject_id: subject.subject_id,
            ticket_id: subject.ticket_id,
            dossier_id: subject.dossier_id,
            counter_id: subject.counter_id,
            officer_id: subject.officer_id,
            procedure_code: subject.procedure_code.clone(),
            group_id: subject.group_id,
            criterion: criterion.as_str().into(),
            channel: channel.as_str().into(),
            scale: score.scale.as_str().into(),
            value: i64::from(score.value),
            satisfied: score.is_satisfied(),
            low: score.is_low(s.low_at_or_below),
            // Reasons, comment and trips belong to the submission: kept on its first row.
            reasons: if i == 0 {
                serde_json::to_string(&checked.reasons).unwrap_or_else(|_| "[]".into())
            } else {
                "[]".into()
            },
            comment: if i == 0 {
                checked.comment.clone()
            } else {
                None
            },
            trips: if i == 0 {
                checked.trips.map(i64::from)
            } else {
                None
            },
            device_id: subject.device_id,
            submission_id: submission,
            at: now,
            day: day.clone(),
        };
        match repo::insert_rating(tx, &r).await {
            Err(StoreError::Duplicate(_)) => {
                return Err(AppError::Conflict("rating-already-given"));
            }
            res => res?,
        }
        first.get_or_insert(r.id);
    }
    let first = first.ok_or(DomainError::field("required", "value"))?;
    let case = if checked.low {
        let k = CaseRow {
            id: new_id(),
            office_id: subject.office_id,
            rating_id: first,
            officer_id: subject.officer_id,
            opened_at: now,
            due_date: due.to_string(),
            contact_channel: contact.as_ref().map(|c| c.0.clone()),
            contact_to: contact.map(|c| c.1),
            state: "open".into(),
            called_back: None,
            outcome: None,
            closed_by: None,
            closed_at: None,
            version: 1,
        };
        repo::insert_case(tx, &k).await?;
        Some(k.id)
    } else {
        None
    };
    let values: Vec<_> = checked
        .scores
        .iter()
        .map(|(c, sc)| json!({"criterion": c.as_str(), "value": sc.value}))
        .collect();
    audit::record_as(
        tx,
        now,
        None,
        match channel {
            Channel::CounterDevice => "device",
            Channel::Qr => "citizen",
        },
        None,
        Entry {
            action: "rating.give",
            role: None,
            office_id: Some(subject.office_id),
            target_type: if subject.ticket_id == Some(subject.subject_id) {
                "ticket"
            } else {
                "dossier"
            },
            target_id: Some(subject.subject_id.to_string()),
            summary: json!({
                "channel": channel.as_str(), "scores": values, "reasons": checked.reasons,
                "low": checked.low, "recovery_case": case, "device": subject.device_id,
            }),
        },
    )
    .await?;
    Ok(Receipt {
        rating_id: first,
        low: checked.low,
        recovery_case: case,
    })
}

/// What the citizen is told after rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub rating_id: Uuid,
    pub low: bool,
    pub recovery_case: Option<Uuid>,
}

/// The recovery deadline for a case opened now.
async fn recovery_due(app: &App, s: &RatingSettings, now: i64) -> Result<Date> {
    let cal = app.calendar().await?;
    Ok(cal.add_working_days(local_date(now), s.recovery_working_days))
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
    let contact = parse_contact(contact)?;
    let now = app.now();
    // Read what the rules need before the write transaction (SQLite's lock is held briefly).
    let (office_id, s) = {
        let mut tx = app.db.read().await?;
        let k = queue_repo::counter(&mut tx, counter_id)
            .await?
            .ok_or(AppError::NotFound("counter-not-found"))?;
        let s = rating_settings(&mut tx, k.office_id).await?;
        tx.commit().await?;
        (k.office_id, s)
    };
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
    let checked = dom::check(&s, &sub)?;
    let due = recovery_due(app, &s, now).await?;
    let mut tx = app.db.begin().await?;
    let device = device_of(&mut tx, counter_id, secret).await?;
    let (t, _) = open_ticket(&mut tx, counter_id, office_id, now)
        .await?
        .filter(|(t, _)| t.id == ticket_id)
        .ok_or(DomainError::new("rating-window-closed"))?;
    if staff.is_some_and(|a| Some(a.principal.user_id) == t.officer_id) {
        return Err(DomainError::new("rating-self").into());
    }
    let dossier = queue_repo::dossiers_of_ticket(&mut tx, t.id)
        .await?
        .into_iter()
        .next();
    let procedure_code = match dossier {
        Some((id, _)) => dossier_repo::get(&mut tx, id)
            .await?
            .map(|d| d.procedure_code),
        None => None,
    };
    let subject = Subject {
        office_id,
        subject_id: t.id,
        ticket_id: Some(t.id),
        dossier_id: dossier.map(|d| d.0),
        counter_id: Some(counter_id),
        officer_id: t.officer_id,
        procedure_code,
        group_id: Some(t.group_id),
        device_id: Some(device.id),
    };
    let r = store(
        &mut tx,
        now,
        &s,
        due,
        &subject,
        Channel::CounterDevice,
        &checked,
        contact,
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// What the rating page of a dossier shows.
#[derive(Debug, Clone)]
pub struct DossierRating {
    pub code: String,
    pub procedure_name: String,
    pub office: OfficeRow,
    pub settings: RatingSettings,
    pub already_rated: bool,
}

async fn dossier_by_token(
    tx: &mut Tx,
    code: &str,
    token: &str,
) -> Result<congbo_store::repo::dossier::DossierRow> {
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
    let contact = parse_contact(contact)?;
    let now = app.now();
    let (office_id, s) = {
        let mut tx = app.db.read().await?;
        let d = dossier_by_token(&mut tx, code, token).await?;
        let s = rating_settings(&mut tx, d.office_id).await?;
        tx.commit().await?;
        (d.office_id, s)
    };
    let checked = dom::check(&s, sub)?;
    let due = recovery_due(app, &s, now).await?;
    let mut tx = app.db.begin().await?;
    let d = dossier_by_token(&mut tx, code, token).await?;
    if !dom::link_open(d.closed_at, now, s.link_valid_days) {
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
        office_id,
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
    let r = store(
        &mut tx,
        now,
        &s,
        due,
        &subject,
        Channel::Qr,
        &checked,
        contact,
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// What staff see

/// One rating as an officer or a head sees it: never who gave it, nor the ticket or dossier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RatingLine {
    pub id: Uuid,
    pub day: String,
    pub channel: String,
    pub criterion: String,
    pub value: u8,
    pub label: String,
    pub satisfied: bool,
    pub low: bool,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
}

fn score_of(r: &RatingRow) -> Option<Score> {
    let scale = Scale::parse(&r.scale).ok()?;
    Score::new(scale, u8::try_from(r.value).ok()?).ok()
}

fn line(r: &RatingRow, s: &RatingSettings) -> RatingLine {
    let reasons: Vec<String> = serde_json::from_str(&r.reasons).unwrap_or_default();
    let score = score_of(r);
    RatingLine {
        id: r.id,
        day: r.day.clone(),
        channel: r.channel.clone(),
        criterion: r.criterion.clone(),
        value: score.map(|s| s.value).unwrap_or(0),
        label: score
            .map(|s| s.scale.label(s.value).to_string())
            .unwrap_or_default(),
        satisfied: r.satisfied,
        low: r.low,
        reasons: s.labels(&reasons),
        comment: r.comment.clone(),
    }
}

/// Counts per level, the satisfied share with its sample size, reasons given.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub n: u32,
    pub satisfied: u32,
    /// Omitted on no ratings.
    pub satisfied_pct: Option<f64>,
    /// Fewer than 30 ratings: a percentage is only indicative.
    pub small_sample: bool,
    pub mean_score: Option<f64>,
    pub levels: Vec<LevelCount>,
    pub reasons: Vec<ReasonCount>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LevelCount {
    pub scale: String,
    pub value: u8,
    pub label: String,
    pub n: u32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReasonCount {
    pub code: String,
    pub label: String,
    pub n: u32,
}

fn figure(key: String, label: String, rows: &[&RatingRow], s: &RatingSettings) -> Figure {
    let scores: Vec<Score> = rows.iter().filter_map(|r| score_of(r)).collect();
    let Summary {
        n,
        satisfied,
        satisfied_pct,
        small_sample,
        mean_score,
    } = dom::summarize(&scores);
    let mut levels: BTreeMap<(String, u8), u32> = BTreeMap::new();
    for sc in &scores {
        *levels
            .entry((sc.scale.as_str().to_string(), sc.value))
            .or_default() += 1;
    }
    let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
    for r in rows {
        for code in serde_json::from_str::<Vec<String>>(&r.reasons).unwrap_or_default() {
            *reasons.entry(code).or_default() += 1;
        }
    }
    let mut reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(code, n)| ReasonCount {
            label: s.labels(std::slice::from_ref(&code)).remove(0),
            code,
            n,
        })
        .collect();
    reasons.sort_by(|a, b| b.n.cmp(&a.n).then(a.code.cmp(&b.code)));
    Figure {
        key,
        label,
        n,
        satisfied,
        satisfied_pct,
        small_sample,
        mean_score,
        levels: levels
            .into_iter()
            .map(|((scale, value), n)| LevelCount {
                label: Scale::parse(&scale)
                    .map(|sc| sc.label(value).to_string())
                    .unwrap_or_default(),
                scale,
                value,
                n,
            })
            .collect(),
        reasons,
    }
}

/// A period of local days, `from..=to` ('YYYY-MM-DD'); by default this month up to today.
/// Error: `invalid-date` (`from` / `to`).
pub fn period(now: i64, from: Option<&str>, to: Option<&str>) -> Result<(Date, Date)> {
    let today = local_date(now);
    let parse = |s: Option<&str>, field: &'static str, default: Date| -> Result<Date> {
        match s.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(default),
            Some(s) => Date::strptime("%Y-%m-%d", s)
                .map_err(|_| DomainError::field("invalid-date", field).into()),
        }
    };
    let from = parse(from, "from", today.first_of_month())?;
    let to = parse(to, "to", today)?;
    if to < from {
        return Err(DomainError::field("invalid-date", "to").into());
    }
    Ok((from, to))
}

/// An officer's own ratings: totals, one line per month (the trend), the reasons given and
/// the ratings themselves, never who gave them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Mine {
    pub from: String,
    pub to: String,
    pub total: Figure,
    pub months: Vec<Figure>,
    pub ratings: Vec<RatingLine>,
}

/// The signed-in officer's own ratings over the period.
pub async fn mine(app: &App, actor: &Actor, from: Date, to: Date) -> Result<Mine> {
    let mut tx = app.db.read().await?;
    let rows = repo::ratings_of_officer(
        &mut tx,
        actor.principal.user_id,
        &from.to_string(),
        &to.to_string(),
    )
    .await?;
    // Labels of reasons from the settings of the offices where they were given.
    let mut settings: BTreeMap<Uuid, RatingSettings> = BTreeMap::new();
    for r in &rows {
        if let std::collections::btree_map::Entry::Vacant(e) = settings.entry(r.office_id) {
            e.insert(rating_settings(&mut tx, r.office_id).await?);
        }
    }
    tx.commit().await?;
    let default = RatingSettings::default();
    let s_of = |r: &RatingRow| settings.get(&r.office_id).unwrap_or(&default);
    // Totals and the trend count the overall criterion, as the office's figures do.
    let all: Vec<&RatingRow> = rows
        .iter()
        .filter(|r| r.criterion == Criterion::Overall.as_str())
        .collect();
    let mut months: BTreeMap<String, Vec<&RatingRow>> = BTreeMap::new();
    for r in &all {
        months.entry(r.day[..7].to_string()).or_default().push(r);
    }
    let first = rows.first().map(s_of).unwrap_or(&default);
    Ok(Mine {
        from: from.to_string(),
        to: to.to_string(),
        total: figure("all".into(), String::new(), &all, first),
        months: months
            .into_iter()
            .map(|(m, rs)| figure(m.clone(), m, &rs, first))
            .collect(),
        ratings: rows.iter().rev().map(|r| line(r, s_of(r))).collect(),
    })
}

/// How figures are broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Office,
    Officer,
    Procedure,
    Service,
    Counter,
    Channel,
    Criterion,
}

impl By {
    /// Error: `rating-unknown-breakdown` (`by`).
    pub fn parse(s: &str) -> Result<By> {
        Ok(match s {
            "office" | "" => By::Office,
            "officer" => By::Officer,
            "procedure" => By::Procedure,
            "service" => By::Service,
            "counter" => By::Counter,
            "channel" => By::Channel,
            "criterion" => By::Criterion,
            _ => return Err(DomainError::field("rating-unknown-breakdown", "by").into()),
        })
    }
}

/// Indicator 5.4 over the dossiers closed in the period, with its parts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Indicator {
    pub closed: u32,
    pub late: u32,
    pub disliked: u32,
    pub late_pct: f64,
    pub disliked_pct: f64,
    pub rate: f64,
    pub points: f64,
    pub max_points: f64,
}

/// An office's (and its subtree's) satisfaction figures for a period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Figures {
    pub office_id: Uuid,
    pub office_name: String,
    pub from: String,
    pub to: String,
    pub by: String,
    /// The overall criterion only: one number a head can compare.
    pub total: Figure,
    pub lines: Vec<Figure>,
    /// `None` when no dossier closed in the period (N/A, not 0).
    pub indicator_5_4: Option<Indicator>,
}

/// Indicator 5.4's maximum points (Decision 766).
const POINTS_5_4: f64 = 6.0;

/// Figures for the office's subtree: counts per level, satisfied share with its sample size,
/// mean score, top reasons, broken down `by`; the overall criterion is what totals count, the
/// `criterion` breakdown shows the others.
pub async fn figures(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    from: Date,
    to: Date,
    by: By,
) -> Result<Figures> {
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::RatingRead, &o)?;
    let rows = repo::ratings_under(&mut tx, &o.path, &from.to_string(), &to.to_string()).await?;
    let s = rating_settings(&mut tx, o.id).await?;
    let (start, end) = days_range(from, to);
    let closed = repo::dossiers_closed_under(&mut tx, &o.path, start, end).await?;
    let disliked = repo::disliked_dossiers(&mut tx, &o.path).await?;
    // Labels for the breakdown.
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let key = |r: &RatingRow| -> String {
        match by {
            By::Office => r.office_id.to_string(),
            By::Officer => r.officer_id.map(|u| u.to_string()).unwrap_or_default(),
            By::Procedure => r.procedure_code.clone().unwrap_or_default(),
            By::Service => r.group_id.map(|g| g.to_string()).unwrap_or_default(),
            By::Counter => r.counter_id.map(|k| k.to_string()).unwrap_or_default(),
            By::Channel => r.channel.clone(),
            By::Criterion => r.criterion.clone(),
        }
    };
    let mut groups: BTreeMap<String, Vec<&RatingRow>> = BTreeMap::new();
    for r in &rows {
        if by != By::Criterion && r.criterion != Criterion::Overall.as_str() {
            continue;
        }
        groups.entry(key(r)).or_default().push(r);
    }
    for k in groups.keys() {
        let label = if k.is_empty() {
            "—".to_string()
        } else {
            match by {
                By::Office => match k.parse() {
                    Ok(id) => office_repo::get(&mut tx, id).await?.map(|o| o.name),
                    Err(_) => None,
                }
                .unwrap_or_default(),
                By::Officer => match k.parse() {
                    Ok(id) => staff_repo::get(&mut tx, id).await?.map(|u| u.full_name),
                    Err(_) => None,
                }
                .unwrap_or_default(),
                By::Service => match k.parse() {
                    Ok(id) => queue_repo::group(&mut tx, id)
                        .await?
                        .map(|g| format!("{} · {}", g.letter, g.name)),
                    Err(_) => None,
                }
                .unwrap_or_default(),
                By::Counter => match k.parse() {
                    Ok(id) => queue_repo::counter(&mut tx, id)
                        .await?
                        .map(|c| format!("Quầy {}", c.number)),
                    Err(_) => None,
                }
                .unwrap_or_default(),
                By::Procedure => k.clone(),
                By::Channel => match k.as_str() {
                    "counter-device" => "Thiết bị tại quầy".into(),
                    "qr" => "Mã QR, đường dẫn".into(),
                    other => other.into(),
                },
                By::Criterion => Criterion::parse(k)
                    .map(|c| c.label_vi().to_string())
                    .unwrap_or(k.clone()),
            }
        };
        labels.insert(k.clone(), label);
    }
    tx.commit().await?;
    let overall: Vec<&RatingRow> = rows
        .iter()
        .filter(|r| r.criterion == Criterion::Overall.as_str())
        .collect();
    let total = figure("all".into(), o.name.clone(), &overall, &s);
    let mut lines: Vec<Figure> = groups
        .iter()
        .map(|(k, rs)| {
            figure(
                k.clone(),
                labels.get(k).cloned().unwrap_or_default(),
                rs,
                &s,
            )
        })
        .collect();
    lines.sort_by(|a, b| b.n.cmp(&a.n).then(a.label.cmp(&b.label)));
    let indicator = (!closed.is_empty()).then(|| {
        let n = closed.len() as u32;
        let late = closed
            .iter()
            .filter(|(_, t)| t.as_deref() == Some("late"))
            .count() as u32;
        let dis = closed
            .iter()
            .filter(|(id, _)| disliked.contains(id))
            .count() as u32;
        let late_pct = dom::share(late, n).unwrap_or(0.0);
        let disliked_pct = dom::share(dis, n).unwrap_or(0.0);
        let Indicator54 { rate, points } = dom::indicator_5_4(late_pct, disliked_pct, POINTS_5_4);
        Indicator {
            closed: n,
            late,
            disliked: dis,
            late_pct,
            disliked_pct,
            rate,
            points,
            max_points: POINTS_5_4,
        }
    });
    Ok(Figures {
        office_id: o.id,
        office_name: o.name,
        from: from.to_string(),
        to: to.to_string(),
        by: format!("{by:?}").to_lowercase(),
        total,
        lines,
        indicator_5_4: indicator,
    })
}

// ---------------------------------------------------------------------------------------------
// Recovery cases

/// A recovery case as the head (or a supervisor) sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseView {
    pub id: Uuid,
    pub office_id: Uuid,
    pub office_name: String,
    pub officer_name: Option<String>,
    pub opened_at: i64,
    pub due_date: String,
    pub overdue: bool,
    pub state: String,
    pub rating: RatingLine,
    /// Only for those who call back (`RecoveryHandle`); never for the officer rated.
    pub contact: Option<String>,
    pub called_back: Option<bool>,
    pub outcome: Option<String>,
    pub closed_at: Option<i64>,
}

/// The recovery cases of the office's subtree, open ones first; overdue ones flagged.
pub async fn cases(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    open_only: bool,
) -> Result<Vec<CaseView>> {
    let now = app.now();
    let today = local_date(now).to_string();
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::RatingRead, &o)?;
    let rows = repo::cases_under(&mut tx, &o.path, open_only).await?;
    let mut out = Vec::with_capacity(rows.len());
    for k in rows {
        let Some(r) = repo::rating(&mut tx, k.rating_id).await? else {
            continue;
        };
        let ko = office(&mut tx, k.office_id).await?;
        let s = rating_settings(&mut tx, k.office_id).await?;
        let officer_name = match k.officer_id {
            Some(u) => staff_repo::get(&mut tx, u).await?.map(|u| u.full_name),
            None => None,
        };
        let may_call = actor.principal.can(Perm::RecoveryHandle, &path(&ko))
            && Some(actor.principal.user_id) != k.officer_id;
        out.push(CaseView {
            id: k.id,
            office_id: k.office_id,
            office_name: ko.name,
            officer_name,
            opened_at: k.opened_at,
            overdue: k.state == "open" && k.due_date < today,
            due_date: k.due_date,
            state: k.state,
            rating: line(&r, &s),
            contact: if may_call { k.contact_to } else { None },
            called_back: k.called_back,
            outcome: k.outcome,
            closed_at: k.closed_at,
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// The head records what was done and closes the case. Errors: `recovery-case-not-found`
/// (404), `recovery-case-closed`, `required`/`too-long` (`outcome`), `rating-self` for the
/// officer who was rated.
pub async fn close_case(
    app: &App,
    actor: &Actor,
    case_id: Uuid,
    called_back: bool,
    outcome: &str,
) -> Result<()> {
    let outcome =
        congbo_domain::text::clean(&outcome.replace(['\r', '\n'], " "), "outcome", 1, 2000)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let mut k = repo::case(&mut tx, case_id)
        .await?
        .ok_or(AppError::NotFound("recovery-case-not-found"))?;
    let o = office(&mut tx, k.office_id).await?;
    let role = require(actor, Perm::RecoveryHandle, &o).map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("recovery-case-not-found"),
        e => e,
    })?;
    if Some(actor.principal.user_id) == k.officer_id {
        return Err(DomainError::new("rating-self").into());
    }
    if k.state != "open" {
        return Err(DomainError::new("recovery-case-closed").into());
    }
    let before = k.version;
    k.state = "closed".into();
    k.called_back = Some(called_back);
    k.outcome = Some(outcome);
    k.closed_by = Some(actor.principal.user_id);
    k.closed_at = Some(now);
    k.version += 1;
    if !repo::close_case(&mut tx, &k, before).await? {
        return Err(AppError::Conflict("recovery-case-changed"));
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.recovery.close",
            role: Some(role.as_str()),
            office_id: Some(k.office_id),
            target_type: "recovery-case",
            target_id: Some(k.id.to_string()),
            summary: json!({"called_back": called_back, "late": k.due_date < local_date(now).to_string()}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Set a rating aside (a test press, a device fault) with a reason: the rating stays, the
/// correction is a new audited row, and figures no longer count it. Errors:
/// `rating-not-found` (404), `required`/`too-long` (`reason`), `rating-already-corrected`
/// (409), `rating-self`.
pub async fn set_aside(app: &App, actor: &Actor, rating_id: Uuid, reason: &str) -> Result<()> {
    let reason = congbo_domain::text::clean(reason, "reason", 1, 500)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let r = repo::rating(&mut tx, rating_id)
        .await?
        .ok_or(AppError::NotFound("rating-not-found"))?;
    let o = office(&mut tx, r.office_id).await?;
    let role = require(actor, Perm::RecoveryHandle, &o).map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("rating-not-found"),
        e => e,
    })?;
    if Some(actor.principal.user_id) == r.officer_id {
        return Err(DomainError::new("rating-self").into());
    }
    match repo::insert_correction(
        &mut tx,
        new_id(),
        rating_id,
        &reason,
        actor.principal.user_id,
        now,
    )
    .await
    {
        Err(StoreError::Duplicate(_)) => {
            return Err(AppError::Conflict("rating-already-corrected"));
        }
        res => res?,
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.set-aside",
            role: Some(role.as_str()),
            office_id: Some(r.office_id),
            target_type: "rating",
            target_id: Some(rating_id.to_string()),
            summary: json!({"reason": reason, "value": r.value, "channel": r.channel}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
