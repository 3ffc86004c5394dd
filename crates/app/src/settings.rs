//! Office settings that more than one area reads: the queue's (the rating tablet's window is a
//! queue setting) and the rating settings (which also name the codes of conduct an office
//! follows, cited by complaints). Each is the defaults until someone saves it.

use congbo_domain::identity::Role;
use congbo_domain::queue::QueueSettings;
use congbo_domain::rating::RatingSettings;
use congbo_store::Tx;
use congbo_store::repo::{queue as queue_repo, rating as rating_repo};
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::{Actor, AppError, Result};

/// The office's queue settings.
pub(crate) async fn queue_settings(tx: &mut Tx, office_id: Uuid) -> Result<QueueSettings> {
    Ok(queue_repo::settings(tx, office_id)
        .await?
        .and_then(|b| serde_json::from_str::<QueueSettings>(&b).ok())
        .unwrap_or_default())
}

/// The office's rating settings.
pub(crate) async fn rating_settings(tx: &mut Tx, office_id: Uuid) -> Result<RatingSettings> {
    Ok(rating_repo::settings(tx, office_id)
        .await?
        .and_then(|b| serde_json::from_str::<RatingSettings>(&b).ok())
        .unwrap_or_default())
}

/// Settings being saved.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Saved<'a> {
    Queue(&'a QueueSettings),
    Rating(&'a RatingSettings),
}

/// Save an office's settings (one JSON body) and the audit row (`queue.settings` or
/// `rating.settings`, the settings as its summary) in `tx`; `role` is the one the caller's
/// permission check found.
pub(crate) async fn save(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    role: Role,
    office_id: Uuid,
    s: Saved<'_>,
) -> Result<()> {
    let (action, body, summary) = match s {
        Saved::Queue(q) => (
            "queue.settings",
            serde_json::to_string(q),
            serde_json::to_value(q),
        ),
        Saved::Rating(r) => (
            "rating.settings",
            serde_json::to_string(r),
            serde_json::to_value(r),
        ),
    };
    let body = body.map_err(|e| AppError::Internal(e.to_string()))?;
    match s {
        Saved::Queue(_) => queue_repo::put_settings(tx, office_id, &body, now).await?,
        Saved::Rating(_) => rating_repo::put_settings(tx, office_id, &body, now).await?,
    }
    let entry = Entry {
        action,
        role: Some(role.as_str()),
        office_id: Some(office_id),
        target_type: "office",
        target_id: Some(office_id.to_string()),
        summary: summary.unwrap_or_default(),
    };
    audit::record(tx, now, actor, entry).await
}
