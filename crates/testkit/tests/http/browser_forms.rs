//! A refused form in Chromium (issue 16 item 1): the desk officer mistypes the phone number on
//! the intake form; the form comes back with everything typed, the message under the phone
//! field; corrected, the dossier is received. Screenshots go to `/tmp/shots-forms/`.

use std::time::Duration;

use congbo_testkit::TestApp;
use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{fill, shot, sign_in};
use fantoccini::{Client, Locator};
use serde_json::json;

const SHOTS: &str = "/tmp/shots-forms";

async fn value_of(c: &Client, id: &str) -> String {
    c.execute(
        &format!("return document.getElementById('{id}').value;"),
        vec![],
    )
    .await
    .unwrap()
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mistyped_phone_number_keeps_everything_typed_on_the_intake_form() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = TestApp::demo(congbo_store::Backend::Sqlite).await.unwrap();
    let base = spawn_server(&app).await;
    let c = &browser.client;
    let wait = Duration::from_secs(10);
    c.set_window_size(1280, 1000).await.unwrap();

    // Sign in at the desk.
    sign_in(c, &base, "tl.motcua1", &app.password).await;

    // The intake form of a procedure; the second document was not brought.
    c.goto(&format!("{base}/ho-so/tiep-nhan?thu-tuc=1.004884"))
        .await
        .unwrap();
    c.wait()
        .at_most(wait)
        .for_element(Locator::Id("name"))
        .await
        .unwrap();
    fill(c, "name", "Phạm Thị Thu").await;
    fill(c, "id_number", "001203004567").await;
    fill(c, "phone", "0912 345 67").await;
    fill(c, "address", "Bản Co Chạy, xã Thanh Luông").await;
    c.find(Locator::Id("doc1"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Id("n-sms"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shot(c, SHOTS, "01-typed").await;
    c.find(Locator::Css("form[action='/ho-so'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    // Back with the message under the phone field and everything typed.
    let err = c
        .wait()
        .at_most(wait)
        .for_element(Locator::Id("err-phone"))
        .await
        .unwrap();
    assert!(
        err.text()
            .await
            .unwrap()
            .starts_with("Số điện thoại không hợp lệ"),
        "{}",
        err.text().await.unwrap()
    );
    shot(c, SHOTS, "02-refused").await;
    c.execute(
        "document.getElementById('phone').scrollIntoView({block: 'center'});",
        vec![],
    )
    .await
    .unwrap();
    shot(c, SHOTS, "03-refused-phone-field").await;
    assert_eq!(value_of(c, "name").await, "Phạm Thị Thu");
    assert_eq!(value_of(c, "id_number").await, "001203004567");
    assert_eq!(value_of(c, "phone").await, "0912 345 67");
    assert_eq!(value_of(c, "address").await, "Bản Co Chạy, xã Thanh Luông");
    let ticks = c
        .execute(
            "return [document.getElementById('doc0').checked, document.getElementById('doc1').checked, document.getElementById('n-sms').checked, document.getElementById('phone').getAttribute('aria-invalid')];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ticks, json!([true, false, true, "true"]));

    // Corrected, the dossier is received.
    fill(c, "phone", "0912 345 678").await;
    c.find(Locator::Css("form[action='/ho-so'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut on_dossier = false;
    for _ in 0..200 {
        let path = c.current_url().await.unwrap().path().to_string();
        if path.starts_with("/ho-so/") && path != "/ho-so/tiep-nhan" {
            on_dossier = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(on_dossier, "not on the dossier page");
    let page = c.source().await.unwrap();
    assert!(page.contains("0912345678") && page.contains("Phạm Thị Thu"));
    shot(c, SHOTS, "04-received").await;
    browser.close().await;
}
