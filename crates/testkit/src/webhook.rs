//! A tiny HTTP server for tests that stands in for an SMS or Zalo gateway: it records every
//! request (path, headers that matter, JSON body) on `127.0.0.1` and a free port, and answers
//! 200, or a status it is told to (`fail_with(500)`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use tokio::task::JoinHandle;

/// One request the sink received.
#[derive(Debug, Clone)]
pub struct ReceivedPost {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub content_type: Option<String>,
    pub idempotency_key: Option<String>,
    /// The body as JSON (`Value::Null` when it was not JSON).
    pub json: serde_json::Value,
    /// The status the sink answered.
    pub answered: u16,
}

#[derive(Default)]
struct Inner {
    posts: Vec<ReceivedPost>,
    fail: Option<u16>,
}

type Shared = Arc<Mutex<Inner>>;

/// The running sink; dropping it stops the server.
pub struct WebhookSink {
    addr: SocketAddr,
    inner: Shared,
    task: JoinHandle<()>,
}

impl WebhookSink {
    pub async fn start() -> WebhookSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind webhook sink");
        let addr = listener.local_addr().expect("sink address");
        let inner: Shared = Arc::default();
        let app = axum::Router::new()
            .fallback(record)
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        WebhookSink { addr, inner, task }
    }

    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request so far, answered well or not, in order.
    pub fn received(&self) -> Vec<ReceivedPost> {
        self.inner.lock().unwrap().posts.clone()
    }

    /// From now on answer `status` (e.g. 500).
    pub fn fail_with(&self, status: u16) {
        self.inner.lock().unwrap().fail = Some(status);
    }

    /// Answer 200 again.
    pub fn heal(&self) {
        self.inner.lock().unwrap().fail = None;
    }

    /// Wait until at least `n` requests arrived (panics after `within`).
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<ReceivedPost> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "webhook sink: expected {n} requests within {within:?}, got {}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for WebhookSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn record(
    State(inner): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, &'static str) {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut inner = inner.lock().unwrap();
    let answered = inner.fail.unwrap_or(200);
    inner.posts.push(ReceivedPost {
        method: method.to_string(),
        path: uri.path().to_string(),
        authorization: header("authorization"),
        content_type: header("content-type"),
        idempotency_key: header("idempotency-key"),
        json: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        answered,
    });
    let status = StatusCode::from_u16(answered).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let text = if status.is_success() {
        "{\"ok\":true}"
    } else {
        "gateway is down"
    };
    (status, text)
}

/// An `http://127.0.0.1:PORT/…` URL where nothing listens (the port was free a moment ago):
/// connections to it are refused.
pub async fn closed_url(path: &str) -> String {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a probe port");
    let addr = l.local_addr().expect("probe address");
    drop(l);
    format!("http://{addr}{path}")
}
