//! The queue through the API and pages: tickets from the kiosk (one per tap, even when sent
//! twice), fair priority, counters calling, recalling, transferring and finishing, bad input
//! that changes nothing, the wait apology, intake from a ticket, notifications when the turn is
//! near, the live event stream of the lobby display, and statistics; on both backends.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use congbo_testkit::{Client, TestApp, app_test};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const TL: &str = "DB-TL";

/// The office's queue as the public kiosk sees it: (group letter → id), counters (number → id).
async fn layout(app: &TestApp, code: &str) -> (Vec<(String, String)>, Vec<(i64, String)>) {
    let r = app
        .anon()
        .get(&format!("/api/v1/public/offices/{code}/queue"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    let groups = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["letter"].as_str().unwrap().to_string(),
                g["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let counters = v["counters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["number"].as_i64().unwrap(),
                c["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (groups, counters)
}

fn id_of<'a>(list: &'a [(String, String)], letter: &str) -> &'a str {
    &list.iter().find(|(l, _)| l == letter).unwrap().1
}

fn counter_of(list: &[(i64, String)], n: i64) -> &str {
    &list.iter().find(|(k, _)| *k == n).unwrap().1
}

async fn take(app: &TestApp, group: &str, priority: Option<&str>, key: Option<&str>) -> Value {
    let r = app
        .anon()
        .post_json(
            &format!("/api/v1/public/offices/{TL}/tickets?channel=kiosk"),
            &json!({"group_id": group, "priority": priority, "request_key": key}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn ok(c: &Client<'_>, path: &str, body: Value) -> Value {
    let r = c.post_json(path, &body).await;
    assert!(r.status.is_success(), "{path}: {} {}", r.status, r.text());
    if r.status == StatusCode::NO_CONTENT {
        Value::Null
    } else {
        r.json()
    }
}

async fn refused(c: &Client<'_>, path: &str, body: Value) -> (StatusCode, String) {
    let r = c.post_json(path, &body).await;
    assert!(
        !r.status.is_success(),
        "{path} should be refused: {}",
        r.text()
    );
    (r.status, r.error_code())
}

async fn ticket_row(app: &TestApp, id: &str) -> congbo_store::repo::queue::TicketRow {
    let mut tx = app.db().read().await.unwrap();
    let t = congbo_store::repo::queue::ticket(&mut tx, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    t
}

async fn ticket_count(app: &TestApp) -> usize {
    let office = app.office_id(TL).await;
    let mut tx = app.db().read().await.unwrap();
    let n = congbo_store::repo::queue::tickets_between(&mut tx, office, "2000-01-01", "2100-01-01")
        .await
        .unwrap()
        .len();
    tx.commit().await.unwrap();
    n
}

app_test!(kiosk_ticket_is_called_served_and_finished, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, counters) = layout(&app, TL).await;
    assert_eq!(groups.len(), 3, "demo has services A, B, C");
    let a = id_of(&groups, "A");

    // A double tap sends the same request key twice: one ticket.
    let t1 = take(&app, a, None, Some("tap-1")).await;
    let again = take(&app, a, None, Some("tap-1")).await;
    assert_eq!(t1["id"], again["id"]);
    assert_eq!(t1["number"], "A001");
    assert_eq!(ticket_count(&app).await, 1);
    let t2 = take(&app, a, None, Some("tap-2")).await;
    assert_eq!(t2["number"], "A002");
    assert_eq!(t2["ahead"], 1);
    assert_eq!(t2["state"], "waiting");

    // The officer signs in at counter 1 (service A) and calls.
    let desk = app.token_client("tl.motcua1").await;
    let k1 = counter_of(&counters, 1);
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    let called = ok(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(called["number"], "A001");
    assert_eq!(called["state"], "called");
    assert_eq!(called["counter"]["number"], 1);

    // The board shows it, with no personal data, and A002 next.
    let board = app
        .anon()
        .get(&format!("/api/v1/public/offices/{TL}/display"))
        .await
        .json();
    let c1 = board["counters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == 1)
        .unwrap();
    assert_eq!(c1["ticket"], "A001");
    assert_eq!(board["next"], json!(["A002"]));
    assert_eq!(board["last_call"]["text"], "Mời số A001 đến quầy số 1");

    // The holder follows it with the secret from the QR link; without it, nothing.
    let url = t1["follow_url"].as_str().unwrap();
    let secret = url.split("k=").nth(1).unwrap();
    let id1 = t1["id"].as_str().unwrap();
    let f = app
        .anon()
        .get(&format!("/api/v1/public/tickets/{id1}?k={secret}"))
        .await;
    assert_eq!(f.json()["state"], "called");
    let f = app
        .anon()
        .get(&format!("/api/v1/public/tickets/{id1}?k=WRONGSEC"))
        .await;
    assert_eq!(f.status, StatusCode::NOT_FOUND);

    // Calling again while A001 is at the counter is refused.
    let (s, code) = refused(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::CONFLICT, "queue-counter-busy")
    );

    app.advance_minutes(1);
    ok(&desk, &format!("/api/v1/tickets/{id1}/start"), json!({})).await;
    app.advance_minutes(6);
    let done = ok(&desk, &format!("/api/v1/tickets/{id1}/finish"), json!({})).await;
    assert_eq!(done["state"], "done");

    // A second finish: a clear error and nothing changes.
    let before = ticket_row(&app, id1).await;
    let audit_before = app.audit_len().await;
    let (s, code) = refused(&desk, &format!("/api/v1/tickets/{id1}/finish"), json!({})).await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "queue-ticket-closed")
    );
    assert_eq!(ticket_row(&app, id1).await, before);
    assert_eq!(app.audit_len().await, audit_before);

    // Recent service time (6 minutes) now drives A002's estimate: 1 open counter, 0 ahead → 0;
    // a new ticket has one citizen ahead → 6 minutes.
    let t3 = take(&app, a, None, Some("tap-3")).await;
    assert_eq!(
        (t3["ahead"].as_u64(), t3["estimate_minutes"].as_u64()),
        (Some(1), Some(6))
    );

    // Every step is in the audit log.
    let v = congbo_app::audit::verify(app.db()).await.unwrap();
    assert!(
        matches!(v, congbo_app::audit::Verdict::Ok(_)),
        "audit chain intact"
    );
});

app_test!(
    priority_goes_first_without_starving_ordinary_tickets,
    |app| {
        app.set_local_time("2026-03-10T08:00");
        let (groups, counters) = layout(&app, TL).await;
        let a = id_of(&groups, "A");
        let ordinary = take(&app, a, None, None).await;
        let p1 = take(&app, a, Some("elderly"), None).await;
        let p2 = take(&app, a, Some("pregnant"), None).await;
        let p3 = take(&app, a, Some("disabled"), None).await;
        assert_eq!(p1["priority_label"], "Người cao tuổi");
        // An unknown reason is refused and issues nothing.
        let n = ticket_count(&app).await;
        let r = app
            .anon()
            .post_json(
                &format!("/api/v1/public/offices/{TL}/tickets"),
                &json!({"group_id": a, "priority": "vip"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.error_code(), "queue-unknown-priority");
        assert_eq!(ticket_count(&app).await, n);

        let desk = app.token_client("tl.motcua1").await;
        let k1 = counter_of(&counters, 1);
        ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
        let mut order = vec![];
        for _ in 0..4 {
            let t = ok(
                &desk,
                &format!("/api/v1/counters/{k1}/call-next"),
                json!({}),
            )
            .await;
            let id = t["id"].as_str().unwrap().to_string();
            order.push(t["number"].as_str().unwrap().to_string());
            ok(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
            ok(&desk, &format!("/api/v1/tickets/{id}/finish"), json!({})).await;
        }
        // Default burst 2: two priority calls, then the ordinary ticket, then the last priority.
        let num = |v: &Value| v["number"].as_str().unwrap().to_string();
        assert_eq!(order, vec![num(&p1), num(&p2), num(&ordinary), num(&p3)]);
        let (s, code) = refused(
            &desk,
            &format!("/api/v1/counters/{k1}/call-next"),
            json!({}),
        )
        .await;
        assert_eq!(
            (s, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "queue-empty")
        );
    }
);

app_test!(counters_refuse_what_is_not_theirs, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, counters) = layout(&app, TL).await;
    let t = take(&app, id_of(&groups, "A"), None, None).await;
    let id = t["id"].as_str().unwrap();
    let k1 = counter_of(&counters, 1);
    let k2 = counter_of(&counters, 2);

    // Calling from a counter the officer is not signed in at.
    let desk = app.token_client("tl.motcua1").await;
    let (s, code) = refused(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(
        (s, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "queue-not-on-duty")
    );
    ok(&desk, &format!("/api/v1/counters/{k2}/sign-in"), json!({})).await;
    let (_, code) = refused(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(code, "queue-not-on-duty");
    // Counter 2 serves B only: nothing for it.
    let (_, code) = refused(
        &desk,
        &format!("/api/v1/counters/{k2}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(code, "queue-empty");

    // Another office's officer cannot see or touch the ticket; a specialist cannot serve.
    let other = app.token_client("mn.motcua1").await;
    let r = other
        .post_json(&format!("/api/v1/tickets/{id}/recall"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = other.get(&format!("/api/v1/tickets/{id}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let spec = app.token_client("tl.chuyenvien").await;
    let r = spec
        .post_json(&format!("/api/v1/counters/{k1}/sign-in"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = other
        .post_json(&format!("/api/v1/counters/{k1}/sign-in"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A waiting ticket cannot be finished; another counter's ticket cannot be touched.
    let before = ticket_row(&app, id).await;
    let (_, code) = refused(&desk, &format!("/api/v1/tickets/{id}/finish"), json!({})).await;
    assert_eq!(code, "queue-ticket-not-called");
    let colleague = app.token_client("tl.motcua2").await;
    ok(
        &colleague,
        &format!("/api/v1/counters/{k1}/sign-in"),
        json!({}),
    )
    .await;
    ok(
        &colleague,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    let (_, code) = refused(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
    assert_eq!(code, "queue-not-your-ticket");
    // No-show needs the configured recalls first (default 2).
    let (_, code) = refused(
        &colleague,
        &format!("/api/v1/tickets/{id}/no-show"),
        json!({}),
    )
    .await;
    assert_eq!(code, "queue-recall-first");
    ok(
        &colleague,
        &format!("/api/v1/tickets/{id}/recall"),
        json!({}),
    )
    .await;
    ok(
        &colleague,
        &format!("/api/v1/tickets/{id}/recall"),
        json!({}),
    )
    .await;
    let t = ok(
        &colleague,
        &format!("/api/v1/tickets/{id}/no-show"),
        json!({}),
    )
    .await;
    assert_eq!(t["state"], "no-show");
    assert_eq!(t["recalls"], 2);
    assert_ne!(ticket_row(&app, id).await.version, before.version);
});

app_test!(a_transferred_ticket_keeps_its_place, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, counters) = layout(&app, TL).await;
    let first = take(&app, id_of(&groups, "A"), None, None).await;
    app.advance_minutes(5);
    let b1 = take(&app, id_of(&groups, "B"), None, None).await;
    let (k1, k2) = (counter_of(&counters, 1), counter_of(&counters, 2));
    let desk1 = app.token_client("tl.motcua1").await;
    let desk2 = app.token_client("tl.motcua2").await;
    ok(&desk1, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    ok(&desk2, &format!("/api/v1/counters/{k2}/sign-in"), json!({})).await;
    let t = ok(
        &desk1,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(t["id"], first["id"]);
    let id = t["id"].as_str().unwrap();
    ok(&desk1, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
    // Bad transfers change nothing.
    let (_, code) = refused(&desk1, &format!("/api/v1/tickets/{id}/transfer"), json!({})).await;
    assert_eq!(code, "queue-transfer-target");
    let moved = ok(
        &desk1,
        &format!("/api/v1/tickets/{id}/transfer"),
        json!({"group_id": id_of(&groups, "B")}),
    )
    .await;
    assert_eq!(
        (moved["state"].as_str(), moved["transfers"].as_i64()),
        (Some("waiting"), Some(1))
    );
    assert_eq!(moved["ahead"], 0, "ahead of B001, which was taken later");
    // Counter 2 (service B) gets the transferred citizen before B001.
    let next = ok(
        &desk2,
        &format!("/api/v1/counters/{k2}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(next["id"], first["id"]);
    assert_eq!(
        next["number"], "A001",
        "the citizen keeps the printed number"
    );
    let id = next["id"].as_str().unwrap();
    ok(&desk2, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
    ok(&desk2, &format!("/api/v1/tickets/{id}/finish"), json!({})).await;
    let next = ok(
        &desk2,
        &format!("/api/v1/counters/{k2}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(next["id"], b1["id"]);
    // Transfer to one counter: only that counter calls it.
    let bid = next["id"].as_str().unwrap();
    ok(
        &desk2,
        &format!("/api/v1/tickets/{bid}/transfer"),
        json!({"counter_id": k1}),
    )
    .await;
    let r = ok(
        &desk1,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(r["id"], b1["id"]);
});

app_test!(a_long_wait_prompts_an_apology_that_is_recorded, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, counters) = layout(&app, TL).await;
    let t = take(&app, id_of(&groups, "A"), None, None).await;
    let quick = take(&app, id_of(&groups, "A"), None, None).await;
    app.advance_minutes(31);
    let desk = app.token_client("tl.motcua1").await;
    let k1 = counter_of(&counters, 1);
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    let called = ok(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(called["id"], t["id"]);
    assert_eq!(called["waited_minutes"], 31);
    assert_eq!(called["owes_apology"], true);
    // The counter page prompts it.
    let page = app.login("tl.motcua1").await.get("/quay").await;
    assert!(
        page.text().contains("dân chờ được xin lỗi"),
        "{}",
        page.text()
    );
    let id = called["id"].as_str().unwrap();
    let after = ok(&desk, &format!("/api/v1/tickets/{id}/apologize"), json!({})).await;
    assert_eq!(after["owes_apology"], false);
    assert!(after["apologized_at"].is_string());
    let (_, code) = refused(&desk, &format!("/api/v1/tickets/{id}/apologize"), json!({})).await;
    assert_eq!(code, "queue-already-apologized");
    ok(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
    app.advance_minutes(4);
    ok(&desk, &format!("/api/v1/tickets/{id}/finish"), json!({})).await;
    let q = ok(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    assert_eq!(q["id"], quick["id"]);

    // Statistics: by service, counter, officer and hour.
    let office = app.office_id(TL).await;
    let s = desk
        .get(&format!(
            "/api/v1/offices/{office}/queue-stats?from=2026-03-10"
        ))
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text());
    let s = s.json();
    assert_eq!(s["total"]["issued"], 2);
    assert_eq!(s["total"]["served"], 1);
    assert_eq!(s["total"]["apologies"], 1);
    assert_eq!(s["total"]["waited_too_long"], 2);
    assert_eq!(s["total"]["wait_median_minutes"], 31.0);
    assert_eq!(s["total"]["service_median_minutes"], 4.0);
    assert_eq!(s["by_service"][0]["key"], "A");
    assert_eq!(s["by_counter"][0]["key"], "1");
    assert_eq!(s["by_officer"][0]["label"], "Nguyễn Thị Lan");
    assert_eq!(s["by_hour"][0]["key"], "08");
    let r = desk
        .get(&format!(
            "/api/v1/offices/{office}/queue-stats?from=2026-03-10&to=2026-03-01"
        ))
        .await;
    assert_eq!(r.error_code(), "queue-stats-range");
    let mn = app.office_id("DB-MN").await;
    let r = desk.get(&format!("/api/v1/offices/{mn}/queue-stats")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
});

app_test!(intake_from_the_ticket_attaches_counter_and_wait, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, counters) = layout(&app, TL).await;
    let t = take(&app, id_of(&groups, "A"), None, None).await;
    let other = take(&app, id_of(&groups, "A"), None, None).await;
    let desk = app.token_client("tl.motcua1").await;
    let k1 = counter_of(&counters, 1);
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    ok(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    let id = t["id"].as_str().unwrap();
    ok(&desk, &format!("/api/v1/tickets/{id}/start"), json!({})).await;
    let body = |ticket: &str| {
        json!({"procedure_code": "1.004884", "ticket_id": ticket,
               "applicant": {"name": "Nguyễn Văn An", "phone": "0912345678"}})
    };
    // A ticket still waiting (not at this counter) cannot take the dossier: nothing is created.
    let r = desk
        .post_json("/api/v1/dossiers", &body(other["id"].as_str().unwrap()))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.error_code(), "queue-not-your-ticket");
    let r = desk.post_json("/api/v1/dossiers", &body(id)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let code = r.json()["code"].as_str().unwrap().to_string();
    let dossier_id = r.json()["id"].as_str().unwrap().to_string();
    let t = desk.get(&format!("/api/v1/tickets/{id}")).await.json();
    assert_eq!(t["dossiers"], json!([code]));
    assert_eq!(t["counter"]["number"], 1);
    // The intake page carries the ticket through.
    let page = app
        .login("tl.motcua1")
        .await
        .get(&format!("/ho-so/tiep-nhan?ve={id}&thu-tuc=1.004884"))
        .await;
    assert!(
        page.text()
            .contains(&format!("name=\"ticket_id\" value=\"{id}\"")),
        "{}",
        page.text()
    );
    // The dossier's page names the ticket, counter, officer and wait.
    let page = app
        .login("tl.truong")
        .await
        .get(&format!("/ho-so/{dossier_id}"))
        .await;
    assert!(
        page.text()
            .contains("A001 · Quầy 1 · Nguyễn Thị Lan · Đã chờ 0 phút"),
        "{}",
        page.text()
    );
});

app_test!(followers_are_told_when_their_turn_is_near, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, counters) = layout(&app, TL).await;
    let a = id_of(&groups, "A");
    let mut tickets = vec![];
    for _ in 0..6 {
        tickets.push(take(&app, a, None, None).await);
    }
    let last = &tickets[5];
    let (id, url) = (
        last["id"].as_str().unwrap(),
        last["follow_url"].as_str().unwrap(),
    );
    let secret = url.split("k=").nth(1).unwrap();
    let bad = app
        .anon()
        .post_json(
            &format!("/api/v1/public/tickets/{id}/subscribe?k={secret}"),
            &json!({"channel": "sms", "to": "12"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    ok(
        &app.anon(),
        &format!("/api/v1/public/tickets/{id}/subscribe?k={secret}"),
        json!({"channel": "email", "to": "an@example.vn"}),
    )
    .await;
    let desk = app.token_client("tl.motcua1").await;
    let k1 = counter_of(&counters, 1);
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    let outbox = |app: &TestApp| {
        let db = app.db().clone();
        async move {
            let mut tx = db.read().await.unwrap();
            let rows = congbo_store::repo::outbox::due(&mut tx, i64::MAX, 100)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            rows.into_iter()
                .filter(|r| r.topic == "queue.turn-near")
                .collect::<Vec<_>>()
        }
    };
    // 5 ahead, then 4 after the first call: not yet (default: told at 3 ahead).
    for _ in 0..2 {
        let t = ok(
            &desk,
            &format!("/api/v1/counters/{k1}/call-next"),
            json!({}),
        )
        .await;
        let tid = t["id"].as_str().unwrap();
        ok(&desk, &format!("/api/v1/tickets/{tid}/start"), json!({})).await;
        ok(&desk, &format!("/api/v1/tickets/{tid}/finish"), json!({})).await;
    }
    let rows = outbox(&app).await;
    assert_eq!(rows.len(), 1, "told once, when 3 are ahead");
    assert_eq!(rows[0].recipient, "an@example.vn");
    assert!(
        rows[0].body.contains("A006") && rows[0].body.contains("còn 3 người"),
        "{}",
        rows[0].body
    );
    let t = ok(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    let tid = t["id"].as_str().unwrap();
    ok(&desk, &format!("/api/v1/tickets/{tid}/start"), json!({})).await;
    assert_eq!(outbox(&app).await.len(), 1, "never twice");
});

/// Read the next server-sent event (name, data) from a streaming body.
async fn next_event(body: &mut Body, buf: &mut String) -> (String, Value) {
    loop {
        if let Some(end) = buf.find("\n\n") {
            let raw: String = buf.drain(..end + 2).collect();
            let mut name = String::new();
            let mut data = String::new();
            for line in raw.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if data.is_empty() {
                continue; // keep-alive comment
            }
            return (name, serde_json::from_str(&data).unwrap());
        }
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("an event within 10 s")
            .expect("stream open")
            .unwrap();
        if let Ok(d) = frame.into_data() {
            buf.push_str(&String::from_utf8_lossy(&d));
        }
    }
}

/// Read events until one satisfies `want` (a resync may come first, e.g. when PostgreSQL's
/// listener connects).
async fn event_where(
    body: &mut Body,
    buf: &mut String,
    want: impl Fn(&str, &Value) -> bool,
) -> (String, Value) {
    for _ in 0..20 {
        let (name, v) = next_event(body, buf).await;
        if want(&name, &v) {
            return (name, v);
        }
    }
    panic!("no such event in 20");
}

app_test!(the_display_stream_announces_calls_live, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, counters) = layout(&app, TL).await;
    let req = Request::builder()
        .uri(format!("/api/v1/public/offices/{TL}/events"))
        .header(header::HOST, congbo_testkit::http::HOST)
        .body(Body::empty())
        .unwrap();
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut body = res.into_body();
    let mut buf = String::new();
    let (name, first) = next_event(&mut body, &mut buf).await;
    assert_eq!(name, "board");
    assert_eq!(first["view"]["office_code"], TL);

    let t = take(&app, id_of(&groups, "A"), None, None).await;
    let (name, _) = event_where(&mut body, &mut buf, |_, f| {
        f["view"]["next"] == json!([t["number"]])
    })
    .await;
    assert_eq!(name, "board");

    let desk = app.token_client("tl.motcua1").await;
    let k1 = counter_of(&counters, 1);
    ok(&desk, &format!("/api/v1/counters/{k1}/sign-in"), json!({})).await;
    event_where(&mut body, &mut buf, |_, f| {
        f["view"]["counters"][0]["open"] == true
    })
    .await;
    ok(
        &desk,
        &format!("/api/v1/counters/{k1}/call-next"),
        json!({}),
    )
    .await;
    let (_, f) = event_where(&mut body, &mut buf, |name, _| name == "call").await;
    assert_eq!(f["call"]["text"], "Mời số A001 đến quầy số 1");
    assert_eq!(
        f["call"]["speech"],
        "Mời số A không không một, đến quầy số một"
    );
    assert_eq!(f["view"]["counters"][0]["ticket"], "A001");
    let text = f.to_string();
    assert!(
        !text.contains("secret") && !text.contains("officer"),
        "no personal data: {text}"
    );
});

app_test!(queue_pages_work_without_javascript, |app| {
    app.set_local_time("2026-03-10T08:00");
    let (groups, _) = layout(&app, TL).await;
    let kiosk = app.anon().get(&format!("/ki-ot/{TL}")).await;
    assert_eq!(kiosk.status, StatusCode::OK);
    let html = kiosk.text();
    assert!(html.contains("Hộ tịch, chứng thực") && html.contains("Người cao tuổi"));
    let key = html
        .split("name=\"request_key\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let a = id_of(&groups, "A");
    let path = format!("/ki-ot/{TL}");
    let fields = [
        ("group_id", a),
        ("priority", "elderly"),
        ("request_key", key.as_str()),
    ];
    let anon = app.anon();
    let r1 = anon.post_form(&path, &fields).await;
    let r2 = anon.post_form(&path, &fields).await;
    assert_eq!(r1.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r1.header("location"),
        r2.header("location"),
        "double tap: one ticket"
    );
    assert_eq!(ticket_count(&app).await, 1);
    let loc = r1.header("location").unwrap().to_string();
    assert!(loc.contains("&in=1"), "the kiosk prints: {loc}");
    let ticket = app.anon().get(&loc).await;
    assert_eq!(ticket.status, StatusCode::OK);
    let html = ticket.text();
    assert!(html.contains("A001") && html.contains("<svg") && html.contains("Người cao tuổi"));
    // The display renders the board server-side (and refreshes itself without JavaScript).
    let d = app.anon().get(&format!("/man-hinh/{TL}")).await;
    assert!(d.text().contains("http-equiv=\"refresh\"") && d.text().contains("A001"));
    // The counter page: sign in, call, start, finish through forms.
    let c = app.login("tl.motcua1").await;
    let page = c.get("/quay").await.text();
    let counter = page
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        c.post_form("/quay/vao", &[("counter_id", &counter)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        c.post_form("/quay/goi", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let page = c.get("/quay").await.text();
    assert!(page.contains("A001"), "{page}");
    // Nothing left: the page explains instead of failing.
    let id = ticket_row_by_number(&app, "A001").await;
    c.post_form(&format!("/quay/ve/{id}/start"), &[]).await;
    c.post_form(&format!("/quay/ve/{id}/finish"), &[]).await;
    let empty = c.post_form("/quay/goi", &[]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.text().contains("Hiện không có ai chờ"),
        "{}",
        empty.text()
    );
});

async fn ticket_row_by_number(app: &TestApp, number: &str) -> String {
    let office = app.office_id(TL).await;
    let mut tx = app.db().read().await.unwrap();
    let all =
        congbo_store::repo::queue::tickets_between(&mut tx, office, "2000-01-01", "2100-01-01")
            .await
            .unwrap();
    tx.commit().await.unwrap();
    all.into_iter()
        .find(|t| t.number == number)
        .unwrap()
        .id
        .to_string()
}

app_test!(heads_configure_services_counters_and_settings, |app| {
    let office = app.office_id(TL).await;
    let (_, counters) = layout(&app, TL).await;
    let head = app.login("tl.truong").await;
    let page = head.get(&format!("/don-vi/{office}/xep-hang")).await;
    assert_eq!(page.status, StatusCode::OK);
    // A bad letter: the page explains, nothing is added.
    let r = head
        .post_form(
            &format!("/don-vi/{office}/xep-hang/dich-vu"),
            &[("letter", "ab"), ("name", "Tư pháp")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("một chữ cái in hoa"), "{}", r.text());
    let r = head
        .post_form(
            &format!("/don-vi/{office}/xep-hang/dich-vu"),
            &[("letter", "D"), ("name", "Tư pháp")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = head
        .post_form(
            &format!("/don-vi/{office}/xep-hang/dich-vu"),
            &[("letter", "D"), ("name", "Khác")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "letter taken");
    let (groups, _) = layout(&app, TL).await;
    assert_eq!(groups.len(), 4);
    let k1 = counter_of(&counters, 1);
    let r = head
        .post_form(
            &format!("/don-vi/{office}/xep-hang/quay/{k1}"),
            &[
                ("group_id", id_of(&groups, "A")),
                ("group_id", id_of(&groups, "D")),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cfg = head
        .get(&format!("/api/v1/offices/{office}/queue"))
        .await
        .json();
    let c1 = cfg["counters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["number"] == 1)
        .unwrap()
        .clone();
    assert_eq!(c1["group_ids"].as_array().unwrap().len(), 2);
    // A group of another office is refused.
    let mn = app.office_id("DB-MN").await;
    let foreign = app.token_client("mn.truong").await;
    let mn_cfg = foreign
        .get(&format!("/api/v1/offices/{mn}/queue"))
        .await
        .json();
    let mn_group = mn_cfg["groups"][0]["id"].as_str().unwrap().to_string();
    let api = app.token_client("tl.truong").await;
    let r = api
        .send(
            axum::http::Method::PUT,
            &format!("/api/v1/counters/{k1}/services"),
            Some("application/json"),
            json!({"group_ids": [mn_group]}).to_string().into_bytes(),
        )
        .await;
    assert_eq!(r.error_code(), "queue-unknown-group");
    // Settings: voice off reaches the display; out-of-range values are refused.
    let fields = [
        ("apology_after_minutes", "20"),
        ("priority_burst", "3"),
        ("no_show_after_recalls", "1"),
        ("default_service_seconds", "240"),
        ("notify_when_ahead", "2"),
    ];
    let r = head
        .post_form(&format!("/don-vi/{office}/xep-hang/cai-dat"), &fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let d = app.anon().get(&format!("/man-hinh/{TL}")).await.text();
    assert!(d.contains("data-voice=\"0\""), "voice off");
    let cfg = api
        .get(&format!("/api/v1/offices/{office}/queue"))
        .await
        .json();
    assert_eq!(cfg["settings"]["apology_after_minutes"], 20);
    let mut bad = fields;
    bad[0] = ("apology_after_minutes", "0");
    let r = head
        .post_form(&format!("/don-vi/{office}/xep-hang/cai-dat"), &bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Reception can look but not change.
    let desk = app.login("tl.motcua1").await;
    assert_eq!(
        desk.get(&format!("/don-vi/{office}/xep-hang")).await.status,
        StatusCode::OK
    );
    let r = desk
        .post_form(
            &format!("/don-vi/{office}/xep-hang/dich-vu"),
            &[("letter", "E"), ("name", "X")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
});

app_test!(numbers_restart_each_day_and_floods_are_limited, |app| {
    // The allowance refills in real time (one number per 2 s): a slow machine gets a few more.
    let started = std::time::Instant::now();
    app.set_local_time("2026-03-10T16:59");
    let (groups, _) = layout(&app, TL).await;
    let a = id_of(&groups, "A");
    assert_eq!(take(&app, a, None, None).await["number"], "A001");
    assert_eq!(take(&app, a, None, None).await["number"], "A002");
    // 00:30 in Vietnam is still the previous day in UTC: the day follows UTC+7.
    app.set_local_time("2026-03-11T00:30");
    assert_eq!(take(&app, a, None, None).await["number"], "A001");
    let b = id_of(&groups, "B");
    assert_eq!(take(&app, b, None, None).await["number"], "B001");
    // One address may take 30 numbers a minute without signing in; then a clear refusal.
    let mut last = StatusCode::CREATED;
    for _ in 0..40 {
        let r = app
            .anon()
            .post_json(
                &format!("/api/v1/public/offices/{TL}/tickets"),
                &json!({"group_id": b}),
            )
            .await;
        last = r.status;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(r.error_code(), "rate-limited");
            break;
        }
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    let n = ticket_count(&app).await;
    let refilled = (started.elapsed().as_secs_f64() / 2.0).ceil() as usize;
    assert!(n <= 30 + refilled, "{n} tickets, {refilled} refilled");
    // Staff issuing walk-in tickets are not limited by it.
    let desk = app.token_client("tl.motcua1").await;
    let office = app.office_id(TL).await;
    let r = desk
        .post_json(
            "/api/v1/tickets",
            &json!({"office_id": office, "group_id": b, "priority": "elderly"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["channel"], "staff");
    let row = ticket_row(&app, r.json()["id"].as_str().unwrap()).await;
    assert_eq!(row.priority.as_deref(), Some("elderly"));
    assert_eq!(
        row.priority_by,
        Some(app.user_id("tl.motcua1").await),
        "who granted priority"
    );
});

app_test!(
    managing_the_queue_is_forbidden_inside_the_scope_and_hidden_outside,
    |app| {
        let (groups, _) = layout(&app, TL).await;
        let a = id_of(&groups, "A");
        let body = json!({"name": "Hộ tịch", "active": true});
        // Reception sees the office but may not manage its queue: 403, as everywhere.
        let desk = app.token_client("tl.motcua1").await;
        let r = desk
            .patch_json(&format!("/api/v1/service-groups/{a}"), &body)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        // Another commune's head does not learn that the group exists: 404.
        let other = app.token_client("mn.truong").await;
        let r = other
            .patch_json(&format!("/api/v1/service-groups/{a}"), &body)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        assert_eq!(r.error_code(), "queue-group-not-found");
        // The head may.
        let head = app.token_client("tl.truong").await;
        let r = head
            .patch_json(&format!("/api/v1/service-groups/{a}"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
);
