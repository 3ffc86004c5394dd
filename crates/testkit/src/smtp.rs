//! A real SMTP server for tests, on `127.0.0.1` and a free port. It speaks enough of RFC 5321
//! for a submission client: `EHLO`/`HELO` (advertising `8BITMIME`, `SMTPUTF8` and
//! `AUTH PLAIN LOGIN`), `AUTH`, `MAIL FROM`, `RCPT TO`, `DATA` (with dot-unstuffing), `RSET`,
//! `NOOP` and `QUIT`, several messages per connection. It records every accepted message
//! (envelope and raw data), and can be told to answer an error code to `RCPT` or at the end of
//! `DATA`, so tests can exercise failure and retry.
//!
//! ```ignore
//! let sink = SmtpSink::start().await;
//! let url = sink.url("motcua@xa.test");           // smtp://127.0.0.1:PORT?from=motcua@xa.test
//! sink.fail(Stage::Rcpt, 451);                     // try again later
//! sink.heal();
//! let mails = sink.wait_for(1, Duration::from_secs(5)).await;
//! assert_eq!(mails[0].subject().as_deref(), Some("Hồ sơ đã được tiếp nhận"));
//! ```

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use mail_parser::MessageParser;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// Where an injected failure answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The reply to `RCPT TO`.
    Rcpt,
    /// The reply after the message data (the final `.`): the data is refused, not recorded.
    Data,
}

/// One accepted message.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// The `EHLO`/`HELO` argument.
    pub helo: String,
    /// The envelope sender (the address inside `MAIL FROM:<…>`).
    pub mail_from: String,
    /// The envelope recipients.
    pub rcpt_to: Vec<String>,
    /// `(user, password)` when the client authenticated.
    pub auth: Option<(String, String)>,
    /// The message as transferred (headers and body), dot-unstuffed, without the final `.`.
    pub data: Vec<u8>,
}

impl ReceivedMail {
    fn parse(&self) -> mail_parser::Message<'_> {
        MessageParser::default()
            .parse(&self.data)
            .expect("the sink received a parsable message")
    }

    /// The decoded `Subject` (RFC 2047 encoded words undone).
    pub fn subject(&self) -> Option<String> {
        self.parse().subject().map(str::to_string)
    }

    /// The first text body part, transfer-decoded (quoted-printable or base64) to UTF-8.
    pub fn text(&self) -> Option<String> {
        self.parse().body_text(0).map(|t| t.into_owned())
    }

    /// A header's raw value as transferred (still encoded), e.g. `Content-Type`.
    pub fn raw_header(&self, name: &str) -> Option<String> {
        self.parse().header_raw(name).map(|v| v.trim().to_string())
    }

    /// The `From` header's (display name, address).
    pub fn from(&self) -> Option<(Option<String>, Option<String>)> {
        let m = self.parse();
        let a = m.from()?.first()?;
        Some((
            a.name().map(str::to_string),
            a.address().map(str::to_string),
        ))
    }

    /// The `Message-ID` without its angle brackets.
    pub fn message_id(&self) -> Option<String> {
        self.parse().message_id().map(str::to_string)
    }
}

#[derive(Default)]
struct State {
    mails: Vec<ReceivedMail>,
    fault: Option<(Stage, u16)>,
    connections: usize,
    /// Every `RCPT TO` seen, accepted or not.
    rcpt_attempts: usize,
}

/// The running sink; dropping it stops the server and its connections.
pub struct SmtpSink {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind SMTP sink");
        let addr = listener.local_addr().expect("sink address");
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        let task = tokio::spawn(async move {
            let mut conns = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        st.lock().unwrap().connections += 1;
                        conns.spawn(session(stream, st.clone()));
                    }
                    Some(_) = conns.join_next(), if !conns.is_empty() => {}
                }
            }
        });
        SmtpSink { addr, state, task }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A `smtp://` URL (plain text, no TLS) for this sink with the given sender address.
    pub fn url(&self, from: &str) -> String {
        format!("smtp://{}?from={from}", self.addr)
    }

    /// The messages accepted so far, in order.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.state.lock().unwrap().mails.clone()
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.state.lock().unwrap().connections
    }

    /// `RCPT TO` commands seen so far, accepted or refused.
    pub fn rcpt_attempts(&self) -> usize {
        self.state.lock().unwrap().rcpt_attempts
    }

    /// From now on answer `code` (e.g. 451 "try again later", 554 "refused") at `stage`.
    pub fn fail(&self, stage: Stage, code: u16) {
        assert!(
            (400..600).contains(&code),
            "an SMTP error code is 4xx or 5xx"
        );
        self.state.lock().unwrap().fault = Some((stage, code));
    }

    /// Accept messages again.
    pub fn heal(&self) {
        self.state.lock().unwrap().fault = None;
    }

    /// Wait until at least `n` messages were accepted (panics after `within`).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<ReceivedMail> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "SMTP sink: expected {n} messages within {within:?}, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

const MAX_LINE: usize = 64 * 1024;

/// Read one line (up to LF) into `buf`; `false` at end of stream.
async fn read_line<R: AsyncRead + Unpin>(r: &mut BufReader<R>, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    match r.read_until(b'\n', buf).await {
        Ok(0) | Err(_) => false,
        Ok(_) => buf.len() <= MAX_LINE,
    }
}

fn trim_crlf(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// The address inside `FROM:<…>` / `TO:<…>` (parameters after it ignored).
fn path_arg(arg: &str, prefix: &str) -> Option<String> {
    let rest = arg.get(..prefix.len())?;
    if !rest.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = arg[prefix.len()..].trim_start();
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_string())
}

fn fault_text(code: u16) -> &'static str {
    if code < 500 {
        "4.7.1 Service temporarily unavailable, try again later"
    } else {
        "5.7.1 Message refused"
    }
}

async fn session(stream: TcpStream, state: Arc<Mutex<State>>) {
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::new(rd);
    let mut line = Vec::new();
    let mut helo = String::new();
    let mut auth: Option<(String, String)> = None;
    let mut from: Option<String> = None;
    let mut rcpts: Vec<String> = Vec::new();

    macro_rules! reply {
        ($($t:tt)*) => {
            if wr.write_all(format!($($t)*).as_bytes()).await.is_err() {
                return;
            }
        };
    }

    reply!("220 congbo-test-sink ESMTP ready\r\n");
    while read_line(&mut rd, &mut line).await {
        let text = String::from_utf8_lossy(trim_crlf(&line)).into_owned();
        let (verb, arg) = match text.split_once(' ') {
            Some((v, a)) => (v.to_ascii_uppercase(), a.trim().to_string()),
            None => (text.to_ascii_uppercase(), String::new()),
        };
        match verb.as_str() {
            "EHLO" => {
                helo = arg;
                from = None;
                rcpts.clear();
                reply!(
                    "250-congbo-test-sink greets {helo}\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 AUTH PLAIN LOGIN\r\n"
                );
            }
            "HELO" => {
                helo = arg;
                from = None;
                rcpts.clear();
                reply!("250 congbo-test-sink\r\n");
            }
            "AUTH" => {
                let mut parts = arg.split_whitespace();
                let mechanism = parts.next().unwrap_or_default().to_ascii_uppercase();
                let initial = parts.next().map(str::to_string);
                let creds = match mechanism.as_str() {
                    "PLAIN" => {
                        let b64 = match initial {
                            Some(i) => i,
                            None => {
                                reply!("334 \r\n");
                                if !read_line(&mut rd, &mut line).await {
                                    return;
                                }
                                String::from_utf8_lossy(trim_crlf(&line)).into_owned()
                            }
                        };
                        B64.decode(b64.trim()).ok().and_then(|raw| {
                            let mut f = raw.split(|b| *b == 0).skip(1);
                            let user = String::from_utf8(f.next()?.to_vec()).ok()?;
                            let pass = String::from_utf8(f.next()?.to_vec()).ok()?;
                            Some((user, pass))
                        })
                    }
                    "LOGIN" => {
                        let mut got = Vec::new();
                        for prompt in ["VXNlcm5hbWU6", "UGFzc3dvcmQ6"] {
                            reply!("334 {prompt}\r\n");
                            if !read_line(&mut rd, &mut line).await {
                                return;
                            }
                            got.push(
                                B64.decode(trim_crlf(&line))
                                    .ok()
                                    .and_then(|b| String::from_utf8(b).ok()),
                            );
                        }
                        match (got[0].take(), got[1].take()) {
                            (Some(u), Some(p)) => Some((u, p)),
                            _ => None,
                        }
                    }
                    _ => {
                        reply!("504 5.5.4 Unrecognized authentication type\r\n");
                        continue;
                    }
                };
                match creds {
                    Some(c) => {
                        auth = Some(c);
                        reply!("235 2.7.0 Authentication successful\r\n");
                    }
                    None => reply!("501 5.5.2 Cannot decode the credentials\r\n"),
                }
            }
            "MAIL" => match path_arg(&arg, "FROM:") {
                Some(addr) => {
                    from = Some(addr);
                    rcpts.clear();
                    reply!("250 2.1.0 OK\r\n");
                }
                None => reply!("501 5.5.4 Syntax: MAIL FROM:<address>\r\n"),
            },
            "RCPT" => {
                if from.is_none() {
                    reply!("503 5.5.1 MAIL first\r\n");
                    continue;
                }
                let Some(addr) = path_arg(&arg, "TO:") else {
                    reply!("501 5.5.4 Syntax: RCPT TO:<address>\r\n");
                    continue;
                };
                let fault = {
                    let mut s = state.lock().unwrap();
                    s.rcpt_attempts += 1;
                    s.fault
                };
                match fault {
                    Some((Stage::Rcpt, code)) => reply!("{code} {}\r\n", fault_text(code)),
                    _ => {
                        rcpts.push(addr);
                        reply!("250 2.1.5 OK\r\n");
                    }
                }
            }
            "DATA" => {
                if from.is_none() || rcpts.is_empty() {
                    reply!("503 5.5.1 RCPT first\r\n");
                    continue;
                }
                reply!("354 End data with <CR><LF>.<CR><LF>\r\n");
                let mut data = Vec::new();
                loop {
                    if !read_line(&mut rd, &mut line).await {
                        return;
                    }
                    if trim_crlf(&line) == b"." {
                        break;
                    }
                    // Dot-unstuffing (RFC 5321 §4.5.2).
                    let l = line.strip_prefix(b".").unwrap_or(&line);
                    data.extend_from_slice(l);
                }
                let fault = state.lock().unwrap().fault;
                match fault {
                    Some((Stage::Data, code)) => reply!("{code} {}\r\n", fault_text(code)),
                    _ => {
                        state.lock().unwrap().mails.push(ReceivedMail {
                            helo: helo.clone(),
                            mail_from: from.clone().unwrap_or_default(),
                            rcpt_to: rcpts.clone(),
                            auth: auth.clone(),
                            data,
                        });
                        reply!("250 2.0.0 OK queued\r\n");
                    }
                }
                from = None;
                rcpts.clear();
            }
            "RSET" => {
                from = None;
                rcpts.clear();
                reply!("250 2.0.0 OK\r\n");
            }
            "NOOP" => reply!("250 2.0.0 OK\r\n"),
            "QUIT" => {
                reply!("221 2.0.0 Bye\r\n");
                return;
            }
            "STARTTLS" => reply!("454 4.7.0 TLS not available\r\n"),
            _ => reply!("500 5.5.2 Command not recognized\r\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn lines(stream: &mut BufReader<TcpStream>, upto: &str) -> String {
        let mut all = String::new();
        loop {
            let mut l = String::new();
            stream.read_line(&mut l).await.unwrap();
            all.push_str(&l);
            if l.starts_with(upto) || l.is_empty() {
                return all;
            }
        }
    }

    #[tokio::test]
    async fn speaks_smtp_and_unstuffs_dots() {
        let sink = SmtpSink::start().await;
        let mut s = BufReader::new(TcpStream::connect(sink.addr()).await.unwrap());
        assert!(lines(&mut s, "220").await.starts_with("220"));
        s.get_mut().write_all(b"EHLO me\r\n").await.unwrap();
        assert!(lines(&mut s, "250 ").await.contains("250-8BITMIME"));
        for (cmd, want) in [
            ("RCPT TO:<x@y>\r\n", "503"),
            ("MAIL FROM:<a@b> BODY=8BITMIME\r\n", "250"),
            ("RCPT TO:<c@d>\r\n", "250"),
            ("DATA\r\n", "354"),
            ("Subject: hi\r\n\r\n..line\r\n.\r\n", "250"),
            ("NOOP\r\n", "250"),
            ("QUIT\r\n", "221"),
        ] {
            s.get_mut().write_all(cmd.as_bytes()).await.unwrap();
            let got = lines(&mut s, "").await;
            assert!(got.starts_with(want), "{cmd:?}: {got:?}");
        }
        let m = &sink.received()[0];
        assert_eq!(
            (m.mail_from.as_str(), m.rcpt_to.clone()),
            ("a@b", vec!["c@d".to_string()])
        );
        assert_eq!(m.data, b"Subject: hi\r\n\r\n.line\r\n");
        assert_eq!(m.subject().as_deref(), Some("hi"));
    }
}
