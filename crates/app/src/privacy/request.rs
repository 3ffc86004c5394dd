//! Data subject requests. A citizen gives their identity number and a contact (email or phone)
//! held on one of their dossiers; congbo sends a one-time code there; with the code they see
//! and download their data: the dossiers that hold that contact, who viewed them, their
//! consents and earlier requests. From the export they may ask for a correction or an erasure,
//! which the head of the office answers within the legal time (`staff.rs`).
//!
//! Only records holding the verified contact are shown: knowing someone's identity number is
//! not enough to read their data, and a relative's dossier filed with another contact stays out.

use congbo_domain::DomainError;
use congbo_domain::office::OfficePath;
use congbo_domain::privacy::request::{
    ACCESS_MINUTES, CODE_MINUTES, Contact, Kind, check_code, code_from, parse_code, parse_detail,
    parse_id_number,
};
use congbo_domain::time::local_date;
use congbo_store::repo::dossier::DossierRow;
use congbo_store::repo::outbox::{self, NewOutbox};
use congbo_store::repo::privacy::{self as repo, RequestRow};
use serde_json::json;
use uuid::Uuid;

use super::export::{Export, gather};
use crate::audit::{self, Entry};
use crate::{App, AppError, Result, new_id, random_token, sha256_hex};

const MINUTE: i64 = 60_000_000;

/// A request waiting for its code: where the code went (masked).
#[derive(Debug, Clone)]
pub struct Started {
    pub id: Uuid,
    pub sent_to: String,
}

fn code_hash(id: Uuid, code: &str) -> String {
    sha256_hex(&format!("congbo-privacy-code:{id}:{code}"))
}

/// The dossiers under `id_no` that hold `contact`.
pub(super) fn holding(rows: Vec<DossierRow>, contact: &Contact) -> Vec<DossierRow> {
    rows.into_iter()
        .filter(|d| contact.matches(d.applicant_email.as_deref(), d.applicant_phone.as_deref()))
        .collect()
}

/// Start an access request: send a one-time code to `contact` if a dossier filed under
/// `id_number` holds it. Errors: `invalid-id-number` (`id_number`), `invalid-contact` and
/// `privacy-no-match` (`contact`); nothing is written then.
pub async fn start(
    app: &App,
    id_number: &str,
    contact: &str,
    request_id: Option<String>,
) -> Result<Started> {
    let id_no = parse_id_number(id_number)?;
    let contact = Contact::parse(contact)?;
    let now = app.now();
    let mut tx = app.db.read().await?;
    let rows = holding(repo::dossiers_of_subject(&mut tx, &id_no).await?, &contact);
    tx.commit().await?;
    let Some(newest) = rows.first() else {
        return Err(DomainError::field("privacy-no-match", "contact").into());
    };
    let id = new_id();
    let mut b = [0u8; 4];
    rand::fill(&mut b);
    let code = code_from(b);
    let path = OfficePath::from_stored(newest.office_path.clone());
    let mut tx = app.db.begin().await?;
    repo::insert_request(
        &mut tx,
        &RequestRow {
            shard_key: path.shard_key(),
            id,
            office_id: newest.office_id,
            parent_id: None,
            kind: Kind::Access.as_str().into(),
            state: "unverified".into(),
            subject_id_no: id_no,
            contact: contact.as_str().into(),
            detail: None,
            code_hash: Some(code_hash(id, &code)),
            code_expires: Some(now + CODE_MINUTES * MINUTE),
            attempts: 0,
            access_hash: None,
            access_expires: None,
            received_at: now,
            ack_due: None,
            due: None,
            extended: 0,
            answer: None,
            answered_by: None,
            answered_at: None,
        },
    )
    .await?;
    outbox::insert(
        &mut tx,
        &NewOutbox {
            id: new_id(),
            created_at: now,
            topic: "privacy.code".into(),
            dossier_id: None,
            channel: contact.channel().into(),
            recipient: contact.as_str().into(),
            subject: "Mã xác nhận xem dữ liệu cá nhân".into(),
            body: format!(
                "Mã xác nhận của bạn là {code}. Mã có hiệu lực {CODE_MINUTES} phút. \
                 Nếu bạn không yêu cầu xem dữ liệu cá nhân của mình, hãy bỏ qua tin này."
            ),
        },
    )
    .await?;
    by_citizen(
        &mut tx,
        now,
        request_id,
        "privacy.request",
        newest.office_id,
        id,
        json!({"kind": "access", "channel": contact.channel()}),
    )
    .await?;
    tx.commit().await?;
    Ok(Started {
        id,
        sent_to: contact.masked(),
    })
}

/// Where a code went, for the page that asks for it (`privacy-request-not-found` otherwise).
pub async fn pending(app: &App, id: Uuid) -> Result<Started> {
    let mut tx = app.db.read().await?;
    let r = repo::request(&mut tx, id)
        .await?
        .filter(|r| r.kind == Kind::Access.as_str())
        .ok_or(AppError::NotFound("privacy-request-not-found"))?;
    tx.commit().await?;
    let contact = Contact::parse(&r.contact)?;
    Ok(Started {
        id,
        sent_to: contact.masked(),
    })
}

/// Check the code typed for request `id`; right, it opens the export for `ACCESS_MINUTES` and
/// returns its secret (kept in a cookie by the browser). Errors (`code`): `privacy-code-wrong`
/// (counted), `privacy-code-expired`, `privacy-code-locked`; `privacy-request-not-found`.
pub async fn verify(app: &App, id: Uuid, code: &str, request_id: Option<String>) -> Result<String> {
    let code = parse_code(code)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let r = repo::request(&mut tx, id)
        .await?
        .filter(|r| r.kind == Kind::Access.as_str())
        .ok_or(AppError::NotFound("privacy-request-not-found"))?;
    if r.state != "unverified" {
        return Err(DomainError::field("privacy-code-expired", "code").into());
    }
    let right = r.code_hash.as_deref() == Some(code_hash(id, &code).as_str());
    if let Err(e) = check_code(now, r.code_expires, r.attempts, right) {
        if e.code == "privacy-code-wrong" {
            repo::count_attempt(&mut tx, r.shard_key, id).await?;
            tx.commit().await?;
        }
        return Err(e.into());
    }
    let secret = random_token();
    let expires = now + ACCESS_MINUTES * MINUTE;
    repo::verify(&mut tx, r.shard_key, id, &sha256_hex(&secret), expires, now).await?;
    by_citizen(
        &mut tx,
        now,
        request_id,
        "privacy.verified",
        r.office_id,
        id,
        json!({"kind": "access"}),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// The verified request `id` if `secret` opens it now (`privacy-export-closed` otherwise: a
/// wrong, missing or expired secret, told apart from nothing).
pub(super) fn opened(r: Option<RequestRow>, secret: &str, now: i64) -> Result<RequestRow> {
    r.filter(|r| {
        r.kind == Kind::Access.as_str()
            && r.state == "done"
            && r.access_hash.as_deref() == Some(sha256_hex(secret).as_str())
            && r.access_expires.is_some_and(|e| e > now)
    })
    .ok_or(AppError::NotFound("privacy-export-closed"))
}

/// The citizen's data, for the page and the JSON download.
pub async fn export(app: &App, id: Uuid, secret: &str) -> Result<Export> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let r = opened(repo::request(&mut tx, id).await?, secret, now)?;
    let out = gather(&mut tx, &r, now).await?;
    tx.commit().await?;
    Ok(out)
}

/// File a correction or an erasure request from an open export. Errors: `unknown-request-kind`
/// (`kind`), `required`/`too-long` (`detail`), `privacy-export-closed`.
pub async fn file(
    app: &App,
    id: Uuid,
    secret: &str,
    kind: &str,
    detail: &str,
    request_id: Option<String>,
) -> Result<Uuid> {
    let kind = Kind::parse(kind).and_then(|k| match k {
        Kind::Access => Err(DomainError::field("unknown-request-kind", "kind")),
        k => Ok(k),
    })?;
    let detail = parse_detail(detail)?;
    let cal = app.calendar().await?;
    let now = app.now();
    let (ack, due) = congbo_domain::privacy::request::deadlines(local_date(now), &cal);
    let mut tx = app.db.begin().await?;
    let parent = opened(repo::request(&mut tx, id).await?, secret, now)?;
    let new = RequestRow {
        id: new_id(),
        parent_id: Some(parent.id),
        kind: kind.as_str().into(),
        state: "open".into(),
        detail: Some(detail),
        code_hash: None,
        code_expires: None,
        access_hash: None,
        access_expires: None,
        received_at: now,
        ack_due: Some(ack.to_string()),
        due: Some(due.to_string()),
        answered_at: None,
        ..parent.clone()
    };
    repo::insert_request(&mut tx, &new).await?;
    by_citizen(
        &mut tx,
        now,
        request_id,
        "privacy.request",
        new.office_id,
        new.id,
        json!({"kind": kind.as_str(), "due": new.due}),
    )
    .await?;
    tx.commit().await?;
    Ok(new.id)
}

/// The audit row of a step the citizen took (not signed in: the actor is "public").
pub(super) async fn by_citizen(
    tx: &mut congbo_store::Tx,
    now: i64,
    request_id: Option<String>,
    action: &str,
    office_id: Uuid,
    target: Uuid,
    summary: serde_json::Value,
) -> Result<()> {
    audit::record_as(
        tx,
        now,
        None,
        "public",
        request_id,
        Entry {
            action,
            role: None,
            office_id: Some(office_id),
            target_type: "privacy_request",
            target_id: Some(target.to_string()),
            summary,
        },
    )
    .await
}
