//! Consent to notices by email, SMS or Zalo: recorded when the applicant asks for them at
//! intake (with the version of the notice the form showed), withdrawn by the citizen from
//! "Dữ liệu của tôi"; after withdrawal the dossier sends no more notices.

use congbo_domain::office::OfficePath;
use congbo_domain::privacy::consent::Purpose;
use congbo_domain::time::local_date;
use congbo_store::Tx;
use congbo_store::repo::dossier::DossierRow;
use congbo_store::repo::privacy::{self as repo, ConsentRow, NoticeRow};

use crate::{Actor, App, AppError, Result, new_id};

/// The notice for `purpose` in force today (shown beside the ticks that ask for consent).
pub async fn notice(app: &App, purpose: Purpose) -> Result<NoticeRow> {
    let mut tx = app.db.read().await?;
    let n = notice_in(&mut tx, purpose, app.now()).await?;
    tx.commit().await?;
    Ok(n)
}

async fn notice_in(tx: &mut Tx, purpose: Purpose, now: i64) -> Result<NoticeRow> {
    repo::notice(tx, purpose.as_str(), &local_date(now).to_string())
        .await?
        .ok_or_else(|| AppError::Internal(format!("no notice for {}", purpose.as_str())))
}

/// Record the applicant's consent to notices on a new dossier, if they asked for any (in the
/// intake's transaction).
pub(crate) async fn at_intake(
    tx: &mut Tx,
    actor: &Actor,
    row: &DossierRow,
    now: i64,
) -> Result<()> {
    if row.notify.is_empty() {
        return Ok(());
    }
    let n = notice_in(tx, Purpose::Notify, now).await?;
    let path = OfficePath::from_stored(row.office_path.clone());
    repo::insert_consent(
        tx,
        &ConsentRow {
            shard_key: path.shard_key(),
            id: new_id(),
            office_id: row.office_id,
            record_kind: "dossier".into(),
            record_id: row.id,
            purpose: Purpose::Notify.as_str().into(),
            notice_version: n.version,
            detail: row.notify.clone(),
            given_at: now,
            recorded_by: Some(actor.principal.user_id),
            withdrawn_at: None,
            withdrawn_via: None,
        },
    )
    .await?;
    Ok(())
}

/// The citizen withdraws consent `consent_id` from their open export: the consent is marked
/// withdrawn and its dossier sends no more notices, in one transaction with the audit row.
/// Errors: `consent-not-found` (not one of the export's consents), `consent-withdrawn-already`,
/// `privacy-export-closed`.
pub async fn withdraw(
    app: &App,
    request: uuid::Uuid,
    secret: &str,
    consent_id: uuid::Uuid,
    request_id: Option<String>,
) -> Result<()> {
    use congbo_domain::privacy::consent::check_withdraw;
    use congbo_domain::privacy::request::Contact;
    use congbo_store::repo::dossier as dossier_repo;

    let now = app.now();
    let mut tx = app.db.begin().await?;
    let r = super::request::opened(repo::request(&mut tx, request).await?, secret, now)?;
    let contact = Contact::parse(&r.contact)?;
    let k = repo::consent(&mut tx, consent_id)
        .await?
        .ok_or(AppError::NotFound("consent-not-found"))?;
    let d = dossier_repo::get(&mut tx, k.record_id)
        .await?
        .filter(|d| d.applicant_id_no.as_deref() == Some(r.subject_id_no.as_str()))
        .filter(|d| contact.matches(d.applicant_email.as_deref(), d.applicant_phone.as_deref()))
        .ok_or(AppError::NotFound("consent-not-found"))?;
    check_withdraw(k.withdrawn_at)?;
    if !repo::withdraw_consent(&mut tx, k.shard_key, k.id, "citizen", now).await? {
        return Err(AppError::Conflict("consent-withdrawn-already"));
    }
    dossier_repo::clear_notify(&mut tx, d.id, now).await?;
    crate::audit::record_as(
        &mut tx,
        now,
        None,
        "public",
        request_id,
        crate::audit::Entry {
            action: "privacy.consent-withdrawn",
            role: None,
            office_id: Some(d.office_id),
            target_type: "dossier",
            target_id: Some(d.id.to_string()),
            summary: serde_json::json!({"code": d.code, "purpose": k.purpose}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
