//! The breach register in real Chromium (issue 18): the province's administrator records an
//! incident detected two hours ago, sees the 72-hour countdown on its page and in the list,
//! and marks the notice to A05 with its reference; then the retention periods page. Screenshots go to /tmp/shots-breach/.

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{click, fill, shot, sign_in, text_with};

const SHOTS: &str = "/tmp/shots-breach";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_administrator_records_an_incident_and_marks_the_notice() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    app.set_local_time("2026-03-02T09:00");
    let base = spawn_server(&app).await;
    let c = &browser.client;
    c.set_window_size(1280, 1600).await.unwrap();

    sign_in(c, &base, "quantri", &app.password).await;
    click(c, "#nav-breaches").await;
    text_with(c, "h1", "Sổ sự cố dữ liệu cá nhân").await;
    c.execute(
        "document.getElementById('detected_at').value = '2026-03-02T07:00'; return true;",
        vec![],
    )
    .await
    .unwrap();
    fill(
        c,
        "description",
        "Máy tính bàn một cửa bị nhiễm mã độc mã hóa dữ liệu.",
    )
    .await;
    fill(c, "offices_affected", "Xã Thanh Luông").await;
    click(c, "#kind-dossiers").await;
    fill(c, "people_estimate", "120").await;
    fill(
        c,
        "measures",
        "Ngắt mạng máy bị nhiễm, đổi mật khẩu các tài khoản.",
    )
    .await;
    shot(c, SHOTS, "1-form").await;
    click(c, "#breach-form button[type=submit]").await;

    let countdown = text_with(c, "#countdown", "Còn 70 giờ 0 phút").await;
    assert!(countdown.contains("05/03/2026 07:00"), "{countdown}");
    shot(c, SHOTS, "2-incident-countdown").await;

    click(c, "main a[href='/du-lieu-ca-nhan/su-co']").await;
    text_with(c, "table.breaches", "Còn 70 giờ 0 phút").await;
    shot(c, SHOTS, "3-register").await;

    click(c, "table.breaches td a").await;
    fill(c, "authority_reference", "15/UBND-VP").await;
    click(c, "#authority-form button[type=submit]").await;
    let authority = text_with(c, "#authority", "15/UBND-VP").await;
    assert!(authority.contains("02/03/2026 09:00"), "{authority}");
    text_with(c, "#countdown", "Đã thông báo đúng hạn").await;
    shot(c, SHOTS, "4-notified").await;

    // The retention periods, with their minimums and reasons.
    click(c, "#nav-retention").await;
    text_with(c, "h1", "Thời hạn lưu trữ dữ liệu cá nhân").await;
    shot(c, SHOTS, "5-retention").await;
    browser.close().await;
}
