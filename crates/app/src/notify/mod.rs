//! Delivering the transactional outbox ("dân cần được thông báo").
//!
//! Use cases write `outbox` rows in the transaction of the change they announce; this module
//! delivers them afterwards and never touches anything but the outbox. [`dispatch_once`]
//! claims the due rows (a lease: their next attempt moves past the end of the round, so a
//! second dispatcher does not take them; PostgreSQL claims with `FOR UPDATE SKIP LOCKED`),
//! commits, then sends each through its channel's [`Sender`] outside any transaction, with a
//! timeout, several at once per channel and all channels side by side, and records each
//! result as it comes: sent (with the adapter's name), failed with the next attempt after an
//! exponential backoff, or dead once `max_attempts` are spent or the server refused the message
//! for good. [`spawn`] runs a round every `interval` until shutdown.
//!
//! Delivery is at least once: a dispatcher that stops between sending and recording sends
//! again when the lease runs out. The webhook's `id` and the e-mail's `Message-ID` are the
//! outbox id, so a receiver can drop the duplicate.

mod config;
mod sender;

use std::future::Future;
use std::time::Duration;

use congbo_store::repo::outbox::{self, OutboxRow};
use futures_util::StreamExt;
use tokio::task::JoinHandle;

use crate::{App, Result};

pub use config::{
    ConfigError, DEFAULT_FROM_NAME, NotifyConfig, SmtpConfig, SmtpSecurity, WebhookConfig,
};
pub use sender::{SendError, Sender, Senders, SmtpSender, WebhookSender, mask_recipient};

/// The longest wait between two attempts (before jitter).
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);

/// How long [`spawn`]'s task lets a round in progress finish after shutdown is asked.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(15);

/// The longest `last_error` kept, in characters.
const MAX_ERROR_CHARS: usize = 500;

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DispatchReport {
    /// Due messages taken in this round.
    pub claimed: usize,
    pub sent: usize,
    /// Failed, to be tried again later.
    pub retrying: usize,
    /// Given up.
    pub dead: usize,
    /// Attempts whose result could not be written (database error). The message is tried
    /// again when its lease runs out.
    pub unrecorded: usize,
}

/// The delay after the `failures`-th failed attempt (1 for the first), before jitter:
/// `base × 2^(failures−1)`, at most [`MAX_BACKOFF`].
pub fn backoff(cfg: &NotifyConfig, failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(30);
    let secs = cfg
        .backoff_base_secs
        .saturating_mul(1u64 << doublings)
        .min(MAX_BACKOFF.as_secs());
    Duration::from_secs(secs)
}

/// [`backoff`] plus a random jitter of up to a tenth, in microseconds (for `next_attempt_at`),
/// so messages that failed together do not all come back in the same second.
fn backoff_with_jitter_micros(cfg: &NotifyConfig, failures: u32) -> i64 {
    let d = backoff(cfg, failures).as_micros() as i64;
    let jitter = if d >= 10 {
        rand::random_range(0..=d / 10)
    } else {
        0
    };
    d + jitter
}

/// One round: claim the due messages, deliver them, record each result. A failing channel
/// holds up neither the other channels nor the other messages of its own channel beyond the
/// per-message timeout. Errs only when the messages cannot be claimed.
pub async fn dispatch_once(
    app: &App,
    cfg: &NotifyConfig,
    senders: &Senders,
) -> Result<DispatchReport> {
    let now = app.now();
    let lease_until = now + cfg.lease().as_micros() as i64;
    let mut tx = app.db.begin().await?;
    let rows = outbox::claim(&mut tx, now, lease_until, i64::from(cfg.batch_size.max(1))).await?;
    tx.commit().await?;

    let mut report = DispatchReport {
        claimed: rows.len(),
        ..DispatchReport::default()
    };
    if rows.is_empty() {
        return Ok(report);
    }
    // One lane per channel; each lane keeps `concurrency` messages in flight.
    let mut lanes: Vec<(String, Vec<OutboxRow>)> = Vec::new();
    for row in rows {
        match lanes.iter_mut().find(|(ch, _)| *ch == row.channel) {
            Some((_, v)) => v.push(row),
            None => lanes.push((row.channel.clone(), vec![row])),
        }
    }
    let per_lane = cfg.concurrency.max(1);
    let outcomes = futures_util::future::join_all(lanes.into_iter().map(|(_, rows)| {
        futures_util::stream::iter(rows)
            .map(|row| deliver(app, cfg, senders, row))
            .buffer_unordered(per_lane)
            .collect::<Vec<_>>()
    }))
    .await;
    for outcome in outcomes.into_iter().flatten() {
        match outcome {
            Outcome::Sent => report.sent += 1,
            Outcome::Retry => report.retrying += 1,
            Outcome::Dead => report.dead += 1,
            Outcome::Unrecorded => report.unrecorded += 1,
        }
    }
    Ok(report)
}

enum Outcome {
    Sent,
    Retry,
    Dead,
    Unrecorded,
}

/// Send one claimed row and record the result in a transaction of its own.
async fn deliver(app: &App, cfg: &NotifyConfig, senders: &Senders, row: OutboxRow) -> Outcome {
    let sender = senders.for_channel(&row.channel);
    let result = match sender {
        None => Err(SendError::permanent(format!(
            "unknown channel {:?} (expected email, sms or zalo)",
            row.channel
        ))),
        Some(s) => match tokio::time::timeout(cfg.send_timeout, s.send(&row)).await {
            Ok(r) => r,
            Err(_) => Err(SendError::transient(format!(
                "no answer within {} s",
                cfg.send_timeout.as_secs_f64()
            ))),
        },
    };
    let channel_label = match row.channel.as_str() {
        "email" => "email",
        "sms" => "sms",
        "zalo" => "zalo",
        _ => "other",
    };
    let now = app.now();
    let (outcome, recorded) = match result {
        Ok(()) => {
            let adapter = sender.map_or("log", Sender::adapter);
            tracing::debug!(id = %row.id, channel = %row.channel, adapter, "notification sent");
            (Outcome::Sent, record_sent(app, &row, now, adapter).await)
        }
        Err(e) => {
            let failures = u32::try_from(row.attempts + 1).unwrap_or(u32::MAX);
            let give_up = e.permanent || failures >= cfg.max_attempts;
            let next = if give_up {
                now
            } else {
                now + backoff_with_jitter_micros(cfg, failures)
            };
            let error: String = e.message.chars().take(MAX_ERROR_CHARS).collect();
            if give_up {
                tracing::warn!(
                    id = %row.id, channel = %row.channel, attempts = failures, error = %error,
                    "notification given up"
                );
            } else {
                tracing::warn!(
                    id = %row.id, channel = %row.channel, attempts = failures, error = %error,
                    retry_in_secs = (next - now) / 1_000_000,
                    "notification failed; will retry"
                );
            }
            let outcome = if give_up {
                Outcome::Dead
            } else {
                Outcome::Retry
            };
            (
                outcome,
                record_failed(app, &row, &error, next, give_up).await,
            )
        }
    };
    let label = match outcome {
        Outcome::Sent => "sent",
        Outcome::Retry => "retry",
        Outcome::Dead => "dead",
        Outcome::Unrecorded => "unrecorded",
    };
    metrics::counter!("congbo_notifications_total", "channel" => channel_label, "outcome" => label)
        .increment(1);
    match recorded {
        Ok(_) => outcome,
        Err(e) => {
            tracing::error!(
                id = %row.id, error = %e,
                "could not record a notification attempt; it is retried when its lease ends"
            );
            Outcome::Unrecorded
        }
    }
}

async fn record_sent(app: &App, row: &OutboxRow, at: i64, adapter: &str) -> Result<bool> {
    let mut tx = app.db.begin().await?;
    let changed = outbox::mark_sent(&mut tx, row.id, at, adapter).await?;
    tx.commit().await?;
    Ok(changed)
}

async fn record_failed(
    app: &App,
    row: &OutboxRow,
    error: &str,
    next_attempt_at: i64,
    give_up: bool,
) -> Result<bool> {
    let mut tx = app.db.begin().await?;
    let changed = outbox::mark_failed(&mut tx, row.id, error, next_attempt_at, give_up).await?;
    tx.commit().await?;
    Ok(changed)
}

/// Run [`dispatch_once`] every `cfg.interval` until `shutdown` completes. A round in progress
/// at shutdown gets [`SHUTDOWN_GRACE`] to finish; messages it leaves unrecorded fall due again
/// when their lease runs out. Errs at once on bad settings.
pub fn spawn(
    app: App,
    cfg: NotifyConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::result::Result<JoinHandle<()>, ConfigError> {
    let senders = Senders::from_config(&cfg)?;
    if cfg
        .smtp
        .as_ref()
        .is_some_and(SmtpConfig::sends_password_in_clear)
    {
        tracing::warn!(
            "the SMTP password is sent unencrypted (smtp:// to another host); use smtps:// or smtp+starttls://"
        );
    }
    tracing::info!(
        email = senders.email.adapter(),
        sms = senders.sms.adapter(),
        zalo = senders.zalo.adapter(),
        interval_ms = cfg.interval.as_millis() as u64,
        "notification dispatcher started"
    );
    Ok(tokio::spawn(run(app, cfg, senders, shutdown)))
}

async fn run(
    app: App,
    cfg: NotifyConfig,
    senders: Senders,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    tokio::pin!(shutdown);
    let mut ticker = tokio::time::interval(cfg.interval.max(Duration::from_millis(10)));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            biased;
            () = &mut shutdown => break,
            _ = ticker.tick() => {}
        }
        let round = dispatch_once(&app, &cfg, &senders);
        tokio::pin!(round);
        tokio::select! {
            r = &mut round => log_round(r),
            () = &mut shutdown => {
                match tokio::time::timeout(SHUTDOWN_GRACE, round).await {
                    Ok(r) => log_round(r),
                    Err(_) => tracing::warn!(
                        "notification round cut short at shutdown; its messages are retried when their lease ends"
                    ),
                }
                break;
            }
        }
    }
    senders.shutdown().await;
    tracing::info!("notification dispatcher stopped");
}

fn log_round(r: Result<DispatchReport>) {
    match r {
        Ok(rep) if rep.claimed > 0 => tracing::info!(
            claimed = rep.claimed,
            sent = rep.sent,
            retrying = rep.retrying,
            dead = rep.dead,
            unrecorded = rep.unrecorded,
            "notification round"
        ),
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "notification round failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_six_hours() {
        let cfg = NotifyConfig::default();
        let secs: Vec<u64> = (1..=12).map(|n| backoff(&cfg, n).as_secs()).collect();
        assert_eq!(
            secs,
            [
                30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600
            ]
        );
        assert_eq!(backoff(&cfg, u32::MAX), MAX_BACKOFF);
        assert_eq!(backoff(&cfg, 0).as_secs(), 30);
    }

    #[test]
    fn jitter_adds_at_most_a_tenth() {
        let cfg = NotifyConfig::default();
        for n in 1..=12 {
            let base = backoff(&cfg, n).as_micros() as i64;
            for _ in 0..50 {
                let d = backoff_with_jitter_micros(&cfg, n);
                assert!(d >= base && d <= base + base / 10, "{n}: {d} vs {base}");
            }
        }
    }
}
