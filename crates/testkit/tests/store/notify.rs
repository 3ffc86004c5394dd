//! Notifications: `repo::outbox::claim` and the dispatcher in `congbo_app::notify`, delivering
//! outbox rows to a real SMTP server (the testkit's sink), to HTTP webhooks, and to the log,
//! with retries on the App's manual clock. Every test runs on SQLite and on PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use congbo_app::notify::{self, DispatchReport, NotifyConfig, Senders, SmtpConfig, WebhookConfig};
use congbo_app::{App, Clock};
use congbo_store::Db;
use congbo_store::repo::outbox::{self, NewOutbox, OutboxRow};
use congbo_testkit::db_test;
use congbo_testkit::smtp::{SmtpSink, Stage};
use congbo_testkit::webhook::{WebhookSink, closed_url};
use serde_json::json;
use uuid::Uuid;

use crate::T0;

const SEC: i64 = 1_000_000;
const SUBJECT: &str = "Hồ sơ TL-260112-0001 đã được tiếp nhận";
/// Several lines, one starting with a dot (SMTP dot-stuffing), all with Vietnamese diacritics.
const BODY: &str = "Kính gửi ông Nguyễn Văn Ân,\n\nBộ phận Một cửa UBND xã Tân Lập đã tiếp nhận hồ sơ \
                    \"Đăng ký khai sinh\".\n.Ngày hẹn trả kết quả: 15/01/2026.\nMã tra cứu: 7K2M-9QXD.";

/// An App on `db` whose clock stands at `T0` until the test moves it.
fn app_at_t0(db: &Db) -> (App, Arc<AtomicI64>) {
    let clock = Arc::new(AtomicI64::new(T0));
    (
        App::with_clock(db.clone(), Clock::Manual(clock.clone())),
        clock,
    )
}

fn set_clock(clock: &AtomicI64, at: i64) {
    clock.store(at, Ordering::SeqCst);
}

/// A pending message created at `at` (due at once).
async fn put(db: &Db, at: i64, channel: &str, recipient: &str) -> Uuid {
    let id = Uuid::now_v7();
    let mut tx = db.begin().await.unwrap();
    outbox::insert(
        &mut tx,
        &NewOutbox {
            id,
            created_at: at,
            topic: "dossier.received".into(),
            dossier_id: None,
            channel: channel.into(),
            recipient: recipient.into(),
            subject: SUBJECT.into(),
            body: BODY.into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn row(db: &Db, id: Uuid) -> OutboxRow {
    let mut tx = db.read().await.unwrap();
    let r = outbox::get(&mut tx, id).await.unwrap().expect("outbox row");
    tx.commit().await.unwrap();
    r
}

/// Fast settings for tests: short timeouts, nothing configured.
fn cfg() -> NotifyConfig {
    NotifyConfig {
        send_timeout: Duration::from_secs(5),
        ..NotifyConfig::default()
    }
}

fn with_smtp(sink: &SmtpSink) -> NotifyConfig {
    NotifyConfig {
        smtp: Some(SmtpConfig::from_url(&sink.url("motcua@xa.test")).unwrap()),
        ..cfg()
    }
}

/// How long a dispatch round or a waiting claimer may take before the test fails instead of
/// hanging (a stalled SMTP conversation or a lock never released).
const PATIENCE: Duration = Duration::from_secs(30);

async fn round(app: &App, cfg: &NotifyConfig) -> DispatchReport {
    let senders = Senders::from_config(cfg).unwrap();
    let r = tokio::time::timeout(PATIENCE, notify::dispatch_once(app, cfg, &senders))
        .await
        .unwrap_or_else(|_| panic!("a dispatch round did not finish within {PATIENCE:?}"))
        .unwrap();
    tokio::time::timeout(PATIENCE, senders.shutdown())
        .await
        .unwrap_or_else(|_| panic!("the senders did not shut down within {PATIENCE:?}"));
    r
}

fn report(claimed: usize, sent: usize, retrying: usize, dead: usize) -> DispatchReport {
    DispatchReport {
        claimed,
        sent,
        retrying,
        dead,
        unrecorded: 0,
    }
}

/// Line endings as written (the message travels with CRLF).
fn unix(s: &str) -> String {
    s.replace("\r\n", "\n").trim_end().to_string()
}

db_test!(claim_leases_due_rows_oldest_first, |db| {
    let a = put(&db, T0, "email", "a@x.test").await;
    let b = put(&db, T0 + 1, "sms", "0912345678").await;
    let later = put(&db, T0 + 2, "zalo", "0987654321").await;
    let mut tx = db.begin().await.unwrap();
    congbo_store::exec!(&mut tx, c => sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2").bind(T0 + 60 * SEC).bind(later)
        .execute(c).await)
    .unwrap();
    tx.commit().await.unwrap();

    let lease = T0 + 300 * SEC;
    let mut tx = db.begin().await.unwrap();
    let got = outbox::claim(&mut tx, T0 + 10 * SEC, lease, 10)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(got.iter().map(|r| r.id).collect::<Vec<_>>(), [a, b]);
    assert!(
        got.iter()
            .all(|r| r.next_attempt_at == lease && r.status == "pending")
    );
    assert_eq!(row(&db, a).await.next_attempt_at, lease);
    assert_eq!(row(&db, a).await.attempts, 0, "a claim is not an attempt");

    // Leased rows are not due again until the lease ends; the later row is due at its time.
    let mut tx = db.begin().await.unwrap();
    let got = outbox::claim(&mut tx, T0 + 100 * SEC, lease, 10)
        .await
        .unwrap();
    assert_eq!(got.iter().map(|r| r.id).collect::<Vec<_>>(), [later]);
    let got = outbox::claim(&mut tx, lease, lease + 300 * SEC, 1)
        .await
        .unwrap();
    assert_eq!(got.len(), 1, "the limit holds");
    assert_eq!(got[0].id, a, "oldest first once the lease ends");
    tx.commit().await.unwrap();

    // Sent and dead rows are never claimed.
    let mut tx = db.begin().await.unwrap();
    assert!(outbox::mark_sent(&mut tx, a, lease, "log").await.unwrap());
    assert!(
        outbox::mark_failed(&mut tx, b, "x", lease, true)
            .await
            .unwrap()
    );
    let got = outbox::claim(&mut tx, i64::MAX / 2, i64::MAX / 2, 10)
        .await
        .unwrap();
    assert_eq!(got.iter().map(|r| r.id).collect::<Vec<_>>(), [later]);
    tx.commit().await.unwrap();
});

db_test!(concurrent_claims_take_disjoint_rows, |db| {
    let mut ids = vec![];
    for i in 0..6 {
        ids.push(put(&db, T0 + i, "sms", "0912345678").await);
    }
    // The first claimer holds its transaction open while the second claims.
    let mut tx1 = db.begin().await.unwrap();
    let first = outbox::claim(&mut tx1, T0 + SEC, T0 + 300 * SEC, 4)
        .await
        .unwrap();
    let db2 = db.clone();
    let second = tokio::spawn(async move {
        let mut tx2 = db2.begin().await.unwrap();
        let got = outbox::claim(&mut tx2, T0 + SEC, T0 + 300 * SEC, 4)
            .await
            .unwrap();
        tx2.commit().await.unwrap();
        got
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    tx1.commit().await.unwrap();
    let second = tokio::time::timeout(PATIENCE, second)
        .await
        .unwrap_or_else(|_| {
            panic!("the second claimer still waits {PATIENCE:?} after the first committed")
        })
        .unwrap();
    assert_eq!(first.len(), 4);
    assert_eq!(
        second.len(),
        2,
        "the second claimer takes only what the first left"
    );
    let mut all: Vec<Uuid> = first.iter().chain(&second).map(|r| r.id).collect();
    all.sort();
    assert_eq!(all, ids);
});

db_test!(email_is_delivered_over_smtp, |db| {
    let sink = SmtpSink::start().await;
    let (app, clock) = app_at_t0(&db);
    set_clock(&clock, T0 + 5 * SEC);
    let url = format!(
        "smtp://motcua%40xa.test:p%40ss@{}?from=motcua@xa.test",
        sink.addr()
    );
    let cfg = NotifyConfig {
        smtp: Some(SmtpConfig::from_url(&url).unwrap()),
        ..cfg()
    };
    let id = put(&db, T0, "email", "nguyenvanan@dan.test").await;

    assert_eq!(round(&app, &cfg).await, report(1, 1, 0, 0));

    let mails = sink.received();
    assert_eq!(mails.len(), 1);
    let m = &mails[0];
    assert_eq!(m.mail_from, "motcua@xa.test");
    assert_eq!(m.rcpt_to, ["nguyenvanan@dan.test"]);
    assert_eq!(
        m.auth,
        Some(("motcua@xa.test".to_string(), "p@ss".to_string()))
    );
    // Decoded like a mail client would: the Vietnamese text survives.
    assert_eq!(m.subject().as_deref(), Some(SUBJECT));
    assert_eq!(unix(&m.text().unwrap()), BODY);
    assert!(m.subject().unwrap().starts_with("Hồ sơ") && m.text().unwrap().contains("hồ sơ"));
    assert_eq!(
        m.from(),
        Some((
            Some("Bộ phận Một cửa".to_string()),
            Some("motcua@xa.test".to_string())
        ))
    );
    let ct = m.raw_header("Content-Type").unwrap().to_ascii_lowercase();
    assert!(ct.contains("text/plain") && ct.contains("utf-8"), "{ct}");
    // The raw message is 7-bit (encoded words and a transfer encoding), as SMTP expects.
    assert!(m.data.is_ascii());
    assert_eq!(m.message_id(), Some(format!("{id}@xa.test")));

    let r = row(&db, id).await;
    assert_eq!(r.status, "sent");
    assert_eq!(r.adapter.as_deref(), Some("smtp"));
    assert_eq!(r.attempts, 1);
    assert_eq!(r.sent_at, Some(T0 + 5 * SEC));
    assert_eq!(r.last_error, None);

    // A sent message is not sent again.
    set_clock(&clock, T0 + 3600 * SEC);
    assert_eq!(round(&app, &cfg).await, report(0, 0, 0, 0));
    assert_eq!(sink.received().len(), 1);
});

db_test!(sms_and_zalo_go_to_their_webhooks, |db| {
    let sink = WebhookSink::start().await;
    let (app, clock) = app_at_t0(&db);
    // Every message below is due.
    set_clock(&clock, T0 + SEC);
    let cfg = NotifyConfig {
        sms_webhook: Some(WebhookConfig::new(&sink.url("/sms"), Some("s3cret")).unwrap()),
        zalo_webhook: Some(WebhookConfig::new(&sink.url("/zalo"), None).unwrap()),
        ..cfg()
    };
    let sms = put(&db, T0, "sms", "0912345678").await;
    let zalo = put(&db, T0 + 1, "zalo", "0987654321").await;

    assert_eq!(round(&app, &cfg).await, report(2, 2, 0, 0));

    let mut posts = sink.received();
    posts.sort_by(|a, b| a.path.cmp(&b.path));
    assert_eq!(posts.len(), 2);
    let (p_sms, p_zalo) = (&posts[0], &posts[1]);
    assert_eq!(
        (p_sms.method.as_str(), p_sms.path.as_str()),
        ("POST", "/sms")
    );
    assert_eq!(
        p_sms.json,
        json!({"channel": "sms", "to": "0912345678", "subject": SUBJECT, "body": BODY,
               "id": sms.to_string()})
    );
    assert_eq!(p_sms.authorization.as_deref(), Some("Bearer s3cret"));
    assert_eq!(p_sms.idempotency_key, Some(sms.to_string()));
    assert!(
        p_sms
            .content_type
            .as_deref()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(p_zalo.path, "/zalo");
    assert_eq!(p_zalo.json["channel"], "zalo");
    assert_eq!(p_zalo.json["to"], "0987654321");
    assert_eq!(p_zalo.json["id"], zalo.to_string());
    assert_eq!(p_zalo.authorization, None);

    for id in [sms, zalo] {
        let r = row(&db, id).await;
        assert_eq!(
            (r.status.as_str(), r.adapter.as_deref(), r.attempts),
            ("sent", Some("webhook"), 1)
        );
    }
});

db_test!(with_nothing_configured_the_log_delivers, |db| {
    let (app, _clock) = app_at_t0(&db);
    let ids = [
        put(&db, T0, "email", "an@dan.test").await,
        put(&db, T0, "sms", "0912345678").await,
        put(&db, T0, "zalo", "0912345678").await,
    ];
    assert_eq!(round(&app, &cfg()).await, report(3, 3, 0, 0));
    for id in ids {
        let r = row(&db, id).await;
        assert_eq!(
            (r.status.as_str(), r.adapter.as_deref(), r.sent_at),
            ("sent", Some("log"), Some(T0))
        );
    }
});

db_test!(a_failing_smtp_server_is_retried_with_backoff, |db| {
    let sink = SmtpSink::start().await;
    let (app, clock) = app_at_t0(&db);
    let cfg = with_smtp(&sink);
    sink.fail(Stage::Rcpt, 451);
    let email = put(&db, T0, "email", "an@dan.test").await;
    let sms = put(&db, T0, "sms", "0912345678").await;

    // The e-mail fails; the SMS (log) still goes out.
    assert_eq!(round(&app, &cfg).await, report(2, 1, 1, 0));
    assert_eq!(row(&db, sms).await.status, "sent");
    let r = row(&db, email).await;
    assert_eq!((r.status.as_str(), r.attempts), ("pending", 1));
    assert!(r.last_error.as_deref().unwrap().contains("451"), "{r:?}");
    assert_eq!(r.sent_at, None);
    // First retry after 30 s, plus at most a tenth of jitter.
    assert!(
        (T0 + 30 * SEC..=T0 + 33 * SEC).contains(&r.next_attempt_at),
        "next attempt at T0 + {} µs",
        r.next_attempt_at - T0
    );
    assert!(sink.received().is_empty());

    // Not due before then.
    set_clock(&clock, T0 + 29 * SEC);
    assert_eq!(round(&app, &cfg).await, report(0, 0, 0, 0));

    // Second failure: the delay doubles.
    let at = r.next_attempt_at;
    set_clock(&clock, at);
    assert_eq!(round(&app, &cfg).await, report(1, 0, 1, 0));
    let r = row(&db, email).await;
    assert_eq!(r.attempts, 2);
    assert!(
        (at + 60 * SEC..=at + 66 * SEC).contains(&r.next_attempt_at),
        "{}",
        r.next_attempt_at - at
    );

    // The server recovers: the next attempt delivers, and the error is cleared.
    sink.heal();
    set_clock(&clock, r.next_attempt_at);
    assert_eq!(round(&app, &cfg).await, report(1, 1, 0, 0));
    let r = row(&db, email).await;
    assert_eq!(
        (r.status.as_str(), r.attempts, r.adapter.as_deref()),
        ("sent", 3, Some("smtp"))
    );
    assert_eq!(r.last_error, None);
    let mails = sink.received();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject().as_deref(), Some(SUBJECT));
});

db_test!(a_message_is_dead_after_max_attempts, |db| {
    let sink = SmtpSink::start().await;
    let (app, clock) = app_at_t0(&db);
    let cfg = NotifyConfig {
        max_attempts: 3,
        ..with_smtp(&sink)
    };
    sink.fail(Stage::Data, 451);
    let email = put(&db, T0, "email", "an@dan.test").await;

    for attempt in 1..=3 {
        let r = row(&db, email).await;
        set_clock(&clock, r.next_attempt_at);
        let want = if attempt < 3 {
            report(1, 0, 1, 0)
        } else {
            report(1, 0, 0, 1)
        };
        assert_eq!(round(&app, &cfg).await, want, "attempt {attempt}");
    }
    let r = row(&db, email).await;
    assert_eq!((r.status.as_str(), r.attempts), ("dead", 3));
    assert!(r.last_error.as_deref().unwrap().contains("451"));
    assert_eq!(sink.rcpt_attempts(), 3, "each attempt reached the server");
    assert!(sink.received().is_empty(), "the data was refused each time");

    // Dead is final.
    set_clock(&clock, T0 + 30 * 24 * 3600 * SEC);
    assert_eq!(round(&app, &cfg).await, report(0, 0, 0, 0));
});

db_test!(a_permanent_refusal_is_dead_at_once, |db| {
    let sink = SmtpSink::start().await;
    let (app, _clock) = app_at_t0(&db);
    let cfg = with_smtp(&sink);
    sink.fail(Stage::Rcpt, 554);
    let refused = put(&db, T0, "email", "an@dan.test").await;
    let malformed = put(&db, T0, "email", "not an address").await;
    let unknown = put(&db, T0, "fax", "0241234567").await;

    assert_eq!(round(&app, &cfg).await, report(3, 0, 0, 3));
    for (id, needle) in [
        (refused, "554"),
        (malformed, "not an e-mail address"),
        (unknown, "unknown channel"),
    ] {
        let r = row(&db, id).await;
        assert_eq!((r.status.as_str(), r.attempts), ("dead", 1), "{needle}");
        assert!(
            r.last_error.as_deref().unwrap().contains(needle),
            "{needle}: {:?}",
            r.last_error
        );
    }
});

db_test!(an_unreachable_webhook_does_not_block_email, |db| {
    let smtp = SmtpSink::start().await;
    let (app, clock) = app_at_t0(&db);
    // Every message below is due.
    set_clock(&clock, T0 + SEC);
    let cfg = NotifyConfig {
        sms_webhook: Some(WebhookConfig::new(&closed_url("/sms").await, None).unwrap()),
        ..with_smtp(&smtp)
    };
    let sms = put(&db, T0, "sms", "0912345678").await;
    let email = put(&db, T0 + 1, "email", "an@dan.test").await;

    let started = Instant::now();
    assert_eq!(round(&app, &cfg).await, report(2, 1, 1, 0));
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(row(&db, email).await.status, "sent");
    assert_eq!(smtp.received()[0].rcpt_to, ["an@dan.test"]);
    let r = row(&db, sms).await;
    assert_eq!((r.status.as_str(), r.attempts), ("pending", 1));
    assert!(
        r.last_error.as_deref().unwrap().starts_with("webhook"),
        "{:?}",
        r.last_error
    );
});

db_test!(a_webhook_error_is_retried_with_the_same_id, |db| {
    let sink = WebhookSink::start().await;
    let (app, clock) = app_at_t0(&db);
    let cfg = NotifyConfig {
        sms_webhook: Some(WebhookConfig::new(&sink.url("/sms"), None).unwrap()),
        ..cfg()
    };
    sink.fail_with(500);
    let sms = put(&db, T0, "sms", "0912345678").await;

    assert_eq!(round(&app, &cfg).await, report(1, 0, 1, 0));
    let r = row(&db, sms).await;
    assert_eq!((r.status.as_str(), r.attempts), ("pending", 1));
    assert!(
        r.last_error.as_deref().unwrap().contains("500"),
        "{:?}",
        r.last_error
    );

    sink.heal();
    set_clock(&clock, r.next_attempt_at);
    assert_eq!(round(&app, &cfg).await, report(1, 1, 0, 0));
    let posts = sink.received();
    assert_eq!(
        posts.iter().map(|p| p.answered).collect::<Vec<_>>(),
        [500, 200]
    );
    assert_eq!(
        posts[0].json, posts[1].json,
        "a retry posts the same message and id"
    );
    assert_eq!(row(&db, sms).await.status, "sent");
});

db_test!(a_silent_gateway_times_out_without_holding_up_email, |db| {
    // Accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}/sms", silent.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut conns = vec![];
        while let Ok((c, _)) = silent.accept().await {
            conns.push(c);
        }
    });
    let smtp = SmtpSink::start().await;
    let (app, clock) = app_at_t0(&db);
    // Every message below is due.
    set_clock(&clock, T0 + SEC);
    let cfg = NotifyConfig {
        sms_webhook: Some(WebhookConfig::new(&silent_url, None).unwrap()),
        send_timeout: Duration::from_millis(500),
        ..with_smtp(&smtp)
    };
    let sms = put(&db, T0, "sms", "0912345678").await;
    let email = put(&db, T0 + 1, "email", "an@dan.test").await;

    assert_eq!(round(&app, &cfg).await, report(2, 1, 1, 0));
    assert_eq!(row(&db, email).await.status, "sent");
    let r = row(&db, sms).await;
    assert_eq!(r.status, "pending");
    assert!(
        r.last_error
            .as_deref()
            .unwrap()
            .contains("no answer within"),
        "{:?}",
        r.last_error
    );
    held.abort();
});

db_test!(two_dispatchers_never_send_a_message_twice, |db| {
    let sink = WebhookSink::start().await;
    let (app, clock) = app_at_t0(&db);
    // Every message below is due.
    set_clock(&clock, T0 + SEC);
    let cfg = NotifyConfig {
        sms_webhook: Some(WebhookConfig::new(&sink.url("/sms"), None).unwrap()),
        batch_size: 7,
        ..cfg()
    };
    let mut ids = vec![];
    for i in 0..12 {
        ids.push(put(&db, T0 + i, "sms", "0912345678").await.to_string());
    }
    let (a, b) = tokio::join!(round(&app, &cfg), round(&app, &cfg));
    assert_eq!(a.claimed + b.claimed, 12, "{a:?} {b:?}");
    assert_eq!(a.sent + b.sent, 12);
    let mut posted: Vec<String> = sink
        .received()
        .iter()
        .map(|p| p.json["id"].as_str().unwrap().to_string())
        .collect();
    posted.sort();
    assert_eq!(posted, ids, "each message posted exactly once");
});

db_test!(the_spawned_dispatcher_delivers_and_stops, |db| {
    let sink = SmtpSink::start().await;
    let (app, _clock) = app_at_t0(&db);
    let cfg = NotifyConfig {
        interval: Duration::from_millis(50),
        ..with_smtp(&sink)
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = notify::spawn(app, cfg, async move {
        let _ = stopped.await;
    })
    .unwrap();

    let email = put(&db, T0, "email", "an@dan.test").await;
    sink.wait_for(1, Duration::from_secs(10)).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while row(&db, email).await.status != "sent" {
        assert!(Instant::now() < deadline, "not marked sent");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the dispatcher stops at shutdown")
        .unwrap();
    // Nothing is delivered after it stopped.
    put(&db, T0, "email", "binh@dan.test").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(sink.received().len(), 1);
});

db_test!(spawn_contacts_nothing_at_start_and_honours_shutdown, |db| {
    let (app, _clock) = app_at_t0(&db);
    let cfg = NotifyConfig {
        smtp: Some(SmtpConfig::from_url("smtp://127.0.0.1:1?from=a@b.test").unwrap()),
        sms_webhook: Some(WebhookConfig::new("http://127.0.0.1:1/", None).unwrap()),
        ..cfg()
    };
    // Nothing listens on port 1, yet the dispatcher starts (nothing is contacted at start),
    // and a shutdown that has already happened ends it at once.
    let task = notify::spawn(app.clone(), cfg, async {}).unwrap();
    task.await.unwrap();
});
