//! The real-browser test: Debian's Chromium through chromedriver signs in and sees the
//! Vietnamese dashboard, then switches to English.

use std::time::Duration;

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_and_sees_the_vietnamese_dashboard() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    c.goto(&format!("{base}/")).await.unwrap();
    // Signed out: the sign-in page, in Vietnamese.
    let h1 = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("h1"))
        .await
        .unwrap();
    assert_eq!(h1.text().await.unwrap(), "Đăng nhập");
    c.find(Locator::Id("username"))
        .await
        .unwrap()
        .send_keys("tl.truong")
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(&app.password)
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let greeting = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("p.greeting"))
        .await
        .unwrap();
    assert_eq!(greeting.text().await.unwrap(), "Xin chào, Lò Văn Thắng.");
    assert_eq!(
        c.find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Tổng quan"
    );
    let roles = c
        .find(Locator::Css("ul.roles"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        roles.contains("Thủ trưởng đơn vị") && roles.contains("Xã Thanh Luông"),
        "{roles}"
    );
    // The CSP let the vendored htmx load and run (no inline script needed).
    let htmx: serde_json::Value = c
        .execute("return typeof window.htmx", vec![])
        .await
        .unwrap();
    assert_eq!(htmx, "object");
    // Switch to English.
    c.find(Locator::Css("form.lang button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut english = String::new();
    for _ in 0..50 {
        english = c
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default();
        if english == "Overview" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(english, "Overview");
    browser.close().await;
}
