//! Receiving feedback: the checks, the routing of a complaint about the head to the office
//! above, the case's code and secret, its attachments and audit row; and what the forms offer
//! (the officers a citizen may name, the clauses, which channels a page form may claim).

use congbo_domain::DomainError;
use congbo_domain::calendar::WorkCalendar;
use congbo_domain::dossier::{lookup_secret, parse_email, parse_phone};
use congbo_domain::feedback::{
    self as dom, AttachmentKind, Category, Channel, Deadlines, Privacy, State, check_attachment,
};
use congbo_domain::identity::{Perm, Role};
use congbo_store::Tx;
use congbo_store::repo::feedback::{self as repo, AttachmentMeta, CaseRow};
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::{sequence, staff as staff_repo};
use jiff::civil::Date;
use serde_json::json;
use uuid::Uuid;

use super::{CONTENT_MAX, Event, content_hash, event, multiline, optional};
use crate::access::{office, require};
use crate::audit::{self, Entry};
use crate::{Actor, App, Result, new_id};
use congbo_domain::time::local_date;

/// A file attached to the feedback, as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Feedback as a citizen sends it, or as staff type it in. The category, channel and privacy
/// are parsed where the request arrives.
#[derive(Debug, Clone)]
pub struct NewFeedback {
    pub office_id: Uuid,
    pub category: Category,
    pub channel: Channel,
    pub privacy: Privacy,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub address: Option<String>,
    pub title: Option<String>,
    pub content: String,
    /// The officer complained about (conduct), if known.
    pub officer_id: Option<Uuid>,
    /// The clause of the office's code of conduct, `code/item`.
    pub clause: Option<String>,
    /// A queue ticket number or a dossier code.
    pub reference: Option<String>,
    pub attachments: Vec<Upload>,
}

/// What the sender gets back: the code and the secret to follow the case.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub id: Uuid,
    pub code: String,
    pub secret: String,
    pub answer_due: String,
}

/// Whether the actor takes in feedback somewhere (letters, the mailbox, calls, meetings).
fn takes_in(actor: Option<&Actor>) -> bool {
    actor.is_some_and(|a| !a.principal.scopes(Perm::FeedbackIntake).is_empty())
}

/// The channel of a JSON submission: the one asked for, else a letter from staff and the web
/// from the public. Error: `feedback-unknown-channel` (`channel`).
pub fn channel_for(staff: bool, asked: Option<&str>) -> Result<Channel> {
    let default = if staff { Channel::Letter } else { Channel::Web };
    Ok(match asked {
        Some(c) => Channel::parse(c)?,
        None => default,
    })
}

/// The page form's channel policy: staff who take in feedback may claim a staff channel (and
/// then enter it as themselves); anyone else sends from the lobby kiosk or the web, as the
/// public. Returns the channel and who enters it. Error: `feedback-unknown-channel`.
pub fn form_channel<'a>(
    actor: Option<&'a Actor>,
    asked: Option<&str>,
    kiosk: bool,
) -> Result<(Channel, Option<&'a Actor>)> {
    let channel = match asked {
        Some(c) if takes_in(actor) && c != "web" && c != "kiosk" => Channel::parse(c)?,
        _ if kiosk => Channel::Kiosk,
        _ => Channel::Web,
    };
    let staff = match channel {
        Channel::Web | Channel::Kiosk => None,
        _ => actor,
    };
    Ok((channel, staff))
}

/// What the feedback form offers: every office; for the chosen one its officers and the
/// clauses of the codes it follows; whether the viewer may enter a staff channel.
#[derive(Debug, Clone)]
pub struct FormChoices {
    pub offices: Vec<OfficeRow>,
    pub office: Option<OfficeRow>,
    pub officers: Vec<(Uuid, String)>,
    /// (citation `code/item`, text).
    pub clauses: Vec<(String, String)>,
    pub staff_entry: bool,
}

/// The form's choices for the office named by code (none chosen: the offices only).
pub async fn form_choices(
    app: &App,
    actor: Option<&Actor>,
    office_code: Option<&str>,
) -> Result<FormChoices> {
    let offices = super::public_offices(app).await?;
    let office = office_code.and_then(|c| offices.iter().find(|o| o.code == c).cloned());
    let (officers, clauses) = match &office {
        Some(o) => (officers(app, o.id).await?, clauses_of(app, o.id).await?),
        None => (Vec::new(), Vec::new()),
    };
    Ok(FormChoices {
        offices,
        office,
        officers,
        clauses,
        staff_entry: takes_in(actor),
    })
}

/// The clauses of the codes of conduct the office follows, as (citation, text).
async fn clauses_of(app: &App, office_id: Uuid) -> Result<Vec<(String, String)>> {
    let codes = crate::conduct::all(app).await?;
    let followed = crate::conduct::followed(app, office_id).await?;
    Ok(codes
        .into_iter()
        .filter(|c| followed.contains(&c.code))
        .flat_map(|c| {
            let (code, title) = (c.code.clone(), c.title.clone());
            c.items
                .into_iter()
                .map(move |i| (format!("{code}/{}", i.code), format!("{title}: {}", i.text)))
        })
        .collect())
}

/// The officers a citizen may name: staff holding a role at the office (names are on their
/// badges), as (id, name).
pub async fn officers(app: &App, office_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    let mut out: Vec<(Uuid, String)> = Vec::new();
    for u in staff_repo::list_in_subtree(&mut tx, &o.path).await? {
        let roles = staff_repo::assignments_of(&mut tx, u.id).await?;
        if u.active
            && roles.iter().any(|a| {
                a.office_id == o.id
                    && !matches!(a.role.as_str(), "admin" | "auditor" | "supervisor")
            })
        {
            out.push((u.id, u.full_name));
        }
    }
    tx.commit().await?;
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out.dedup();
    Ok(out)
}

/// Whether `user` holds the head role at the office (a complaint about the head goes up).
async fn is_head_of(tx: &mut Tx, user: Uuid, office_id: Uuid) -> Result<bool> {
    Ok(staff_repo::assignments_of(tx, user)
        .await?
        .iter()
        .any(|a| a.office_id == office_id && a.role == Role::Head.as_str()))
}

/// The input's text, checked before anything is read.
struct Text {
    content: String,
    title: String,
    name: Option<String>,
    contact: Option<String>,
    address: Option<String>,
    reference: Option<String>,
    clause: Option<String>,
}

/// The sender's name, contact and address (nothing kept when anonymous).
type SenderFields = (Option<String>, Option<String>, Option<String>);

fn check_sender(input: &NewFeedback) -> Result<SenderFields> {
    if input.privacy == Privacy::Anonymous {
        return Ok((None, None, None));
    }
    let name = optional(input.name.as_deref(), "name", 120)?;
    if name
        .as_deref()
        .is_some_and(|n| n.chars().any(congbo_domain::text::is_invisible_format))
    {
        return Err(DomainError::field("invisible-characters", "name").into());
    }
    let in_contact = |e: DomainError| DomainError {
        field: Some("contact"),
        ..e
    };
    let contact = match input
        .contact
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        None => None,
        Some(c) if c.contains('@') => Some(parse_email(c).map_err(in_contact)?),
        Some(c) => Some(parse_phone(c).map_err(in_contact)?),
    };
    if name.is_none() && contact.is_none() {
        return Err(DomainError::field("feedback-needs-contact", "contact").into());
    }
    let address = optional(input.address.as_deref(), "address", 300)?;
    Ok((name, contact, address))
}

type CheckedFile<'a> = (AttachmentKind, String, &'a Vec<u8>);

fn check_files(input: &NewFeedback) -> Result<Vec<CheckedFile<'_>>> {
    if input.attachments.len() > dom::ATTACHMENTS_MAX {
        return Err(DomainError::field("feedback-too-many-attachments", "attachments").into());
    }
    let mut files = Vec::with_capacity(input.attachments.len());
    for u in &input.attachments {
        let (kind, safe) = check_attachment(&u.filename, &u.bytes)?;
        files.push((kind, safe, &u.bytes));
    }
    Ok(files)
}

/// Every check that needs no database, in the order the errors are reported.
fn check_input(input: &NewFeedback) -> Result<(Text, Vec<CheckedFile<'_>>)> {
    let content = multiline(&input.content, "content", 10, CONTENT_MAX)?;
    let title = match optional(input.title.as_deref(), "title", 200)? {
        Some(t) => t,
        None => content
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(80)
            .collect(),
    };
    let (name, contact, address) = check_sender(input)?;
    let files = check_files(input)?;
    let reference = optional(input.reference.as_deref(), "reference", 60)?;
    let clause = optional(input.clause.as_deref(), "clause", 120)?;
    let text = Text {
        content,
        title,
        name,
        contact,
        address,
        reference,
        clause,
    };
    Ok((text, files))
}

/// The clause must belong to a code of conduct the office follows.
async fn check_clause(tx: &mut Tx, o: &OfficeRow, clause: Option<&str>) -> Result<()> {
    let Some(c) = clause else {
        return Ok(());
    };
    let s = crate::settings::rating_settings(tx, o.id).await?;
    let codes = crate::conduct::codes_in(tx).await?;
    let known = codes
        .iter()
        .filter(|k| s.conduct_codes.contains(&k.code))
        .any(|k| k.item(c).is_some());
    if !known {
        return Err(DomainError::field("feedback-unknown-clause", "clause").into());
    }
    Ok(())
}

/// The officer must work at the office; a complaint about the head goes to the office above.
/// Returns the handling office and the officer kept on the case.
async fn route(
    tx: &mut Tx,
    o: &OfficeRow,
    category: Category,
    officer_id: Option<Uuid>,
) -> Result<(OfficeRow, Option<Uuid>)> {
    let u = match (category, officer_id) {
        (Category::Conduct, Some(u)) => u,
        _ => return Ok((o.clone(), None)),
    };
    let works_here = staff_repo::assignments_of(tx, u)
        .await?
        .iter()
        .any(|a| a.office_id == o.id);
    if !works_here {
        return Err(DomainError::field("feedback-unknown-officer", "officer_id").into());
    }
    if is_head_of(tx, u, o.id).await?
        && let Some(parent) = o.parent_id
    {
        return Ok((office(tx, parent).await?, Some(u)));
    }
    Ok((o.clone(), Some(u)))
}

/// The case's code (`{office}-PA-{yymmdd}-{serial}`) and a fresh secret.
async fn new_code(tx: &mut Tx, o: &OfficeRow, day: Date) -> Result<(String, String)> {
    let serial = sequence::next(tx, &format!("feedback:{}:{day}", o.id)).await?;
    if serial > 9999 {
        return Err(DomainError::new("feedback-serial-exhausted").into());
    }
    let code = format!("{}-PA-{}-{serial:04}", o.code, day.strftime("%y%m%d"));
    let mut secret = [0u8; 5];
    rand::fill(&mut secret);
    Ok((code, lookup_secret(secret)))
}

/// Where and when the case is received, and by whom.
struct Intake<'a> {
    office: &'a OfficeRow,
    handler: &'a OfficeRow,
    officer_id: Option<Uuid>,
    code: String,
    secret: String,
    now: i64,
    day: Date,
    cal: &'a WorkCalendar,
    entered_by: Option<Uuid>,
}

fn case_row(input: &NewFeedback, t: Text, i: Intake<'_>) -> CaseRow {
    let deadlines = Deadlines::default();
    CaseRow {
        id: new_id(),
        code: i.code,
        secret: i.secret,
        office_id: i.office.id,
        office_path: i.office.path.clone(),
        handler_office_id: i.handler.id,
        handler_path: i.handler.path.clone(),
        category: input.category.as_str().into(),
        channel: input.channel.as_str().into(),
        privacy: input.privacy.as_str().into(),
        sender_name: t.name,
        sender_contact: t.contact,
        sender_address: t.address,
        title: t.title,
        content: t.content,
        officer_id: i.officer_id,
        clause: t.clause,
        reference: t.reference,
        state: State::Received.as_str().into(),
        reopened: 0,
        helpful: None,
        received_at: i.now,
        day: i.day.to_string(),
        classify_due: deadlines.classify_due(i.cal, i.day).to_string(),
        answer_due: deadlines.answer_due(i.cal, i.day).to_string(),
        publish_due: None,
        info_question: None,
        info_reply: None,
        refusal: None,
        forwarded_to: None,
        answer: None,
        answered_at: None,
        answered_on_time: None,
        public_text: None,
        public_answer: None,
        published_at: None,
        upheld: None,
        disclosed: false,
        entered_by: i.entered_by,
        version: 1,
        updated_at: i.now,
    }
}

/// Count `bytes` more stored attachments against the installation's quota (0: none), in the
/// submission's transaction (a refusal rolls the count back with it).
async fn reserve_quota(tx: &mut Tx, quota: u64, bytes: u64) -> Result<()> {
    if bytes == 0 {
        return Ok(());
    }
    let stored = repo::add_attachment_bytes(tx, bytes as i64).await?;
    metrics::gauge!("congbo_attachment_stored_bytes").set(stored as f64);
    if quota > 0 {
        metrics::gauge!("congbo_attachment_quota_bytes").set(quota as f64);
        if stored > quota as i64 {
            metrics::counter!("congbo_rate_limited_total", "limit" => "attachment_quota")
                .increment(1);
            return Err(DomainError::field("feedback-attachment-quota", "attachments").into());
        }
    }
    Ok(())
}

async fn store_files(tx: &mut Tx, k: &CaseRow, files: Vec<CheckedFile<'_>>) -> Result<()> {
    for (kind, safe, bytes) in files {
        let meta = AttachmentMeta {
            id: new_id(),
            case_id: k.id,
            filename: safe,
            mime: kind.mime().into(),
            size: bytes.len() as i64,
            sha256: content_hash(bytes),
            created_at: k.received_at,
        };
        repo::insert_attachment(tx, &meta, bytes).await?;
    }
    Ok(())
}

/// The timeline's first event and the audit row (never the sender's identity).
async fn record_submit(
    tx: &mut Tx,
    staff: Option<(&Actor, Role)>,
    k: &CaseRow,
    handler: &OfficeRow,
    attachments: usize,
) -> Result<()> {
    let now = k.received_at;
    let actor = staff.map(|(a, _)| a);
    let actor_name = actor
        .map(|a| a.principal.full_name.clone())
        .unwrap_or_else(|| "Người gửi".into());
    let e = Event {
        seq: 1,
        at: now,
        from: None,
        action: "submit",
        actor,
        actor_name: &actor_name,
        note: None,
    };
    event(tx, k, e).await?;
    let entry = Entry {
        action: "feedback.submit",
        role: staff.map(|(_, r)| r.as_str()),
        office_id: Some(k.office_id),
        target_type: "feedback",
        target_id: Some(k.id.to_string()),
        summary: json!({
            "code": k.code, "category": k.category, "channel": k.channel, "privacy": k.privacy,
            "attachments": attachments, "handler_office": handler.code,
        }),
    };
    match actor {
        Some(a) => audit::record(tx, now, a, entry).await,
        None => audit::record_as(tx, now, None, "citizen", None, entry).await,
    }
}

/// Receive feedback. `staff` is the officer entering a letter, the mailbox, a call or a
/// meeting (`FeedbackIntake`); `None` for the public web form, the kiosk and Open311 clients
/// (whose key the web layer checks and passes as `staff`).
///
/// Errors: `feedback-unknown-channel` (a staff channel without staff), `required`/`too-short`/
/// `too-long` (`content`, `title`, `name`), `feedback-needs-contact` (named or withheld without
/// a name or contact), `invalid-phone`/`invalid-email` (`contact`), `feedback-unknown-officer`
/// (`officer_id`), `feedback-unknown-clause` (`clause`), the attachment checks, and
/// `feedback-too-many-attachments`.
pub async fn submit(app: &App, staff: Option<&Actor>, input: &NewFeedback) -> Result<Receipt> {
    if input.channel.staff_entered() && staff.is_none() {
        return Err(DomainError::field("feedback-unknown-channel", "channel").into());
    }
    let (text, files) = check_input(input)?;
    let now = app.now();
    let day = local_date(now);
    let cal = app.calendar().await?;
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, input.office_id).await?;
    let staff = match staff {
        Some(a) => Some((a, require(a, Perm::FeedbackIntake, &o)?)),
        None => None,
    };
    check_clause(&mut tx, &o, text.clause.as_deref()).await?;
    let (handler, officer_id) = route(&mut tx, &o, input.category, input.officer_id).await?;
    let (code, secret) = new_code(&mut tx, &o, day).await?;
    let intake = Intake {
        office: &o,
        handler: &handler,
        officer_id,
        code,
        secret,
        now,
        day,
        cal: &cal,
        entered_by: staff.map(|(a, _)| a.principal.user_id),
    };
    let k = case_row(input, text, intake);
    let volume: usize = files.iter().map(|f| f.2.len()).sum();
    reserve_quota(&mut tx, app.settings.attachment_quota_bytes, volume as u64).await?;
    repo::insert(&mut tx, &k).await?;
    crate::report::rollup::feedback_changed(&mut tx, None, &k).await?;
    store_files(&mut tx, &k, files).await?;
    record_submit(&mut tx, staff, &k, &handler, input.attachments.len()).await?;
    tx.commit().await?;
    Ok(Receipt {
        id: k.id,
        code: k.code,
        secret: k.secret,
        answer_due: k.answer_due,
    })
}

#[cfg(test)]
mod tests {
    use congbo_domain::identity::{Assignment, Principal};
    use congbo_domain::office::OfficePath;

    use super::*;

    fn actor(role: Role) -> Actor {
        let office_id = Uuid::now_v7();
        Actor {
            principal: Principal {
                user_id: Uuid::now_v7(),
                username: "u".into(),
                full_name: "U".into(),
                assignments: vec![Assignment {
                    id: Uuid::now_v7(),
                    role,
                    office_id,
                    office_path: OfficePath::root(office_id),
                }],
            },
            request_id: None,
            session_hash: None,
        }
    }

    #[test]
    fn the_page_form_lets_only_intake_staff_claim_a_staff_channel() {
        let desk = actor(Role::Reception);
        let (c, staff) = form_channel(Some(&desk), Some("letter"), false).unwrap();
        assert_eq!(c, Channel::Letter);
        assert!(staff.is_some(), "a letter is entered by the officer");
        // Web and kiosk from staff are the public's channels: sent as the public.
        let (c, staff) = form_channel(Some(&desk), Some("web"), true).unwrap();
        assert_eq!((c, staff.is_none()), (Channel::Kiosk, true));
        // A specialist (no intake) or the public asking for a letter gets the web form.
        let specialist = actor(Role::Specialist);
        for who in [Some(&specialist), None] {
            let (c, staff) = form_channel(who, Some("letter"), false).unwrap();
            assert_eq!((c, staff.is_none()), (Channel::Web, true));
        }
        let e = form_channel(Some(&desk), Some("fax"), false).unwrap_err();
        assert_eq!(e.code(), "feedback-unknown-channel");
        assert!(takes_in(Some(&desk)) && !takes_in(Some(&specialist)) && !takes_in(None));
    }

    #[test]
    fn a_json_submission_defaults_to_a_letter_from_staff_and_the_web_from_the_public() {
        assert_eq!(channel_for(true, None).unwrap(), Channel::Letter);
        assert_eq!(channel_for(false, None).unwrap(), Channel::Web);
        assert_eq!(channel_for(false, Some("phone")).unwrap(), Channel::Phone);
        assert_eq!(
            channel_for(true, Some("pigeon")).unwrap_err().code(),
            "feedback-unknown-channel"
        );
    }
}
