//! Storing a rating: its rows (one per criterion), the recovery case a low score opens, the
//! audit row; and the contact a citizen leaves to be called back.

use congbo_domain::DomainError;
use congbo_domain::dossier::{parse_email, parse_phone};
use congbo_domain::rating::{self as dom, Channel, Checked, RatingSettings, Submission};
use congbo_store::repo::rating::{self as repo, CaseRow, RatingRow};
use congbo_store::{StoreError, Tx};
use jiff::civil::Date;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::settings::rating_settings;
use crate::{App, AppError, Result, new_id};
use congbo_domain::time::local_date;

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
pub(super) struct Subject {
    pub office_id: Uuid,
    pub subject_id: Uuid,
    pub ticket_id: Option<Uuid>,
    pub dossier_id: Option<Uuid>,
    pub counter_id: Option<Uuid>,
    pub officer_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    pub group_id: Option<Uuid>,
    pub device_id: Option<Uuid>,
}

/// One submission, checked, with what it is about and where it came from.
struct Giving<'a> {
    pub now: i64,
    pub settings: &'a RatingSettings,
    /// The recovery deadline, should the rating be low.
    pub due: Date,
    pub subject: Subject,
    pub channel: Channel,
    pub checked: &'a Checked,
    pub contact: Option<(String, String)>,
}

/// What the citizen is told after rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub rating_id: Uuid,
    pub low: bool,
    pub recovery_case: Option<Uuid>,
}

/// A submission ready to be stored: the contact parsed, the settings of the office rated read,
/// the scores checked against them, and the recovery deadline should they be low.
pub(super) struct Ready {
    pub now: i64,
    pub office_id: Uuid,
    pub settings: RatingSettings,
    checked: Checked,
    due: Date,
    contact: Option<(String, String)>,
}

/// Make `sub` [`Ready`] for the office `office_of` finds. Everything is read before the write
/// transaction, so SQLite's lock is held briefly. Errors: `parse_contact`'s, `office_of`'s and
/// those of [`dom::check`].
pub(super) async fn ready(
    app: &App,
    sub: &Submission,
    contact: Option<&str>,
    office_of: impl AsyncFnOnce(&mut Tx) -> Result<Uuid>,
) -> Result<Ready> {
    let contact = parse_contact(contact)?;
    let now = app.now();
    let mut tx = app.db.read().await?;
    let office_id = office_of(&mut tx).await?;
    let settings = rating_settings(&mut tx, office_id).await?;
    tx.commit().await?;
    let checked = dom::check(&settings, sub)?;
    let cal = app.calendar().await?;
    let due = cal.add_working_days(local_date(now), settings.recovery_working_days);
    Ok(Ready {
        now,
        office_id,
        settings,
        checked,
        due,
        contact,
    })
}

impl Ready {
    /// Store the submission about `subject` in `tx` (see [`store`]).
    pub(super) async fn store(
        self,
        tx: &mut Tx,
        subject: Subject,
        channel: Channel,
    ) -> Result<Receipt> {
        let giving = Giving {
            now: self.now,
            settings: &self.settings,
            due: self.due,
            subject,
            channel,
            checked: &self.checked,
            contact: self.contact,
        };
        store(tx, giving).await
    }
}

/// The rows of the submission, one per criterion; the first one's id.
async fn insert_rows(tx: &mut Tx, g: &Giving<'_>) -> Result<Uuid> {
    let submission = new_id();
    let day = local_date(g.now).to_string();
    let (subject, checked) = (&g.subject, g.checked);
    let mut first = None;
    for (i, (criterion, score)) in checked.scores.iter().enumerate() {
        // Reasons, comment and trips belong to the submission: kept on its first row.
        let head = i == 0;
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
            channel: g.channel.as_str().into(),
            scale: score.scale.as_str().into(),
            value: i64::from(score.value),
            satisfied: score.is_satisfied(),
            low: score.is_low(g.settings.low_at_or_below),
            reasons: if head {
                serde_json::to_string(&checked.reasons).unwrap_or_else(|_| "[]".into())
            } else {
                "[]".into()
            },
            comment: checked.comment.clone().filter(|_| head),
            trips: checked.trips.map(i64::from).filter(|_| head),
            device_id: subject.device_id,
            submission_id: submission,
            at: g.now,
            day: day.clone(),
        };
        match repo::insert_rating(tx, &r).await {
            Err(StoreError::Duplicate(_)) => {
                return Err(AppError::Conflict("rating-already-given"));
            }
            res => res?,
        }
        let counted = congbo_store::repo::rollup::RatingSource::of(&r, false);
        crate::report::rollup::rating_changed(tx, None, &counted).await?;
        first.get_or_insert(r.id);
    }
    Ok(first.ok_or(DomainError::field("required", "value"))?)
}

/// The recovery case of a low rating, for the head of unit to call back.
async fn open_case(tx: &mut Tx, g: Giving<'_>, rating_id: Uuid) -> Result<Uuid> {
    let k = CaseRow {
        id: new_id(),
        office_id: g.subject.office_id,
        rating_id,
        officer_id: g.subject.officer_id,
        opened_at: g.now,
        due_date: g.due.to_string(),
        contact_channel: g.contact.as_ref().map(|c| c.0.clone()),
        contact_to: g.contact.map(|c| c.1),
        state: "open".into(),
        called_back: None,
        outcome: None,
        closed_by: None,
        closed_at: None,
        version: 1,
    };
    repo::insert_case(tx, &k).await?;
    Ok(k.id)
}

/// Write the rows of one submission, the recovery case when it is low, and the audit row.
async fn store(tx: &mut Tx, g: Giving<'_>) -> Result<Receipt> {
    let first = insert_rows(tx, &g).await?;
    let (now, channel, checked) = (g.now, g.channel, g.checked);
    let (office_id, subject_id, device_id) = (
        g.subject.office_id,
        g.subject.subject_id,
        g.subject.device_id,
    );
    let on_ticket = g.subject.ticket_id == Some(subject_id);
    let case = if checked.low {
        Some(open_case(tx, g, first).await?)
    } else {
        None
    };
    let values: Vec<_> = checked
        .scores
        .iter()
        .map(|(c, sc)| json!({"criterion": c.as_str(), "value": sc.value}))
        .collect();
    let by = match channel {
        Channel::CounterDevice => "device",
        Channel::Qr => "citizen",
    };
    let entry = Entry {
        action: "rating.give",
        role: None,
        office_id: Some(office_id),
        target_type: if on_ticket { "ticket" } else { "dossier" },
        target_id: Some(subject_id.to_string()),
        summary: json!({
            "channel": channel.as_str(), "scores": values, "reasons": checked.reasons,
            "low": checked.low, "recovery_case": case, "device": device_id,
        }),
    };
    audit::record_as(tx, now, None, by, None, entry).await?;
    Ok(Receipt {
        rating_id: first,
        low: checked.low,
        recovery_case: case,
    })
}
