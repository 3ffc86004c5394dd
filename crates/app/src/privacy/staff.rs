//! The office's side of data subject requests: the list of corrections and erasures to answer
//! (with their deadlines), the answer (sent to the citizen's verified contact), and the access
//! log of the office's records. Heads and deputies (`PrivacyManage`) over their subtree.

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
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

/// Answer an open request: `done` (the correction or erasure was made) or `refused` (with the
/// reason, e.g. an archive record the law keeps). The answer goes to the citizen's verified
/// contact. Errors: `privacy-request-not-found` (404), `required`/`too-long` (`answer`),
/// `privacy-request-closed`.
pub async fn answer(app: &App, actor: &Actor, id: Uuid, accept: bool, text: &str) -> Result<()> {
    let text = congbo_domain::text::clean(text, "answer", 0, 2000)?;
    if text.chars().count() < 5 {
        return Err(DomainError::field("required", "answer").into());
    }
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let r = repo::request(&mut tx, id)
        .await?
        .filter(|r| r.kind != "access")
        .ok_or(AppError::NotFound("privacy-request-not-found"))?;
    let role = require_at(
        &mut tx,
        actor,
        Perm::PrivacyManage,
        r.office_id,
        "privacy-request-not-found",
    )
    .await?;
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
            summary: json!({"kind": r.kind, "state": state}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
