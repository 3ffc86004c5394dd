//! Officer evaluation in real Chromium on two months of demo history (seed 7): an officer opens
//! their own evaluation from the menu, goes to last month's score form and self-assesses; the
//! head opens the same form, sees the evidence beside the general criteria, is refused a score
//! above a criterion's maximum (the message next to the criteria, the typed value kept), scores
//! and approves. Screenshots go to /tmp/shots-eval/.

use std::time::Duration;

use congbo_testkit::browser::{Browser, spawn_server};
use congbo_testkit::page::{click, fill, history_app, shot, sign_in, text, wait_attr};
use fantoccini::{Client, Locator};
use jiff::ToSpan;

const SHOTS: &str = "/tmp/shots-eval";

async fn general(c: &Client, a: &str, b: &str, d: &str) {
    fill(c, "g_ethics_discipline", a).await;
    fill(c, "g_competence_service_attitude", b).await;
    fill(c, "g_innovation", d).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn officer_self_assesses_and_head_reviews_with_evidence_and_approves() {
    let Some(browser) = Browser::start().await else {
        return;
    };
    let app = history_app(2, 7).await;
    let base = spawn_server(&app).await;
    let c = &browser.client;
    c.set_window_size(1280, 2200).await.unwrap();
    let last_month = jiff::Zoned::now()
        .date()
        .first_of_month()
        .checked_sub(1.month())
        .unwrap()
        .strftime("%Y-%m")
        .to_string();
    let officer = app.user_id("tl.motcua1").await;

    // The officer: the menu leads to their own evaluation; last month; the score form.
    sign_in(c, &base, "tl.motcua1", &app.password).await;
    click(c, "#nav-evaluation").await;
    fill(c, "ky", &last_month).await;
    click(c, "form.period-form button[type=submit]").await;
    for _ in 0..200 {
        if text(c, "#scorecard h2").await.contains(&last_month) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let received = text(c, "#scorecard td").await;
    assert!(
        received.trim().parse::<u32>().unwrap() > 0,
        "history gave the officer dossiers"
    );
    shot(c, SHOTS, "1-officer-scorecard").await;
    click(c, "#score-link").await;
    wait_attr(c, "#state", "data-state", "draft").await;
    general(c, "9", "9", "8").await;
    click(c, "#self-assess").await;
    wait_attr(c, "#state", "data-state", "self_assessed").await;
    assert!(text(c, "#self-total").await.contains('.') || !text(c, "#self-total").await.is_empty());
    shot(c, SHOTS, "2-officer-self-assessed").await;
    click(c, "form[action='/dang-xuat'] button").await;

    // The head: the same form, evidence beside the criteria; a score above the maximum first.
    sign_in(c, &base, "tl.truong", &app.password).await;
    c.goto(&format!("{base}/can-bo/{officer}/cham-diem/{last_month}"))
        .await
        .unwrap();
    wait_attr(c, "#state", "data-state", "self_assessed").await;
    let sat = text(c, "#ev-satisfied").await;
    assert!(sat.contains('%') || sat.contains('—'), "{sat}");
    assert!(!text(c, "#evidence").await.is_empty());
    general(c, "11", "9", "8").await;
    click(c, "#review").await;
    let err = text(c, "#general-error").await;
    assert!(err.contains("vượt quá điểm tối đa"), "{err}");
    let kept = c
        .find(Locator::Id("g_ethics_discipline"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("11"));
    wait_attr(c, "#state", "data-state", "self_assessed").await;
    shot(c, SHOTS, "3-head-refused-above-max").await;
    general(c, "9", "8.5", "8").await;
    click(c, "#review").await;
    wait_attr(c, "#state", "data-state", "reviewed").await;
    shot(c, SHOTS, "4-head-reviewed-with-evidence").await;
    click(c, "#approve").await;
    wait_attr(c, "#state", "data-state", "approved").await;
    let total = text(c, "#review-total").await;
    assert!(total.contains("Hoàn thành"), "{total}");
    shot(c, SHOTS, "5-head-approved").await;
    browser.close().await;
}
