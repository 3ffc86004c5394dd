//! Who may do what, in one place.
//!
//! **The rule.** An object outside every scope of the caller "does not exist" for them (404, so
//! ids of other communes do not leak); inside what they may see but without the permission the
//! use case needs, it is forbidden (403). [`judge`] is that rule; every area calls it (offices
//! with [`require`], staff at the user's home office, dossiers at their receiving and handling
//! offices). Each public use case checks its own permission: none relies on its caller.
//!
//! **What the caller may do.** Pages and the API never decide from a
//! [`Perm`](congbo_domain::identity::Perm) themselves: they read [`capabilities`] (the menu, the
//! home page, which forms to offer) and the per-object answers of the use cases (a dossier's
//! `allowed` actions, an office's `manage` flag, the offices where a staff member may be
//! assigned roles).

use congbo_domain::identity::{Assignment, Perm, Principal, Role};
use congbo_domain::office::OfficePath;
use congbo_store::Tx;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::queue::{self as queue_repo, CounterInfo};
use uuid::Uuid;

use crate::{Actor, AppError, Result};

/// Why [`judge`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Outside what the caller may see: it does not exist for them (404).
    Hidden,
    /// Visible, but the caller's roles do not allow this (403).
    Forbidden,
}

impl Refusal {
    /// The error a use case returns: `not_found` (404) or forbidden (403).
    pub(crate) fn error(self, not_found: &'static str) -> AppError {
        match self {
            Self::Hidden => AppError::NotFound(not_found),
            Self::Forbidden => AppError::Forbidden,
        }
    }
}

/// The rule: the first assignment granting `perm` over one of `places` (tried in order); else
/// [`Refusal::Forbidden`] when `seen_with` reaches one of them, [`Refusal::Hidden`] otherwise.
pub(crate) fn judge<'p>(
    principal: &'p Principal,
    perm: Perm,
    seen_with: Perm,
    places: &[&OfficePath],
) -> std::result::Result<&'p Assignment, Refusal> {
    if let Some(a) = places.iter().find_map(|p| principal.require(perm, p).ok()) {
        return Ok(a);
    }
    if places.iter().any(|p| principal.can(seen_with, p)) {
        Err(Refusal::Forbidden)
    } else {
        Err(Refusal::Hidden)
    }
}

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
    require_as(actor, perm, o, "office-not-found")
}

/// [`require`] for an object of office `o`: outside the caller's scope, the object is
/// `not_found`.
pub(crate) fn require_as(
    actor: &Actor,
    perm: Perm,
    o: &OfficeRow,
    not_found: &'static str,
) -> Result<Role> {
    judge(&actor.principal, perm, Perm::OfficeRead, &[&path(o)])
        .map(|a| a.role)
        .map_err(|r| r.error(not_found))
}

/// Require `perm` over office `office_id`, the office of an object that is `not_found` for a
/// caller who may not see it.
pub(crate) async fn require_at(
    tx: &mut Tx,
    actor: &Actor,
    perm: Perm,
    office_id: Uuid,
    not_found: &'static str,
) -> Result<Role> {
    let o = office(tx, office_id).await?;
    require_as(actor, perm, &o, not_found)
}

/// Load counter `id` and require `perm` over its office; a counter the caller may not see is
/// `counter-not-found`.
pub(crate) async fn counter_for(
    tx: &mut Tx,
    actor: &Actor,
    perm: Perm,
    counter_id: Uuid,
) -> Result<(CounterInfo, Role)> {
    let k = queue_repo::counter(tx, counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    let role = require_at(tx, actor, perm, k.office_id, "counter-not-found").await?;
    Ok((k, role))
}

/// Load office `id` and require `perm` over it.
pub(crate) async fn office_for(
    tx: &mut Tx,
    actor: &Actor,
    perm: Perm,
    id: Uuid,
) -> Result<(OfficeRow, Role)> {
    let o = office(tx, id).await?;
    let role = require(actor, perm, &o)?;
    Ok((o, role))
}

/// What the caller may do anywhere in their scope: the menu, the home page and the forms a
/// page offers read this, never a permission.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capabilities {
    pub offices: bool,
    pub staff: bool,
    pub audit: bool,
    pub dossiers: bool,
    /// Receive dossiers at the desk.
    pub dossier_intake: bool,
    /// Sign Form 04 apologies (heads and deputies).
    pub dossier_sign: bool,
    pub queue: bool,
    /// Read the feedback received.
    pub feedback_read: bool,
    /// Take feedback at the desk.
    pub feedback_intake: bool,
    /// Edit the working calendar (top-level offices only).
    pub calendar_manage: bool,
    /// Import procedures into the catalogue (top-level offices only).
    pub catalog_manage: bool,
    /// See an office's figures and dashboards (`Perm::FiguresRead`).
    pub figures: bool,
    /// Evaluate officers (`Perm::EvaluationManage`): heads.
    pub evaluation_manage: bool,
    /// Serves citizens (counter, desk, dossiers), so citizens rate them: "ratings about me".
    pub rated: bool,
    /// Reads an office's ratings (`Perm::RatingRead`).
    pub ratings_read: bool,
    /// Answers citizens' personal data requests (`Perm::PrivacyManage`): heads and deputies.
    pub privacy: bool,
    /// Sets the retention periods of personal data (top-level administrators).
    pub retention: bool,
    /// Keeps the personal data breach register (administrators, the province's head).
    pub breaches: bool,
}

impl Capabilities {
    /// The feedback menu entry: reading it or taking it.
    pub fn feedback(&self) -> bool {
        self.feedback_read || self.feedback_intake
    }
}

/// What `actor` may do, computed from their roles.
pub fn capabilities(actor: &Actor) -> Capabilities {
    let p = &actor.principal;
    let any = |perm: Perm| !p.scopes(perm).is_empty();
    Capabilities {
        offices: any(Perm::OfficeRead),
        staff: any(Perm::StaffRead),
        audit: any(Perm::AuditRead),
        privacy: any(Perm::PrivacyManage),
        dossiers: any(Perm::DossierRead),
        dossier_intake: any(Perm::DossierIntake),
        dossier_sign: any(Perm::DossierSign),
        queue: any(Perm::QueueServe),
        feedback_read: any(Perm::FeedbackRead),
        feedback_intake: any(Perm::FeedbackIntake),
        figures: any(Perm::FiguresRead),
        evaluation_manage: any(Perm::EvaluationManage),
        rated: any(Perm::QueueServe) || any(Perm::DossierIntake) || any(Perm::DossierHandle),
        ratings_read: any(Perm::RatingRead),
        calendar_manage: p.require_top_level(Perm::CalendarManage).is_ok(),
        catalog_manage: p.require_top_level(Perm::CatalogManage).is_ok(),
        retention: p.require_top_level(Perm::RetentionManage).is_ok(),
        breaches: !crate::privacy::breach::roots(actor).is_empty(),
    }
}

/// The offices where `actor` holds a role granting `perm`, in assignment order (e.g. where
/// they receive dossiers), each once.
pub(crate) fn offices_with(actor: &Actor, perm: Perm) -> Vec<Uuid> {
    let mut out = Vec::new();
    for a in actor
        .principal
        .assignments
        .iter()
        .filter(|a| a.role.grants(perm))
    {
        if !out.contains(&a.office_id) {
            out.push(a.office_id);
        }
    }
    out
}

/// Narrow a list's `scopes` to office `id`: not found when it lies outside all of them.
pub(crate) async fn within(tx: &mut Tx, scopes: &[OfficePath], id: Uuid) -> Result<OfficePath> {
    let p = path(&office(tx, id).await?);
    if scopes.iter().any(|s| s.contains(&p)) {
        Ok(p)
    } else {
        Err(AppError::NotFound("office-not-found"))
    }
}
