//! The adapters: e-mail over SMTP, SMS and Zalo through HTTP webhooks, and the log.

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use congbo_store::repo::outbox::OutboxRow;
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::config::{ConfigError, NotifyConfig, SmtpConfig, SmtpSecurity, WebhookConfig};

/// Why one delivery attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub message: String,
    /// Trying again cannot help (the server refused this message or recipient for good, or the
    /// row cannot be sent at all): the message is given up at once.
    pub permanent: bool,
}

impl SendError {
    pub fn transient(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: false,
        }
    }
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permanent: true,
        }
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// One channel's adapter.
pub enum Sender {
    Smtp(SmtpSender),
    Webhook(Box<WebhookSender>),
    /// Nothing configured: the message is written to the log and counts as sent.
    Log,
}

impl Sender {
    /// The name stored in `outbox.adapter` when this adapter delivers a message.
    pub fn adapter(&self) -> &'static str {
        match self {
            Sender::Smtp(_) => "smtp",
            Sender::Webhook(_) => "webhook",
            Sender::Log => "log",
        }
    }

    /// Deliver one outbox row. No timeout of its own beyond the transports' connect limits:
    /// the dispatcher bounds the whole attempt.
    pub async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        match self {
            Sender::Smtp(s) => s.send(row).await,
            Sender::Webhook(w) => w.send(row).await,
            Sender::Log => {
                tracing::info!(
                    id = %row.id,
                    channel = %row.channel,
                    to = %mask_recipient(&row.recipient),
                    subject = %row.subject,
                    body = %row.body,
                    "notification written to the log (no {} adapter configured)",
                    row.channel
                );
                Ok(())
            }
        }
    }
}

/// The adapter of each channel.
pub struct Senders {
    pub email: Sender,
    pub sms: Sender,
    pub zalo: Sender,
}

impl Senders {
    /// SMTP for e-mail and webhooks for SMS and Zalo where configured; the log elsewhere.
    /// Must run inside a Tokio runtime (the SMTP connection pool starts a task).
    pub fn from_config(cfg: &NotifyConfig) -> Result<Self, ConfigError> {
        let email = match &cfg.smtp {
            Some(c) => Sender::Smtp(SmtpSender::new(c, cfg)?),
            None => Sender::Log,
        };
        let webhook = |w: &Option<WebhookConfig>| -> Result<Sender, ConfigError> {
            Ok(match w {
                Some(w) => Sender::Webhook(Box::new(WebhookSender::new(w, cfg)?)),
                None => Sender::Log,
            })
        };
        Ok(Self {
            email,
            sms: webhook(&cfg.sms_webhook)?,
            zalo: webhook(&cfg.zalo_webhook)?,
        })
    }

    /// Everything to the log (no configuration).
    pub fn log_only() -> Self {
        Self {
            email: Sender::Log,
            sms: Sender::Log,
            zalo: Sender::Log,
        }
    }

    /// The adapter for an outbox channel; `None` for a channel this version does not know.
    pub fn for_channel(&self, channel: &str) -> Option<&Sender> {
        match channel {
            "email" => Some(&self.email),
            "sms" => Some(&self.sms),
            "zalo" => Some(&self.zalo),
            _ => None,
        }
    }

    /// Close pooled SMTP connections politely (`QUIT`).
    pub async fn shutdown(&self) {
        if let Sender::Smtp(s) = &self.email {
            s.transport.shutdown().await;
        }
    }
}

/// E-mail through an SMTP submission server (lettre, pooled connections, rustls with ring and
/// Mozilla's root certificates).
pub struct SmtpSender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpSender {
    pub fn new(c: &SmtpConfig, cfg: &NotifyConfig) -> Result<Self, ConfigError> {
        let tls_err = |e: lettre::transport::smtp::Error| {
            ConfigError(format!("SMTP TLS settings for {}: {e}", c.host))
        };
        let builder = match c.security {
            SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&c.host),
            SmtpSecurity::StartTls => {
                AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&c.host).map_err(tls_err)?
            }
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&c.host).map_err(tls_err)?
            }
        };
        let mut builder = builder
            .port(c.port)
            .timeout(Some(cfg.send_timeout))
            .pool_config(
                PoolConfig::new()
                    .max_size(cfg.concurrency.max(1) as u32)
                    .idle_timeout(Duration::from_secs(60)),
            );
        if let Some(user) = &c.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                c.password.clone().unwrap_or_default(),
            ));
        }
        let address = c
            .from_address
            .parse()
            .map_err(|e| ConfigError(format!("SMTP sender {:?}: {e}", c.from_address)))?;
        Ok(Self {
            transport: builder.build(),
            from: Mailbox::new(Some(c.from_name.clone()), address),
        })
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let to: Mailbox = row.recipient.trim().parse().map_err(|e| {
            SendError::permanent(format!("not an e-mail address: {:?} ({e})", row.recipient))
        })?;
        // The same Message-ID on every attempt, so a receiver can drop a duplicate.
        let message_id = format!("<{}@{}>", row.id, self.from.email.domain());
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(message_id))
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())
            .map_err(|e| SendError::permanent(format!("cannot build the e-mail: {e}")))?;
        self.transport
            .send(message)
            .await
            .map(drop)
            .map_err(smtp_error)
    }
}

/// A 5xx answer refuses this message for good, except the authentication codes, which mean
/// the settings are wrong (fixing them should let the message through).
fn smtp_error(e: lettre::transport::smtp::Error) -> SendError {
    let code = e.status().map(|c| c.to_string());
    let auth_problem = matches!(code.as_deref(), Some("530" | "534" | "535" | "538"));
    let message = format!("SMTP: {}", error_chain(&e));
    if e.is_permanent() && !auth_problem {
        SendError::permanent(message)
    } else {
        SendError::transient(message)
    }
}

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// SMS or Zalo through an HTTP gateway: one JSON POST per message, any 2xx is success.
pub struct WebhookSender {
    client: HttpsClient,
    uri: http::Uri,
    authorization: Option<http::HeaderValue>,
}

impl WebhookSender {
    pub fn new(w: &WebhookConfig, cfg: &NotifyConfig) -> Result<Self, ConfigError> {
        let uri: http::Uri = w
            .url
            .parse()
            .map_err(|e| ConfigError(format!("webhook URL: {e}")))?;
        let authorization = w
            .token
            .as_ref()
            .map(|t| {
                let mut v = http::HeaderValue::try_from(format!("Bearer {t}"))
                    .map_err(|_| ConfigError("webhook token is not a valid header value".into()))?;
                v.set_sensitive(true);
                Ok::<_, ConfigError>(v)
            })
            .transpose()?;
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(cfg.send_timeout));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| ConfigError(format!("TLS settings for webhooks: {e}")))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(https);
        Ok(Self {
            client,
            uri,
            authorization,
        })
    }

    async fn send(&self, row: &OutboxRow) -> Result<(), SendError> {
        let payload = serde_json::json!({
            "channel": row.channel,
            "to": row.recipient,
            "subject": row.subject,
            "body": row.body,
            "id": row.id.to_string(),
        });
        let mut req = http::Request::post(self.uri.clone())
            .header(
                http::header::CONTENT_TYPE,
                "application/json; charset=utf-8",
            )
            .header(
                http::header::USER_AGENT,
                concat!("congbo/", env!("CARGO_PKG_VERSION")),
            )
            .header("idempotency-key", row.id.to_string());
        if let Some(auth) = &self.authorization {
            req = req.header(http::header::AUTHORIZATION, auth.clone());
        }
        let req = req
            .body(Full::new(Bytes::from(payload.to_string())))
            .map_err(|e| SendError::permanent(format!("cannot build the request: {e}")))?;
        let resp = self
            .client
            .request(req)
            .await
            .map_err(|e| SendError::transient(format!("webhook: {}", error_chain(&e))))?;
        let status = resp.status();
        // Read (a bounded part of) the answer, so the connection can be reused and a refusal
        // can be explained.
        let answer = Limited::new(resp.into_body(), 16 * 1024)
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        if status.is_success() {
            return Ok(());
        }
        let text = String::from_utf8_lossy(&answer);
        let text: String = text.trim().chars().take(200).collect();
        Err(SendError::transient(if text.is_empty() {
            format!("webhook answered {status}")
        } else {
            format!("webhook answered {status}: {text}")
        }))
    }
}

/// An error and its causes on one line (hyper's own message is only "client error (Connect)").
fn error_chain(e: &dyn StdError) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let part = c.to_string();
        if !s.contains(&part) {
            s.push_str(": ");
            s.push_str(&part);
        }
        cur = c.source();
    }
    s
}

/// A recipient for the log: enough to recognise it, not enough to harvest it.
/// `nguyenvana@xa.gov.vn` → `ng***@xa.gov.vn`, `0912345678` → `091*****78`.
pub fn mask_recipient(r: &str) -> String {
    let r = r.trim();
    if let Some((local, domain)) = r.rsplit_once('@') {
        let keep: String = local
            .chars()
            .take(2.min(local.chars().count() / 2))
            .collect();
        return format!("{keep}***@{domain}");
    }
    let chars: Vec<char> = r.chars().collect();
    if chars.len() < 7 {
        return "***".to_string();
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_recipients() {
        assert_eq!(mask_recipient("nguyenvana@xa.gov.vn"), "ng***@xa.gov.vn");
        assert_eq!(mask_recipient("ab@x.vn"), "a***@x.vn");
        assert_eq!(mask_recipient("a@x.vn"), "***@x.vn");
        assert_eq!(mask_recipient("0912345678"), "091*****78");
        assert_eq!(mask_recipient("+84912345678"), "+84*******78");
        assert_eq!(mask_recipient("12345"), "***");
    }

    #[test]
    fn log_is_the_default_for_every_channel() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let _guard = rt.enter();
        let s = Senders::from_config(&NotifyConfig::default()).unwrap();
        for ch in ["email", "sms", "zalo"] {
            assert_eq!(s.for_channel(ch).unwrap().adapter(), "log");
        }
        assert!(s.for_channel("fax").is_none());
    }
}
