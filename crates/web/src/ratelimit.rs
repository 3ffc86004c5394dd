//! Per-client rate limits, each route counted against one allowance ([`crate::router::Limit`]):
//! the public dossier lookup, so codes and secrets cannot be enumerated; taking queue numbers
//! without signing in, so nobody floods the queue; sending feedback; following a case with
//! its code and secret; and the sender's actions on it (a wrong secret is a guess). Each
//! allows at most `per_minute` requests per client address in any one-minute window (a token
//! bucket refilled continuously). In memory, per process.
//!
//! The client address is the TCP peer, unless the peer is a trusted reverse proxy
//! (`--trusted-proxy`, CIDRs): then the rightmost address of `X-Forwarded-For` that is not a
//! trusted proxy ([`TrustedProxies::client`]). Without trusted proxies the header is ignored,
//! so nobody can choose their own address. [`resolve_client`] decides once per request.
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

/// An address block: `10.0.0.0/8`, `fd00::/8`, or one address (`192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl std::str::FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, bits) = s.split_once('/').unwrap_or((s, ""));
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("not an IP address: {addr:?}"))?;
        let net = net.to_canonical();
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = if bits.is_empty() {
            max
        } else {
            bits.parse::<u8>()
                .ok()
                .filter(|b| *b <= max)
                .ok_or_else(|| format!("not a prefix length: {s:?}"))?
        };
        Ok(Cidr { net, bits })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let mask = |bits: u8, width: u32| -> u128 {
            if bits == 0 {
                0
            } else {
                (u128::MAX << (width - u32::from(bits))) & (u128::MAX >> (128 - width))
            }
        };
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let m = mask(self.bits, 32);
                u128::from(u32::from(n)) & m == u128::from(u32::from(a)) & m
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let m = mask(self.bits, 128);
                u128::from(n) & m == u128::from(a) & m
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.net, self.bits)
    }
}

impl std::fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(none: X-Forwarded-For ignored)");
        }
        let all: Vec<String> = self.0.iter().map(Cidr::to_string).collect();
        f.write_str(&all.join(", "))
    }
}

/// The reverse proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// A comma-separated list of CIDRs or addresses (empty: none).
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect::<Result<Vec<Cidr>, _>>()
            .map(TrustedProxies)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }
    /// The client of a request from `peer` carrying these `X-Forwarded-For` values (in header
    /// order): the peer itself unless it is trusted; else the rightmost forwarded address
    /// that is not a trusted proxy (each trusted hop appends the address it got the request
    /// from, so addresses left of the first untrusted one may be made up). A malformed entry
    /// ends the walk at the last trusted hop; when every hop is trusted, the leftmost.
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = forwarded.iter().flat_map(|h| h.split(',')).collect();
        for hop in hops.into_iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break;
            };
            client = ip.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// The client address [`resolve_client`] decided for a request.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// Middleware (outside every route): decide the request's client address once.
pub async fn resolve_client(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let peer = peer_ip(req.extensions());
    let ip = if s.config.trusted_proxies.is_empty() {
        peer
    } else {
        let hops: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        s.config.trusted_proxies.client(peer, &hops)
    };
    req.extensions_mut().insert(ClientAddr(ip));
    next.run(req).await
}

/// The TCP peer's address (unspecified when unknown, as in tests).
fn peer_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip())
}

/// The client's address: as [`resolve_client`] decided, else the TCP peer.
pub fn client_ip(extensions: &axum::http::Extensions) -> IpAddr {
    extensions
        .get::<ClientAddr>()
        .map_or_else(|| peer_ip(extensions), |c| c.0)
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

/// Attachment bytes a client address may send a day without signing in (issue 15): counted per
/// UTC day, in memory, per process. Taken before a submission is stored, given back when it is
/// refused.
pub struct DailyVolume {
    per_day: u64,
    used: Mutex<HashMap<IpAddr, (i64, u64)>>,
}

impl DailyVolume {
    /// `per_day` = 0 turns the limit off.
    pub fn new(per_day: u64) -> Self {
        Self {
            per_day,
            used: Mutex::new(HashMap::new()),
        }
    }

    /// Count `bytes` for `ip` on `day` if they fit in what is left of its allowance.
    pub fn take(&self, ip: IpAddr, bytes: u64, day: i64) -> bool {
        if self.per_day == 0 || bytes == 0 {
            return true;
        }
        let mut m = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_CLIENTS {
            m.retain(|_, (d, _)| *d == day);
        }
        let e = m.entry(ip).or_insert((day, 0));
        if e.0 != day {
            *e = (day, 0);
        }
        if e.1.saturating_add(bytes) > self.per_day {
            metrics::counter!("congbo_rate_limited_total", "limit" => "attachment_daily")
                .increment(1);
            return false;
        }
        e.1 += bytes;
        true
    }

    /// Give back what [`Self::take`] counted (the submission was refused).
    pub fn refund(&self, ip: IpAddr, bytes: u64, day: i64) {
        let mut m = self.used.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(e) = m.get_mut(&ip).filter(|e| e.0 == day) {
            e.1 = e.1.saturating_sub(bytes);
        }
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

/// Middleware for the dossier lookup routes: 429 `rate-limited` past the allowance.
pub async fn lookup_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    limit(&s.lookup_limiter, "lookup", req, next).await
}

/// Middleware for taking a queue number without signing in (kiosk, phone).
pub async fn ticket_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::POST {
        limit(&s.ticket_limiter, "ticket", req, next).await
    } else {
        next.run(req).await
    }
}

/// Middleware for sending feedback without signing in (the form, the kiosk, the public API).
pub async fn feedback_limit(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() == axum::http::Method::POST {
        limit(&s.feedback_limiter, "feedback", req, next).await
    } else {
        next.run(req).await
    }
}

/// Middleware for following a case with its code and secret (page and API).
pub async fn feedback_follow_limit(
    State(s): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    limit(&s.feedback_follow_limiter, "feedback_follow", req, next).await
}

/// Middleware for the sender's actions on a case (answer, verdict, reopen), each carrying the
/// secret: every try counts, so a secret cannot be guessed through them.
pub async fn feedback_action_limit(
    State(s): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    limit(&s.feedback_action_limiter, "feedback_action", req, next).await
}

async fn limit(limiter: &Limiter, name: &'static str, req: Request, next: Next) -> Response {
    let ip = client_ip(req.extensions());
    if limiter.allow(ip, Instant::now()) {
        next.run(req).await
    } else {
        metrics::counter!("congbo_rate_limited_total", "limit" => name).increment(1);
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
    fn cidrs_parse_and_contain() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains("10.1.200.3".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        assert!(
            c.contains("::ffff:10.1.0.9".parse().unwrap()),
            "IPv4-mapped"
        );
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains("192.0.2.7".parse().unwrap()));
        assert!(!one.contains("192.0.2.8".parse().unwrap()));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        assert!(!v6.contains("10.0.0.1".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("203.0.113.1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "fd00::/129", "proxy", "10.0.0.0/x", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        assert!(TrustedProxies::parse("10.0.0.0/8, ::1").is_ok());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("10.0.0.0/8,nope").is_err());
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_forwarded_address() {
        let t = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = ip("10.0.0.2");
        // Not from a trusted proxy: the header is ignored, whatever it says.
        assert_eq!(
            t.client(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client(proxy, &["198.51.100.1"]),
            proxy
        );
        // Through the proxy: the address it saw, not what the client wrote before it.
        assert_eq!(
            t.client(proxy, &["1.2.3.4, 198.51.100.1"]),
            ip("198.51.100.1")
        );
        assert_eq!(
            t.client(proxy, &["1.2.3.4", "198.51.100.1, 10.0.0.7"]),
            ip("198.51.100.1"),
            "two trusted hops, several headers"
        );
        assert_eq!(t.client(proxy, &[]), proxy, "no header: the proxy itself");
        assert_eq!(
            t.client(proxy, &["garbage, 10.0.0.7"]),
            ip("10.0.0.7"),
            "a malformed hop stops the walk"
        );
        assert_eq!(t.client(proxy, &["10.0.0.5"]), ip("10.0.0.5"));
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
