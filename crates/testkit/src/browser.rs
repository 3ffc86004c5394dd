//! Real-browser tests: the real server on a loopback port, Debian's Chromium driven through
//! chromedriver (WebDriver over plain HTTP on loopback). When chromedriver or Chromium is missing
//! the browser tests are skipped with a notice, unless `CONGBO_REQUIRE_BROWSER=1` (CI).

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use congbo_web::{AppState, WebConfig};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::TestApp;

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Serve `app` on a free loopback port until the test ends; returns the base URL.
pub async fn spawn_server(app: &TestApp) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(app.app.clone(), WebConfig::default());
    tokio::spawn(congbo_web::serve(listener, state, std::future::pending()));
    format!("http://{addr}")
}

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Start chromedriver and a headless Chromium; `None` (after a notice) when not installed.
    pub async fn start() -> Option<Browser> {
        Browser::launch(None).await
    }

    /// As [`Browser::start`], saving downloads into `dir` without asking.
    pub async fn start_downloading_to(dir: &std::path::Path) -> Option<Browser> {
        Browser::launch(Some(dir)).await
    }

    async fn launch(downloads: Option<&std::path::Path>) -> Option<Browser> {
        let required = std::env::var("CONGBO_REQUIRE_BROWSER").is_ok_and(|v| v == "1");
        if !std::path::Path::new(CHROMEDRIVER).exists() || !std::path::Path::new(CHROMIUM).exists()
        {
            assert!(
                !required,
                "CONGBO_REQUIRE_BROWSER=1 but {CHROMIUM} or {CHROMEDRIVER} is missing"
            );
            let _ = writeln!(
                std::io::stderr(),
                "\nNOTE: Chromium/chromedriver not installed; the browser test is SKIPPED (scripts/test.sh installs them).\n"
            );
            return None;
        }
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--kiosk-printing", "--window-size=1280,900", "--lang=vi",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {"intl.accept_languages": "vi,en"}
            }),
        );
        if let Some(dir) = downloads {
            caps["goog:chromeOptions"]["prefs"] = serde_json::json!({
                "intl.accept_languages": "vi,en",
                "download.default_directory": dir.display().to_string(),
                "download.prompt_for_download": false,
                "download.directory_upgrade": true,
                "safebrowsing.enabled": false,
            });
        }
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = String::new();
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Some(Browser {
                        client,
                        driver,
                        _profile: profile,
                    });
                }
                Err(e) => {
                    last_err = e.to_string();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("could not start a Chromium session through chromedriver: {last_err}");
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}
