//! Dossiers go to people, in real Chromium on the demo (issue 16, items 4 and 5): reception
//! forwards a dossier to a named specialist from the dossier page, the specialist finds it in
//! "Hồ sơ của tôi"; a result finished late is not offered for hand-over at the desk but sent to
//! the head, whose "apologies to sign" list shows it. Screenshots go to /tmp/shots-route/.

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{click, shot, sign_in, text_with};
use fantoccini::Locator;
use serde_json::json;

const SHOTS: &str = "/tmp/shots-route";

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
    shot(c, SHOTS, "1-reception-chooses-the-specialist").await;
    click(c, &format!("form[action='/ho-so/{a}/transfer'] button")).await;
    let holding = text_with(c, "#holding", "Trần Minh Đức").await;
    assert!(holding.contains("Bước đang xử lý: 2."), "{holding}");
    shot(c, SHOTS, "2-dossier-with-step-and-holder").await;

    // The specialist finds it in "Hồ sơ của tôi" (the default list).
    sign_in(c, &base, "tl.chuyenvien", &app.password).await;
    click(c, "header nav a[href='/ho-so']").await;
    text_with(c, "main table", &a_code).await;
    shot(c, SHOTS, "3-specialist-my-dossiers").await;

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
    shot(c, SHOTS, "4-late-result-at-the-desk").await;
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
    shot(c, SHOTS, "5-head-apologies-to-sign").await;
    browser.close().await;
}
