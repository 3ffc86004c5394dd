//! An office's rating settings and the codes of conduct to choose from.

use congbo_domain::conduct::CodeOfConduct;
use congbo_domain::identity::Perm;
use congbo_domain::rating::RatingSettings;
use congbo_store::repo::office::OfficeRow;
use uuid::Uuid;

use crate::access::{office, office_for, path, require};
use crate::settings::{Saved, rating_settings, save};
use crate::{Actor, App, Result};

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
    let (_, role) = office_for(&mut tx, actor, Perm::RatingManage, office_id).await?;
    s.validate(&crate::conduct::codes_in(&mut tx).await?)?;
    save(&mut tx, now, actor, role, office_id, Saved::Rating(s)).await?;
    tx.commit().await?;
    Ok(s.clone())
}
