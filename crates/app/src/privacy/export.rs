//! What a data subject receives: their dossiers holding the verified contact (with the personal
//! data as recorded and the timeline), who viewed them and when, their consents and their
//! requests. One structure serves the printable page and the JSON download.

use congbo_domain::privacy::request::Contact;
use congbo_domain::time::iso_local;
use congbo_store::Tx;
use congbo_store::repo::dossier as dossier_repo;
use congbo_store::repo::office as office_repo;
use congbo_store::repo::privacy::{self as repo, RequestRow};
use serde::Serialize;
use uuid::Uuid;

use super::request::holding;
use crate::Result;

#[derive(Debug, Clone, Serialize)]
pub struct Export {
    pub request_id: Uuid,
    pub generated_at: String,
    pub open_until: String,
    pub id_number: String,
    pub contact: String,
    pub dossiers: Vec<DossierData>,
    pub access_log: Vec<AccessLine>,
    pub consents: Vec<ConsentLine>,
    pub requests: Vec<RequestLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DossierData {
    pub code: String,
    pub procedure: String,
    pub office: String,
    pub state: String,
    pub received_at: Option<String>,
    pub due_date: Option<String>,
    pub closed_at: Option<String>,
    pub applicant: Applicant,
    /// The channels the citizen asked for notices on ('' when none or withdrawn).
    pub notify: String,
    pub timeline: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Applicant {
    pub name: String,
    pub id_number: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub at: String,
    pub action: String,
    pub state: String,
    pub by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccessLine {
    pub at: String,
    pub who: String,
    pub role: Option<String>,
    pub dossier: String,
    pub via: String,
    pub fields: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConsentLine {
    pub id: Uuid,
    pub dossier: String,
    pub purpose: String,
    pub notice_version: i64,
    pub detail: String,
    pub given_at: String,
    pub withdrawn_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestLine {
    pub id: Uuid,
    pub kind: String,
    pub state: String,
    pub received_at: String,
    pub ack_due: Option<String>,
    pub due: Option<String>,
    pub detail: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
}

/// Read everything the verified request `r` may show.
pub(super) async fn gather(tx: &mut Tx, r: &RequestRow, now: i64) -> Result<Export> {
    let contact = Contact::parse(&r.contact)?;
    let rows = holding(
        repo::dossiers_of_subject(tx, &r.subject_id_no).await?,
        &contact,
    );
    let code_of = |id: Uuid| rows.iter().find(|d| d.id == id).map(|d| d.code.clone());
    let mut dossiers = Vec::with_capacity(rows.len());
    for d in &rows {
        let office = office_repo::get(tx, d.office_id)
            .await?
            .map(|o| o.name)
            .unwrap_or_default();
        let timeline = dossier_repo::events(tx, d.id)
            .await?
            .into_iter()
            .map(|e| Step {
                at: iso_local(e.at),
                action: e.action,
                state: e.to_state,
                by: e.actor_name,
            })
            .collect();
        dossiers.push(DossierData {
            code: d.code.clone(),
            procedure: d.procedure_name.clone(),
            office,
            state: d.state.clone(),
            received_at: d.received_at.map(iso_local),
            due_date: d.current_due.clone().or(d.due_date.clone()),
            closed_at: d.closed_at.map(iso_local),
            applicant: Applicant {
                name: d.applicant_name.clone(),
                id_number: d.applicant_id_no.clone(),
                address: d.applicant_address.clone(),
                phone: d.applicant_phone.clone(),
                email: d.applicant_email.clone(),
            },
            notify: d.notify.clone(),
            timeline,
        });
    }
    let access_log = repo::access_of_subject(tx, &r.subject_id_no)
        .await?
        .into_iter()
        .filter_map(|a| {
            Some(AccessLine {
                dossier: code_of(a.record_id)?,
                at: iso_local(a.at),
                who: a.actor_name,
                role: a.actor_role,
                via: a.via,
                fields: a.fields,
            })
        })
        .collect();
    let consents = repo::consents_of_subject(tx, &r.subject_id_no)
        .await?
        .into_iter()
        .filter_map(|k| {
            Some(ConsentLine {
                dossier: code_of(k.record_id)?,
                id: k.id,
                purpose: k.purpose,
                notice_version: k.notice_version,
                detail: k.detail,
                given_at: iso_local(k.given_at),
                withdrawn_at: k.withdrawn_at.map(iso_local),
            })
        })
        .collect();
    let requests = repo::requests_from(tx, r.shard_key, r.id)
        .await?
        .into_iter()
        .map(|q| RequestLine {
            id: q.id,
            kind: q.kind,
            state: q.state,
            received_at: iso_local(q.received_at),
            ack_due: q.ack_due,
            due: q.due,
            detail: q.detail,
            answer: q.answer,
            answered_at: q.answered_at.map(iso_local),
        })
        .collect();
    Ok(Export {
        request_id: r.id,
        generated_at: iso_local(now),
        open_until: r.access_expires.map(iso_local).unwrap_or_default(),
        id_number: r.subject_id_no.clone(),
        contact: r.contact.clone(),
        dossiers,
        access_log,
        consents,
        requests,
    })
}
