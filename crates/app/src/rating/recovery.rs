//! Recovery cases: what the head (or a supervisor) sees, closing one, and setting a rating
//! aside.

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::privacy::access::Via;
use congbo_store::StoreError;
use congbo_store::repo::rating as repo;
use serde_json::json;
use uuid::Uuid;

use super::figures::{RatingLine, line};
use crate::access::{office, path, require, require_at};
use crate::audit::{self, Entry};
use crate::privacy::{self, access::Seen};
use crate::settings::rating_settings;
use crate::staff::name_of;
use crate::{Actor, App, AppError, Result, new_id};
use congbo_domain::time::local_date;

/// A recovery case as the head (or a supervisor) sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CaseView {
    pub id: Uuid,
    pub office_id: Uuid,
    pub office_name: String,
    pub officer_name: Option<String>,
    /// Instants in microseconds, for pages; the API writes them as local ISO times.
    #[serde(skip)]
    pub opened_at: i64,
    pub due_date: String,
    pub overdue: bool,
    pub state: String,
    pub rating: RatingLine,
    /// Only for those who call back (`RecoveryHandle`); never for the officer rated.
    pub contact: Option<String>,
    pub called_back: Option<bool>,
    pub outcome: Option<String>,
    #[serde(skip)]
    pub closed_at: Option<i64>,
}

/// The recovery cases of the office's subtree, open ones first; overdue ones flagged.
pub async fn cases(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    open_only: bool,
) -> Result<Vec<CaseView>> {
    let now = app.now();
    let today = local_date(now).to_string();
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::RatingRead, &o)?;
    let rows = repo::cases_under(&mut tx, &o.path, open_only).await?;
    let mut out = Vec::with_capacity(rows.len());
    let mut shown = Vec::new();
    for k in rows {
        let Some(r) = repo::rating(&mut tx, k.rating_id).await? else {
            continue;
        };
        let ko = office(&mut tx, k.office_id).await?;
        let s = rating_settings(&mut tx, k.office_id).await?;
        let officer_name = name_of(&mut tx, k.officer_id).await?;
        let may_call = actor.principal.can(Perm::RecoveryHandle, &path(&ko))
            && Some(actor.principal.user_id) != k.officer_id;
        if may_call && k.contact_to.is_some() {
            shown.push((k.id, k.office_id, ko.path.clone()));
        }
        out.push(CaseView {
            id: k.id,
            office_id: k.office_id,
            office_name: ko.name,
            officer_name,
            opened_at: k.opened_at,
            overdue: k.state == "open" && k.due_date < today,
            due_date: k.due_date,
            state: k.state,
            rating: line(&r, &s),
            contact: if may_call { k.contact_to } else { None },
            called_back: k.called_back,
            outcome: k.outcome,
            closed_at: k.closed_at,
        });
    }
    tx.commit().await?;
    let codes: Vec<String> = shown.iter().map(|(id, _, _)| id.to_string()).collect();
    let seen: Vec<Seen> = shown
        .iter()
        .zip(&codes)
        .map(|((id, office_id, path), code)| Seen {
            record_kind: "recovery",
            record_id: *id,
            record_code: code,
            office_id: *office_id,
            office_path: path,
            fields: "contact".into(),
            via: Via::Contact,
            purpose: None,
        })
        .collect();
    privacy::access::record(app, actor, &seen).await?;
    Ok(out)
}

/// The head records what was done and closes the case. Errors: `recovery-case-not-found`
/// (404), `recovery-case-closed`, `required`/`too-long` (`outcome`), `rating-self` for the
/// officer who was rated.
pub async fn close_case(
    app: &App,
    actor: &Actor,
    case_id: Uuid,
    called_back: bool,
    outcome: &str,
) -> Result<()> {
    let outcome =
        congbo_domain::text::clean(&outcome.replace(['\r', '\n'], " "), "outcome", 1, 2000)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let mut k = repo::case(&mut tx, case_id)
        .await?
        .ok_or(AppError::NotFound("recovery-case-not-found"))?;
    let role = require_at(
        &mut tx,
        actor,
        Perm::RecoveryHandle,
        k.office_id,
        "recovery-case-not-found",
    )
    .await?;
    if Some(actor.principal.user_id) == k.officer_id {
        return Err(DomainError::new("rating-self").into());
    }
    if k.state != "open" {
        return Err(DomainError::new("recovery-case-closed").into());
    }
    let before = k.version;
    k.state = "closed".into();
    k.called_back = Some(called_back);
    k.outcome = Some(outcome);
    k.closed_by = Some(actor.principal.user_id);
    k.closed_at = Some(now);
    k.version += 1;
    if !repo::close_case(&mut tx, &k, before).await? {
        return Err(AppError::Conflict("recovery-case-changed"));
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.recovery.close",
            role: Some(role.as_str()),
            office_id: Some(k.office_id),
            target_type: "recovery-case",
            target_id: Some(k.id.to_string()),
            summary: json!({"called_back": called_back, "late": k.due_date < local_date(now).to_string()}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Set a rating aside (a test press, a device fault) with a reason: the rating stays, the
/// correction is a new audited row, and figures no longer count it. Errors:
/// `rating-not-found` (404), `required`/`too-long` (`reason`), `rating-already-corrected`
/// (409), `rating-self`.
pub async fn set_aside(app: &App, actor: &Actor, rating_id: Uuid, reason: &str) -> Result<()> {
    let reason = congbo_domain::text::clean(reason, "reason", 1, 500)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let r = repo::rating(&mut tx, rating_id)
        .await?
        .ok_or(AppError::NotFound("rating-not-found"))?;
    let role = require_at(
        &mut tx,
        actor,
        Perm::RecoveryHandle,
        r.office_id,
        "rating-not-found",
    )
    .await?;
    if Some(actor.principal.user_id) == r.officer_id {
        return Err(DomainError::new("rating-self").into());
    }
    match repo::insert_correction(
        &mut tx,
        new_id(),
        rating_id,
        &reason,
        actor.principal.user_id,
        now,
    )
    .await
    {
        Err(StoreError::Duplicate(_)) => {
            return Err(AppError::Conflict("rating-already-corrected"));
        }
        res => res?,
    }
    // Set aside: the rating no longer counts in the rollups.
    let counted = congbo_store::repo::rollup::RatingSource::of(&r, false);
    let aside = congbo_store::repo::rollup::RatingSource::of(&r, true);
    crate::report::rollup::rating_changed(&mut tx, Some(&counted), &aside).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.set-aside",
            role: Some(role.as_str()),
            office_id: Some(r.office_id),
            target_type: "rating",
            target_id: Some(rating_id.to_string()),
            summary: json!({"reason": reason, "value": r.value, "channel": r.channel}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
