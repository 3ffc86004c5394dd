//! The real-browser test: Debian's Chromium through chromedriver signs in and sees the
//! Vietnamese dashboard, then switches to English.

use std::time::Duration;

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::sign_in;
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
    c.find(Locator::Css(
        "form[action='/dang-nhap'] button[type=submit]",
    ))
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

/// The desk receives a dossier in Chromium: unticks a missing document, submits, sees the
/// dossier waiting for it, and opens the printable Form 02 with its QR code and print styles.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn desk_receives_a_dossier_and_prints_form_02() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let wait = Duration::from_secs(10);
    sign_in(c, &base, "tl.motcua1", &app.password).await;
    c.goto(&format!("{base}/ho-so/tiep-nhan?thu-tuc=1.004884"))
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Id("doc1"))
        .await
        .unwrap();
    let missing = c
        .find(Locator::Css("label[for=doc1]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    c.find(Locator::Id("doc1"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("name"))
        .await
        .unwrap()
        .send_keys("Mùa A Sử")
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/ho-so'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // "Tiếp nhận và in phiếu" opens Form 01 to print; from it, the dossier.
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("#print-bar a.main"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut h1 = String::new();
    for _ in 0..100 {
        h1 = c
            .find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap_or_default();
        if h1.starts_with("Hồ sơ DB-TL-") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(h1.starts_with("Hồ sơ DB-TL-"), "{h1}");
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Chờ bổ sung"), "{body}");
    let url = c.current_url().await.unwrap();
    c.goto(&format!("{}/mau/02", url.as_str().trim_end_matches('/')))
        .await
        .unwrap();
    let page = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc_name = missing.split(" (").next().unwrap();
    assert!(
        page.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && page.contains(doc_name),
        "{page}"
    );
    c.find(Locator::Css("svg"))
        .await
        .expect("the QR code is drawn");
    // The print stylesheet loaded (CSP allows it) and chose A5.
    let sheets: serde_json::Value = c
        .execute("return document.styleSheets.length", vec![])
        .await
        .unwrap();
    assert!(sheets.as_u64().unwrap() >= 1);
    let class: serde_json::Value = c
        .execute("return document.body.className", vec![])
        .await
        .unwrap();
    assert!(class.as_str().unwrap().contains("a5"), "{class}");
    browser.close().await;
}

/// The queue end to end in Chromium: the lobby display is open; a kiosk takes a number (the
/// ticket page prints); the officer signs in at counter 1 and calls it; the display shows the
/// number at counter 1 and announces it, without reloading.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_ticket_is_called_and_the_display_shows_it_live() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let wait = Duration::from_secs(10);

    // The TV: the board, with a marker that a reload would wipe.
    c.goto(&format!("{base}/man-hinh/DB-TL?voice=0"))
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("#d-counters tr[data-counter='1']"))
        .await
        .unwrap();
    c.execute("window.__notReloaded = true; return true", vec![])
        .await
        .unwrap();
    let display = c.window().await.unwrap();

    // The kiosk, in another tab.
    let kiosk = c.new_window(true).await.unwrap();
    c.switch_to_window(kiosk.handle).await.unwrap();
    c.goto(&format!("{base}/ki-ot/DB-TL")).await.unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("button.service"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let number = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("t-number"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(number, "A001");
    assert!(
        c.find(Locator::Css(".qr svg")).await.is_ok(),
        "the ticket has its QR code"
    );

    // The counter: sign in, choose counter 1, call the next number.
    sign_in(c, &base, "tl.motcua1", &app.password).await;
    c.goto(&format!("{base}/quay")).await.unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("form[action='/quay/vao'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("form[action='/quay/goi'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("p.current .number"))
        .await
        .unwrap();

    // Back to the TV: the number is at counter 1 and announced, and the page never reloaded.
    c.switch_to_window(display).await.unwrap();
    let mut shown = String::new();
    for _ in 0..100 {
        shown = c
            .find(Locator::Css("#d-counters tr[data-counter='1'] .ticketno"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if shown == "A001" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(shown, "A001");
    let call = c
        .find(Locator::Id("d-call"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(call, "Mời số A001 đến quầy số 1");
    let same_page = c
        .execute("return window.__notReloaded === true", vec![])
        .await
        .unwrap();
    assert_eq!(
        same_page,
        serde_json::json!(true),
        "updated live, not reloaded"
    );
    browser.close().await;
}

/// Satisfaction end to end in Chromium: the head pairs the counter's tablet from the settings
/// page; a ticket is served and finished at counter 1; the tablet unlocks with the officer's
/// name, takes a low rating with a reason and a phone number, and locks; the head sees the
/// recovery case with the reason and the number to call back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tablet_takes_a_low_rating_and_the_head_sees_the_recovery_case() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let wait = Duration::from_secs(10);
    let office = app.office_id("DB-TL").await;
    let layout = app
        .anon()
        .get("/api/v1/public/offices/DB-TL/queue")
        .await
        .json();
    let k1 = layout["counters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["number"] == 1)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let group_a = layout["groups"][0]["id"].as_str().unwrap().to_string();

    // The head makes a pairing link and opens it on the tablet (here, the same browser).
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.goto(&format!("{base}/don-vi/{office}/danh-gia"))
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css(&format!(
            "form[action='/don-vi/{office}/danh-gia/quay/{k1}'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let link = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("pair-url"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let path = &link[link.find("/may-danh-gia/").unwrap()..];
    c.goto(&format!("{base}{path}")).await.unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("section.locked"))
        .await
        .unwrap();

    // A ticket is served and finished at counter 1.
    let desk = app.token_client("tl.motcua1").await;
    let post = |path: String, body: serde_json::Value| {
        let desk = &desk;
        async move {
            let r = desk.post_json(&path, &body).await;
            assert!(r.status.is_success(), "{path}: {}", r.text());
            if r.body.is_empty() {
                serde_json::Value::Null
            } else {
                r.json()
            }
        }
    };
    let r = app
        .anon()
        .post_json(
            "/api/v1/public/offices/DB-TL/tickets?channel=kiosk",
            &serde_json::json!({"group_id": group_a}),
        )
        .await;
    assert!(r.status.is_success());
    post(
        format!("/api/v1/counters/{k1}/sign-in"),
        serde_json::json!({}),
    )
    .await;
    let t = post(
        format!("/api/v1/counters/{k1}/call-next"),
        serde_json::json!({}),
    )
    .await;
    let t = t["id"].as_str().unwrap().to_string();
    post(format!("/api/v1/tickets/{t}/start"), serde_json::json!({})).await;
    let r = desk
        .post_json(
            &format!("/api/v1/tickets/{t}/finish"),
            &serde_json::json!({}),
        )
        .await;
    assert!(r.status.is_success());

    // The tablet unlocks (it looks again every few seconds) with the officer's name.
    let mut name = String::new();
    for _ in 0..50 {
        if let Ok(e) = c.find(Locator::Css(".officer .name")).await {
            name = e.text().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(name, "Nguyễn Thị Lan");
    c.find(Locator::Css("button.level[value='3']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // A low score asks why.
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("input[name=reason][value=cho-lau]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("contact"))
        .await
        .unwrap()
        .send_keys("0912 345 678")
        .await
        .unwrap();
    c.find(Locator::Css("button.send"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let thanks = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("section.thanks"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("Xin cảm ơn"), "{thanks}");

    // The head's ratings page: the case, its reason and the number to call back.
    c.goto(&format!("{base}/danh-gia")).await.unwrap();
    let case = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("#recovery article.case"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(case.contains("Phải chờ lâu"), "{case}");
    assert!(case.contains("0912345678"), "{case}");
    assert!(case.contains("Nguyễn Thị Lan"), "{case}");
    browser.close().await;
}

/// Feedback end to end in Chromium: an anonymous citizen sends a conduct complaint about an
/// officer with a photo and gets a code and a secret; the officer concerned, signed in, cannot
/// open the case; the superior (head) accepts and answers it; the citizen reads the answer
/// with the code and the secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_complaint_with_a_photo_is_answered_by_the_superior() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let wait = Duration::from_secs(10);
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("anh-quay-2.jpg");
    std::fs::write(
        &photo,
        [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0],
    )
    .unwrap();

    // The citizen's form, on a phone: about the deputy, with a photo, anonymous.
    c.goto(&format!("{base}/phan-anh/gui?co-quan=DB-TL"))
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css("input[name=category][value=conduct]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::XPath(
        "//select[@id='officer_id']/option[text()='Quàng Thị Mai']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    c.find(Locator::Id("content"))
        .await
        .unwrap()
        .send_keys("Cán bộ quầy 2 không chào hỏi, nói trống không với người già.")
        .await
        .unwrap();
    c.find(Locator::Id("attachments"))
        .await
        .unwrap()
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    c.find(Locator::Css("form.feedback-form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let code = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("case-code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let secret = c
        .find(Locator::Id("case-secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(code.starts_with("DB-TL-PA-"), "{code}");

    // The case id, and its photo, as the head sees them through the API.
    let head = app.token_client("tl.truong").await;
    let list = head.get("/api/v1/feedback").await.json();
    let id = list[0]["id"].as_str().unwrap().to_string();
    let case = head.get(&format!("/api/v1/feedback/{id}")).await.json();
    assert_eq!(case["attachments"][0]["mime"], "image/jpeg");
    assert_eq!(case["privacy"], "anonymous");

    // The officer concerned cannot open it, nor find it in their list.
    sign_in(c, &base, "tl.pho", &app.password).await;
    c.goto(&format!("{base}/phan-anh/{id}")).await.unwrap();
    let h1 = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!h1.contains("không chào hỏi"), "{h1}");
    let body = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!body.contains("nói trống không"), "{body}");
    c.goto(&format!("{base}/phan-anh")).await.unwrap();
    let listing = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!listing.contains(&code), "{listing}");
    c.find(Locator::Css("form[action='/dang-xuat'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The superior accepts and answers it.
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.goto(&format!("{base}/phan-anh")).await.unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::LinkText(&code))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Css(&format!(
            "form[action='/phan-anh/{id}/accept'] button"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Id("answer-text"))
        .await
        .unwrap()
        .send_keys("Cơ quan đã kiểm tra, phản ánh đúng; cán bộ đã được nhắc nhở và xin lỗi ông/bà.")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=upheld][value='1']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css(&format!(
        "form[action='/phan-anh/{id}/answer'] button"
    )))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    let state = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("case-answer"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(state.contains("phản ánh đúng"), "{state}");
    c.find(Locator::Css("form[action='/dang-xuat'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // The citizen reads the answer with the code and the secret.
    c.goto(&format!("{base}/phan-anh/theo-doi")).await.unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Id("ma"))
        .await
        .unwrap()
        .send_keys(&code)
        .await
        .unwrap();
    c.find(Locator::Id("k"))
        .await
        .unwrap()
        .send_keys(&secret)
        .await
        .unwrap();
    c.find(Locator::Css("form[action='/phan-anh/theo-doi'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let answer = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("answer-text"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(answer.contains("phản ánh đúng"), "{answer}");
    browser.close().await;
}
