//! Who may see and act on a dossier: the rule of [`crate::access`], judged at the dossier's
//! handling office, then its receiving office.

use congbo_domain::identity::{Assignment, Perm, Role};
use congbo_domain::office::OfficePath;
use congbo_store::repo::dossier::DossierRow;
use serde_json::json;

use crate::access::{self, Refusal};
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError};

/// The first assignment granting `perm` over the dossier's handling or receiving office; else
/// why not (hidden when the caller cannot read the dossier at all).
pub(super) fn judge<'p>(
    actor: &'p Actor,
    perm: Perm,
    row: &DossierRow,
) -> Result<&'p Assignment, Refusal> {
    let office = OfficePath::from_stored(row.office_path.clone());
    let handler = OfficePath::from_stored(row.handler_path.clone());
    access::judge(
        &actor.principal,
        perm,
        Perm::DossierRead,
        &[&handler, &office],
    )
}

/// The assignment granting `perm` over the dossier, if any.
pub(super) fn grant<'p>(actor: &'p Actor, perm: Perm, row: &DossierRow) -> Option<&'p Assignment> {
    judge(actor, perm, row).ok()
}

/// Can the actor see this dossier at all? (Otherwise it does not exist for them.)
pub(crate) fn visible(actor: &Actor, row: &DossierRow) -> bool {
    grant(actor, Perm::DossierRead, row).is_some()
}

/// Write a refused attempt to the audit log (its own transaction: the refused one rolls back).
pub(super) async fn record_refusal(
    app: &App,
    actor: &Actor,
    row: &DossierRow,
    action: &str,
    why: &str,
) {
    let result = async {
        let mut tx = app.db.begin().await?;
        audit::record(
            &mut tx,
            app.now(),
            actor,
            Entry {
                action: "dossier.refused",
                role: actor.principal.primary_role().map(Role::as_str),
                office_id: Some(row.office_id),
                target_type: "dossier",
                target_id: Some(row.id.to_string()),
                summary: json!({"code": row.code, "attempted": action, "why": why}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    }
    .await;
    if let Err(e) = result {
        tracing::error!(error = %e, "could not audit a refused dossier action");
    }
}
