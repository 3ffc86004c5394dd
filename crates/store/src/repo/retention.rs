//! Personal data storage: retention (issue 18). The periods an administrator set, and per
//! record kind the rows whose period has ended: counted (the plan) and treated in batches
//! (pseudonymised, cleared, reset or deleted; see `congbo_domain::privacy::retention`).

use congbo_domain::feedback::State as FeedbackState;
use congbo_domain::privacy::retention::{PLACEHOLDER_NAME, RecordKind};
use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct PeriodRow {
    pub kind: String,
    pub amount: i64,
    pub updated_by: Uuid,
    pub updated_at: i64,
}

/// The stored periods (kinds without a row use their default).
pub async fn periods(tx: &mut Tx) -> Result<Vec<PeriodRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT kind, amount, updated_by, updated_at FROM retention_periods ORDER BY kind")
        .fetch_all(c).await)?)
}

pub async fn put_period(tx: &mut Tx, p: &PeriodRow) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO retention_periods (kind, amount, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kind) DO UPDATE SET amount = excluded.amount,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at")
        .bind(&p.kind).bind(p.amount).bind(p.updated_by).bind(p.updated_at).execute(c).await)?;
    Ok(())
}

/// Back to the default.
pub async fn delete_period(tx: &mut Tx, kind: &str) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("DELETE FROM retention_periods WHERE kind = $1")
        .bind(kind).execute(c).await)?,
    )
}

/// The closed states of a feedback case, as an SQL list.
fn closed_feedback_states() -> String {
    FeedbackState::ALL
        .iter()
        .filter(|s| s.is_closed())
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Per kind: the rows read (`FROM …`), their key, and the condition of a row whose period
/// ended before the cutoff, bound as `${p}`.
fn due(kind: RecordKind, p: usize) -> (&'static str, &'static str, String) {
    use RecordKind::*;
    match kind {
        Dossier => (
            "dossiers",
            "id",
            format!("personal_purged_at IS NULL AND closed_at IS NOT NULL AND closed_at < ${p}"),
        ),
        FeedbackIdentity => (
            "feedback_cases",
            "id",
            format!(
                "personal_purged_at IS NULL AND (sender_name IS NOT NULL OR sender_contact IS NOT NULL
                 OR sender_address IS NOT NULL) AND state IN ({}) AND updated_at < ${p}",
                closed_feedback_states()
            ),
        ),
        FeedbackAttachment => (
            "feedback_attachments a JOIN feedback_cases fc ON fc.id = a.case_id",
            "a.id",
            format!(
                "fc.state IN ({}) AND fc.updated_at < ${p}",
                closed_feedback_states()
            ),
        ),
        RecoveryContact => (
            "recovery_cases",
            "id",
            format!("contact_to IS NOT NULL AND opened_at < ${p}"),
        ),
        TicketContact => (
            "tickets",
            "id",
            format!("notify_to IS NOT NULL AND issued_at < ${p}"),
        ),
        Outbox => (
            "outbox",
            "id",
            format!("status IN ('sent', 'dead') AND created_at < ${p}"),
        ),
        Session => ("sessions", "token_hash", format!("expires_at < ${p}")),
        FailedLogins => (
            "users",
            "id",
            format!("failed_logins > 0 AND COALESCE(failed_login_at, locked_until, 0) < ${p}"),
        ),
        AccessLog => ("access_log", "id", format!("at < ${p}")),
        // Closed requests (answered, or never verified) counted from their last step.
        PrivacyRequest => (
            "privacy_requests",
            "id",
            format!(
                "state IN ('done', 'refused', 'unverified') \
                 AND COALESCE(answered_at, received_at) < ${p}"
            ),
        ),
    }
}

/// How many rows of `kind` have outlived `cutoff` (micros).
pub async fn count_due(tx: &mut Tx, kind: RecordKind, cutoff: i64) -> Result<i64> {
    let (from, _, cond) = due(kind, 1);
    let sql = format!("SELECT COUNT(*) FROM {from} WHERE {cond}");
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(&*sql))
        .bind(cutoff).fetch_one(c).await)?,
    )
}

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub rows: u64,
    /// Attachment bytes deleted.
    pub bytes: i64,
}

/// Treat up to `limit` rows of `kind` that outlived `cutoff`, at `now`. Each statement
/// repeats the condition on the rows it changes, so a row another process treated meanwhile
/// is skipped (PostgreSQL re-checks it after the lock), never treated twice.
pub async fn purge_batch(
    tx: &mut Tx,
    kind: RecordKind,
    cutoff: i64,
    now: i64,
    limit: i64,
) -> Result<Purged> {
    use RecordKind::*;
    let pick = |p: usize| {
        let (from, key, cond) = due(kind, p);
        let q = p + 1;
        format!("SELECT {key} FROM {from} WHERE {cond} ORDER BY {key} LIMIT ${q}")
    };
    let rows = match kind {
        Dossier => {
            let sql = format!(
                "UPDATE dossiers SET applicant_name = $1, applicant_id_no = NULL,
                    applicant_address = NULL, applicant_phone = NULL, applicant_email = NULL,
                    personal_purged_at = $2
                 WHERE personal_purged_at IS NULL AND id IN ({})",
                pick(3)
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(PLACEHOLDER_NAME).bind(now).bind(cutoff).bind(limit).execute(c).await)?
        }
        FeedbackIdentity => {
            let sql = format!(
                "UPDATE feedback_cases SET sender_name = NULL, sender_contact = NULL,
                    sender_address = NULL, personal_purged_at = $1
                 WHERE personal_purged_at IS NULL AND id IN ({})",
                pick(2)
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(now).bind(cutoff).bind(limit).execute(c).await)?
        }
        FeedbackAttachment => {
            let sql = format!(
                "DELETE FROM feedback_attachments WHERE id IN ({}) RETURNING size",
                pick(1)
            );
            let sizes: Vec<i64> = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).fetch_all(c).await)?;
            return Ok(Purged {
                rows: sizes.len() as u64,
                bytes: sizes.iter().sum(),
            });
        }
        RecoveryContact => {
            let sql = format!(
                "UPDATE recovery_cases SET contact_to = NULL WHERE contact_to IS NOT NULL AND id IN ({})",
                pick(1)
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).execute(c).await)?
        }
        TicketContact => {
            let sql = format!(
                "UPDATE tickets SET notify_to = NULL WHERE notify_to IS NOT NULL AND id IN ({})",
                pick(1)
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).execute(c).await)?
        }
        Outbox => {
            let sql = format!("DELETE FROM outbox WHERE id IN ({})", pick(1));
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).execute(c).await)?
        }
        Session => {
            let sql = format!("DELETE FROM sessions WHERE token_hash IN ({})", pick(1));
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).execute(c).await)?
        }
        FailedLogins => {
            let sql = format!(
                "UPDATE users SET failed_logins = 0, locked_until = NULL, failed_login_at = NULL
                 WHERE failed_logins > 0 AND id IN ({})",
                pick(1)
            );
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).execute(c).await)?
        }
        AccessLog => {
            let sql = format!("DELETE FROM access_log WHERE id IN ({})", pick(1));
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).execute(c).await)?
        }
        PrivacyRequest => {
            let sql = format!("DELETE FROM privacy_requests WHERE id IN ({})", pick(1));
            exec!(tx, c => sqlx::query(sqlx::AssertSqlSafe(&*sql))
                .bind(cutoff).bind(limit).execute(c).await)?
        }
    };
    Ok(Purged { rows, bytes: 0 })
}
