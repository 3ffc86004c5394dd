//! The periodic report in real Chromium: the head of Thanh Luông opens the printable report of
//! March, clicks the XLSX download, and the file Chromium saved holds the numbers of the JSON
//! API; the Decision 766 page of the same month shows its score. Set `CONGBO_SHOTS_DIR` to keep
//! screenshots of both pages.

use std::path::{Path, PathBuf};
use std::time::Duration;

use calamine::{Data, Reader, Xlsx, open_workbook};
use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use fantoccini::{Client, Locator};

use super::periodic::{columns, history, numbers, sheet_row};

async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    let wait = Duration::from_secs(10);
    // Whatever a previous sign-out click left in flight, start signed out: a navigation
    // aborted by this goto would otherwise keep the old session, and /dang-nhap redirects.
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    c.goto(&format!("{base}/dang-nhap")).await.unwrap();
    c.wait()
        .at_most(wait)
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
        .at_most(wait)
        .for_element(Locator::Css("p.greeting"))
        .await
        .unwrap();
}

/// Keep a screenshot when `CONGBO_SHOTS_DIR` is set.
async fn shot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("CONGBO_SHOTS_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        let png = c.screenshot().await.unwrap();
        std::fs::write(Path::new(&dir).join(name), png).unwrap();
    }
}

/// Scroll the element `id` to the top, then [`shot`].
async fn shot_at(c: &Client, id: &str, name: &str) {
    c.execute(
        "document.getElementById(arguments[0]).scrollIntoView()",
        vec![serde_json::json!(id)],
    )
    .await
    .unwrap();
    shot(c, name).await;
}

/// Keep the page's HTML (stylesheets linked next to it) for printing to PDF by hand.
async fn keep_html(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("CONGBO_SHOTS_DIR") {
        let html = c.source().await.unwrap().replace("/static/", "");
        std::fs::write(Path::new(&dir).join(name), html).unwrap();
    }
}

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_downloads_the_periodic_report_and_it_matches_the_api() {
    let downloads = tempfile::tempdir().unwrap();
    let Some(browser) = Browser::start_downloading_to(downloads.path()).await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    history(&app).await;
    let office = app.office_id("DB-TL").await;
    let api = app
        .token_client("tl.truong")
        .await
        .get(&format!(
            "/api/v1/offices/{office}/reports/periodic?period=2026-03"
        ))
        .await
        .json();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let wait = Duration::from_secs(10);
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.goto(&format!("{base}/bao-cao/{office}/dinh-ky?period=2026-03"))
        .await
        .unwrap();
    let title = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#handling .form-title"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(title, "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH");
    let total_row = c
        .find(Locator::Css("#handling tr.total"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(total_row.starts_with("Tổng cộng"), "{total_row}");
    shot(c, "periodic.png").await;
    keep_html(c, "periodic.html").await;
    shot_at(c, "summaries", "periodic-summaries.png").await;
    shot_at(c, "narrative", "periodic-narrative.png").await;
    c.find(Locator::Css("a[href*='format=xlsx']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = downloaded(downloads.path()).await;
    assert!(
        file.file_name()
            .unwrap()
            .to_string_lossy()
            .contains("DB-TL-2026-03"),
        "{}",
        file.display()
    );
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let names = book.sheet_names();
    let a = book.worksheet_range(&names[0]).unwrap();
    assert_eq!(
        numbers(&sheet_row(&a, 1, "Tổng cộng")),
        columns(&api["handling"]["total"])
    );
    let b = book.worksheet_range(&names[1]).unwrap();
    assert_eq!(
        sheet_row(&b, 0, "Lượt đánh giá")[1],
        Data::Float(api["satisfaction"]["ratings"].as_f64().unwrap())
    );

    // The Decision 766 page of the same month, reached from the report.
    c.find(Locator::Css(".crumbs a[href*='chi-so-766']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let score = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("r766-total"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!score.is_empty());
    let na = c
        .find(Locator::Css("#ind-3\\.3"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(na.contains("Chưa có dữ liệu"), "{na}");
    shot(c, "index766.png").await;
    shot_at(c, "ind-1.1", "index766-table.png").await;
    browser.close().await;
}
