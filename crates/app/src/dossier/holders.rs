//! Who holds a dossier and who may be handed it: the officers of the handling office who
//! perform each step of the procedure's internal process, and the signers of Form 04.

use congbo_domain::DomainError;
use congbo_domain::catalog::ProcedureVersion;
use congbo_domain::dossier::step_holder;
use congbo_domain::identity::{Perm, Role};
use congbo_store::Tx;
use congbo_store::repo::staff::{self as staff_repo, HolderRow};
use uuid::Uuid;

use crate::Result;

/// An officer a dossier can be handed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub user_id: Uuid,
    pub full_name: String,
}

/// A step of the internal process with the officers of the office who perform it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepHolders {
    /// 1-based, as on the control sheet.
    pub step: u16,
    pub name: String,
    pub holders: Vec<Holder>,
}

fn people(rows: &[HolderRow], fits: impl Fn(Role) -> bool) -> Vec<Holder> {
    let mut out: Vec<Holder> = Vec::new();
    for r in rows {
        let Ok(role) = Role::parse(&r.role) else {
            continue;
        };
        if fits(role) && !out.iter().any(|h| h.user_id == r.user_id) {
            out.push(Holder {
                user_id: r.user_id,
                full_name: r.full_name.clone(),
            });
        }
    }
    out
}

/// Every step of `version` with the active officers of office `office_id` holding its role.
pub(super) async fn step_holders(
    tx: &mut Tx,
    version: &ProcedureVersion,
    office_id: Uuid,
) -> Result<Vec<StepHolders>> {
    let rows = staff_repo::holders_at(tx, office_id).await?;
    Ok(version
        .procedure
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepHolders {
            step: u16::try_from(i + 1).unwrap_or(u16::MAX),
            name: s.name.clone(),
            holders: people(&rows, |r| step_holder(&s.role, r)),
        })
        .collect())
}

/// The officer who takes step `to_step` at `office_id`: `chosen` if they perform that step
/// there, or handle dossiers there when the internal process has no such step (else
/// `assignee-not-eligible`, field `assignee_id`); none chosen, none.
pub(super) async fn check_step_holder(
    tx: &mut Tx,
    version: &ProcedureVersion,
    office_id: Uuid,
    to_step: u16,
    chosen: Option<Uuid>,
) -> Result<Option<Uuid>> {
    let Some(u) = chosen else { return Ok(None) };
    let steps = step_holders(tx, version, office_id).await?;
    let fits = match steps.iter().find(|s| s.step == to_step) {
        Some(s) => s.holders.iter().any(|h| h.user_id == u),
        // A step the internal process does not describe: anyone who handles dossiers there.
        None => {
            let rows = staff_repo::holders_at(tx, office_id).await?;
            people(&rows, |r| r.grants(Perm::DossierHandle))
                .iter()
                .any(|h| h.user_id == u)
        }
    };
    if fits {
        Ok(Some(u))
    } else {
        Err(DomainError::field("assignee-not-eligible", "assignee_id").into())
    }
}

/// Who signs Form 04 at `office_id`: heads first, then deputies.
pub(super) async fn signers(tx: &mut Tx, office_id: Uuid) -> Result<Vec<Holder>> {
    let rows = staff_repo::holders_at(tx, office_id).await?;
    let mut out = people(&rows, |r| r == Role::Head);
    for d in people(&rows, |r| r == Role::Deputy) {
        if !out.iter().any(|h| h.user_id == d.user_id) {
            out.push(d);
        }
    }
    Ok(out)
}

/// The signer a dossier goes to for its apology: `chosen` if they sign at `office_id` (else
/// `assignee-not-eligible`), otherwise the first signer (none: `no-signer`).
pub(super) async fn pick_signer(
    tx: &mut Tx,
    office_id: Uuid,
    chosen: Option<Uuid>,
) -> Result<Holder> {
    let all = signers(tx, office_id).await?;
    match chosen {
        Some(u) => all
            .into_iter()
            .find(|h| h.user_id == u)
            .ok_or_else(|| DomainError::field("assignee-not-eligible", "assignee_id").into()),
        None => all
            .into_iter()
            .next()
            .ok_or_else(|| DomainError::new("no-signer").into()),
    }
}

/// The name of the officer holding a dossier.
pub(super) async fn name_of(tx: &mut Tx, id: Option<Uuid>) -> Result<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(staff_repo::names_of(tx, &[id])
        .await?
        .into_iter()
        .next()
        .map(|(_, n)| n))
}
