//! Notification settings: where each channel goes, and how hard to try.
//!
//! E-mail is configured by one URL (`--smtp-url`, `CONGBO_SMTP_URL`):
//!
//! | scheme | connection | default port |
//! |---|---|---|
//! | `smtps://` | TLS from the first byte (RFC 8314 implicit TLS) | 465 |
//! | `smtp+starttls://` | plain, then `STARTTLS`, which is required (no fallback) | 587 |
//! | `smtp://` | plain text, no TLS: only for a relay on the same host or a test sink | 25 |
//!
//! `user:password@` (percent-encoded) turns on `AUTH`. Query parameters: `from` (required, the
//! sender address) and `name` (its display name, default "Bộ phận Một cửa"). For example
//! `smtps://motcua%40xa.gov.vn:secret@mail.xa.gov.vn?from=motcua@xa.gov.vn`.
//!
//! SMS and Zalo go to webhooks (`--sms-webhook`, `--zalo-webhook`: `http://` or `https://`
//! URLs), with an optional bearer token (`--webhook-token`). A channel with nothing configured
//! is written to the log instead.

use std::fmt;
use std::time::Duration;

use lettre::Address;
use percent_encoding::percent_decode_str;

/// The sender's display name when the URL gives none.
pub const DEFAULT_FROM_NAME: &str = "Bộ phận Một cửa";

/// Bad notification settings (reported at start, before serving).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn bad(msg: impl Into<String>) -> ConfigError {
    ConfigError(msg.into())
}

/// Where notifications go and how they are retried.
#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// E-mail; `None` writes e-mails to the log.
    pub smtp: Option<SmtpConfig>,
    /// SMS gateway; `None` writes SMS to the log.
    pub sms_webhook: Option<WebhookConfig>,
    /// Zalo gateway; `None` writes Zalo messages to the log.
    pub zalo_webhook: Option<WebhookConfig>,
    /// Failed attempts after which a message is given up (`dead`). Default 8.
    pub max_attempts: u32,
    /// Delay before the first retry, in seconds; it doubles with each further failure up to
    /// [`MAX_BACKOFF`](super::MAX_BACKOFF), plus up to a tenth of jitter. Default 30.
    pub backoff_base_secs: u64,
    /// Pause between two dispatch rounds of [`spawn`](super::spawn). Default 2 s.
    pub interval: Duration,
    /// Limit for delivering one message (connect, send, answer). Default 10 s.
    pub send_timeout: Duration,
    /// Messages claimed per round. Default 50.
    pub batch_size: u32,
    /// Messages in flight at once on each channel. Default 4.
    pub concurrency: usize,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            sms_webhook: None,
            zalo_webhook: None,
            max_attempts: 8,
            backoff_base_secs: 30,
            interval: Duration::from_secs(2),
            send_timeout: Duration::from_secs(10),
            batch_size: 50,
            concurrency: 4,
        }
    }
}

impl NotifyConfig {
    /// How long a claimed message is reserved for this dispatcher: the longest a round can take
    /// (every claimed message on one channel, each waiting for its timeout) plus a minute.
    pub fn lease(&self) -> Duration {
        let per_lane = self.concurrency.max(1) as u32;
        let waves = self.batch_size.max(1).div_ceil(per_lane);
        self.send_timeout * waves + Duration::from_secs(60)
    }
}

/// How the SMTP connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain text (`smtp://`).
    None,
    /// Plain, upgraded with a required `STARTTLS` (`smtp+starttls://`).
    StartTls,
    /// Implicit TLS (`smtps://`).
    Tls,
}

impl SmtpSecurity {
    pub fn scheme(self) -> &'static str {
        match self {
            SmtpSecurity::None => "smtp",
            SmtpSecurity::StartTls => "smtp+starttls",
            SmtpSecurity::Tls => "smtps",
        }
    }
    pub fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::None => 25,
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
        }
    }
}

/// An SMTP submission server. `Debug` hides the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// The sender address (`From:` and the envelope sender).
    pub from_address: String,
    /// The sender's display name.
    pub from_name: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl SmtpConfig {
    /// Parse `smtps://…`, `smtp+starttls://…` or `smtp://…` (see the module documentation).
    pub fn from_url(s: &str) -> Result<Self, ConfigError> {
        let url =
            url::Url::parse(s.trim()).map_err(|e| bad(format!("SMTP URL is not a URL ({e})")))?;
        let security = match url.scheme() {
            "smtp" => SmtpSecurity::None,
            "smtp+starttls" => SmtpSecurity::StartTls,
            "smtps" => SmtpSecurity::Tls,
            other => {
                return Err(bad(format!(
                    "SMTP URL scheme must be smtps://, smtp+starttls:// or smtp://, not {other}://"
                )));
            }
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("SMTP URL has no host"))?;
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let port = url.port().unwrap_or(security.default_port());
        let decode = |part: &str, what: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| bad(format!("SMTP URL {what} is not UTF-8 once decoded")))
        };
        let username = match url.username() {
            "" => None,
            u => Some(decode(u, "user name")?),
        };
        let password = url.password().map(|p| decode(p, "password")).transpose()?;
        if password.is_some() && username.is_none() {
            return Err(bad("SMTP URL has a password but no user name"));
        }
        let mut from_address = None;
        let mut from_name = None;
        for (k, v) in url.query_pairs() {
            match &*k {
                "from" => from_address = Some(v.trim().to_string()),
                "name" => from_name = Some(v.trim().to_string()),
                other => {
                    return Err(bad(format!(
                        "SMTP URL: unknown parameter {other:?} (use from= and name=)"
                    )));
                }
            }
        }
        let from_address = from_address
            .filter(|a| !a.is_empty())
            .ok_or_else(|| bad("SMTP URL needs ?from=<sender address>"))?;
        from_address.parse::<Address>().map_err(|e| {
            bad(format!(
                "SMTP URL from={from_address:?} is not an address ({e})"
            ))
        })?;
        Ok(Self {
            host,
            port,
            security,
            from_address,
            from_name: from_name
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| DEFAULT_FROM_NAME.to_string()),
            username,
            password,
        })
    }

    /// The settings as a URL with the password replaced by `***` (logs, `config show`).
    pub fn redacted(&self) -> String {
        let mut u = url::Url::parse(&format!("{}://placeholder", self.security.scheme()))
            .expect("static URL");
        let _ = u.set_host(Some(&self.host));
        let _ = u.set_port(Some(self.port));
        if let Some(user) = &self.username {
            let _ = u.set_username(user);
            if self.password.is_some() {
                let _ = u.set_password(Some("***"));
            }
        }
        let mut query = format!("from={}", self.from_address);
        if self.from_name != DEFAULT_FROM_NAME {
            query.push_str("&name=");
            query.extend(url::form_urlencoded::byte_serialize(
                self.from_name.as_bytes(),
            ));
        }
        u.set_query(Some(&query));
        u.to_string()
    }

    /// Whether a password would cross the network unencrypted (plain `smtp://` to another host).
    pub fn sends_password_in_clear(&self) -> bool {
        self.security == SmtpSecurity::None && self.password.is_some() && !is_loopback(&self.host)
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An HTTP gateway (SMS, Zalo) that takes one JSON POST per message. `Debug` hides the token.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    pub url: String,
    /// Sent as `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

impl WebhookConfig {
    pub fn new(url: &str, token: Option<&str>) -> Result<Self, ConfigError> {
        let parsed = url::Url::parse(url.trim())
            .map_err(|e| bad(format!("webhook URL is not a URL ({e})")))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
            return Err(bad(format!(
                "webhook URL must be http://… or https://…, not {}",
                congbo_store::redact_url(url)
            )));
        }
        let token = token.map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = token
            && t.chars().any(|c| c.is_control() || c == ' ')
        {
            return Err(bad(
                "webhook token must not contain spaces or control characters",
            ));
        }
        Ok(Self {
            url: parsed.to_string(),
            token: token.map(str::to_string),
        })
    }

    /// The URL (any password in it as `***`) and whether a token is set.
    pub fn redacted(&self) -> String {
        let url = congbo_store::redact_url(&self.url);
        if self.token.is_some() {
            format!("{url} (bearer token set)")
        } else {
            url
        }
    }
}

impl fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_schemes() {
        let c = SmtpConfig::from_url("smtp://127.0.0.1:2525?from=motcua@xa.gov.vn").unwrap();
        assert_eq!(
            (c.host.as_str(), c.port, c.security),
            ("127.0.0.1", 2525, SmtpSecurity::None)
        );
        assert_eq!(c.from_address, "motcua@xa.gov.vn");
        assert_eq!(c.from_name, DEFAULT_FROM_NAME);
        assert_eq!((c.username, c.password), (None, None));

        let c = SmtpConfig::from_url(
            "smtps://motcua%40xa.gov.vn:p%40ss%3Aw@mail.xa.gov.vn?from=motcua@xa.gov.vn&name=UBND%20x%C3%A3%20A",
        )
        .unwrap();
        assert_eq!((c.port, c.security), (465, SmtpSecurity::Tls));
        assert_eq!(c.username.as_deref(), Some("motcua@xa.gov.vn"));
        assert_eq!(c.password.as_deref(), Some("p@ss:w"));
        assert_eq!(c.from_name, "UBND xã A");

        let c = SmtpConfig::from_url("smtp+starttls://u:p@mail.example?from=a@b.vn").unwrap();
        assert_eq!((c.port, c.security), (587, SmtpSecurity::StartTls));
    }

    #[test]
    fn refuses_bad_smtp_urls() {
        for (url, needle) in [
            ("http://mail.example?from=a@b.vn", "scheme"),
            ("smtps://mail.example", "from="),
            ("smtps://mail.example?from=not-an-address", "not an address"),
            (
                "smtps://mail.example?from=a@b.vn&tls=yes",
                "unknown parameter",
            ),
            ("smtps://:secret@mail.example?from=a@b.vn", "no user name"),
            ("mail.example", "not a URL"),
        ] {
            let e = SmtpConfig::from_url(url).unwrap_err();
            assert!(e.0.contains(needle), "{url}: {e}");
        }
    }

    #[test]
    fn redacts_secrets() {
        let c = SmtpConfig::from_url("smtps://user:secret@mail.example?from=a@b.vn").unwrap();
        let shown = format!("{} {c:?}", c.redacted());
        assert!(!shown.contains("secret"), "{shown}");
        assert!(
            shown.contains("smtps://user:***@mail.example:465?from=a@b.vn"),
            "{shown}"
        );
        // The redacted form parses back to the same settings, password aside.
        let back = SmtpConfig::from_url(&c.redacted()).unwrap();
        let named =
            SmtpConfig::from_url("smtps://mail.example?from=a@b.vn&name=UBND+x%C3%A3+A").unwrap();
        assert_eq!(
            SmtpConfig::from_url(&named.redacted()).unwrap().from_name,
            "UBND xã A"
        );
        assert_eq!(
            (back.host, back.port, back.from_name),
            (c.host.clone(), c.port, c.from_name.clone())
        );

        let w = WebhookConfig::new("https://sms.example/send", Some("tok-123")).unwrap();
        let shown = format!("{} {w:?}", w.redacted());
        assert!(!shown.contains("tok-123") && shown.contains("bearer token set"));
    }

    #[test]
    fn flags_passwords_in_clear() {
        let c = SmtpConfig::from_url("smtp://u:p@relay.example?from=a@b.vn").unwrap();
        assert!(c.sends_password_in_clear());
        let c = SmtpConfig::from_url("smtp://u:p@127.0.0.1?from=a@b.vn").unwrap();
        assert!(!c.sends_password_in_clear());
        let c = SmtpConfig::from_url("smtps://u:p@relay.example?from=a@b.vn").unwrap();
        assert!(!c.sends_password_in_clear());
    }

    #[test]
    fn webhooks_must_be_http() {
        assert!(WebhookConfig::new("ftp://x.example/a", None).is_err());
        assert!(WebhookConfig::new("https://x.example/a", Some("a b")).is_err());
        let w = WebhookConfig::new(" https://x.example/a ", Some("  ")).unwrap();
        assert_eq!(w.token, None);
        assert_eq!(w.url, "https://x.example/a");
    }

    #[test]
    fn lease_covers_a_whole_round() {
        let c = NotifyConfig::default();
        // 50 messages, 4 at a time, 10 s each: 13 waves, plus a minute.
        assert_eq!(c.lease(), Duration::from_secs(190));
    }
}
