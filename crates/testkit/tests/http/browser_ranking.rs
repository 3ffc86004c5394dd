//! The annual ranking in real Chromium on two months of demo history (seed 7): the year's
//! approved scores of Thanh Luông's four officers are in place and one of them was reprimanded
//! this year. The head opens the ranking from an officer's evaluation page, sees the preview
//! with the sanction override and the quota's move-down (with the other reading beside it),
//! decides, sees the advanced-worker proposals, and publishes; the officer moved down opens
//! their own evaluation, follows the link to the published ranking and reads their level with
//! the reason. Screenshots go to /tmp/shots-ranking/.

use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{click, history_app, shot, sign_in, text, wait_attr};

use crate::evaluation_year::{approved, reprimand};

const SHOTS: &str = "/tmp/shots-ranking";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_ranks_the_year_with_the_quota_and_the_officer_reads_the_result() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = history_app(2, 7).await;
    let year = jiff::Zoned::now().date().year();
    assert_eq!(year, 2026, "the scores below are 2026's");
    let pho = app.user_id("tl.pho").await;
    let desk = app.user_id("tl.motcua1").await;
    let sanctioned = app.user_id("tl.motcua2").await;
    let specialist = app.user_id("tl.chuyenvien").await;
    approved(&app, pho, 1..=8, 95).await;
    approved(&app, desk, 1..=8, 84).await;
    approved(&app, sanctioned, 1..=8, 91).await;
    approved(&app, specialist, 1..=8, 78).await;
    reprimand(&app, sanctioned).await;
    let base = spawn_server(&app).await;
    let c = &browser.client;
    c.set_window_size(1280, 2000).await.unwrap();

    // The head: an officer's evaluation page leads to the unit's ranking of the year.
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.goto(&format!("{base}/can-bo/{pho}/danh-gia-cong-viec"))
        .await
        .unwrap();
    click(c, "#ranking-link").await;
    wait_attr(c, "#rank-state", "data-state", "preview").await;
    let sanctioned_row = text(c, &format!("#row-{sanctioned} .level")).await;
    assert!(
        sanctioned_row.contains("Không hoàn thành"),
        "{sanctioned_row}"
    );
    let reason = text(c, &format!("#row-{sanctioned} .adjustments")).await;
    assert!(
        reason.contains("kỷ luật") && reason.contains("05/QĐ-UBND"),
        "{reason}"
    );
    // Two "good" officers: 20 % of 2 rounds down to none; the excellent one moves down.
    let moved = text(c, "#moved-staff").await;
    assert!(
        moved.contains("Quàng Thị Mai") && moved.contains("Vượt tỷ lệ"),
        "{moved}"
    );
    assert_eq!(text(c, "#cap-staff").await.trim(), "0");
    shot(c, SHOTS, "1-head-preview-quota").await;

    click(c, "#decide").await;
    wait_attr(c, "#rank-state", "data-state", "decided").await;
    let proposals = text(c, "#proposals").await;
    assert!(
        proposals.contains("Lao động tiên tiến") && proposals.contains("Quàng Thị Mai"),
        "{proposals}"
    );
    assert!(
        !proposals.contains("Lường Văn Dũng"),
        "the sanctioned officer is not proposed"
    );
    shot(c, SHOTS, "2-head-decided-proposals").await;
    click(c, "#publish").await;
    wait_attr(c, "#rank-state", "data-state", "published").await;
    shot(c, SHOTS, "3-head-published").await;
    click(c, "form[action='/dang-xuat'] button").await;

    // The officer moved down: their own evaluation → the published ranking, their row marked.
    sign_in(c, &base, "tl.pho", &app.password).await;
    click(c, "#nav-evaluation").await;
    click(c, "#ranking-link").await;
    wait_attr(c, "#rank-state", "data-state", "published").await;
    let mine = text(c, "tr.mine").await;
    assert!(
        mine.contains("Hoàn thành tốt nhiệm vụ") && mine.contains("Vượt tỷ lệ"),
        "{mine}"
    );
    let other = text(c, &format!("#row-{sanctioned} .adjustments")).await;
    assert!(
        other.trim().is_empty(),
        "others' reasons are not published: {other}"
    );
    assert!(
        c.find(fantoccini::Locator::Id("decide-form"))
            .await
            .is_err()
    );
    shot(c, SHOTS, "4-officer-reads-result").await;
    browser.close().await;
}
