//! The handler's steps: accept, refuse, forward, ask the sender for information, answer (with
//! the officer's record when a conduct complaint is upheld), publish without personal data,
//! and disclose the case to the officer concerned; the sender is told by SMS or e-mail.

use congbo_domain::DomainError;
use congbo_domain::calendar::WorkCalendar;
use congbo_domain::feedback::{self as dom, Action, Category, Deadlines, Privacy, State};
use congbo_domain::identity::Role;
use congbo_store::Tx;
use congbo_store::repo::feedback::{self as repo, CaseRow, OfficerRecord};
use congbo_store::repo::staff as staff_repo;
use serde_json::json;
use uuid::Uuid;

use super::read::{CaseView, view_in};
use super::{
    CONTENT_MAX, Event, event, follow_url, load_visible, may_handle, multiline, next_seq, optional,
    save,
};
use crate::access::office;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};
use congbo_domain::time::local_date;

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

/// A handler's action: one of the case's steps, or disclosing the case to the officer
/// concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerAction {
    Step(Action),
    Disclose,
}

impl HandlerAction {
    /// `accept`, `refuse`, `forward`, `request-info`, `answer`, `publish` or `disclose`.
    /// Error: `not-found` (404) for anything else, the sender's own steps included.
    pub fn parse(s: &str) -> Result<HandlerAction> {
        if s == "disclose" {
            return Ok(HandlerAction::Disclose);
        }
        match Action::parse(s) {
            Ok(Action::ProvideInfo | Action::Reopen) | Err(_) => {
                Err(AppError::NotFound("not-found"))
            }
            Ok(a) => Ok(HandlerAction::Step(a)),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            HandlerAction::Step(a) => a.as_str(),
            HandlerAction::Disclose => "disclose",
        }
    }
    fn audit_action(self) -> &'static str {
        match self {
            HandlerAction::Step(Action::Accept) => "feedback.accept",
            HandlerAction::Step(Action::Refuse) => "feedback.refuse",
            HandlerAction::Step(Action::Forward) => "feedback.forward",
            HandlerAction::Step(Action::RequestInfo) => "feedback.request-info",
            HandlerAction::Step(Action::Answer) => "feedback.answer",
            HandlerAction::Step(Action::Publish) => "feedback.publish",
            _ => "feedback.disclose",
        }
    }
}

/// What a step leaves besides the case: the timeline's note, the officer's record, the notice.
#[derive(Default)]
struct Done {
    note: Option<String>,
    record: Option<OfficerRecord>,
    notice: Option<dom::Notice>,
}

fn text(input: &ActInput, max: usize) -> Result<String> {
    multiline(input.text.as_deref().unwrap_or(""), "text", 1, max)
}

/// The answer: on time or not, the publication deadline, and for a conduct complaint whether
/// it was upheld (then the officer's record).
fn answer(
    k: &mut CaseRow,
    input: &ActInput,
    now: i64,
    cal: &WorkCalendar,
) -> Result<Option<OfficerRecord>> {
    let today = local_date(now);
    let t = text(input, CONTENT_MAX)?;
    let conduct = k.category == Category::Conduct.as_str();
    if conduct && k.officer_id.is_some() && input.upheld.is_none() {
        return Err(DomainError::field("feedback-upheld-required", "upheld").into());
    }
    k.answer = Some(t);
    k.answered_at = Some(now);
    k.answered_on_time = Some(today.to_string() <= k.answer_due);
    k.publish_due = Some(Deadlines::default().publish_due(cal, today).to_string());
    if !conduct {
        return Ok(None);
    }
    k.upheld = input.upheld;
    let Some(officer) = k.officer_id.filter(|_| input.upheld == Some(true)) else {
        return Ok(None);
    };
    Ok(Some(OfficerRecord {
        id: new_id(),
        officer_id: officer,
        office_id: k.office_id,
        kind: "conduct-upheld".into(),
        clause: k.clause.clone(),
        source_type: "feedback".into(),
        source_id: k.id,
        note: Some(k.code.clone()),
        at: now,
    }))
}

/// Publish: the question and the answer, as given or as they are, without the names of the
/// sender and of the officer concerned.
async fn publish(tx: &mut Tx, k: &mut CaseRow, input: &ActInput, now: i64) -> Result<()> {
    let mut names: Vec<String> = k.sender_name.iter().cloned().collect();
    if let Some(u) = k.officer_id
        && let Some(u) = staff_repo::get(tx, u).await?
    {
        names.push(u.full_name);
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let public_text = match optional(input.public_text.as_deref(), "public_text", CONTENT_MAX)? {
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
    Ok(())
}

/// One step of the case, after the state rules allow it.
async fn step(
    tx: &mut Tx,
    k: &mut CaseRow,
    a: Action,
    input: &ActInput,
    now: i64,
    cal: &WorkCalendar,
) -> Result<Done> {
    let next = dom::apply(State::parse(&k.state)?, k.reopened as u32, a)?;
    let mut done = Done::default();
    match a {
        Action::Accept => {}
        Action::Refuse => {
            let t = text(input, 2000)?;
            done.note = Some(t.clone());
            k.refusal = Some(t);
        }
        Action::Forward => {
            let to = congbo_domain::text::clean(input.to.as_deref().unwrap_or(""), "to", 1, 200)?;
            done.note = Some(to.clone());
            k.forwarded_to = Some(to);
        }
        Action::RequestInfo => {
            let t = text(input, 2000)?;
            done.note = Some(t.clone());
            done.notice = Some(dom::Notice::InfoRequested {
                question: t.clone(),
            });
            k.info_question = Some(t);
        }
        Action::Answer => {
            done.record = answer(k, input, now, cal)?;
            done.notice = Some(dom::Notice::Answered);
        }
        Action::Publish => publish(tx, k, input, now).await?,
        Action::ProvideInfo | Action::Reopen => return Err(AppError::NotFound("not-found")),
    }
    k.state = next.as_str().into();
    Ok(done)
}

/// The timeline event and the audit row of a handler's action.
async fn record_act(
    tx: &mut Tx,
    actor: &Actor,
    role: Role,
    k: &CaseRow,
    from: &str,
    action: HandlerAction,
    done: Done,
) -> Result<()> {
    // Saved just now: the case's update time is the action's.
    let now = k.updated_at;
    let seq = next_seq(tx, k).await?;
    let e = Event {
        seq,
        at: now,
        from: Some(from),
        action: action.as_str(),
        actor: Some(actor),
        actor_name: &actor.principal.full_name,
        note: done.note,
    };
    event(tx, k, e).await?;
    let entry = Entry {
        action: action.audit_action(),
        role: Some(role.as_str()),
        office_id: Some(k.handler_office_id),
        target_type: "feedback",
        target_id: Some(k.id.to_string()),
        summary: json!({"code": k.code, "state": k.state, "upheld": k.upheld,
                        "on_time": k.answered_on_time, "officer_record": done.record.is_some()}),
    };
    audit::record(tx, now, actor, entry).await
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
    action: HandlerAction,
    input: &ActInput,
) -> Result<CaseView> {
    let now = app.now();
    let cal = app.calendar().await?;
    let mut tx = app.db.begin().await?;
    let mut k = load_visible(&mut tx, actor, id, true).await?;
    let role = may_handle(actor, &k).ok_or(AppError::Forbidden)?;
    let from = k.state.clone();
    let done = match action {
        HandlerAction::Disclose => {
            if k.officer_id.is_none() || k.disclosed {
                return Err(DomainError::new("feedback-illegal-transition").into());
            }
            k.disclosed = true;
            Done::default()
        }
        HandlerAction::Step(a) => step(&mut tx, &mut k, a, input, now, &cal).await?,
    };
    save(&mut tx, &mut k, now).await?;
    if let Some(r) = &done.record {
        repo::insert_officer_record(&mut tx, r).await?;
    }
    if let Some(n) = &done.notice {
        tell_sender(&mut tx, app, &k, n, now).await?;
    }
    record_act(&mut tx, actor, role, &k, &from, action, done).await?;
    let v = view_in(&mut tx, actor, k, now).await?;
    tx.commit().await?;
    Ok(v)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handlers_take_their_steps_and_disclose_never_the_senders() {
        for s in [
            "accept",
            "refuse",
            "forward",
            "request-info",
            "answer",
            "publish",
            "disclose",
        ] {
            assert_eq!(HandlerAction::parse(s).unwrap().as_str(), s);
        }
        for s in ["provide-info", "reopen", "delete", ""] {
            let e = HandlerAction::parse(s).unwrap_err();
            assert!(matches!(e, AppError::NotFound("not-found")), "{s}");
        }
    }
}
