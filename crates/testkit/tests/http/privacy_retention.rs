//! Retention of personal data (issue 18). The job run over a generated history with the clock
//! 21 years ahead: every personal field past its period is gone (closed dossiers
//! pseudonymised, feedback senders cleared, attachments, delivered notices and expired
//! sessions deleted, contacts cleared, failed sign-in counts reset), one audit row per batch,
//! and the figures do not move — the rollup tables, a rebuild from the raw rows, the Decision
//! 766 index and the province's figures are the same as before. On both databases. Then the
//! administrators' page: a period below the legal minimum is refused next to its field with
//! the value kept and nothing changed; a valid one is stored with its audit row.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use congbo_app::privacy::retention;
use congbo_domain::privacy::retention::{BATCH, PLACEHOLDER_NAME, RecordKind};
use congbo_store::repo::{feedback as feedback_repo, outbox, rollup as rollup_repo, staff};
use congbo_store::{Backend, Db};
use congbo_testkit::{TestApp, app_test};
use serde_json::Value;

/// The demo with `months` of history on `backend` (as `page::history_app`, on either
/// database), the clock back at the real now.
async fn history_on(backend: Backend, months: u32) -> Option<TestApp> {
    use congbo_app::demo::history::{self, HistoryOptions};
    let mut app = TestApp::empty(backend).await?;
    let (_, start) = history::app_at_start(app.app.db.clone(), months).unwrap();
    app.clock
        .store(start.load(Ordering::SeqCst), Ordering::SeqCst);
    let report = congbo_app::demo::fill_for_history(&app.app).await.unwrap();
    app.password = report.password;
    let opts = HistoryOptions { months, seed: 7 };
    history::generate(&app.app, &app.clock, &opts, &mut |_| {})
        .await
        .unwrap();
    app.clock
        .store(jiff::Timestamp::now().as_microsecond(), Ordering::SeqCst);
    Some(app)
}

async fn sql(db: &Db, q: &str) -> u64 {
    match db {
        Db::Sqlite(p) => sqlx::query(sqlx::AssertSqlSafe(q))
            .execute(p)
            .await
            .unwrap()
            .rows_affected(),
        Db::Postgres(p) => sqlx::query(sqlx::AssertSqlSafe(q))
            .execute(p)
            .await
            .unwrap()
            .rows_affected(),
    }
}

async fn count(db: &Db, q: &str) -> i64 {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_one(p)
            .await
            .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

async fn texts(db: &Db, q: &str) -> Vec<String> {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_all(p)
            .await
            .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_all(p)
            .await
            .unwrap(),
    }
}

async fn uuids(db: &Db, q: &str) -> Vec<uuid::Uuid> {
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_all(p)
            .await
            .unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sqlx::AssertSqlSafe(q))
            .fetch_all(p)
            .await
            .unwrap(),
    }
}

async fn rollups(app: &TestApp) -> Vec<rollup_repo::Counter> {
    let mut tx = app.db().read().await.unwrap();
    let s = rollup_repo::snapshot(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    s
}

/// The province's Decision 766 scorecard and figures over the whole history (subtree).
async fn figures(app: &TestApp, province: uuid::Uuid, from: &str, to: &str) -> Value {
    let c = app.login("thanhtra").await;
    let q = format!("kind=custom&from={from}&to={to}&subtree=true");
    let i766 = c
        .get(&format!("/api/v1/offices/{province}/index766?{q}"))
        .await;
    assert_eq!(i766.status, StatusCode::OK, "{}", i766.text());
    let figs = c
        .get(&format!("/api/v1/offices/{province}/figures?{q}"))
        .await;
    assert_eq!(figs.status, StatusCode::OK, "{}", figs.text());
    serde_json::json!({"index766": i766.json(), "figures": figs.json()})
}

/// Personal data the generated history lacks (its feedback is anonymous, its tickets and
/// ratings leave no contact, nobody is notified): give some closed records a sender, a
/// contact, an attachment, a delivered notice and a failed sign-in.
async fn add_personal_data(app: &TestApp) {
    let db = app.db();
    let closed = "('refused', 'forwarded', 'answered', 'published')";
    let named = sql(
        db,
        &format!(
            "UPDATE feedback_cases SET sender_name = 'Nguyễn Văn An', sender_contact = '0912000111',
             sender_address = 'Bản Mường' WHERE state IN {closed}"
        ),
    )
    .await;
    assert!(named > 0, "the history has closed feedback cases");
    sql(
        db,
        "UPDATE recovery_cases SET contact_channel = 'phone', contact_to = '0912000222'",
    )
    .await;
    sql(
        db,
        "UPDATE tickets SET notify_channel = 'sms', notify_to = '0912000333'
         WHERE id IN (SELECT id FROM tickets ORDER BY id LIMIT 20)",
    )
    .await;
    let case_id = uuids(
        db,
        &format!("SELECT id FROM feedback_cases WHERE state IN {closed} ORDER BY id LIMIT 1"),
    )
    .await[0];
    let now = app.app.now();
    let mut tx = db.begin().await.unwrap();
    for i in 0..3 {
        let meta = feedback_repo::AttachmentMeta {
            id: uuid::Uuid::now_v7(),
            case_id,
            filename: format!("anh-{i}.png"),
            mime: "image/png".into(),
            size: 4,
            sha256: "00".repeat(32),
            created_at: now,
        };
        feedback_repo::insert_attachment(&mut tx, &meta, b"\x89PNG")
            .await
            .unwrap();
    }
    for i in 0..4 {
        let id = uuid::Uuid::now_v7();
        outbox::insert(
            &mut tx,
            &outbox::NewOutbox {
                id,
                created_at: now,
                topic: "dossier.received".into(),
                dossier_id: None,
                channel: "sms".into(),
                recipient: format!("091200044{i}"),
                subject: "Tiếp nhận hồ sơ".into(),
                body: "Hồ sơ của ông/bà đã được tiếp nhận.".into(),
            },
        )
        .await
        .unwrap();
        outbox::mark_sent(&mut tx, id, now, "log").await.unwrap();
    }
    let user = staff::get_by_username(&mut tx, "quantri")
        .await
        .unwrap()
        .unwrap();
    staff::add_login_failure(&mut tx, user.id, now)
        .await
        .unwrap();
    // A citizen's answered request (their number and contact) and one view of a dossier.
    let office = congbo_store::repo::office::get_by_code(&mut tx, "DB-TL")
        .await
        .unwrap()
        .unwrap();
    let shard = congbo_domain::office::OfficePath::from_stored(office.path.clone()).shard_key();
    congbo_store::repo::privacy::insert_request(
        &mut tx,
        &congbo_store::repo::privacy::RequestRow {
            shard_key: shard,
            id: uuid::Uuid::now_v7(),
            office_id: office.id,
            parent_id: None,
            kind: "access".into(),
            state: "done".into(),
            subject_id_no: "011203004567".into(),
            contact: "an@example.vn".into(),
            detail: None,
            code_hash: None,
            code_expires: None,
            attempts: 0,
            access_hash: None,
            access_expires: None,
            received_at: now,
            ack_due: None,
            due: None,
            extended: 0,
            answer: None,
            answered_by: None,
            answered_at: Some(now),
        },
    )
    .await
    .unwrap();
    congbo_store::repo::privacy::insert_access(
        &mut tx,
        &congbo_store::repo::privacy::AccessRow {
            shard_key: shard,
            id: uuid::Uuid::now_v7(),
            at: now,
            actor_id: Some(user.id),
            actor_name: "Lò Văn Thắng".into(),
            actor_role: Some("head".into()),
            office_id: office.id,
            record_kind: "dossier".into(),
            record_id: uuid::Uuid::now_v7(),
            record_code: "DB-TL-260101-0001".into(),
            via: "page".into(),
            fields: "name".into(),
            purpose: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn retention_keeps_the_figures(app: TestApp) {
    let db = app.db().clone();
    add_personal_data(&app).await;
    let province = app.office_id("DB").await;
    let today = congbo_domain::time::local_date(app.app.now());
    let from = today.checked_sub(jiff::Span::new().months(3)).unwrap();
    let (from, to) = (from.to_string(), today.to_string());
    let rollups_before = rollups(&app).await;
    let figures_before = figures(&app, province, &from, &to).await;
    let closed = count(
        &db,
        "SELECT COUNT(*) FROM dossiers WHERE closed_at IS NOT NULL",
    )
    .await;
    let open = count(&db, "SELECT COUNT(*) FROM dossiers WHERE closed_at IS NULL").await;
    assert!(closed > 0 && open > 0, "closed {closed}, open {open}");

    // Today nothing but the morning's expired sessions and counters is due.
    let plan = retention::plan(&app.app).await.unwrap();
    let due = |plan: &[retention::PlanLine], k: RecordKind| {
        plan.iter().find(|l| l.period.rule.kind == k).unwrap().due
    };
    assert_eq!(due(&plan, RecordKind::Dossier), 0);
    assert_eq!(due(&plan, RecordKind::Outbox), 0);

    // 21 years on, every period has ended.
    let later = app.app.now() + 21 * 366 * congbo_domain::time::DAY_MICROS;
    app.clock.store(later, Ordering::SeqCst);
    let plan = retention::plan(&app.app).await.unwrap();
    assert_eq!(due(&plan, RecordKind::Dossier), closed);
    assert!(due(&plan, RecordKind::FeedbackIdentity) > 0);
    assert_eq!(due(&plan, RecordKind::FeedbackAttachment), 3);
    assert_eq!(due(&plan, RecordKind::TicketContact), 20);
    assert_eq!(due(&plan, RecordKind::Outbox), 4);
    assert!(due(&plan, RecordKind::Session) > 0);
    assert_eq!(due(&plan, RecordKind::FailedLogins), 1);
    assert!(
        due(&plan, RecordKind::AccessLog) > 0,
        "views logged in the history"
    );
    assert_eq!(due(&plan, RecordKind::PrivacyRequest), 1);
    let audit_before = app.audit_len().await;
    let ran = retention::run(&app.app).await.unwrap();

    // One audit row per batch of at most BATCH rows, adding up to the plan.
    let rows = texts(
        &db,
        "SELECT summary FROM audit_log WHERE action = 'retention.batch' ORDER BY id",
    )
    .await;
    assert_eq!(app.audit_len().await - audit_before, rows.len() as i64);
    for line in &plan {
        let kind = line.period.rule.kind;
        let batches: Vec<Value> = rows
            .iter()
            .map(|r| serde_json::from_str::<Value>(r).unwrap())
            .filter(|v| v["kind"] == kind.as_str())
            .collect();
        let treated: i64 = batches.iter().map(|v| v["rows"].as_i64().unwrap()).sum();
        assert_eq!(treated, line.due, "{kind:?}");
        let expected = (line.due + BATCH - 1) / BATCH;
        assert_eq!(
            batches.len() as i64,
            expected,
            "{kind:?}: one row per batch"
        );
        assert!(batches.iter().all(|v| v["rows"].as_i64().unwrap() <= BATCH));
        let r = ran.iter().find(|r| r.kind == kind).unwrap();
        assert_eq!((r.rows as i64, r.batches as i64), (line.due, expected));
    }

    // The personal data past its period is gone; open dossiers keep theirs.
    let gone = [
        format!(
            "SELECT COUNT(*) FROM dossiers WHERE closed_at IS NOT NULL AND (personal_purged_at IS NULL
             OR applicant_name <> '{PLACEHOLDER_NAME}' OR applicant_id_no IS NOT NULL
             OR applicant_phone IS NOT NULL OR applicant_email IS NOT NULL
             OR applicant_address IS NOT NULL)"
        ),
        "SELECT COUNT(*) FROM dossiers WHERE closed_at IS NULL AND personal_purged_at IS NOT NULL"
            .into(),
        "SELECT COUNT(*) FROM dossiers WHERE closed_at IS NULL AND applicant_name = '(đã ẩn danh)'"
            .into(),
        "SELECT COUNT(*) FROM feedback_cases WHERE sender_name IS NOT NULL
             OR sender_contact IS NOT NULL OR sender_address IS NOT NULL"
            .into(),
        "SELECT COUNT(*) FROM feedback_attachments".into(),
        "SELECT COUNT(*) FROM recovery_cases WHERE contact_to IS NOT NULL".into(),
        "SELECT COUNT(*) FROM tickets WHERE notify_to IS NOT NULL".into(),
        "SELECT COUNT(*) FROM outbox".into(),
        "SELECT COUNT(*) FROM sessions".into(),
        "SELECT COUNT(*) FROM users WHERE failed_logins > 0".into(),
        "SELECT COUNT(*) FROM access_log".into(),
        "SELECT COUNT(*) FROM privacy_requests".into(),
    ];
    for q in &gone {
        assert_eq!(count(&db, q).await, 0, "{q}");
    }
    assert_eq!(
        count(
            &db,
            "SELECT value FROM sequences WHERE scope = 'attachments:bytes'"
        )
        .await,
        0
    );
    // Nothing is left to do; a second run writes nothing.
    assert!(
        retention::plan(&app.app)
            .await
            .unwrap()
            .iter()
            .all(|l| l.due == 0)
    );
    let audit_after = app.audit_len().await;
    retention::run(&app.app).await.unwrap();
    assert_eq!(app.audit_len().await, audit_after);

    // The figures did not move: the rollups, a rebuild from the raw rows, 766 and figures.
    assert_eq!(rollups(&app).await, rollups_before);
    congbo_app::report::rollup::rebuild(&app.app, None, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(rollups(&app).await, rollups_before);
    assert_eq!(figures(&app, province, &from, &to).await, figures_before);
}

mod retention_over_a_history_keeps_the_figures {
    use super::*;
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        let app = history_on(Backend::Sqlite, 1).await.unwrap();
        retention_keeps_the_figures(app).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        let Some(app) = history_on(Backend::Postgres, 1).await else {
            return;
        };
        retention_keeps_the_figures(app).await;
    }
}

app_test!(
    a_period_below_the_legal_minimum_is_refused_and_nothing_changes,
    |app| {
        let admin = app.login("quantri").await;
        let english = app.login("quantri").await.lang("en");
        let page = admin.get("/du-lieu-ca-nhan/luu-tru").await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains("Thời hạn lưu trữ dữ liệu cá nhân"), "{html}");
        assert!(html.contains("id=\"nav-retention\""));
        let audit = app.audit_len().await;
        let r = admin
            .post_form(
                "/du-lieu-ca-nhan/luu-tru",
                &[("period-dossier", "5"), ("period-outbox", "120")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let html = r.text();
        assert!(html.contains("id=\"err-period-dossier\""), "{html}");
        assert!(
            html.contains("ngắn hơn mức tối thiểu pháp luật cho phép"),
            "{html}"
        );
        assert!(
            html.contains("value=\"5\""),
            "the typed value is kept: {html}"
        );
        assert_eq!(app.audit_len().await, audit, "nothing changed");
        let plan = retention::plan(&app.app).await.unwrap();
        assert!(plan.iter().all(|l| !l.period.overridden));

        // In English too, and a valid change is stored with its audit row.
        let r = english
            .post_form("/du-lieu-ca-nhan/luu-tru", &[("period-session", "3")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text().contains("shorter than the law allows"),
            "{}",
            r.text()
        );
        let r = admin
            .post_form(
                "/du-lieu-ca-nhan/luu-tru",
                &[
                    ("period-dossier", "30"),
                    ("period-outbox", ""),
                    ("period-session", "30"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        assert_eq!(app.audit_len().await, audit + 1);
        let plan = retention::plan(&app.app).await.unwrap();
        let dossier = plan
            .iter()
            .find(|l| l.period.rule.kind == RecordKind::Dossier)
            .unwrap();
        assert_eq!(
            (dossier.period.amount, dossier.period.overridden),
            (30, true)
        );
        // The defaults typed back are no change.
        assert!(
            plan.iter()
                .filter(|l| l.period.rule.kind != RecordKind::Dossier)
                .all(|l| !l.period.overridden)
        );

        // Only administrators of a top-level office see the page and its menu entry.
        let head = app.login("tl.truong").await;
        assert_eq!(
            head.get("/du-lieu-ca-nhan/luu-tru").await.status,
            StatusCode::FORBIDDEN
        );
        assert!(!head.get("/").await.text().contains("nav-retention"));
    }
);
