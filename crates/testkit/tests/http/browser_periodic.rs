//! The periodic report in real Chromium: the head of Thanh Luông opens the printable report of
//! March, clicks the XLSX download, and the file Chromium saved holds the numbers of the JSON
//! API; the Decision 766 page of the same month shows its score. Set `CONGBO_SHOTS_DIR` to keep
//! screenshots of both pages.

use std::path::Path;
use std::time::Duration;

use calamine::{Data, Reader, Xlsx, open_workbook};
use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{self, downloaded, sign_in};
use fantoccini::{Client, Locator};

use super::periodic::{columns, history, numbers, sheet_row};

/// Keep a screenshot when `CONGBO_SHOTS_DIR` is set.
async fn shot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("CONGBO_SHOTS_DIR") {
        page::shot(c, &dir, name).await;
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
    shot(c, "periodic").await;
    keep_html(c, "periodic.html").await;
    shot_at(c, "summaries", "periodic-summaries").await;
    shot_at(c, "narrative", "periodic-narrative").await;
    c.find(Locator::Css("a[href*='format=xlsx']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let file = downloaded(downloads.path(), "xlsx").await;
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
    shot(c, "index766").await;
    shot_at(c, "ind-1.1", "index766-table").await;
    browser.close().await;
}
