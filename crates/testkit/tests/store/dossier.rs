//! `repo::dossier`: rows written and read back whole, codes unique, updates guarded by the
//! version, lists scoped by office subtree (receiving or handling) with every filter, and the
//! timeline kept in order.

use congbo_store::repo::dossier::{self as repo, DossierFilter, DossierRow, EventRow};
use congbo_store::repo::office::OfficeRow;
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, seed_office};

const DAY: i64 = 86_400_000_000;

fn dossier(office: &OfficeRow, code: &str, state: &str, due: Option<&str>) -> DossierRow {
    DossierRow {
        id: Uuid::now_v7(),
        code: code.into(),
        secret: format!("secret-{code}"),
        office_id: office.id,
        office_path: office.path.clone(),
        handler_office_id: office.id,
        handler_path: office.path.clone(),
        procedure_code: "1.004884".into(),
        procedure_version: 1,
        procedure_name: "Đăng ký khai sinh".into(),
        channel: "counter".into(),
        state: state.into(),
        step: None,
        applicant_name: "Nguyễn Văn An".into(),
        applicant_id_no: Some("001099000001".into()),
        applicant_address: Some("Thôn 1".into()),
        applicant_phone: Some("0912345678".into()),
        applicant_email: None,
        notify: "sms".into(),
        documents: "[]".into(),
        facts: r#"{"state":"received"}"#.into(),
        submitted_at: T0,
        received_at: Some(T0),
        due_date: due.map(str::to_string),
        current_due: due.map(str::to_string),
        step_due: None,
        on_time: None,
        closed_at: None,
        apologies: 0,
        received_by: Some(Uuid::now_v7()),
        assignee_id: None,
        version: 1,
        created_at: T0,
        updated_at: T0,
    }
}

fn event(d: &DossierRow, seq: i64, action: &str, to: &str) -> EventRow {
    EventRow {
        dossier_id: d.id,
        seq,
        at: T0 + seq,
        action: action.into(),
        from_state: (seq > 1).then(|| "received".to_string()),
        to_state: to.into(),
        actor_id: Some(Uuid::now_v7()),
        actor_name: "Lò Thị Mai".into(),
        actor_role: Some("reception".into()),
        office_id: d.office_id,
        to_office_id: None,
        form: (seq == 1).then(|| "receipt".to_string()),
        form_no: None,
        detail: format!(r#"{{"seq":{seq}}}"#),
    }
}

async fn insert(db: &congbo_store::Db, rows: &[&DossierRow]) {
    let mut tx = db.begin().await.unwrap();
    for d in rows {
        repo::insert(&mut tx, d).await.unwrap();
    }
    tx.commit().await.unwrap();
}

db_test!(dossiers_are_read_back_whole_by_id_and_code, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let d = dossier(&a, "DB-A-260310-0001", "received", Some("2026-03-17"));
    let mut tx = db.read().await.unwrap();
    assert_eq!(repo::count(&mut tx).await.unwrap(), 0);
    tx.commit().await.unwrap();
    insert(&db, &[&d]).await;

    let mut tx = db.read().await.unwrap();
    assert_eq!(repo::get(&mut tx, d.id).await.unwrap(), Some(d.clone()));
    assert_eq!(
        repo::get_by_code(&mut tx, "DB-A-260310-0001")
            .await
            .unwrap(),
        Some(d.clone())
    );
    assert_eq!(repo::get(&mut tx, Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(
        repo::get_by_code(&mut tx, "DB-A-260310-0002")
            .await
            .unwrap(),
        None
    );
    assert_eq!(repo::count(&mut tx).await.unwrap(), 1);
    tx.commit().await.unwrap();

    // A code is given once.
    let mut tx = db.begin().await.unwrap();
    assert_duplicate(
        repo::insert(&mut tx, &dossier(&a, "DB-A-260310-0001", "received", None)).await,
        "dossiers_code_key",
    );
    tx.rollback().await.unwrap();
});

db_test!(an_update_applies_only_at_the_expected_version, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let b = seed_office(&db, Some(&p), "DB-B").await;
    let d = dossier(&a, "DB-A-260310-0001", "received", Some("2026-03-17"));
    insert(&db, &[&d]).await;

    let mut tx = db.begin().await.unwrap();
    let mut changed = repo::get_for_update(&mut tx, d.id).await.unwrap().unwrap();
    assert_eq!(changed, d);
    changed.handler_office_id = b.id;
    changed.handler_path = b.path.clone();
    changed.state = "in_process".into();
    changed.step = Some(2);
    changed.facts = r#"{"state":"in_process"}"#.into();
    changed.current_due = Some("2026-03-20".into());
    changed.step_due = Some(T0 + DAY);
    changed.apologies = 1;
    changed.assignee_id = Some(Uuid::now_v7());
    changed.version = 2;
    changed.updated_at = T0 + 5;
    assert!(repo::update(&mut tx, &changed, 1).await.unwrap());
    // A writer still holding version 1 is refused.
    let mut stale = d.clone();
    stale.state = "refused".into();
    stale.version = 2;
    assert!(!repo::update(&mut tx, &stale, 1).await.unwrap());
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    let got = repo::get(&mut tx, d.id).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(got, changed);
    // What intake fixed stays (the code, the applicant, the receiving office).
    assert_eq!(got.code, d.code);
    assert_eq!(got.office_id, a.id);
    assert_eq!(got.applicant_name, d.applicant_name);

    // Closing writes the outcome.
    let mut closed = got.clone();
    closed.state = "returned".into();
    closed.on_time = Some("on-time".into());
    closed.closed_at = Some(T0 + 2 * DAY);
    closed.version = 3;
    let mut tx = db.begin().await.unwrap();
    assert!(repo::update(&mut tx, &closed, 2).await.unwrap());
    assert_eq!(repo::get(&mut tx, d.id).await.unwrap(), Some(closed));
    tx.commit().await.unwrap();
});

db_test!(lists_keep_to_the_scopes_and_apply_every_filter, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let b = seed_office(&db, Some(&p), "DB-B").await;
    let mut d1 = dossier(&a, "DB-A-260310-0001", "received", Some("2026-03-20"));
    d1.received_at = Some(T0);
    let mut d2 = dossier(&a, "DB-A-260311-0001", "in_process", Some("2026-03-12"));
    d2.received_at = Some(T0 + DAY);
    let assignee = Uuid::now_v7();
    d2.assignee_id = Some(assignee);
    let mut d3 = dossier(&a, "DB-A-260312-0001", "returned", Some("2026-03-10"));
    d3.received_at = Some(T0 + 2 * DAY);
    d3.procedure_code = "2.000001".into();
    // Received by B, handled now by A: A sees it too.
    let mut d4 = dossier(&b, "DB-B-260310-0001", "in_process", None);
    d4.handler_office_id = a.id;
    d4.handler_path = a.path.clone();
    let d5 = dossier(&b, "DB-B-260310-0002", "received", Some("2026-03-11"));
    insert(&db, &[&d1, &d2, &d3, &d4, &d5]).await;

    let codes = |rows: Vec<DossierRow>| rows.into_iter().map(|d| d.code).collect::<Vec<_>>();
    let base = DossierFilter {
        scopes: vec![a.path.clone()],
        limit: 100,
        ..DossierFilter::default()
    };
    let mut tx = db.read().await.unwrap();
    // Most urgent first; no appointment last.
    assert_eq!(
        codes(repo::list(&mut tx, &base).await.unwrap()),
        [
            "DB-A-260312-0001",
            "DB-A-260311-0001",
            "DB-A-260310-0001",
            "DB-B-260310-0001"
        ]
    );
    // No scope, nothing.
    let none = DossierFilter {
        scopes: vec![],
        ..base.clone()
    };
    assert!(repo::list(&mut tx, &none).await.unwrap().is_empty());
    // Two scopes: both subtrees; the province's: everything.
    let both = DossierFilter {
        scopes: vec![a.path.clone(), b.path.clone()],
        ..base.clone()
    };
    assert_eq!(repo::list(&mut tx, &both).await.unwrap().len(), 5);
    let province = DossierFilter {
        scopes: vec![p.path.clone()],
        ..base.clone()
    };
    assert_eq!(repo::list(&mut tx, &province).await.unwrap().len(), 5);
    let f = |g: fn(&mut DossierFilter)| {
        let mut f = base.clone();
        g(&mut f);
        f
    };
    let states = f(|f| f.states = vec!["in_process".into()]);
    assert_eq!(
        codes(repo::list(&mut tx, &states).await.unwrap()),
        ["DB-A-260311-0001", "DB-B-260310-0001"]
    );
    let open = f(|f| f.open_only = true);
    assert!(!codes(repo::list(&mut tx, &open).await.unwrap()).contains(&"DB-A-260312-0001".into()));
    assert_eq!(repo::list(&mut tx, &open).await.unwrap().len(), 3);
    let mut mine = base.clone();
    mine.assignee_id = Some(assignee);
    assert_eq!(
        codes(repo::list(&mut tx, &mine).await.unwrap()),
        ["DB-A-260311-0001"]
    );
    let procedure = f(|f| f.procedure_code = Some("2.000001".into()));
    assert_eq!(
        codes(repo::list(&mut tx, &procedure).await.unwrap()),
        ["DB-A-260312-0001"]
    );
    let due = f(|f| f.due_on_or_before = Some("2026-03-12".into()));
    assert_eq!(
        codes(repo::list(&mut tx, &due).await.unwrap()),
        ["DB-A-260312-0001", "DB-A-260311-0001"]
    );
    let received = f(|f| {
        f.received_from = Some(T0 + DAY);
        f.received_to = Some(T0 + 2 * DAY);
    });
    assert_eq!(
        codes(repo::list(&mut tx, &received).await.unwrap()),
        ["DB-A-260311-0001"]
    );
    let prefix = f(|f| f.code_prefix = Some("DB-A-26031".into()));
    assert_eq!(repo::list(&mut tx, &prefix).await.unwrap().len(), 3);
    let exact = f(|f| f.code_prefix = Some("DB-B-260310-0001".into()));
    assert_eq!(
        codes(repo::list(&mut tx, &exact).await.unwrap()),
        ["DB-B-260310-0001"]
    );
    // Pages.
    let page = f(|f| {
        f.limit = 2;
        f.offset = 1;
    });
    assert_eq!(
        codes(repo::list(&mut tx, &page).await.unwrap()),
        ["DB-A-260311-0001", "DB-A-260310-0001"]
    );
    // Filters combine.
    let combined = f(|f| {
        f.states = vec!["in_process".into(), "received".into()];
        f.due_on_or_before = Some("2026-03-15".into());
    });
    assert_eq!(
        codes(repo::list(&mut tx, &combined).await.unwrap()),
        ["DB-A-260311-0001"]
    );
    tx.commit().await.unwrap();
});

db_test!(the_timeline_is_kept_in_order_and_each_step_once, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let d = dossier(&a, "DB-A-260310-0001", "received", None);
    let other = dossier(&a, "DB-A-260310-0002", "received", None);
    insert(&db, &[&d, &other]).await;
    let (e1, e2, e3) = (
        event(&d, 1, "create", "received"),
        event(&d, 2, "receive", "in_process"),
        event(&d, 3, "finish", "result_ready"),
    );
    let mut tx = db.begin().await.unwrap();
    // Written out of order, read back by sequence.
    repo::insert_event(&mut tx, &e3).await.unwrap();
    repo::insert_event(&mut tx, &e1).await.unwrap();
    repo::insert_event(&mut tx, &e2).await.unwrap();
    repo::insert_event(&mut tx, &event(&other, 1, "create", "received"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        repo::events(&mut tx, d.id).await.unwrap(),
        vec![e1.clone(), e2, e3]
    );
    assert_eq!(repo::events(&mut tx, other.id).await.unwrap().len(), 1);
    assert!(
        repo::events(&mut tx, Uuid::now_v7())
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();

    // One event per step: the same sequence number again is refused.
    let mut tx = db.begin().await.unwrap();
    assert!(repo::insert_event(&mut tx, &e1).await.is_err());
    tx.rollback().await.unwrap();
});

db_test!(open_due_from_reads_open_dossiers_of_every_office, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let b = seed_office(&db, Some(&p), "DB-B").await;
    let d1 = dossier(&b, "DB-B-260310-0001", "received", Some("2026-03-20"));
    let d2 = dossier(&a, "DB-A-260311-0001", "in-process", Some("2026-03-12"));
    let d3 = dossier(&a, "DB-A-260312-0001", "returned", Some("2026-03-13"));
    let d4 = dossier(&a, "DB-A-260312-0002", "received", None);
    let d5 = dossier(&a, "DB-A-260312-0003", "received", Some("2026-03-11"));
    let d6 = dossier(&a, "DB-A-260312-0004", "done", Some("2026-03-12"));
    insert(&db, &[&d1, &d2, &d3, &d4, &d5, &d6]).await;
    let mut tx = db.read().await.unwrap();
    let codes: Vec<String> = repo::open_due_from(&mut tx, "2026-03-12")
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(
        codes,
        ["DB-A-260311-0001", "DB-A-260312-0004", "DB-B-260310-0001"]
    );
    assert!(
        repo::open_due_from(&mut tx, "2026-03-21")
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
});
