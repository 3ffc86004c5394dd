//! Feedback and complaints (phản ánh, kiến nghị): intake from every channel with attachments,
//! identity protection (anonymous but answerable; identity seen only by designated roles, each
//! view logged with its reason; the officer complained about never sees the sender, nor the
//! case until the head discloses it), routing to the officer's superior, the handling steps
//! with legal deadlines in working days, published answers without personal data, the
//! sender's verdict and one reopening, the officer's record of upheld complaints, and figures.
//!
//! Every change writes the case, its timeline event and its audit row in one transaction.

use std::collections::BTreeMap;

use congbo_domain::DomainError;
use congbo_domain::dossier::{lookup_secret, parse_email, parse_phone, secret_matches};
use congbo_domain::feedback::{
    self as dom, Action, CaseFacts, Category, Channel, Deadlines, Indicators, Privacy, State,
    check_attachment,
};
use congbo_domain::identity::{Perm, Role};
use congbo_domain::office::OfficePath;
use congbo_store::Tx;
use congbo_store::repo::feedback::{
    self as repo, AttachmentMeta, CaseRow, EventRow, OfficerRecord,
};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::{sequence, staff as staff_repo};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::access::{office, path, require};
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};
use congbo_domain::time::local_date;

/// The most characters of the content (Open311's `description` limit).
pub const CONTENT_MAX: usize = 4000;

/// Trimmed, NFC text of `min..=max` characters that may span lines (a letter, a complaint).
fn multiline(input: &str, field: &'static str, min: usize, max: usize) -> Result<String> {
    let unified = input.replace("\r\n", "\n").replace('\r', "\n");
    // Line breaks are kept; other control characters are refused by `clean`.
    let lines: Vec<String> = unified
        .split('\n')
        .map(|l| congbo_domain::text::clean(l, field, 0, max))
        .collect::<Result<_, _>>()?;
    let s = lines.join("\n").trim().to_string();
    let n = s.chars().count();
    if n == 0 && min > 0 {
        return Err(DomainError::field("required", field).into());
    }
    if n < min {
        return Err(DomainError::field("too-short", field).into());
    }
    if n > max {
        return Err(DomainError::field("too-long", field).into());
    }
    Ok(s)
}

fn optional(input: Option<&str>, field: &'static str, max: usize) -> Result<Option<String>> {
    match input.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => Ok(Some(congbo_domain::text::clean(s, field, 1, max)?)),
    }
}

/// A file attached to the feedback, as uploaded.
#[derive(Debug, Clone)]
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// Feedback as a citizen sends it, or as staff type it in.
#[derive(Debug, Clone, Default)]
pub struct NewFeedback {
    pub office_id: Uuid,
    pub category: String,
    pub channel: String,
    pub privacy: String,
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

/// Receive feedback. `staff` is the officer entering a letter, the mailbox, a call or a
/// meeting (`FeedbackIntake`); `None` for the public web form, the kiosk and Open311 clients
/// (whose key the web layer checks and passes as `staff`).
///
/// Errors: `feedback-unknown-category|channel|privacy`, `required`/`too-short`/`too-long`
/// (`content`, `title`, `name`), `feedback-needs-contact` (named or withheld without a name
/// or contact), `invalid-phone`/`invalid-email` (`contact`), `feedback-unknown-officer`
/// (`officer_id`), `feedback-unknown-clause` (`clause`), the attachment checks, and
/// `feedback-too-many-attachments`.
pub async fn submit(app: &App, staff: Option<&Actor>, input: &NewFeedback) -> Result<Receipt> {
    let category = Category::parse(&input.category)?;
    let channel = Channel::parse(&input.channel)?;
    let privacy = Privacy::parse(&input.privacy)?;
    if channel.staff_entered() && staff.is_none() {
        return Err(DomainError::field("feedback-unknown-channel", "channel").into());
    }
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
    let (name, contact, address) = if privacy == Privacy::Anonymous {
        (None, None, None)
    } else {
        let name = optional(input.name.as_deref(), "name", 120)?;
        let contact = match input
            .contact
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => None,
            Some(c) if c.contains('@') => Some(parse_email(c).map_err(|e| DomainError {
                field: Some("contact"),
                ..e
            })?),
            Some(c) => Some(parse_phone(c).map_err(|e| DomainError {
                field: Some("contact"),
                ..e
            })?),
        };
        if name.is_none() && contact.is_none() {
            return Err(DomainError::field("feedback-needs-contact", "contact").into());
        }
        (
            name,
            contact,
            optional(input.address.as_deref(), "address", 300)?,
        )
    };
    if input.attachments.len() > dom::ATTACHMENTS_MAX {
        return Err(DomainError::field("feedback-too-many-attachments", "attachments").into());
    }
    let mut files = Vec::with_capacity(input.attachments.len());
    for u in &input.attachments {
        let (kind, safe) = check_attachment(&u.filename, &u.bytes)?;
        files.push((kind, safe, &u.bytes));
    }
    let reference = optional(input.reference.as_deref(), "reference", 60)?;
    let clause = optional(input.clause.as_deref(), "clause", 120)?;
    let now = app.now();
    let day = local_date(now);
    let cal = app.calendar().await?;
    let deadlines = Deadlines::default();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, input.office_id).await?;
    let role = match staff {
        Some(a) => Some(require(a, Perm::FeedbackIntake, &o)?),
        None => None,
    };
    // The clause must belong to a code of conduct the office follows.
    if let Some(c) = &clause {
        let s = crate::settings::rating_settings(&mut tx, o.id).await?;
        let codes = crate::conduct::codes_in(&mut tx).await?;
        let known = codes
            .iter()
            .filter(|k| s.conduct_codes.contains(&k.code))
            .any(|k| k.item(c).is_some());
        if !known {
            return Err(DomainError::field("feedback-unknown-clause", "clause").into());
        }
    }
    // The officer must work at the office; a complaint about the head goes to the office above.
    let mut handler = o.clone();
    let officer_id = match (category, input.officer_id) {
        (_, None) => None,
        (Category::Procedure, Some(_)) => None,
        (Category::Conduct, Some(u)) => {
            let works_here = staff_repo::assignments_of(&mut tx, u)
                .await?
                .iter()
                .any(|a| a.office_id == o.id);
            if !works_here {
                return Err(DomainError::field("feedback-unknown-officer", "officer_id").into());
            }
            if is_head_of(&mut tx, u, o.id).await?
                && let Some(parent) = o.parent_id
            {
                handler = office(&mut tx, parent).await?;
            }
            Some(u)
        }
    };
    let serial = sequence::next(&mut tx, &format!("feedback:{}:{day}", o.id)).await?;
    if serial > 9999 {
        return Err(DomainError::new("feedback-serial-exhausted").into());
    }
    let code = format!("{}-PA-{}-{serial:04}", o.code, day.strftime("%y%m%d"));
    let mut secret = [0u8; 5];
    rand::fill(&mut secret);
    let secret = lookup_secret(secret);
    let k = CaseRow {
        id: new_id(),
        code: code.clone(),
        secret: secret.clone(),
        office_id: o.id,
        office_path: o.path.clone(),
        handler_office_id: handler.id,
        handler_path: handler.path.clone(),
        category: category.as_str().into(),
        channel: channel.as_str().into(),
        privacy: privacy.as_str().into(),
        sender_name: name,
        sender_contact: contact,
        sender_address: address,
        title,
        content,
        officer_id,
        clause,
        reference,
        state: State::Received.as_str().into(),
        reopened: 0,
        helpful: None,
        received_at: now,
        day: day.to_string(),
        classify_due: deadlines.classify_due(&cal, day).to_string(),
        answer_due: deadlines.answer_due(&cal, day).to_string(),
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
        entered_by: staff.map(|a| a.principal.user_id),
        version: 1,
        updated_at: now,
    };
    repo::insert(&mut tx, &k).await?;
    for (kind, safe, bytes) in files {
        let meta = AttachmentMeta {
            id: new_id(),
            case_id: k.id,
            filename: safe,
            mime: kind.mime().into(),
            size: bytes.len() as i64,
            sha256: content_hash(bytes),
            created_at: now,
        };
        repo::insert_attachment(&mut tx, &meta, bytes).await?;
    }
    let actor_name = staff
        .map(|a| a.principal.full_name.clone())
        .unwrap_or_else(|| "Người gửi".into());
    event(
        &mut tx,
        &k,
        1,
        now,
        None,
        "submit",
        staff,
        &actor_name,
        None,
    )
    .await?;
    let entry = Entry {
        action: "feedback.submit",
        role: role.map(|r| r.as_str()),
        office_id: Some(o.id),
        target_type: "feedback",
        target_id: Some(k.id.to_string()),
        // Never the sender's identity in the audit log.
        summary: json!({
            "code": k.code, "category": k.category, "channel": k.channel, "privacy": k.privacy,
            "attachments": input.attachments.len(), "handler_office": handler.code,
        }),
    };
    match staff {
        Some(a) => audit::record(&mut tx, now, a, entry).await?,
        None => audit::record_as(&mut tx, now, None, "citizen", None, entry).await?,
    }
    tx.commit().await?;
    Ok(Receipt {
        id: k.id,
        code,
        secret,
        answer_due: k.answer_due,
    })
}

#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut Tx,
    k: &CaseRow,
    seq: i64,
    at: i64,
    from: Option<&str>,
    action: &str,
    actor: Option<&Actor>,
    actor_name: &str,
    note: Option<String>,
) -> Result<()> {
    repo::insert_event(
        tx,
        &EventRow {
            case_id: k.id,
            seq,
            at,
            action: action.into(),
            from_state: from.map(str::to_string),
            to_state: k.state.clone(),
            actor_id: actor.map(|a| a.principal.user_id),
            actor_name: actor_name.into(),
            note,
        },
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading

/// A case as staff see it: never the sender's identity (see [`reveal_identity`]).
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    pub id: Uuid,
    pub code: String,
    pub office_id: Uuid,
    pub office_name: String,
    pub handler_office_id: Uuid,
    pub handler_office_name: String,
    pub category: String,
    pub channel: String,
    pub privacy: String,
    pub title: String,
    pub content: String,
    pub officer_id: Option<Uuid>,
    pub officer_name: Option<String>,
    pub clause: Option<String>,
    pub reference: Option<String>,
    pub state: String,
    pub state_label: String,
    pub reopened: i64,
    pub helpful: Option<bool>,
    pub received_at: i64,
    pub classify_due: String,
    pub answer_due: String,
    pub publish_due: Option<String>,
    /// The deadline the case is held to now; `overdue` once it has passed.
    pub due: Option<String>,
    pub overdue: bool,
    pub info_question: Option<String>,
    pub info_reply: Option<String>,
    pub refusal: Option<String>,
    pub forwarded_to: Option<String>,
    pub answer: Option<String>,
    pub answered_on_time: Option<bool>,
    pub public_text: Option<String>,
    pub public_answer: Option<String>,
    pub upheld: Option<bool>,
    pub disclosed: bool,
    pub has_identity: bool,
    pub attachments: Vec<AttachmentOut>,
    pub events: Vec<EventOut>,
    /// What the viewer may do now.
    pub actions: Vec<&'static str>,
    pub may_reveal: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentOut {
    pub id: Uuid,
    pub filename: String,
    pub mime: String,
    pub size: i64,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EventOut {
    pub at: i64,
    pub action: String,
    pub to_state: String,
    pub actor_name: String,
    pub note: Option<String>,
}

fn overdue_on(k: &CaseRow, today: &str) -> (Option<String>, bool) {
    let Ok(state) = State::parse(&k.state) else {
        return (None, false);
    };
    let p = |s: &str| s.parse::<Date>().ok();
    let due = match (p(&k.classify_due), p(&k.answer_due)) {
        (Some(c), Some(a)) => dom::current_due(state, c, a, k.publish_due.as_deref().and_then(p)),
        _ => None,
    };
    let due = due.map(|d| d.to_string());
    let overdue = due.as_deref().is_some_and(|d| d < today);
    (due, overdue)
}

/// Whether the actor may see the case at all: read permission over the receiving or the
/// handling office, and never the officer complained about until the head discloses it.
fn may_read(actor: &Actor, k: &CaseRow) -> bool {
    let me = actor.principal.user_id;
    if Some(me) == k.officer_id && !k.disclosed {
        return false;
    }
    let p = &actor.principal;
    p.can(
        Perm::FeedbackRead,
        &OfficePath::from_stored(k.office_path.clone()),
    ) || p.can(
        Perm::FeedbackRead,
        &OfficePath::from_stored(k.handler_path.clone()),
    )
}

fn may_handle(actor: &Actor, k: &CaseRow) -> Option<Role> {
    if Some(actor.principal.user_id) == k.officer_id {
        return None;
    }
    actor
        .principal
        .require(
            Perm::FeedbackHandle,
            &OfficePath::from_stored(k.handler_path.clone()),
        )
        .ok()
        .map(|a| a.role)
}

fn may_reveal(actor: &Actor, k: &CaseRow) -> bool {
    if k.privacy == Privacy::Anonymous.as_str() || Some(actor.principal.user_id) == k.officer_id {
        return false;
    }
    let handler = OfficePath::from_stored(k.handler_path.clone());
    actor.principal.can(Perm::FeedbackIdentity, &handler)
        || (k.privacy == Privacy::Named.as_str() && may_handle(actor, k).is_some())
}

async fn load_visible(tx: &mut Tx, actor: &Actor, id: Uuid, lock: bool) -> Result<CaseRow> {
    let k = if lock {
        repo::get_for_update(tx, id).await?
    } else {
        repo::get(tx, id).await?
    };
    k.filter(|k| may_read(actor, k) || may_handle(actor, k).is_some())
        .ok_or(AppError::NotFound("feedback-not-found"))
}

async fn view_in(tx: &mut Tx, actor: &Actor, k: CaseRow, now: i64) -> Result<CaseView> {
    let o = office(tx, k.office_id).await?;
    let h = office(tx, k.handler_office_id).await?;
    let officer_name = match k.officer_id {
        Some(u) => staff_repo::get(tx, u).await?.map(|u| u.full_name),
        None => None,
    };
    let attachments = repo::attachments(tx, k.id)
        .await?
        .into_iter()
        .map(|a| AttachmentOut {
            id: a.id,
            filename: a.filename,
            mime: a.mime,
            size: a.size,
            sha256: a.sha256,
        })
        .collect();
    let events = repo::events(tx, k.id)
        .await?
        .into_iter()
        .map(|e| EventOut {
            at: e.at,
            action: e.action,
            to_state: e.to_state,
            actor_name: e.actor_name,
            note: e.note,
        })
        .collect();
    let state = State::parse(&k.state)?;
    let handle = may_handle(actor, &k).is_some();
    let mut actions = Vec::new();
    if handle {
        for a in [
            Action::Accept,
            Action::Refuse,
            Action::Forward,
            Action::RequestInfo,
            Action::Answer,
            Action::Publish,
        ] {
            if dom::apply(state, k.reopened as u32, a).is_ok() {
                actions.push(a.as_str());
            }
        }
        if k.category == Category::Conduct.as_str() && k.officer_id.is_some() && !k.disclosed {
            actions.push("disclose");
        }
    }
    let (due, overdue) = overdue_on(&k, &local_date(now).to_string());
    Ok(CaseView {
        may_reveal: may_reveal(actor, &k),
        has_identity: k.sender_name.is_some() || k.sender_contact.is_some(),
        id: k.id,
        code: k.code,
        office_id: o.id,
        office_name: o.name,
        handler_office_id: h.id,
        handler_office_name: h.name,
        category: k.category,
        channel: k.channel,
        privacy: k.privacy,
        title: k.title,
        content: k.content,
        officer_id: k.officer_id,
        officer_name,
        clause: k.clause,
        reference: k.reference,
        state_label: state.label_vi().into(),
        state: k.state,
        reopened: k.reopened,
        helpful: k.helpful,
        received_at: k.received_at,
        classify_due: k.classify_due,
        answer_due: k.answer_due,
        publish_due: k.publish_due,
        due,
        overdue,
        info_question: k.info_question,
        info_reply: k.info_reply,
        refusal: k.refusal,
        forwarded_to: k.forwarded_to,
        answer: k.answer,
        answered_on_time: k.answered_on_time,
        public_text: k.public_text,
        public_answer: k.public_answer,
        upheld: k.upheld,
        disclosed: k.disclosed,
        attachments,
        events,
        actions,
    })
}

/// One case, for staff who may see it. A case about the viewer (until disclosed), or out of
/// scope, is `feedback-not-found`.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<CaseView> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let k = load_visible(&mut tx, actor, id, false).await?;
    let v = view_in(&mut tx, actor, k, now).await?;
    tx.commit().await?;
    Ok(v)
}

/// One line of the staff list.
#[derive(Debug, Clone, Serialize)]
pub struct CaseLine {
    pub id: Uuid,
    pub code: String,
    pub office_name: String,
    pub category: String,
    pub channel: String,
    pub title: String,
    pub state: String,
    pub state_label: String,
    pub received_at: i64,
    pub due: Option<String>,
    pub overdue: bool,
}

/// Cases the actor may see, received on `from..=to`; `overdue_only` is the supervisor's
/// escalation list.
pub async fn list(
    app: &App,
    actor: &Actor,
    from: Date,
    to: Date,
    overdue_only: bool,
) -> Result<Vec<CaseLine>> {
    let today = local_date(app.now()).to_string();
    let scopes = actor.principal.scopes(Perm::FeedbackRead);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.read().await?;
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    let mut names: BTreeMap<Uuid, String> = BTreeMap::new();
    for root in scopes {
        let rows = repo::list_under(
            &mut tx,
            root.as_str(),
            &from.to_string(),
            &to.to_string(),
            1000,
        )
        .await?;
        for k in rows {
            if !seen.insert(k.id) || !may_read(actor, &k) {
                continue;
            }
            let (due, overdue) = overdue_on(&k, &today);
            if overdue_only && !overdue {
                continue;
            }
            if let std::collections::btree_map::Entry::Vacant(e) = names.entry(k.office_id) {
                e.insert(office(&mut tx, k.office_id).await?.name);
            }
            out.push(CaseLine {
                id: k.id,
                code: k.code,
                office_name: names.get(&k.office_id).cloned().unwrap_or_default(),
                category: k.category,
                channel: k.channel,
                title: k.title,
                state_label: State::parse(&k.state)
                    .map(|s| s.label_vi().to_string())
                    .unwrap_or_default(),
                state: k.state,
                received_at: k.received_at,
                due,
                overdue,
            });
        }
    }
    tx.commit().await?;
    out.sort_by_key(|c| std::cmp::Reverse(c.received_at));
    Ok(out)
}

/// The sender's identity.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub name: Option<String>,
    pub contact: Option<String>,
    pub address: Option<String>,
}

/// Show the sender's identity to a designated role, recording who, when and why (the view
/// and the audit row commit together before anything is shown). Errors:
/// `feedback-not-found`, `forbidden`, `reason-required` (`reason`), `feedback-anonymous`.
pub async fn reveal_identity(app: &App, actor: &Actor, id: Uuid, reason: &str) -> Result<Identity> {
    let reason = congbo_domain::text::clean(reason, "reason", 0, 500)?;
    if reason.chars().count() < 5 {
        return Err(DomainError::field("reason-required", "reason").into());
    }
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let k = load_visible(&mut tx, actor, id, false).await?;
    if k.privacy == Privacy::Anonymous.as_str() {
        return Err(DomainError::new("feedback-anonymous").into());
    }
    if !may_reveal(actor, &k) {
        return Err(AppError::Forbidden);
    }
    repo::insert_identity_view(
        &mut tx,
        new_id(),
        k.id,
        actor.principal.user_id,
        now,
        &reason,
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "feedback.identity-view",
            role: actor.principal.primary_role().map(|r| r.as_str()),
            office_id: Some(k.handler_office_id),
            target_type: "feedback",
            target_id: Some(k.id.to_string()),
            summary: json!({"code": k.code, "reason": reason}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Identity {
        name: k.sender_name,
        contact: k.sender_contact,
        address: k.sender_address,
    })
}

/// Who saw the sender's identity (for the head and inspectors).
pub async fn identity_log(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<Vec<(String, i64, String)>> {
    let mut tx = app.db.read().await?;
    let k = load_visible(&mut tx, actor, id, false).await?;
    if !actor.principal.can(
        Perm::FeedbackIdentity,
        &OfficePath::from_stored(k.handler_path.clone()),
    ) {
        return Err(AppError::Forbidden);
    }
    let mut out = Vec::new();
    for (u, at, reason) in repo::identity_views(&mut tx, k.id).await? {
        let name = staff_repo::get(&mut tx, u)
            .await?
            .map(|u| u.full_name)
            .unwrap_or_default();
        out.push((name, at, reason));
    }
    tx.commit().await?;
    Ok(out)
}

/// An attachment, for staff who may see the case.
pub async fn attachment(
    app: &App,
    actor: &Actor,
    attachment_id: Uuid,
) -> Result<(AttachmentMeta, Vec<u8>)> {
    let mut tx = app.db.read().await?;
    let (meta, bytes) = repo::attachment(&mut tx, attachment_id)
        .await?
        .ok_or(AppError::NotFound("feedback-not-found"))?;
    load_visible(&mut tx, actor, meta.case_id, false).await?;
    tx.commit().await?;
    Ok((meta, bytes))
}

// ---------------------------------------------------------------------------------------------
// Handling

/// What a handler sends with an action.
#[derive(Debug, Clone, Default)]
pub struct ActInput {
    /// Refusal reason, the question for the sender, or the answer.
    pub text: Option<String>,
    /// Forward: the competent body.
    pub to: Option<String>,
    /// Answer of a conduct complaint: whether it was upheld.
    pub upheld: Option<bool>,
    /// Publish: the question and the answer as published (default: with personal data removed).
    pub public_text: Option<String>,
    pub public_answer: Option<String>,
}

/// A handler's action: `accept`, `refuse`, `forward`, `request-info`, `answer`, `publish`,
/// or `disclose` (let the officer concerned see the case, never the sender).
///
/// Errors: `feedback-not-found` (404, also for the officer concerned), `forbidden`, the state
/// rules of [`dom::apply`], `required` (`text`, `to`), `feedback-upheld-required` (`upheld`)
/// for a conduct complaint's answer.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    action: &str,
    input: &ActInput,
) -> Result<CaseView> {
    let now = app.now();
    let today = local_date(now);
    let cal = app.calendar().await?;
    let deadlines = Deadlines::default();
    let mut tx = app.db.begin().await?;
    let mut k = load_visible(&mut tx, actor, id, true).await?;
    let role = may_handle(actor, &k).ok_or(AppError::Forbidden)?;
    let before = k.version;
    let from = k.state.clone();
    let text =
        |max| -> Result<String> { multiline(input.text.as_deref().unwrap_or(""), "text", 1, max) };
    let mut note = None;
    let mut record = None;
    let mut notice = None;
    if action == "disclose" {
        if k.officer_id.is_none() || k.disclosed {
            return Err(DomainError::new("feedback-illegal-transition").into());
        }
        k.disclosed = true;
    } else {
        let a = Action::parse(action).map_err(|_| AppError::NotFound("not-found"))?;
        if matches!(a, Action::ProvideInfo | Action::Reopen) {
            return Err(AppError::NotFound("not-found"));
        }
        let next = dom::apply(State::parse(&k.state)?, k.reopened as u32, a)?;
        match a {
            Action::Accept => {}
            Action::Refuse => {
                let t = text(2000)?;
                note = Some(t.clone());
                k.refusal = Some(t);
            }
            Action::Forward => {
                let to =
                    congbo_domain::text::clean(input.to.as_deref().unwrap_or(""), "to", 1, 200)?;
                note = Some(to.clone());
                k.forwarded_to = Some(to);
            }
            Action::RequestInfo => {
                let t = text(2000)?;
                note = Some(t.clone());
                notice = Some(dom::Notice::InfoRequested {
                    question: t.clone(),
                });
                k.info_question = Some(t);
            }
            Action::Answer => {
                let t = text(CONTENT_MAX)?;
                let conduct = k.category == Category::Conduct.as_str();
                if conduct && k.officer_id.is_some() && input.upheld.is_none() {
                    return Err(DomainError::field("feedback-upheld-required", "upheld").into());
                }
                k.answer = Some(t);
                notice = Some(dom::Notice::Answered);
                k.answered_at = Some(now);
                k.answered_on_time = Some(today.to_string() <= k.answer_due);
                k.publish_due = Some(deadlines.publish_due(&cal, today).to_string());
                if conduct {
                    k.upheld = input.upheld;
                    if input.upheld == Some(true)
                        && let Some(officer) = k.officer_id
                    {
                        record = Some(OfficerRecord {
                            id: new_id(),
                            officer_id: officer,
                            office_id: k.office_id,
                            kind: "conduct-upheld".into(),
                            clause: k.clause.clone(),
                            source_type: "feedback".into(),
                            source_id: k.id,
                            note: Some(k.code.clone()),
                            at: now,
                        });
                    }
                }
            }
            Action::Publish => {
                let mut names: Vec<String> = k.sender_name.iter().cloned().collect();
                if let Some(u) = k.officer_id
                    && let Some(u) = staff_repo::get(&mut tx, u).await?
                {
                    names.push(u.full_name);
                }
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let public_text =
                    match optional(input.public_text.as_deref(), "public_text", CONTENT_MAX)? {
                        Some(t) => dom::redact(&t, &names),
                        None => dom::redact(&k.content, &names),
                    };
                let public_answer =
                    match optional(input.public_answer.as_deref(), "public_answer", CONTENT_MAX)? {
                        Some(t) => dom::redact(&t, &names),
                        None => dom::redact(k.answer.as_deref().unwrap_or(""), &names),
                    };
                k.public_text = Some(public_text);
                k.public_answer = Some(public_answer);
                k.published_at = Some(now);
            }
            Action::ProvideInfo | Action::Reopen => unreachable!("refused above"),
        }
        k.state = next.as_str().into();
    }
    k.version += 1;
    k.updated_at = now;
    if !repo::update(&mut tx, &k, before).await? {
        return Err(AppError::Conflict("feedback-changed"));
    }
    if let Some(r) = &record {
        repo::insert_officer_record(&mut tx, r).await?;
    }
    if let Some(n) = &notice {
        tell_sender(&mut tx, app, &k, n, now).await?;
    }
    let seq = repo::events(&mut tx, k.id).await?.len() as i64 + 1;
    event(
        &mut tx,
        &k,
        seq,
        now,
        Some(&from),
        action,
        Some(actor),
        &actor.principal.full_name,
        note,
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: match action {
                "accept" => "feedback.accept",
                "refuse" => "feedback.refuse",
                "forward" => "feedback.forward",
                "request-info" => "feedback.request-info",
                "answer" => "feedback.answer",
                "publish" => "feedback.publish",
                _ => "feedback.disclose",
            },
            role: Some(role.as_str()),
            office_id: Some(k.handler_office_id),
            target_type: "feedback",
            target_id: Some(k.id.to_string()),
            summary: json!({"code": k.code, "state": k.state, "upheld": k.upheld,
                            "on_time": k.answered_on_time, "officer_record": record.is_some()}),
        },
    )
    .await?;
    let v = view_in(&mut tx, actor, k, now).await?;
    tx.commit().await?;
    Ok(v)
}

/// The sender's follow page (code and secret), for notices.
pub fn follow_url(app: &App, k: &CaseRow) -> String {
    format!(
        "{}/phan-anh/theo-doi?ma={}&k={}",
        app.settings.public_url.trim_end_matches('/'),
        k.code,
        k.secret
    )
}

/// An outbox row for a sender who left a phone number (SMS) or an e-mail address, in the
/// caller's transaction. Anonymous senders are told nothing: they follow the case themselves.
async fn tell_sender(tx: &mut Tx, app: &App, k: &CaseRow, n: &dom::Notice, now: i64) -> Result<()> {
    let Some(to) = k.sender_contact.as_deref() else {
        return Ok(());
    };
    if k.privacy == Privacy::Anonymous.as_str() {
        return Ok(());
    }
    let o = office(tx, k.office_id).await?;
    let (subject, body) = n.render(&k.code, &o.name, &follow_url(app, k));
    congbo_store::repo::outbox::insert(
        tx,
        &congbo_store::repo::outbox::NewOutbox {
            id: new_id(),
            created_at: now,
            topic: n.topic().into(),
            dossier_id: None,
            channel: if to.contains('@') { "email" } else { "sms" }.into(),
            recipient: to.into(),
            subject,
            body,
        },
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The sender: follow, give information, say whether the answer helped, reopen once

/// What the sender sees with the code and secret.
#[derive(Debug, Clone, Serialize)]
pub struct PublicCase {
    pub code: String,
    pub office_name: String,
    pub category: String,
    pub title: String,
    pub content: String,
    pub state: String,
    pub state_label: String,
    pub received_at: i64,
    pub answer_due: String,
    pub info_question: Option<String>,
    pub refusal: Option<String>,
    pub forwarded_to: Option<String>,
    pub answer: Option<String>,
    pub helpful: Option<bool>,
    pub may_reopen: bool,
    pub attachments: usize,
}

async fn by_secret(tx: &mut Tx, code: &str, secret: &str, lock: bool) -> Result<CaseRow> {
    let k = repo::get_by_code(tx, code.trim())
        .await?
        .filter(|k| secret_matches(&k.secret, secret))
        .ok_or(AppError::NotFound("feedback-not-found"))?;
    if lock {
        repo::get_for_update(tx, k.id)
            .await?
            .ok_or(AppError::NotFound("feedback-not-found"))
    } else {
        Ok(k)
    }
}

fn public_of(k: &CaseRow, office_name: String, attachments: usize) -> Result<PublicCase> {
    let state = State::parse(&k.state)?;
    Ok(PublicCase {
        code: k.code.clone(),
        office_name,
        category: k.category.clone(),
        title: k.title.clone(),
        content: k.content.clone(),
        state: k.state.clone(),
        state_label: state.label_vi().into(),
        received_at: k.received_at,
        answer_due: k.answer_due.clone(),
        info_question: (state == State::InfoRequested)
            .then(|| k.info_question.clone())
            .flatten(),
        refusal: k.refusal.clone(),
        forwarded_to: k.forwarded_to.clone(),
        answer: matches!(state, State::Answered | State::Published)
            .then(|| k.answer.clone())
            .flatten(),
        helpful: k.helpful,
        may_reopen: dom::apply(state, k.reopened as u32, Action::Reopen).is_ok()
            && k.helpful == Some(false),
        attachments,
    })
}

/// The case for its sender (code and secret). A wrong secret is the same as an unknown code.
pub async fn follow(app: &App, code: &str, secret: &str) -> Result<PublicCase> {
    let mut tx = app.db.read().await?;
    let k = by_secret(&mut tx, code, secret, false).await?;
    let o = office(&mut tx, k.office_id).await?;
    let n = repo::attachments(&mut tx, k.id).await?.len();
    tx.commit().await?;
    public_of(&k, o.name, n)
}

/// The sender's part: `info` (the information asked for, `text`), `helpful` (`helpful`), or
/// `reopen` (after saying the answer did not help). Errors: `feedback-not-found`, the state
/// rules, `feedback-verdict-first` (reopen before saying it did not help),
/// `feedback-not-answered` (a verdict before an answer).
pub async fn sender_act(
    app: &App,
    code: &str,
    secret: &str,
    action: &str,
    text: Option<&str>,
    helpful: Option<bool>,
) -> Result<PublicCase> {
    let now = app.now();
    let today = local_date(now);
    let cal = app.calendar().await?;
    let deadlines = Deadlines::default();
    let mut tx = app.db.begin().await?;
    let mut k = by_secret(&mut tx, code, secret, true).await?;
    let before = k.version;
    let from = k.state.clone();
    let state = State::parse(&k.state)?;
    let mut note = None;
    match action {
        "info" => {
            let next = dom::apply(state, k.reopened as u32, Action::ProvideInfo)?;
            let t = multiline(text.unwrap_or(""), "text", 1, CONTENT_MAX)?;
            k.info_reply = Some(t);
            // The clock restarts from the information received.
            k.classify_due = deadlines.classify_due(&cal, today).to_string();
            k.answer_due = deadlines.answer_due(&cal, today).to_string();
            k.state = next.as_str().into();
        }
        "helpful" => {
            if !matches!(state, State::Answered | State::Published) {
                return Err(DomainError::new("feedback-not-answered").into());
            }
            let h = helpful.ok_or(DomainError::field("required", "helpful"))?;
            k.helpful = Some(h);
            note = Some(if h { "hữu ích" } else { "chưa hữu ích" }.to_string());
        }
        "reopen" => {
            if k.helpful != Some(false) {
                return Err(DomainError::new("feedback-verdict-first").into());
            }
            let next = dom::apply(state, k.reopened as u32, Action::Reopen)?;
            k.reopened += 1;
            k.helpful = None;
            k.answer_due = deadlines.answer_due(&cal, today).to_string();
            k.publish_due = None;
            k.state = next.as_str().into();
            note = multiline(text.unwrap_or(""), "text", 0, CONTENT_MAX)
                .ok()
                .filter(|t| !t.is_empty());
        }
        _ => return Err(AppError::NotFound("not-found")),
    }
    k.version += 1;
    k.updated_at = now;
    if !repo::update(&mut tx, &k, before).await? {
        return Err(AppError::Conflict("feedback-changed"));
    }
    let seq = repo::events(&mut tx, k.id).await?.len() as i64 + 1;
    let ev = match action {
        "info" => "provide-info",
        "helpful" => "verdict",
        _ => "reopen",
    };
    event(
        &mut tx,
        &k,
        seq,
        now,
        Some(&from),
        ev,
        None,
        "Người gửi",
        note,
    )
    .await?;
    audit::record_as(
        &mut tx,
        now,
        None,
        "citizen",
        None,
        Entry {
            action: match action {
                "info" => "feedback.provide-info",
                "helpful" => "feedback.verdict",
                _ => "feedback.reopen",
            },
            role: None,
            office_id: Some(k.handler_office_id),
            target_type: "feedback",
            target_id: Some(k.id.to_string()),
            summary: json!({"code": k.code, "state": k.state, "helpful": k.helpful}),
        },
    )
    .await?;
    let o = office(&mut tx, k.office_id).await?;
    let n = repo::attachments(&mut tx, k.id).await?.len();
    tx.commit().await?;
    public_of(&k, o.name, n)
}

// ---------------------------------------------------------------------------------------------
// Public answers

/// A published answer: the question and the answer with personal data removed.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedAnswer {
    pub code: String,
    pub office_name: String,
    pub category: String,
    pub title: String,
    pub question: String,
    pub answer: String,
    pub received_at: i64,
    pub published_at: i64,
    pub helpful: Option<bool>,
}

/// Published answers, newest first, matching `q` accent-insensitively (all when empty).
pub async fn published(app: &App, q: &str, limit: usize) -> Result<Vec<PublishedAnswer>> {
    let folded = congbo_domain::text::fold(q.trim());
    let mut tx = app.db.read().await?;
    let rows = repo::published(&mut tx, 2000).await?;
    let mut names: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut out = Vec::new();
    for k in rows {
        let question = k.public_text.clone().unwrap_or_default();
        let answer = k.public_answer.clone().unwrap_or_default();
        if !folded.is_empty() {
            let hay = congbo_domain::text::fold(&format!("{} {question} {answer}", k.title));
            if !folded.split_whitespace().all(|w| hay.contains(w)) {
                continue;
            }
        }
        if let std::collections::btree_map::Entry::Vacant(e) = names.entry(k.office_id) {
            e.insert(office(&mut tx, k.office_id).await?.name);
        }
        out.push(PublishedAnswer {
            code: k.code.clone(),
            office_name: names.get(&k.office_id).cloned().unwrap_or_default(),
            category: k.category.clone(),
            // The title is the sender's own words too.
            title: dom::redact(
                &k.title,
                &k.sender_name.iter().map(String::as_str).collect::<Vec<_>>(),
            ),
            question,
            answer,
            received_at: k.received_at,
            published_at: k.published_at.unwrap_or(k.updated_at),
            helpful: k.helpful,
        });
        if out.len() >= limit {
            break;
        }
    }
    tx.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Figures

/// An office's feedback figures for a period.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub office_id: Uuid,
    pub from: String,
    pub to: String,
    pub received: u32,
    pub by_channel: BTreeMap<String, u32>,
    pub by_category: BTreeMap<String, u32>,
    pub answered: u32,
    pub answered_on_time: u32,
    pub reopened: u32,
    pub refused: u32,
    pub forwarded: u32,
    /// Upheld conduct complaints by the clause they concern.
    pub upheld_by_clause: BTreeMap<String, u32>,
    /// Decision 766 indicators 5.2 (on time) and 5.3 (satisfaction with the handling).
    pub indicators: Indicators,
}

/// Figures for the office's subtree (`FeedbackRead`).
pub async fn figures(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    from: Date,
    to: Date,
) -> Result<Figures> {
    let today = local_date(app.now()).to_string();
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::FeedbackRead, &o)?;
    let rows = repo::list_under(
        &mut tx,
        &o.path,
        &from.to_string(),
        &to.to_string(),
        1_000_000,
    )
    .await?;
    tx.commit().await?;
    // The office's figures count what its subtree received (not what it handles for others).
    let rows: Vec<CaseRow> = rows
        .into_iter()
        .filter(|k| k.office_path.starts_with(&o.path))
        .collect();
    let mut f = Figures {
        office_id,
        from: from.to_string(),
        to: to.to_string(),
        received: rows.len() as u32,
        by_channel: BTreeMap::new(),
        by_category: BTreeMap::new(),
        answered: 0,
        answered_on_time: 0,
        reopened: 0,
        refused: 0,
        forwarded: 0,
        upheld_by_clause: BTreeMap::new(),
        indicators: dom::indicators(&[]),
    };
    let mut facts = Vec::with_capacity(rows.len());
    for k in &rows {
        *f.by_channel.entry(k.channel.clone()).or_default() += 1;
        *f.by_category.entry(k.category.clone()).or_default() += 1;
        if k.answered_at.is_some() {
            f.answered += 1;
        }
        if k.answered_on_time == Some(true) {
            f.answered_on_time += 1;
        }
        if k.reopened > 0 {
            f.reopened += 1;
        }
        match k.state.as_str() {
            "refused" => f.refused += 1,
            "forwarded" => f.forwarded += 1,
            _ => {}
        }
        if k.upheld == Some(true) {
            *f.upheld_by_clause
                .entry(k.clause.clone().unwrap_or_else(|| "—".into()))
                .or_default() += 1;
        }
        let (_, overdue_now) = overdue_on(k, &today);
        facts.push(CaseFacts {
            within_competence: !matches!(k.state.as_str(), "refused" | "forwarded"),
            answered_on_time: k.answered_on_time == Some(true),
            overdue: overdue_now || k.answered_on_time == Some(false),
            not_helpful: k.helpful == Some(false),
            reopened: k.reopened > 0,
        });
    }
    f.indicators = dom::indicators(&facts);
    Ok(f)
}

/// The officer's record: upheld conduct complaints (for evaluations). The officer sees their
/// own; heads and supervisors with `FeedbackRead` over the officer's office see theirs.
pub async fn officer_record(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
) -> Result<Vec<OfficerRecord>> {
    let mut tx = app.db.read().await?;
    let rows = repo::officer_records(&mut tx, officer_id).await?;
    let mut out = Vec::new();
    for r in rows {
        let o = office(&mut tx, r.office_id).await?;
        if actor.principal.user_id == officer_id
            || actor.principal.can(Perm::FeedbackRead, &path(&o))
        {
            out.push(r);
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Every office, for the public form's choice (names and codes are public).
pub async fn public_offices(app: &App) -> Result<Vec<OfficeRow>> {
    let mut tx = app.db.read().await?;
    let all = office_repo::list_subtree(&mut tx, "/").await?;
    tx.commit().await?;
    Ok(all)
}

/// The office an Open311 client or the public form names by code.
pub async fn office_by_code(app: &App, code: &str) -> Result<OfficeRow> {
    let mut tx = app.db.read().await?;
    let o = office_repo::get_by_code(&mut tx, code.trim())
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    tx.commit().await?;
    Ok(o)
}

/// The names of the offices, by id (for public lists).
pub async fn office_names(app: &App, ids: &[Uuid]) -> Result<BTreeMap<Uuid, String>> {
    let mut tx = app.db.read().await?;
    let mut out = BTreeMap::new();
    for id in ids {
        if !out.contains_key(id)
            && let Some(o) = office_repo::get(&mut tx, *id).await?
        {
            out.insert(*id, o.name);
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Every case received on `from..=to` (Open311's public list), newest first.
pub async fn all_between(app: &App, from: Date, to: Date, limit: i64) -> Result<Vec<CaseRow>> {
    let mut tx = app.db.read().await?;
    let rows = repo::list_between(&mut tx, &from.to_string(), &to.to_string(), limit).await?;
    tx.commit().await?;
    Ok(rows)
}

/// A case by code, or by id (Open311's token), for the public Open311 views.
pub async fn by_code_or_id(app: &App, key: &str) -> Result<Option<CaseRow>> {
    let mut tx = app.db.read().await?;
    let k = match key.parse::<Uuid>() {
        Ok(id) => repo::get(&mut tx, id).await?,
        Err(_) => repo::get_by_code(&mut tx, key.trim()).await?,
    };
    tx.commit().await?;
    Ok(k)
}

/// Timeline events of every case in `[since, until]` (Open311 request updates).
pub async fn events_between(
    app: &App,
    since: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<(EventRow, CaseRow)>> {
    let mut tx = app.db.read().await?;
    let evs = repo::events_between(&mut tx, since, until, limit).await?;
    let mut cache: BTreeMap<Uuid, CaseRow> = BTreeMap::new();
    let mut out = Vec::with_capacity(evs.len());
    for e in evs {
        if let std::collections::btree_map::Entry::Vacant(v) = cache.entry(e.case_id)
            && let Some(k) = repo::get(&mut tx, e.case_id).await?
        {
            v.insert(k);
        }
        if let Some(k) = cache.get(&e.case_id) {
            out.push((e, k.clone()));
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// The SHA-256 of an attachment's bytes, as stored.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
