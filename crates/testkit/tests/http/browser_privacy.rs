//! Personal data in Chromium (issue 18): the desk officer opens a dossier; the citizen, signed
//! out, asks for their data with their identity number and e-mail, types the code that came by
//! mail, sees their data with the line saying which officer opened the dossier and when, and
//! downloads it; the head reads the same access log on the dossier. Screenshots go to
//! `/tmp/shots-privacy/`.

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{click, downloaded, fill, shot, sign_in, text, text_with, wait_url};
use serde_json::json;

const SHOTS: &str = "/tmp/shots-privacy";

/// The code last mailed to `to`, as the citizen reads it in their mail.
async fn mailed_code(app: &TestApp, to: &str) -> String {
    let mut tx = app.db().read().await.unwrap();
    let rows = congbo_store::repo::outbox::due(&mut tx, i64::MAX, 1000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let body = rows
        .iter()
        .rev()
        .find(|m| m.topic == "privacy.code" && m.recipient == to)
        .map(|m| m.body.clone())
        .expect("a code was mailed");
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("six digits")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_gets_their_data_and_sees_who_opened_their_dossier() {
    let downloads = tempfile::tempdir().unwrap();
    let Some(browser) = Browser::start_downloading_to(downloads.path()).await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    c.set_window_size(1280, 1000).await.unwrap();

    let desk = app.token_client("tl.motcua1").await;
    let r = desk
        .post_json(
            "/api/v1/dossiers",
            &json!({"procedure_code": "1.004884", "applicant": {
                "name": "Nguyễn Văn An", "id_number": "011203004567", "phone": "0912 345 678",
                "email": "an@example.vn", "address": "Bản Na Sang", "notify": ["email"]}}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let d = r.json();
    let (id, code) = (d["id"].as_str().unwrap(), d["code"].as_str().unwrap());

    // The desk officer opens the dossier in the browser.
    sign_in(c, &base, "tl.motcua1", &app.password).await;
    c.goto(&format!("{base}/ho-so/{id}")).await.unwrap();
    text_with(c, "h1", code).await;
    c.delete_all_cookies().await.unwrap();

    // The citizen, signed out, follows "Dữ liệu của tôi" from the lookup page.
    c.goto(&format!("{base}/tra-cuu")).await.unwrap();
    click(c, "a.public-link[href='/du-lieu-cua-toi']").await;
    fill(c, "id_number", "0112 0300 4567").await;
    fill(c, "contact", "someone.else@example.vn").await;
    click(c, "#privacy-start button[type=submit]").await;
    // Another contact: told why, next to the field, with what was typed kept.
    let err = text(c, "#err-contact").await;
    assert!(err.contains("Không có hồ sơ nào"), "{err}");
    shot(c, SHOTS, "1-no-match").await;
    fill(c, "contact", "an@example.vn").await;
    click(c, "#privacy-start button[type=submit]").await;
    wait_url(c, "/xac-nhan").await;
    let sent = text(c, "#sent-to").await;
    assert!(sent.contains("a***@example.vn"), "{sent}");
    shot(c, SHOTS, "2-code").await;
    let code_typed = mailed_code(&app, "an@example.vn").await;
    fill(c, "code", &code_typed).await;
    click(c, "#privacy-code button[type=submit]").await;

    // Their data: the dossier with what they declared, and who opened it.
    text_with(c, "#ho-so", code).await;
    let log = text_with(c, "#access-log", "Nguyễn Thị Lan").await;
    assert!(log.contains("Trang hồ sơ"), "{log}");
    assert!(log.contains(code), "{log}");
    let consents = text(c, "#dong-y").await;
    assert!(consents.contains("Nhận thông báo về hồ sơ"), "{consents}");
    shot(c, SHOTS, "3-export").await;
    c.execute(
        "document.getElementById('truy-cap').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(c, SHOTS, "3-export-log").await;
    click(c, "#download").await;
    let file = downloaded(downloads.path(), "json").await;
    let x: serde_json::Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(x["dossiers"][0]["code"], code);
    assert_eq!(x["access_log"][0]["who"], "Nguyễn Thị Lan");

    // The citizen asks for a correction of their address.
    c.execute(
        "document.getElementById('yeu-cau').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    fill(c, "detail", "Địa chỉ đúng là Bản Na Sang 2, xã Thanh Luông").await;
    click(c, "#yeu-cau button[type=submit]").await;
    text_with(c, "#yeu-cau", "Đang xử lý").await;
    shot(c, SHOTS, "3-export-request").await;

    // The head reads the same log from the dossier.
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.goto(&format!("{base}/ho-so/{id}")).await.unwrap();
    click(c, "#access-log-link").await;
    let log = text_with(c, "#access-log", "Nguyễn Thị Lan").await;
    assert!(
        log.contains("Lò Văn Thắng"),
        "the head's own visit too: {log}"
    );
    shot(c, SHOTS, "4-head-log").await;
    // … and has the request to answer, with its deadlines, from the menu.
    click(c, "#nav-privacy").await;
    let req = text_with(c, "section.request", "Bản Na Sang 2").await;
    assert!(req.contains("Hạn trả lời"), "{req}");
    shot(c, SHOTS, "5-head-requests").await;
}
