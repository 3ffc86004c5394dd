//! Codes of conduct as data: the shipped ones ("5 xin 3 biết", "4 xin 4 luôn 5 không", …),
//! replaced or added to by administrators of a top-level office, and the codes each office
//! follows (named in its rating settings). Ratings, complaints and evaluations cite clauses of
//! these codes.

use congbo_domain::conduct::{self, CodeOfConduct};
use congbo_domain::identity::Perm;
use congbo_store::Tx;
use congbo_store::repo::rating as repo;
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::settings::rating_settings;
use crate::{Actor, App, AppError, Result};

/// The codes of conduct: the shipped ones, replaced or added to by administrators.
pub(crate) async fn codes_in(tx: &mut Tx) -> Result<Vec<CodeOfConduct>> {
    let mut codes = conduct::builtin();
    for (code, body) in repo::conduct_codes(tx).await? {
        let Ok(c) = serde_json::from_str::<CodeOfConduct>(&body) else {
            continue;
        };
        match codes.iter_mut().find(|k| k.code == code) {
            Some(k) => *k = c,
            None => codes.push(c),
        }
    }
    Ok(codes)
}

/// Every code of conduct known to the installation (public: they are published rules).
pub async fn all(app: &App) -> Result<Vec<CodeOfConduct>> {
    let mut tx = app.db.read().await?;
    let c = codes_in(&mut tx).await?;
    tx.commit().await?;
    Ok(c)
}

/// The codes of conduct an office follows (public: the form cites their clauses).
pub async fn followed(app: &App, office_id: Uuid) -> Result<Vec<String>> {
    let mut tx = app.db.read().await?;
    let s = rating_settings(&mut tx, office_id).await?;
    tx.commit().await?;
    Ok(s.conduct_codes)
}

/// Define or replace a code of conduct: an administrator of a top-level office (codes are
/// shared by the province; each office picks its own in its settings). Errors: see
/// [`CodeOfConduct::validate`].
pub async fn put(app: &App, actor: &Actor, c: &CodeOfConduct) -> Result<()> {
    c.validate()?;
    let a = actor.principal.require_top_level(Perm::RatingManage)?;
    let role = a.role;
    let now = app.now();
    let body = serde_json::to_string(c).map_err(|e| AppError::Internal(e.to_string()))?;
    let mut tx = app.db.begin().await?;
    repo::put_conduct_code(&mut tx, &c.code, &body, now, Some(actor.principal.user_id)).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "conduct.put",
            role: Some(role.as_str()),
            office_id: None,
            target_type: "conduct-code",
            target_id: Some(c.code.clone()),
            summary: json!({"title": c.title, "items": c.items.len(), "effective_from": c.effective_from}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
