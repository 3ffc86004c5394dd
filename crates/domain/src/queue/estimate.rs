//! Wait estimates from recent service times (not a fixed per-person guess).

/// One finished service: how long the citizen was at the counter (seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServiceSample {
    pub seconds: f64,
}

/// The estimate shown on the ticket, the kiosk and the follower's phone.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitEstimate {
    /// Citizens to be served before this one.
    pub ahead: u32,
    /// Estimated minutes until the call, rounded up; 0 when nobody is ahead and a counter is free.
    pub minutes: u32,
    /// The per-citizen service time used (seconds) and how many recent services it is based on
    /// (0: the office's default was used).
    pub service_seconds: u32,
    pub based_on: usize,
}

/// The `p`-th percentile (0–100) by nearest rank of `values` (sorted or not); `None` if empty.
pub fn percentile(values: &[f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    Some(v[rank.clamp(1, v.len()) - 1])
}

/// Estimate the wait of a citizen with `ahead` people before them in a group served by
/// `counters` open counters, from the group's recent service times (the median resists the
/// odd very long case). With no history, `default_seconds` per citizen.
pub fn estimate_wait(
    ahead: u32,
    counters: u32,
    recent: &[ServiceSample],
    default_seconds: u32,
) -> WaitEstimate {
    let secs: Vec<f64> = recent.iter().map(|s| s.seconds.max(0.0)).collect();
    let per = percentile(&secs, 50.0).unwrap_or(f64::from(default_seconds));
    let counters = counters.max(1);
    // Each counter takes every `counters`-th citizen ahead.
    let rounds = f64::from(ahead) / f64::from(counters);
    let minutes = (rounds * per / 60.0).ceil() as u32;
    WaitEstimate {
        ahead,
        minutes,
        service_seconds: per.round() as u32,
        based_on: secs.len(),
    }
}
