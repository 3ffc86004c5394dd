//! The dashboards in real Chromium on two months of demo history (fixed seed): a head opens
//! /bao-cao, picks last month, clicks the late figure and lands on as many late dossiers as it
//! said; a province supervisor opens the comparison, sorts it by on-time share, drills from a
//! commune's late figure to its late dossiers, and downloads the province's monthly report as
//! XLSX, whose numbers are those of the API. Screenshots go to /tmp/shots-dash/.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::Duration;

use calamine::{Reader, Xlsx, open_workbook};

use congbo_app::demo::history::{self, HistoryOptions};
use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use fantoccini::{Client, Locator};
use jiff::ToSpan;

const WAIT: Duration = Duration::from_secs(20);
const SHOTS: &str = "/tmp/shots-dash";

use super::periodic::{columns, numbers, sheet_row};

/// The finished `.xlsx` in `dir` (Chromium writes a `.crdownload` first).
async fn downloaded(dir: &Path) -> PathBuf {
    for _ in 0..200 {
        let done = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|x| x == "xlsx"));
        if let Some(p) = done {
            return p;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no xlsx downloaded into {}", dir.display());
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(SHOTS).unwrap();
    std::fs::write(format!("{SHOTS}/{name}.png"), png).unwrap();
}

async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    // Whatever a previous sign-out click left in flight, start signed out: a navigation
    // aborted by this goto would otherwise keep the old session, and /dang-nhap redirects.
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
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
async fn head_and_supervisor_drill_into_late_dossiers_and_download_the_report() {
    let downloads = tempfile::tempdir().unwrap();
    let Some(browser) = Browser::start_downloading_to(downloads.path()).await else {
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

    // From the comparison to the late dossiers of the commune with the most of them.
    let mut most: Option<(usize, String)> = None;
    for a in c
        .find_all(Locator::Css(
            "table.compare tbody tr:not(.own) td[data-col='late'] a",
        ))
        .await
        .unwrap()
    {
        let n: usize = a.text().await.unwrap().trim().parse().unwrap();
        if most.as_ref().is_none_or(|(m, _)| n > *m) {
            most = Some((n, a.attr("href").await.unwrap().unwrap()));
        }
    }
    let (late, href) = most.expect("late links in the comparison");
    assert!(late > 0, "some commune returned dossiers late last month");
    c.find(Locator::Css(&format!(
        "table.compare td[data-col='late'] a[href='{href}']"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let total: usize = text(c, "#drill-total").await.trim().parse().unwrap();
    assert_eq!(total, late, "the commune's list is as long as its figure");
    assert!(
        c.current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/chi-tiet/returned-late")
    );
    shot(c, "4-supervisor-late-list").await;

    // The province's report of last month, as XLSX, holds the numbers of the API.
    let province = app.office_id("DB").await;
    let api = app
        .token_client("thanhtra")
        .await
        .get(&format!(
            "/api/v1/offices/{province}/reports/periodic?period={last_month}&subtree=true"
        ))
        .await
        .json();
    c.goto(&format!(
        "{base}/bao-cao/{province}/dinh-ky?period={last_month}&subtree=true"
    ))
    .await
    .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("a[href*='format=xlsx']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = downloaded(downloads.path()).await;
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let names = book.sheet_names();
    let sheet = book.worksheet_range(&names[0]).unwrap();
    let total = columns(&api["handling"]["total"]);
    assert!(total[0] > 0, "the province received dossiers: {total:?}");
    assert_eq!(numbers(&sheet_row(&sheet, 1, "Tổng cộng")), total);
    browser.close().await;
}
