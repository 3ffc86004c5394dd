//! The public lookup: a dossier by its code and secret, with no personal data beyond initials.

use congbo_domain::DomainError;
use congbo_domain::dossier::{self as dom, DossierCode, DossierState, initials};
use congbo_domain::time::local;
use congbo_store::repo::dossier as repo;
use congbo_store::repo::office as office_repo;
use jiff::civil::{Date, DateTime};
use serde_json::json;
use uuid::Uuid;

use super::view::facts_of;
use crate::audit::{self, Entry};
use crate::{App, AppError, Result};

/// What the public lookup shows: no personal data beyond initials.
#[derive(Debug, Clone)]
pub struct PublicView {
    pub code: String,
    pub applicant_initials: String,
    pub procedure_name: String,
    pub office_name: String,
    pub handler_office_name: String,
    pub state: DossierState,
    pub received_at: Option<DateTime>,
    pub original_due: Option<Date>,
    pub current_due: Option<Date>,
    pub on_time: Option<String>,
    pub apologized: bool,
    pub timeline: Vec<PublicEvent>,
    /// The dossier's one-time rating link (the holder of the secret may rate the service).
    pub rating_url: String,
}

#[derive(Debug, Clone)]
pub struct PublicEvent {
    pub at: DateTime,
    pub action: String,
    pub to_state: String,
    pub office_name: String,
}

/// The dossier named by `code` if `secret` matches, as the public may see it. An unknown code
/// and a wrong secret give the same answer (`dossier-not-found`), so codes cannot be probed;
/// a wrong secret for an existing code is written to the audit log. Errors (field):
/// `invalid-dossier-code` (`code`), `required` (`secret`), `dossier-not-found` (404).
pub async fn lookup(
    app: &App,
    code: &str,
    secret: &str,
    request_id: Option<String>,
) -> Result<PublicView> {
    // Codes are printed in capitals; typed on a phone they often are not.
    let code = DossierCode::parse(&code.trim().to_uppercase())
        .map_err(|_| DomainError::field("invalid-dossier-code", "code"))?;
    if secret.trim().is_empty() {
        return Err(DomainError::field("required", "secret").into());
    }
    let mut tx = app.db.read().await?;
    let row = repo::get_by_code(&mut tx, &code.to_string()).await?;
    let Some(row) = row.filter(|r| dom::secret_matches(&r.secret, secret)) else {
        tx.commit().await?;
        if let Some(row) = repo_row_for_audit(app, &code.to_string()).await {
            let mut w = app.db.begin().await?;
            audit::record_as(
                &mut w,
                app.now(),
                None,
                "public",
                request_id,
                Entry {
                    action: "dossier.lookup-refused",
                    role: None,
                    office_id: Some(row.0),
                    target_type: "dossier",
                    target_id: Some(row.1.to_string()),
                    summary: json!({"code": code.to_string(), "why": "secret"}),
                },
            )
            .await?;
            w.commit().await?;
        }
        return Err(AppError::NotFound("dossier-not-found"));
    };
    let events = repo::events(&mut tx, row.id).await?;
    let mut names = std::collections::HashMap::new();
    for oid in std::iter::once(row.office_id)
        .chain(std::iter::once(row.handler_office_id))
        .chain(events.iter().map(|e| e.office_id))
    {
        if let std::collections::hash_map::Entry::Vacant(v) = names.entry(oid)
            && let Some(o) = office_repo::get(&mut tx, oid).await?
        {
            v.insert(o.name);
        }
    }
    tx.commit().await?;
    let facts = facts_of(&row)?;
    let name = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    Ok(PublicView {
        rating_url: crate::links::rating_link(app, row.id, &row.code, &row.secret),
        code: row.code.clone(),
        applicant_initials: initials(&row.applicant_name),
        procedure_name: row.procedure_name.clone(),
        office_name: name(&row.office_id),
        handler_office_name: name(&row.handler_office_id),
        state: facts.state,
        received_at: facts.received_at,
        original_due: facts.due,
        current_due: facts.current_due(),
        on_time: row.on_time.clone(),
        apologized: !facts.reappointments.is_empty(),
        timeline: events
            .iter()
            .map(|e| PublicEvent {
                at: local(e.at),
                action: e.action.clone(),
                to_state: e.to_state.clone(),
                office_name: name(&e.office_id),
            })
            .collect(),
    })
}

async fn repo_row_for_audit(app: &App, code: &str) -> Option<(Uuid, Uuid)> {
    let mut tx = app.db.read().await.ok()?;
    let r = repo::get_by_code(&mut tx, code).await.ok()??;
    tx.commit().await.ok()?;
    Some((r.office_id, r.id))
}
