//! What a browser test does on a page, written once: sign in through the real form, wait for
//! an element (htmx may swap it meanwhile: it is looked up again), click, type, keep a
//! screenshot, pick up a finished download; and the demo with a history of months.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::TestApp;

/// How long a page may take to show what a step waits for.
pub const WAIT: Duration = Duration::from_secs(20);

/// Polls of 100 ms within [`WAIT`].
const TRIES: usize = 200;

/// Sign in through the real form and wait for the dashboard's greeting.
pub async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    // Whatever a previous sign-out click left in flight, start signed out: a navigation
    // aborted by this goto would otherwise keep the old session, and /dang-nhap redirects.
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    fill(c, "username", username).await;
    fill(c, "password", password).await;
    click(c, "form[action='/dang-nhap'] button[type=submit]").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("p.greeting"))
        .await
        .unwrap();
}

/// Save a screenshot as `{dir}/{name}.png`.
pub async fn shot(c: &Client, dir: &str, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(Path::new(dir).join(format!("{name}.png")), png).unwrap();
}

/// The text of `css`, waiting for it.
pub async fn text(c: &Client, css: &str) -> String {
    for _ in 0..TRIES {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never appeared");
}

/// The text of `css` once it contains `want`, else a panic with what it said.
pub async fn text_with(c: &Client, css: &str, want: &str) -> String {
    let mut last = String::new();
    for _ in 0..TRIES {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && let Ok(t) = e.text().await
        {
            if t.contains(want) {
                return t;
            }
            last = t;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never said {want:?}; it said {last:?}");
}

/// Click `css` as soon as it can be clicked.
pub async fn click(c: &Client, css: &str) {
    for _ in 0..TRIES {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.click().await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never clickable");
}

/// Replace the value of the input `#id` with `v`.
pub async fn fill(c: &Client, id: &str, v: &str) {
    for _ in 0..TRIES {
        if let Ok(e) = c.find(Locator::Id(id)).await
            && e.clear().await.is_ok()
            && e.send_keys(v).await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("#{id} never fillable");
}

/// Wait until the element `css` has the attribute value `value` of `attr`.
pub async fn wait_attr(c: &Client, css: &str, attr: &str, value: &str) {
    for _ in 0..TRIES {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.attr(attr).await.ok().flatten().as_deref() == Some(value)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never had {attr}={value}");
}

/// Wait until the address (htmx pushes it after a boosted request) contains `needle`.
pub async fn wait_url(c: &Client, needle: &str) {
    for _ in 0..TRIES {
        if c.current_url().await.unwrap().as_str().contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the address never contained {needle}");
}

/// Up to `secs` seconds for a script to return true (polled, not slept through).
pub async fn until(c: &Client, script: &str, secs: u64) -> bool {
    for _ in 0..secs * 20 {
        if c.execute(script, vec![]).await.unwrap() == json!(true) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The finished download with extension `ext` in `dir` (Chromium writes a `.crdownload`
/// first).
pub async fn downloaded(dir: &Path, ext: &str) -> PathBuf {
    for _ in 0..TRIES {
        let done = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == ext));
        if let Some(p) = done {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no .{ext} downloaded into {}", dir.display());
}

/// The demo on SQLite with `months` of generated history (fixed `seed`), the clock back at
/// the real now.
pub async fn history_app(months: u32, seed: u64) -> TestApp {
    use congbo_app::demo::history::{self, HistoryOptions};
    let mut app = TestApp::empty(congbo_store::Backend::Sqlite).await.unwrap();
    let (_, start) = history::app_at_start(app.app.db.clone(), months).unwrap();
    app.clock
        .store(start.load(Ordering::SeqCst), Ordering::SeqCst);
    let report = congbo_app::demo::fill_for_history(&app.app).await.unwrap();
    app.password = report.password;
    let opts = HistoryOptions { months, seed };
    history::generate(&app.app, &app.clock, &opts, &mut |_| {})
        .await
        .unwrap();
    app.clock
        .store(jiff::Timestamp::now().as_microsecond(), Ordering::SeqCst);
    app
}
