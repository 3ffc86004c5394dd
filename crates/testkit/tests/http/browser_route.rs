//! Dossiers go to people, in real Chromium on the demo (issue 16, items 4 and 5): reception
//! forwards a dossier to a named specialist from the dossier page, the specialist finds it in
//! "Hồ sơ của tôi"; a result finished late is not offered for hand-over at the desk but sent to
//! the head, whose "apologies to sign" list shows it. Screenshots go to /tmp/shots-route/.

use std::time::Duration;

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use fantoccini::{Client, Locator};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);
const SHOTS: &str = "/tmp/shots-route";

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::create_dir_all(SHOTS).unwrap();
    std::fs::write(format!("{SHOTS}/{name}.png"), png).unwrap();
}

async fn sign_in(c: &Client, base: &str, username: &str, password: &str) {
    // Start signed out: a navigation aborted by this goto would otherwise keep the old session.
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

/// The text of `css` once it contains `want` (htmx swaps the page; elements are looked up
/// again), else a panic with what it said.
async fn text_with(c: &Client, css: &str, want: &str) -> String {
    let mut last = String::new();
    for _ in 0..200 {
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

async fn click(c: &Client, css: &str) {
    for _ in 0..200 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.click().await.is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} never clickable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reception_forwards_to_a_named_specialist_and_a_late_result_goes_to_the_head() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    app.set_local_time("2026-03-02T09:00");
    let base = spawn_server(&app).await;
    let c = &browser.client;
    c.set_window_size(1280, 1800).await.unwrap();
    let specialist = app.user_id("tl.chuyenvien").await;

    // Two dossiers received at the desk (Mon 02/03/2026, due Mon 09/03/2026).
    let desk_api = app.token_client("tl.motcua1").await;
    let mut made = Vec::new();
    for name in ["Lò Văn Tươi", "Quàng Thị Xuân"] {
        let d = desk_api
            .post_json(
                "/api/v1/dossiers",
                &json!({"procedure_code": "1.004884", "applicant": {"name": name}}),
            )
            .await
            .json();
        made.push((
            d["id"].as_str().unwrap().to_string(),
            d["code"].as_str().unwrap().to_string(),
        ));
    }
    let [(a, a_code), (b, b_code)] = [made[0].clone(), made[1].clone()];

    // Reception forwards the first to the specialist by name, from the dossier page.
    sign_in(c, &base, "tl.motcua1", &app.password).await;
    c.goto(&format!("{base}/ho-so/{a}")).await.unwrap();
    click(c, &format!("#to option[value='2:{specialist}']")).await;
    shot(c, "1-reception-chooses-the-specialist").await;
    click(c, &format!("form[action='/ho-so/{a}/transfer'] button")).await;
    let holding = text_with(c, "#holding", "Trần Minh Đức").await;
    assert!(holding.contains("Bước đang xử lý: 2."), "{holding}");
    shot(c, "2-dossier-with-step-and-holder").await;

    // The specialist finds it in "Hồ sơ của tôi" (the default list).
    sign_in(c, &base, "tl.chuyenvien", &app.password).await;
    click(c, "header nav a[href='/ho-so']").await;
    text_with(c, "main table", &a_code).await;
    shot(c, "3-specialist-my-dossiers").await;

    // The second is finished a day after its date; at the desk it cannot be handed over.
    let sv_api = app.token_client("tl.chuyenvien").await;
    let r = desk_api
        .post_json(
            &format!("/api/v1/dossiers/{b}/transfer"),
            &json!({"to_step": 2, "assignee_id": specialist}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    app.set_local_time("2026-03-10T10:00");
    let r = sv_api
        .post_json(&format!("/api/v1/dossiers/{b}/finish"), &json!({}))
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    sign_in(c, &base, "tl.motcua1", &app.password).await;
    c.goto(&format!("{base}/ho-so/{b}")).await.unwrap();
    text_with(c, "main", "Chuyển thủ trưởng ký thư xin lỗi").await;
    assert!(
        c.find(Locator::Css(&format!("form[action='/ho-so/{b}/return']")))
            .await
            .is_err(),
        "no hand-over of a late result without the apology"
    );
    shot(c, "4-late-result-at-the-desk").await;
    click(
        c,
        &format!("form[action='/ho-so/{b}/request-apology'] button"),
    )
    .await;
    text_with(c, "#holding", "Lò Văn Thắng").await;

    // The head's "apologies to sign" list shows it.
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.goto(&format!("{base}/ho-so?ds=apologies")).await.unwrap();
    let list = text_with(c, "main table", &b_code).await;
    assert!(
        list.contains("Quá hạn") || list.contains("Cần thư xin lỗi"),
        "{list}"
    );
    shot(c, "5-head-apologies-to-sign").await;
    browser.close().await;
}
