//! Per-client rate limits: the public dossier lookup, so codes and secrets cannot be
//! enumerated, and taking queue numbers without signing in, so nobody floods the queue.
//! The lookup allows at most `per_minute` lookups per client address in any one-minute window
//! (a token bucket refilled continuously). In memory, per process.
//!
//! Sign-in has two allowances of its own, kept by the sign-in handler: failed sign-ins per
//! client address and per name tried (known or not). A try takes a token first and a
//! successful sign-in gives it back, so only failures use up an allowance: an office whose
//! staff share one address is not throttled for signing in, a guesser is, before any password
//! work is done.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Mutex;
use std::time::Duration;
use std::time::Instant;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::Failure;

/// Buckets kept before idle ones are dropped.
const MAX_CLIENTS: usize = 100_000;

pub struct Limiter<K = IpAddr> {
    per_minute: u32,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Eq + Hash> Limiter<K> {
    /// `per_minute` = 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one token for `ip` at `now`; false when the client has used up its allowance.
    pub fn allow(&self, ip: K, now: Instant) -> bool {
        self.take(ip, now).is_ok()
    }

    /// Give back the token a try took (the try turned out to be no abuse).
    pub fn refund(&self, key: &K) {
        let mut b = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let cap = f64::from(self.per_minute);
        if let Some((tokens, _)) = b.get_mut(key) {
            *tokens = (*tokens + 1.0).min(cap);
        }
    }

    /// Take one token for `key` at `now`, or say how long until one is back.
    pub fn take(&self, ip: K, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
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
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
        }
    }
}

/// The client's address as the server saw it (unspecified when unknown, as in tests).
pub fn client_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The client's address, as an extractor (never refuses).
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(&parts.extensions)))
    }
}

/// Failed sign-ins allowed per client address per minute.
pub const SIGN_IN_FAILURES_PER_ADDRESS: u32 = 20;
/// Failed sign-ins allowed per name tried per minute (whatever the address).
pub const SIGN_IN_FAILURES_PER_NAME: u32 = 10;

/// The two sign-in allowances.
pub struct SignInLimits {
    pub per_address: Limiter<IpAddr>,
    pub per_name: Limiter<String>,
}

impl Default for SignInLimits {
    fn default() -> Self {
        Self {
            per_address: Limiter::new(SIGN_IN_FAILURES_PER_ADDRESS),
            per_name: Limiter::new(SIGN_IN_FAILURES_PER_NAME),
        }
    }
}

impl SignInLimits {
    /// Take a token from both allowances before a try, or the seconds to wait (whole, at
    /// least one). Nothing is taken when either refuses.
    pub fn take(&self, ip: IpAddr, name: &str, now: Instant) -> Result<(), i64> {
        // Whole seconds, not fooled by rounding (5.999999 and 6.000001 are 6).
        let secs = |d: Duration| ((d.as_secs_f64() - 1e-3).ceil() as i64).max(1);
        if let Err(d) = self.per_address.take(ip, now) {
            metrics::counter!("congbo_rate_limited_total", "limit" => "sign_in_address")
                .increment(1);
            return Err(secs(d));
        }
        if let Err(d) = self.per_name.take(name.to_string(), now) {
            self.per_address.refund(&ip);
            metrics::counter!("congbo_rate_limited_total", "limit" => "sign_in_name").increment(1);
            return Err(secs(d));
        }
        Ok(())
    }

    /// The try succeeded: give both tokens back.
    pub fn succeeded(&self, ip: IpAddr, name: &str) {
        self.per_address.refund(&ip);
        self.per_name.refund(&name.to_string());
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
    let ip = client_ip(req.extensions());
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

    #[test]
    fn sign_in_failures_use_up_the_allowance_and_successes_do_not() {
        let l = SignInLimits::default();
        let t0 = Instant::now();
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        // Successful sign-ins from one office address never run out.
        for _ in 0..100 {
            assert_eq!(l.take(a, "lan", t0), Ok(()));
            l.succeeded(a, "lan");
        }
        // Failures on one name: refused past its allowance, from any address, with a wait.
        for _ in 0..SIGN_IN_FAILURES_PER_NAME {
            assert_eq!(l.take(a, "ma", t0), Ok(()));
        }
        assert_eq!(l.take(b, "ma", t0), Err(6), "one token back after 6 s");
        assert_eq!(l.take(b, "khac", t0), Ok(()), "another name is heard");
        // Failures from one address: refused past its allowance, whatever the names.
        for i in 0..SIGN_IN_FAILURES_PER_ADDRESS - SIGN_IN_FAILURES_PER_NAME {
            assert_eq!(l.take(a, &format!("ten{i}"), t0), Ok(()));
        }
        assert_eq!(l.take(a, "moi", t0), Err(3));
        assert!(l.take(a, "moi", t0 + Duration::from_secs(4)).is_ok());
    }
}
