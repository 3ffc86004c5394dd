//! Loading an office and checking a permission over it, as every office-scoped use case does:
//! an office outside every scope of the caller "does not exist" (404, so ids of other communes
//! do not leak); inside the visible tree but without the permission it is forbidden.

use congbo_domain::identity::{Perm, Role};
use congbo_domain::office::OfficePath;
use congbo_store::Tx;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use uuid::Uuid;

use crate::{Actor, AppError, Result};

pub(crate) async fn office(tx: &mut Tx, id: Uuid) -> Result<OfficeRow> {
    office_repo::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))
}

pub(crate) fn path(o: &OfficeRow) -> OfficePath {
    OfficePath::from_stored(o.path.clone())
}

/// Require `perm` over the office; the role that allows it goes into the audit row.
pub(crate) fn require(actor: &Actor, perm: Perm, o: &OfficeRow) -> Result<Role> {
    let p = path(o);
    match actor.principal.require(perm, &p) {
        Ok(a) => Ok(a.role),
        Err(_) if actor.principal.can(Perm::OfficeRead, &p) => Err(AppError::Forbidden),
        Err(_) => Err(AppError::NotFound("office-not-found")),
    }
}
