//! A keep-alive HTTP/1.1 client (hyper-util's pooled client), as an integration would use.

use std::sync::OnceLock;

use anyhow::Context;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::runtime::Runtime;

#[derive(Clone)]
pub struct Api {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

impl Api {
    /// `base` is `http://127.0.0.1:PORT`.
    pub fn new(base: &str) -> Api {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_max_idle_per_host(1024)
            .build(connector);
        Api {
            client,
            base: base.to_string(),
        }
    }

    /// POST a JSON body with a Bearer token; the status and the whole body.
    pub async fn post(
        &self,
        path: &str,
        token: &str,
        json: &'static str,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let req = Request::builder()
            .method(Method::POST)
            .uri(format!("{}{path}", self.base))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Full::new(Bytes::from_static(json.as_bytes())))?;
        self.send(req).await
    }

    /// POST a JSON body made at run time, with a Bearer token, or without credentials as the
    /// office's own page in a browser (the kiosk) sends it.
    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        json: String,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let mut req = Request::builder()
            .method(Method::POST)
            .uri(format!("{}{path}", self.base))
            .header(header::CONTENT_TYPE, "application/json");
        req = match token {
            Some(t) => req.header(header::AUTHORIZATION, format!("Bearer {t}")),
            None => req.header("sec-fetch-site", "same-origin"),
        };
        self.send(req.body(Full::new(Bytes::from(json)))?).await
    }

    /// GET without credentials, and the body as it streams in (server-sent events); each
    /// stream has its own connection.
    pub async fn stream(&self, path: &str) -> anyhow::Result<(StatusCode, Body)> {
        let req = Request::builder()
            .method(Method::GET)
            .uri(format!("{}{path}", self.base))
            .header(header::ACCEPT, "text/event-stream")
            .body(Full::new(Bytes::new()))?;
        let resp = self.client.request(req).await.context("HTTP request")?;
        Ok((resp.status(), Body::new(resp.into_body())))
    }

    /// GET without credentials.
    pub async fn get(&self, path_and_query: &str) -> anyhow::Result<(StatusCode, Bytes)> {
        let req = Request::builder()
            .method(Method::GET)
            .uri(format!("{}{path_and_query}", self.base))
            .body(Full::new(Bytes::new()))?;
        self.send(req).await
    }

    /// GET with a Bearer token.
    pub async fn get_auth(
        &self,
        path_and_query: &str,
        token: &str,
    ) -> anyhow::Result<(StatusCode, Bytes)> {
        let req = Request::builder()
            .method(Method::GET)
            .uri(format!("{}{path_and_query}", self.base))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Full::new(Bytes::new()))?;
        self.send(req).await
    }

    async fn send(&self, req: Request<Full<Bytes>>) -> anyhow::Result<(StatusCode, Bytes)> {
        let resp = self.client.request(req).await.context("HTTP request")?;
        let status = resp.status();
        let body = resp
            .into_body()
            .collect()
            .await
            .context("HTTP body")?
            .to_bytes();
        Ok((status, body))
    }
}

/// Run `f` on the client's own runtime (threads named `bench-client`), so that the client's
/// CPU time can be told apart from the server's (see [`super::stats::Cpu`]).
pub async fn on_client<F>(f: F) -> anyhow::Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    static RT: OnceLock<Runtime> = OnceLock::new();
    let rt = RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(CLIENT_THREAD)
            .enable_all()
            .build()
            .expect("client runtime")
    });
    Ok(rt.spawn(f).await?)
}

pub const CLIENT_THREAD: &str = "bench-client";

/// The first 300 characters of a body, for error messages.
pub fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(300).collect()
}
