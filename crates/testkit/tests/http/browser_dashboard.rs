//! The dashboards in real Chromium on two months of demo history (fixed seed): a head opens
//! /bao-cao, picks last month, clicks the late figure and lands on as many late dossiers as it
//! said; a province supervisor opens the comparison and sorts it by on-time share. Screenshots
//! go to /tmp/shots-dash/.

use std::sync::atomic::Ordering;
use std::time::Duration;

use congbo_app::demo::history::{self, HistoryOptions};
use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use fantoccini::{Client, Locator};
use jiff::ToSpan;

const WAIT: Duration = Duration::from_secs(20);
const SHOTS: &str = "/tmp/shots-dash";

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(SHOTS).unwrap();
    std::fs::write(format!("{SHOTS}/{name}.png"), png).unwrap();
}

async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys(username)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(password)
        .await
        .unwrap();
    c.find(Locator::Css(
        "form[action='/dang-nhap'] button[type=submit]",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("p.greeting"))
        .await
        .unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Wait until the address (htmx pushes it after a boosted request) contains `needle`.
async fn wait_url(c: &Client, needle: &str) {
    for _ in 0..200 {
        if c.current_url().await.unwrap().as_str().contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the address never contained {needle}");
}

/// The demo with two months of history (seed 7), the clock back at the real now.
async fn history_app() -> TestApp {
    let mut app = TestApp::empty(congbo_store::Backend::Sqlite).await.unwrap();
    let (_, start) = history::app_at_start(app.app.db.clone(), 2).unwrap();
    app.clock
        .store(start.load(Ordering::SeqCst), Ordering::SeqCst);
    let report = congbo_app::demo::fill_for_history(&app.app).await.unwrap();
    app.password = report.password;
    let opts = HistoryOptions { months: 2, seed: 7 };
    history::generate(&app.app, &app.clock, &opts, &mut |_| {})
        .await
        .unwrap();
    app.clock
        .store(jiff::Timestamp::now().as_microsecond(), Ordering::SeqCst);
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_drills_into_late_dossiers_and_supervisor_sorts_the_comparison() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = history_app().await;
    let base = spawn_server(&app).await;
    let c = &browser.client;
    // Tall enough for whole pages in the screenshots.
    c.set_window_size(1280, 2600).await.unwrap();
    let last_month = jiff::Zoned::now()
        .date()
        .first_of_month()
        .checked_sub(1.month())
        .unwrap()
        .strftime("%Y-%m")
        .to_string();

    // The head: /bao-cao leads to the commune's dashboard; last month through the filter.
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.find(Locator::Css("nav a[href='/bao-cao']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("form.filters"))
        .await
        .unwrap();
    let h1 = text(c, "h1").await;
    assert!(h1.contains("Bảng điều hành"), "{h1}");
    let period = c.find(Locator::Id("period")).await.unwrap();
    period.clear().await.unwrap();
    period.send_keys(&last_month).await.unwrap();
    c.find(Locator::Css("form.filters button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_url(c, &format!("period={last_month}")).await;
    let (y, m) = last_month.split_once('-').unwrap();
    let label = format!("Tháng {}/{y}", m.trim_start_matches('0'));
    for _ in 0..200 {
        if text(c, "#period-h").await.contains(&label) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text(c, "#period-h").await.contains(&label));
    let late: usize = text(c, "#late-link").await.trim().parse().unwrap();
    let share = text(c, "td[data-figure='on-time-share']").await;
    assert!(share.contains('%'), "{share}");
    shot(c, "1-head-dashboard").await;
    c.find(Locator::Id("late-link"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let total: usize = text(c, "#drill-total").await.trim().parse().unwrap();
    assert_eq!(total, late, "the list is as long as the figure");
    let rows = c.find_all(Locator::Css("tr.drill-row")).await.unwrap();
    assert_eq!(rows.len(), late.min(50));
    let url = c.current_url().await.unwrap();
    assert!(url.path().ends_with("/chi-tiet/returned-late"), "{url}");
    shot(c, "2-head-late-list").await;
    c.find(Locator::Css("form[action='/dang-xuat'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The supervisor: the province comparison, sorted by on-time share.
    sign_in(c, &base, "thanhtra", &app.password).await;
    c.goto(&format!("{base}/bao-cao?kind=month&period={last_month}"))
        .await
        .unwrap();
    let h1 = text(c, "h1").await;
    assert!(h1.contains("So sánh các đơn vị"), "{h1}");
    c.goto(&format!(
        "{}?kind=month&period={last_month}",
        c.current_url()
            .await
            .unwrap()
            .as_str()
            .split('?')
            .next()
            .unwrap()
    ))
    .await
    .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("a[data-sort='on-time']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_url(c, "sort=on-time").await;
    for _ in 0..200 {
        let left = c
            .find_all(Locator::Css("a[data-sort='on-time']"))
            .await
            .unwrap();
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let cells = c
        .find_all(Locator::Css(
            "table.compare tbody tr:not(.own) td[data-col='on-time']",
        ))
        .await
        .unwrap();
    assert!(cells.len() >= 10, "the communes side by side");
    let mut shares = Vec::new();
    for cell in cells {
        let t = cell.text().await.unwrap();
        if let Ok(v) = t.trim_end_matches(" %").replace(',', ".").parse::<f64>() {
            shares.push(v);
        }
    }
    assert!(!shares.is_empty());
    assert!(
        shares.windows(2).all(|w| w[0] >= w[1]),
        "sorted best first: {shares:?}"
    );
    shot(c, "3-supervisor-compare").await;
    browser.close().await;
}
