//! Who may see or change an officer's evaluation: the rule of [`crate::access`] judged at the
//! officer's evaluation place (their office; the office above for its head).

use congbo_domain::identity::{Perm, Role, evaluation_place};
use congbo_domain::office::OfficePath;
use congbo_store::Tx;
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::staff::{self as staff_repo, UserRow};
use uuid::Uuid;

use crate::{Actor, AppError, Result, access};

/// The officer evaluated, with where their evaluation is judged.
pub(crate) struct Officer {
    pub user: UserRow,
    pub office: OfficeRow,
    /// The top-level office (first key of every evaluation table).
    pub shard: Uuid,
    pub place: OfficePath,
}

/// What the caller may do with the officer's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    /// The caller is the officer.
    pub own: bool,
    /// The caller holds `EvaluationManage` where the officer is evaluated.
    pub manage: bool,
    /// The role that let the caller in (audit rows); `None` for the officer themselves.
    pub role: Option<Role>,
}

/// The top-level office of `office` (first id of its path): the first key of every evaluation
/// table.
pub(crate) fn shard_of(office: &OfficeRow) -> Uuid {
    access::path(office).shard_key()
}

/// The office where the officer is evaluated (the last id of `place`).
pub(crate) fn place_id(o: &Officer) -> Uuid {
    o.place
        .as_str()
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| Uuid::parse_str(s).ok())
        .unwrap_or(o.office.id)
}

pub(crate) async fn officer(tx: &mut Tx, id: Uuid) -> Result<Officer> {
    let user = staff_repo::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("staff-not-found"))?;
    let office = access::office(tx, user.home_office_id).await?;
    let home = access::path(&office);
    let heads_home = staff_repo::assignments_of(tx, id)
        .await?
        .iter()
        .any(|a| a.office_id == office.id && a.role == Role::Head.as_str());
    let parent = match office.parent_id {
        Some(p) => Some(access::path(&access::office(tx, p).await?)),
        None => None,
    };
    let place = evaluation_place(&home, parent.as_ref(), heads_home).clone();
    let shard = shard_of(&office);
    Ok(Officer {
        user,
        office,
        shard,
        place,
    })
}

/// Read access: the officer themselves, or `EvaluationRead` at the place (404 outside every
/// scope, 403 inside).
pub(crate) fn read(actor: &Actor, o: &Officer) -> Result<Seen> {
    let p = &actor.principal;
    if p.user_id == o.user.id {
        return Ok(Seen {
            own: true,
            manage: false,
            role: None,
        });
    }
    let a = access::judge(p, Perm::EvaluationRead, Perm::OfficeRead, &[&o.place])
        .map_err(|r| r.error("staff-not-found"))?;
    let manage = p.require(Perm::EvaluationManage, &o.place).ok();
    Ok(Seen {
        own: false,
        manage: manage.is_some(),
        role: Some(manage.map_or(a.role, |m| m.role)),
    })
}

/// Manage access: `EvaluationManage` at the place (404 outside every scope, 403 inside, also
/// for a supervisor who may only read and for the officer themselves).
pub(crate) fn manage(actor: &Actor, o: &Officer) -> Result<Role> {
    access::judge(
        &actor.principal,
        Perm::EvaluationManage,
        Perm::OfficeRead,
        &[&o.place],
    )
    .map(|a| a.role)
    .map_err(|r| r.error("staff-not-found"))
}

/// Loads the officer and checks read access in one step.
pub(crate) async fn load_read(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<(Officer, Seen)> {
    let o = officer(tx, id).await?;
    let seen = read(actor, &o)?;
    Ok((o, seen))
}
