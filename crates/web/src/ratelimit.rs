//! Per-client rate limits: the public dossier lookup, so codes and secrets cannot be
//! enumerated, and taking queue numbers without signing in, so nobody floods the queue.
//! The lookup allows at most `per_minute` lookups per client address in any one-minute window
//! (a token bucket refilled continuously). In memory, per process.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::Failure;

/// Buckets kept before idle ones are dropped.
const MAX_CLIENTS: usize = 100_000;

pub struct Limiter {
    per_minute: u32,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    /// `per_minute` = 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one token for `ip` at `now`; false when the client has used up its allowance.
    pub fn allow(&self, ip: IpAddr, now: Instant) -> bool {
        if self.per_minute == 0 {
            return true;
        }
        let cap = f64::from(self.per_minute);
        let rate = cap / 60.0;
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if b.len() >= MAX_CLIENTS {
            // Full buckets carry no information: drop them.
            b.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < cap
            });
        }
        let (tokens, at) = b.entry(ip).or_insert((cap, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(cap);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Middleware for the lookup routes: 429 `rate-limited` past the allowance.
pub async fn lookup_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    limit(&s.lookup_limiter, req, next).await
}

/// Middleware for taking a queue number without signing in (kiosk, phone).
pub async fn ticket_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::POST {
        limit(&s.ticket_limiter, req, next).await
    } else {
        next.run(req).await
    }
}

/// Middleware for sending feedback without signing in (the form, the kiosk, the public API).
pub async fn feedback_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::POST {
        limit(&s.feedback_limiter, req, next).await
    } else {
        next.run(req).await
    }
}

async fn limit(limiter: &Limiter, req: Request, next: Next) -> Response {
    let ip = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    if limiter.allow(ip, Instant::now()) {
        next.run(req).await
    } else {
        metrics::counter!("congbo_lookup_rate_limited_total").increment(1);
        let mut r = Failure::new(StatusCode::TOO_MANY_REQUESTS, "rate-limited").into_response();
        r.headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("60"));
        r
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn allowance_per_client_refills_over_time() {
        let l = Limiter::new(3);
        let t0 = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        assert!((0..3).all(|_| l.allow(a, t0)));
        assert!(!l.allow(a, t0), "fourth lookup in the same minute");
        assert!(l.allow(b, t0), "another client has its own allowance");
        assert!(
            l.allow(a, t0 + Duration::from_secs(20)),
            "one token back after 20 s"
        );
        assert!(!l.allow(a, t0 + Duration::from_secs(21)));
        assert!(Limiter::new(0).allow(a, t0));
    }
}
