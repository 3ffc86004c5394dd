//! Feedback and complaints (phản ánh, kiến nghị): intake from every channel with attachments,
//! identity protection (anonymous but answerable; identity seen only by designated roles, each
//! view logged with its reason; the officer complained about never sees the sender, nor the
//! case until the head discloses it), routing to the officer's superior, the handling steps
//! with legal deadlines in working days, published answers without personal data, the
//! sender's verdict and one reopening, the officer's record of upheld complaints, and figures.
//!
//! Every change writes the case, its timeline event and its audit row in one transaction.
//!
//! One file per group of use cases: [`submit`](submit()) and the form's choices (`submit.rs`),
//! Open311's requests (`open311.rs`), what staff read (`read.rs`), the handler's steps
//! (`act.rs`), the sender's part (`sender.rs`), public lists (`public.rs`) and figures
//! (`figures.rs`). Who may see, handle and reveal a case is decided here, once.

use congbo_domain::DomainError;
use congbo_domain::feedback::{Privacy, State};
use congbo_domain::identity::{Perm, Role};
use congbo_domain::office::OfficePath;
use congbo_store::Tx;
use congbo_store::repo::feedback::{self as repo, CaseRow, EventRow};
use jiff::civil::Date;
use uuid::Uuid;

use crate::{Actor, App, AppError, Result};

mod act;
mod figures;
mod open311;
mod public;
mod read;
mod sender;
mod submit;

pub use act::{ActInput, HandlerAction, act};
pub use figures::{Figures, figures, officer_record};
pub use open311::{
    Open311Refusal, Open311Request, SERVICE_CONDUCT, SERVICE_PROCEDURE, service_code,
    submit_open311,
};
pub use public::{
    PublishedAnswer, all_between, by_code_or_id, events_between, office_by_code, office_names,
    public_offices, published,
};
pub use read::{
    AttachmentOut, CaseLine, CaseView, EventOut, Identity, attachment, get, identity_log, list,
    list_period, reveal_identity,
};
pub use sender::{PublicCase, SenderAction, follow, sender_act};
pub use submit::{
    FormChoices, NewFeedback, Receipt, Upload, channel_for, form_channel, form_choices, officers,
    submit,
};

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

/// One line of a case's timeline, as written.
struct Event<'a> {
    seq: i64,
    at: i64,
    from: Option<&'a str>,
    action: &'a str,
    actor: Option<&'a Actor>,
    actor_name: &'a str,
    note: Option<String>,
}

async fn event(tx: &mut Tx, k: &CaseRow, e: Event<'_>) -> Result<()> {
    repo::insert_event(
        tx,
        &EventRow {
            case_id: k.id,
            seq: e.seq,
            at: e.at,
            action: e.action.into(),
            from_state: e.from.map(str::to_string),
            to_state: k.state.clone(),
            actor_id: e.actor.map(|a| a.principal.user_id),
            actor_name: e.actor_name.into(),
            note: e.note,
        },
    )
    .await?;
    Ok(())
}

/// The next sequence number of the case's timeline.
async fn next_seq(tx: &mut Tx, k: &CaseRow) -> Result<i64> {
    Ok(repo::events(tx, k.id).await?.len() as i64 + 1)
}

/// The deadline the case is held to now, and whether it passed before `today`.
pub(crate) fn overdue_on(k: &CaseRow, today: &str) -> (Option<String>, bool) {
    let Ok(state) = State::parse(&k.state) else {
        return (None, false);
    };
    let p = |s: &str| s.parse::<Date>().ok();
    let due = match (p(&k.classify_due), p(&k.answer_due)) {
        (Some(c), Some(a)) => {
            congbo_domain::feedback::current_due(state, c, a, k.publish_due.as_deref().and_then(p))
        }
        _ => None,
    };
    let due = due.map(|d| d.to_string());
    let overdue = due.as_deref().is_some_and(|d| d < today);
    (due, overdue)
}

/// Whether the actor may see the case at all: read permission over the receiving or the
/// handling office, and never the officer complained about until the head discloses it.
fn may_read(actor: &Actor, k: &CaseRow) -> bool {
    if hidden_from(actor, k) {
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

/// A case about the actor that the head has not disclosed. The actor never reads it, and
/// every figure shown to the actor leaves it out, so no count tells them it exists (issue 15).
pub(crate) fn hidden_from(actor: &Actor, k: &CaseRow) -> bool {
    Some(actor.principal.user_id) == k.officer_id && !k.disclosed
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

/// Save a changed case (optimistic: `feedback-changed` when someone else changed it first).
/// The rollups get the difference between the stored case and the saved one.
async fn save(tx: &mut Tx, k: &mut CaseRow, now: i64) -> Result<()> {
    let before = k.version;
    let stored = repo::get(tx, k.id).await?;
    k.version += 1;
    k.updated_at = now;
    if !repo::update(tx, k, before).await? {
        return Err(AppError::Conflict("feedback-changed"));
    }
    crate::report::rollup::feedback_changed(tx, stored.as_ref(), k).await
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

/// The SHA-256 of an attachment's bytes, as stored.
pub fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}
