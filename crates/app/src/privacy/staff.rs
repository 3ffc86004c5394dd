//! The office's side of data subject requests: the list of corrections and erasures to answer
//! (with their deadlines), the answer (sent to the citizen's verified contact), and the access
//! log of the office's records. Heads and deputies (`PrivacyManage`) over their subtree.

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::office::OfficePath;
use congbo_store::repo::outbox::{self, NewOutbox};
use congbo_store::repo::privacy::{self as repo, RequestRow};
use serde_json::json;
use uuid::Uuid;

use crate::access::{self, require_at};
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};

/// The correction and erasure requests of every office where the caller holds
/// `PrivacyManage`, newest first (forbidden without it anywhere).
pub async fn requests(app: &App, actor: &Actor) -> Result<Vec<RequestRow>> {
    let offices = access::offices_with(actor, Perm::PrivacyManage);
    if offices.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.read().await?;
    let mut out = Vec::new();
    for id in offices {
        let o = access::office(&mut tx, id).await?;
        for r in repo::requests_under(&mut tx, &o.path).await? {
            if !out.iter().any(|x: &RequestRow| x.id == r.id) {
                out.push(r);
            }
        }
    }
    tx.commit().await?;
    out.sort_by_key(|r| std::cmp::Reverse(r.received_at));
    Ok(out)
}

/// Answer an open request: `done` or `refused` (with the reason). A granted erasure erases, in
/// the same transaction, the contact details on every dossier of the subject that holds the
/// verified contact and withdraws their consents (the dossiers are archive records under the
/// Law on Archives and stay, with the name and identity number). A correction is made by the
/// officer against the citizen's papers and recorded here. The answer goes to the citizen's
/// verified contact. Errors: `privacy-request-not-found` (404), `required`/`too-long` (`answer`),
/// `privacy-request-closed`.
pub async fn answer(app: &App, actor: &Actor, id: Uuid, accept: bool, text: &str) -> Result<()> {
    let text = said(text, "answer", 2000)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (r, role) = handled(&mut tx, actor, id).await?;
    let state = if accept { "done" } else { "refused" };
    if !repo::answer(
        &mut tx,
        r.shard_key,
        id,
        state,
        &text,
        actor.principal.user_id,
        now,
    )
    .await?
    {
        return Err(DomainError::new("privacy-request-closed").into());
    }
    let contact = congbo_domain::privacy::request::Contact::parse(&r.contact)?;
    let erased = if accept && r.kind == "erase" {
        erase(&mut tx, &r, &contact, now).await?
    } else {
        0
    };
    outbox::insert(
        &mut tx,
        &NewOutbox {
            id: new_id(),
            created_at: now,
            topic: "privacy.answer".into(),
            dossier_id: None,
            channel: contact.channel().into(),
            recipient: contact.as_str().into(),
            subject: "Trả lời yêu cầu về dữ liệu cá nhân".into(),
            body: format!(
                "Yêu cầu {} của bạn đã được {}: {text}",
                if r.kind == "rectify" {
                    "sửa dữ liệu"
                } else {
                    "xoá dữ liệu"
                },
                if accept {
                    "thực hiện"
                } else {
                    "từ chối"
                }
            ),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "privacy.answer",
            role: Some(role.as_str()),
            office_id: Some(r.office_id),
            target_type: "privacy_request",
            target_id: Some(id.to_string()),
            summary: json!({"kind": r.kind, "state": state, "dossiers_erased": erased}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Erase the contact details on the subject's dossiers holding `contact`, withdrawing their
/// consents; returns how many dossiers.
async fn erase(
    tx: &mut congbo_store::Tx,
    r: &RequestRow,
    contact: &congbo_domain::privacy::request::Contact,
    now: i64,
) -> Result<usize> {
    use congbo_store::repo::dossier as dossier_repo;
    let rows = super::request::holding(
        repo::dossiers_of_subject(tx, &r.subject_id_no).await?,
        contact,
    );
    for d in &rows {
        dossier_repo::erase_contacts(tx, d.id, now).await?;
        let shard = OfficePath::from_stored(d.office_path.clone()).shard_key();
        if let Some(k) = repo::consent_of_record(tx, shard, d.id, "notify").await? {
            repo::withdraw_consent(tx, shard, k.id, "officer", now).await?;
        }
    }
    Ok(rows.len())
}

/// Extend an open request once by up to 15 days, telling the citizen why (Decree 356).
/// Errors: `privacy-request-not-found` (404), `required`/`too-long` (`reason`),
/// `privacy-request-closed`, `privacy-extended-already`.
pub async fn extend(app: &App, actor: &Actor, id: Uuid, reason: &str) -> Result<()> {
    let reason = said(reason, "reason", 1000)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (r, role) = handled(&mut tx, actor, id).await?;
    if r.state != "open" {
        return Err(DomainError::new("privacy-request-closed").into());
    }
    let due: jiff::civil::Date = r
        .due
        .as_deref()
        .and_then(|d| d.parse().ok())
        .ok_or_else(|| AppError::Internal(format!("request {id} has no due date")))?;
    let new_due = congbo_domain::privacy::request::extend(due, r.extended > 0)?;
    if !repo::extend(&mut tx, r.shard_key, id, &new_due.to_string()).await? {
        return Err(DomainError::new("privacy-extended-already").into());
    }
    let contact = congbo_domain::privacy::request::Contact::parse(&r.contact)?;
    outbox::insert(
        &mut tx,
        &NewOutbox {
            id: new_id(),
            created_at: now,
            topic: "privacy.extended".into(),
            dossier_id: None,
            channel: contact.channel().into(),
            recipient: contact.as_str().into(),
            subject: "Gia hạn trả lời yêu cầu về dữ liệu cá nhân".into(),
            body: format!(
                "Cơ quan gia hạn trả lời yêu cầu của bạn đến ngày {}. Lý do: {reason}",
                congbo_domain::time::dmy(new_due)
            ),
        },
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "privacy.extend",
            role: Some(role.as_str()),
            office_id: Some(r.office_id),
            target_type: "privacy_request",
            target_id: Some(id.to_string()),
            summary: json!({"kind": r.kind, "due": new_due.to_string()}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A correction or erasure request `id` and the role that lets the caller handle it
/// (`PrivacyManage` over its office; 404 outside the caller's scope).
async fn handled(
    tx: &mut congbo_store::Tx,
    actor: &Actor,
    id: Uuid,
) -> Result<(RequestRow, congbo_domain::identity::Role)> {
    let r = repo::request(tx, id)
        .await?
        .filter(|r| r.kind != "access")
        .ok_or(AppError::NotFound("privacy-request-not-found"))?;
    let role = require_at(
        tx,
        actor,
        Perm::PrivacyManage,
        r.office_id,
        "privacy-request-not-found",
    )
    .await?;
    Ok((r, role))
}

/// What an officer writes to the citizen: 5 to `max` characters.
fn said(text: &str, field: &'static str, max: usize) -> Result<String> {
    let text = congbo_domain::text::clean(text, field, 0, max)?;
    if text.chars().count() < 5 {
        return Err(DomainError::field("required", field).into());
    }
    Ok(text)
}
