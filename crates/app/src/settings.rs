//! Office settings that more than one area reads: the queue's (the rating tablet's window is a
//! queue setting) and the rating settings (which also name the codes of conduct an office
//! follows, cited by complaints). Each is the defaults until someone saves it.

use congbo_domain::queue::QueueSettings;
use congbo_domain::rating::RatingSettings;
use congbo_store::Tx;
use congbo_store::repo::{queue as queue_repo, rating as rating_repo};
use uuid::Uuid;

use crate::Result;

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
