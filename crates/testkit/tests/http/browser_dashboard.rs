//! The dashboards in real Chromium on two months of demo history (fixed seed): a head opens
//! /bao-cao, picks last month, clicks the late figure and lands on as many late dossiers as it
//! said; a province supervisor opens the comparison, sorts it by on-time share, drills from a
//! commune's late figure to its late dossiers, and downloads the province's monthly report as
//! XLSX, whose numbers are those of the API. Screenshots go to /tmp/shots-dash/.

use std::time::Duration;

use calamine::{Reader, Xlsx, open_workbook};

use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{WAIT, downloaded, history_app, shot, sign_in, text, wait_url};
use fantoccini::Locator;
use jiff::ToSpan;

const SHOTS: &str = "/tmp/shots-dash";

use super::periodic::{columns, numbers, sheet_row};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_and_supervisor_drill_into_late_dossiers_and_download_the_report() {
    let downloads = tempfile::tempdir().unwrap();
    let Some(browser) = Browser::start_downloading_to(downloads.path()).await else {
        return;
    };
    let app = history_app(2, 7).await;
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
    shot(c, SHOTS, "1-head-dashboard").await;
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
    shot(c, SHOTS, "2-head-late-list").await;
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
    shot(c, SHOTS, "3-supervisor-compare").await;

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
    shot(c, SHOTS, "4-supervisor-late-list").await;

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
    let file = downloaded(downloads.path(), "xlsx").await;
    let mut book: Xlsx<_> = open_workbook(&file).unwrap();
    let names = book.sheet_names();
    let sheet = book.worksheet_range(&names[0]).unwrap();
    let total = columns(&api["handling"]["total"]);
    assert!(total[0] > 0, "the province received dossiers: {total:?}");
    assert_eq!(numbers(&sheet_row(&sheet, 1, "Tổng cộng")), total);
    browser.close().await;
}
