//! The sender's part, with the code and the secret: follow the case, give the information
//! asked for, say whether the answer helped, and reopen once after saying it did not.

use congbo_domain::DomainError;
use congbo_domain::calendar::WorkCalendar;
use congbo_domain::dossier::secret_matches;
use congbo_domain::feedback::{self as dom, Action, Deadlines, State};
use congbo_store::Tx;
use congbo_store::repo::feedback::{self as repo, CaseRow};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;

use super::{CONTENT_MAX, Event, event, multiline, next_seq, save};
use crate::access::office;
use crate::audit::{self, Entry};
use crate::{App, AppError, Result};
use congbo_domain::time::local_date;

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

/// The sender's actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderAction {
    /// The information asked for (`text`).
    Info,
    /// Whether the answer helped (`helpful`).
    Helpful,
    /// Reopen, after saying the answer did not help.
    Reopen,
}

impl SenderAction {
    /// `info`, `helpful` or `reopen`. Error: `not-found` (404) for anything else.
    pub fn parse(s: &str) -> Result<SenderAction> {
        match s {
            "info" => Ok(SenderAction::Info),
            "helpful" => Ok(SenderAction::Helpful),
            "reopen" => Ok(SenderAction::Reopen),
            _ => Err(AppError::NotFound("not-found")),
        }
    }
    /// The timeline's name of the action.
    fn event(self) -> &'static str {
        match self {
            SenderAction::Info => "provide-info",
            SenderAction::Helpful => "verdict",
            SenderAction::Reopen => "reopen",
        }
    }
    fn audit_action(self) -> &'static str {
        match self {
            SenderAction::Info => "feedback.provide-info",
            SenderAction::Helpful => "feedback.verdict",
            SenderAction::Reopen => "feedback.reopen",
        }
    }
}

/// Apply the sender's action to the case; returns the timeline's note.
fn apply(
    k: &mut CaseRow,
    action: SenderAction,
    text: Option<&str>,
    helpful: Option<bool>,
    today: Date,
    cal: &WorkCalendar,
) -> Result<Option<String>> {
    let deadlines = Deadlines::default();
    let state = State::parse(&k.state)?;
    match action {
        SenderAction::Info => {
            let next = dom::apply(state, k.reopened as u32, Action::ProvideInfo)?;
            let t = multiline(text.unwrap_or(""), "text", 1, CONTENT_MAX)?;
            k.info_reply = Some(t);
            // The clock restarts from the information received.
            k.classify_due = deadlines.classify_due(cal, today).to_string();
            k.answer_due = deadlines.answer_due(cal, today).to_string();
            k.state = next.as_str().into();
            Ok(None)
        }
        SenderAction::Helpful => {
            if !matches!(state, State::Answered | State::Published) {
                return Err(DomainError::new("feedback-not-answered").into());
            }
            let h = helpful.ok_or(DomainError::field("required", "helpful"))?;
            k.helpful = Some(h);
            Ok(Some(if h { "hữu ích" } else { "chưa hữu ích" }.to_string()))
        }
        SenderAction::Reopen => {
            if k.helpful != Some(false) {
                return Err(DomainError::new("feedback-verdict-first").into());
            }
            let next = dom::apply(state, k.reopened as u32, Action::Reopen)?;
            k.reopened += 1;
            k.helpful = None;
            k.answer_due = deadlines.answer_due(cal, today).to_string();
            k.publish_due = None;
            k.state = next.as_str().into();
            Ok(multiline(text.unwrap_or(""), "text", 0, CONTENT_MAX)
                .ok()
                .filter(|t| !t.is_empty()))
        }
    }
}

/// The sender's part: `info` (the information asked for, `text`), `helpful` (`helpful`), or
/// `reopen` (after saying the answer did not help). Errors: `feedback-not-found`, the state
/// rules, `feedback-verdict-first` (reopen before saying it did not help),
/// `feedback-not-answered` (a verdict before an answer).
pub async fn sender_act(
    app: &App,
    code: &str,
    secret: &str,
    action: SenderAction,
    text: Option<&str>,
    helpful: Option<bool>,
) -> Result<PublicCase> {
    let now = app.now();
    let cal = app.calendar().await?;
    let mut tx = app.db.begin().await?;
    let mut k = by_secret(&mut tx, code, secret, true).await?;
    let from = k.state.clone();
    let note = apply(&mut k, action, text, helpful, local_date(now), &cal)?;
    save(&mut tx, &mut k, now).await?;
    let seq = next_seq(&mut tx, &k).await?;
    let e = Event {
        seq,
        at: now,
        from: Some(&from),
        action: action.event(),
        actor: None,
        actor_name: "Người gửi",
        note,
    };
    event(&mut tx, &k, e).await?;
    let entry = Entry {
        action: action.audit_action(),
        role: None,
        office_id: Some(k.handler_office_id),
        target_type: "feedback",
        target_id: Some(k.id.to_string()),
        summary: json!({"code": k.code, "state": k.state, "helpful": k.helpful}),
    };
    audit::record_as(&mut tx, now, None, "citizen", None, entry).await?;
    let o = office(&mut tx, k.office_id).await?;
    let n = repo::attachments(&mut tx, k.id).await?.len();
    tx.commit().await?;
    public_of(&k, o.name, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sender_has_three_actions() {
        assert_eq!(SenderAction::parse("info").unwrap(), SenderAction::Info);
        assert_eq!(
            SenderAction::parse("helpful").unwrap(),
            SenderAction::Helpful
        );
        assert_eq!(SenderAction::parse("reopen").unwrap(), SenderAction::Reopen);
        for s in ["accept", "answer", ""] {
            let e = SenderAction::parse(s).unwrap_err();
            assert!(matches!(e, AppError::NotFound("not-found")), "{s}");
        }
        assert_eq!(SenderAction::Info.event(), "provide-info");
        assert_eq!(SenderAction::Helpful.audit_action(), "feedback.verdict");
    }
}
