//! What staff read: one case (never the sender's identity, with what the viewer may do), the
//! list of cases, the logged view of the sender's identity and who saw it, and attachments.

use std::collections::BTreeMap;

use congbo_domain::DomainError;
use congbo_domain::feedback::{self as dom, Action, Category, Privacy, State};
use congbo_domain::identity::Perm;
use congbo_domain::office::OfficePath;
use congbo_domain::privacy::access::Via;
use congbo_store::Tx;
use congbo_store::repo::feedback::{self as repo, AttachmentMeta, CaseRow};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::{load_visible, may_handle, may_read, may_reveal, overdue_on};
use crate::access::office;
use crate::audit::{self, Entry};
use crate::privacy::{self, access::Seen};
use crate::staff::name_of;
use crate::{Actor, App, AppError, Result, new_id};
use congbo_domain::time::{Days, local_date, parse_day};
use jiff::ToSpan;

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
    /// The clause as people read it (its text and code title), when a code holds it.
    pub clause_text: Option<String>,
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

/// What the viewer may do with the case now: the handler's steps the state allows, and
/// `disclose` for a conduct complaint about an officer not yet told.
fn allowed(actor: &Actor, k: &CaseRow, state: State) -> Vec<&'static str> {
    if may_handle(actor, k).is_none() {
        return Vec::new();
    }
    let mut actions: Vec<&'static str> = [
        Action::Accept,
        Action::Refuse,
        Action::Forward,
        Action::RequestInfo,
        Action::Answer,
        Action::Publish,
    ]
    .into_iter()
    .filter(|a| dom::apply(state, k.reopened as u32, *a).is_ok())
    .map(Action::as_str)
    .collect();
    if k.category == Category::Conduct.as_str() && k.officer_id.is_some() && !k.disclosed {
        actions.push("disclose");
    }
    actions
}

async fn attachments_of(tx: &mut Tx, id: Uuid) -> Result<Vec<AttachmentOut>> {
    Ok(repo::attachments(tx, id)
        .await?
        .into_iter()
        .map(|a| AttachmentOut {
            id: a.id,
            filename: a.filename,
            mime: a.mime,
            size: a.size,
            sha256: a.sha256,
        })
        .collect())
}

async fn events_of(tx: &mut Tx, id: Uuid) -> Result<Vec<EventOut>> {
    Ok(repo::events(tx, id)
        .await?
        .into_iter()
        .map(|e| EventOut {
            at: e.at,
            action: e.action,
            to_state: e.to_state,
            actor_name: e.actor_name,
            note: e.note,
        })
        .collect())
}

pub(super) async fn view_in(tx: &mut Tx, actor: &Actor, k: CaseRow, now: i64) -> Result<CaseView> {
    let o = office(tx, k.office_id).await?;
    let h = office(tx, k.handler_office_id).await?;
    let officer_name = name_of(tx, k.officer_id).await?;
    let attachments = attachments_of(tx, k.id).await?;
    let events = events_of(tx, k.id).await?;
    let state = State::parse(&k.state)?;
    let actions = allowed(actor, &k, state);
    let (due, overdue) = overdue_on(&k, &local_date(now).to_string());
    let clause_text = match &k.clause {
        Some(c) => congbo_domain::conduct::describe(&crate::conduct::codes_in(tx).await?, c),
        None => None,
    };
    Ok(CaseView {
        clause_text,
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

/// The period of a case list: `from..=to` ('YYYY-MM-DD'), by default the last 90 days up to
/// today. Error: `invalid-date` (`from` / `to`).
pub fn list_period(now: i64, from: Option<&str>, to: Option<&str>) -> Result<Days> {
    let today = local_date(now);
    let from = parse_day(from, "from")?.unwrap_or(today.saturating_sub(90.days()));
    let to = parse_day(to, "to")?.unwrap_or(today);
    if to < from {
        return Err(DomainError::field("invalid-date", "to").into());
    }
    Ok(Days { from, to })
}

/// Cases the actor may see, received on `from..=to`; `overdue_only` is the supervisor's
/// escalation list.
pub async fn list(
    app: &App,
    actor: &Actor,
    days: Days,
    overdue_only: bool,
) -> Result<Vec<CaseLine>> {
    let Days { from, to } = days;
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
    let fields = [
        ("name", &k.sender_name),
        ("contact", &k.sender_contact),
        ("address", &k.sender_address),
    ]
    .iter()
    .filter(|(_, v)| v.is_some())
    .map(|(n, _)| *n)
    .collect::<Vec<_>>()
    .join(",");
    privacy::access::write(
        &mut tx,
        now,
        actor,
        &Seen {
            record_kind: "feedback",
            record_id: k.id,
            record_code: &k.code,
            office_id: k.handler_office_id,
            office_path: &k.handler_path,
            fields,
            via: Via::Reveal,
            purpose: Some(&reason),
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
        let name = name_of(&mut tx, Some(u)).await?.unwrap_or_default();
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
