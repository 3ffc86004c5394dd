//! An office's rating settings and the codes of conduct to choose from.

use congbo_domain::conduct::CodeOfConduct;
use congbo_domain::identity::Perm;
use congbo_domain::rating::RatingSettings;
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::rating as repo;
use uuid::Uuid;

use crate::access::{office, path, require};
use crate::audit::{self, Entry};
use crate::settings::rating_settings;
use crate::{Actor, App, AppError, Result};

/// An office's rating settings, the codes of conduct to choose from, and whether the viewer
/// may change them and pair tablets (`RatingManage`).
#[derive(Debug, Clone)]
pub struct OfficeSettings {
    pub office: OfficeRow,
    pub settings: RatingSettings,
    pub codes: Vec<CodeOfConduct>,
    pub may_manage: bool,
}

/// An office's rating settings with the codes of conduct to choose from (staff of the office).
pub async fn settings(app: &App, actor: &Actor, office_id: Uuid) -> Result<OfficeSettings> {
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::OfficeRead, &o)?;
    let s = rating_settings(&mut tx, office_id).await?;
    let codes = crate::conduct::codes_in(&mut tx).await?;
    tx.commit().await?;
    Ok(OfficeSettings {
        may_manage: actor.principal.can(Perm::RatingManage, &path(&o)),
        office: o,
        settings: s,
        codes,
    })
}

/// Save an office's rating settings. Errors: see [`RatingSettings::validate`].
pub async fn put_settings(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    s: &RatingSettings,
) -> Result<RatingSettings> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, office_id).await?;
    let role = require(actor, Perm::RatingManage, &o)?;
    s.validate(&crate::conduct::codes_in(&mut tx).await?)?;
    let body = serde_json::to_string(s).map_err(|e| AppError::Internal(e.to_string()))?;
    repo::put_settings(&mut tx, office_id, &body, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "rating.settings",
            role: Some(role.as_str()),
            office_id: Some(office_id),
            target_type: "office",
            target_id: Some(office_id.to_string()),
            summary: serde_json::to_value(s).unwrap_or_default(),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(s.clone())
}
