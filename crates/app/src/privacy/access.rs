//! The access log: one row each time a citizen's personal data is shown (a dossier page, the
//! API, a printed form, the tracking book, an identity reveal, a recovery contact). The citizen
//! reading their own data is not logged here (the audit row of its verification is). The row commits before the data is shown; it holds no personal data
//! itself (the record's code, the names of the fields shown).

use congbo_domain::identity::Perm;
use congbo_domain::office::OfficePath;
use congbo_domain::privacy::access::{Via, dossier_fields};
use congbo_store::Tx;
use congbo_store::repo::dossier::{self as dossier_repo, DossierRow};
use congbo_store::repo::privacy::{self as repo, AccessRow};
use uuid::Uuid;

use crate::{Actor, App, AppError, Result, new_id};

/// One showing of a record's personal data.
pub struct Seen<'a> {
    pub record_kind: &'static str,
    pub record_id: Uuid,
    pub record_code: &'a str,
    pub office_id: Uuid,
    pub office_path: &'a str,
    pub fields: String,
    pub via: Via,
    pub purpose: Option<&'a str>,
}

impl<'a> Seen<'a> {
    /// A dossier's applicant data, shown through `via`.
    pub fn dossier(row: &'a DossierRow, via: Via) -> Self {
        Seen {
            record_kind: "dossier",
            record_id: row.id,
            record_code: &row.code,
            office_id: row.office_id,
            office_path: &row.office_path,
            fields: dossier_fields(
                row.applicant_id_no.is_some(),
                row.applicant_address.is_some(),
                row.applicant_phone.is_some(),
                row.applicant_email.is_some(),
            ),
            via,
            purpose: None,
        }
    }
}

/// Write the row in the caller's transaction.
pub(crate) async fn write(tx: &mut Tx, now: i64, actor: &Actor, s: &Seen<'_>) -> Result<()> {
    let path = OfficePath::from_stored(s.office_path.to_string());
    let row = AccessRow {
        shard_key: path.shard_key(),
        id: new_id(),
        at: now,
        actor_id: Some(actor.principal.user_id),
        actor_name: actor.principal.full_name.clone(),
        actor_role: role_at(actor, &path),
        office_id: s.office_id,
        record_kind: s.record_kind.to_string(),
        record_id: s.record_id,
        record_code: s.record_code.to_string(),
        via: s.via.as_str(),
        fields: s.fields.clone(),
        purpose: s.purpose.map(str::to_string),
    };
    repo::insert_access(tx, &row).await?;
    Ok(())
}

/// Record that `actor` was shown the personal data in `seen` (its own transaction, committed
/// before the caller shows anything).
pub async fn record(app: &App, actor: &Actor, seen: &[Seen<'_>]) -> Result<()> {
    if seen.is_empty() {
        return Ok(());
    }
    let now = app.now();
    let mut tx = app.db.begin().await?;
    for s in seen {
        write(&mut tx, now, actor, s).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The role the actor holds over the record's office (the one that let them see it).
fn role_at(actor: &Actor, path: &OfficePath) -> Option<String> {
    actor
        .principal
        .assignments
        .iter()
        .find(|a| a.office_path.contains(path))
        .or(actor.principal.assignments.first())
        .map(|a| a.role.as_str().to_string())
}

/// Dossier `id` and who saw its applicant's personal data, newest first: for the head and
/// deputies (`PrivacyManage`) and auditors (`AuditRead`) over its office. A dossier the caller
/// cannot see is `dossier-not-found`; one they see without those rights is `forbidden`.
pub async fn of_dossier(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(DossierRow, Vec<AccessRow>)> {
    let mut tx = app.db.read().await?;
    let row = dossier_repo::get(&mut tx, id)
        .await?
        .filter(|r| crate::dossier::scope::visible(actor, r))
        .ok_or(AppError::NotFound("dossier-not-found"))?;
    let path = OfficePath::from_stored(row.office_path.clone());
    if !may_read(actor, &path) {
        return Err(AppError::Forbidden);
    }
    let rows = repo::access_of_record(&mut tx, path.shard_key(), row.id).await?;
    tx.commit().await?;
    Ok((row, rows))
}

/// May the caller read the access log of records kept at `path`?
pub fn may_read(actor: &Actor, path: &OfficePath) -> bool {
    actor.principal.can(Perm::PrivacyManage, path) || actor.principal.can(Perm::AuditRead, path)
}
