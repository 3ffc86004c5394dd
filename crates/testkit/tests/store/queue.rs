//! `repo::queue`: service groups per office, the services of each counter, one officer per
//! counter and one counter per officer, settings replaced in place, tickets guarded by their
//! version and listed by state, day and counter, and their links to dossiers.

use congbo_store::Db;
use congbo_store::repo::dossier::{self, DossierRow};
use congbo_store::repo::office::{self, CounterRow, OfficeRow};
use congbo_store::repo::queue::{self as repo, GroupRow, TicketRow};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, seed_office, seed_user};

const MIN: i64 = 60_000_000;

fn group(office: &OfficeRow, letter: &str) -> GroupRow {
    GroupRow {
        id: Uuid::now_v7(),
        office_id: office.id,
        letter: letter.into(),
        name: format!("Dịch vụ {letter}"),
        field: Some("Hộ tịch".into()),
        active: true,
        created_at: T0,
    }
}

async fn counter(db: &Db, office: &OfficeRow, number: i32) -> CounterRow {
    let c = CounterRow {
        id: Uuid::now_v7(),
        office_id: office.id,
        number,
        name: format!("Quầy {number}"),
        created_at: T0,
    };
    let mut tx = db.begin().await.unwrap();
    office::insert_counter(&mut tx, &c).await.unwrap();
    tx.commit().await.unwrap();
    c
}

fn ticket(g: &GroupRow, serial: i64, day: &str, enqueued: i64) -> TicketRow {
    TicketRow {
        id: Uuid::now_v7(),
        office_id: g.office_id,
        group_id: g.id,
        first_group_id: g.id,
        number: format!("{}{serial:03}", g.letter),
        serial,
        day: day.into(),
        channel: "kiosk".into(),
        priority: None,
        priority_by: None,
        state: "waiting".into(),
        issued_at: enqueued,
        enqueued_at: enqueued,
        first_called_at: None,
        called_at: None,
        recalls: 0,
        counter_id: None,
        officer_id: None,
        target_counter_id: None,
        transfers: 0,
        serve_start: None,
        serve_end: None,
        closed_at: None,
        apologized_at: None,
        apologized_by: None,
        follow_secret: format!("follow-{serial}"),
        notify_channel: None,
        notify_to: None,
        notified_at: None,
        request_key: None,
        version: 1,
    }
}

async fn insert_tickets(db: &Db, rows: &[&TicketRow]) {
    let mut tx = db.begin().await.unwrap();
    for t in rows {
        repo::insert_ticket(&mut tx, t).await.unwrap();
    }
    tx.commit().await.unwrap();
}

fn called(t: &TicketRow, counter: Uuid, at: i64, priority: bool) -> TicketRow {
    TicketRow {
        state: "called".into(),
        first_called_at: Some(at),
        called_at: Some(at),
        counter_id: Some(counter),
        priority: priority.then(|| "elderly".to_string()),
        ..t.clone()
    }
}

fn done(t: &TicketRow, counter: Uuid, start: i64, minutes: i64) -> TicketRow {
    TicketRow {
        state: "done".into(),
        first_called_at: Some(start),
        called_at: Some(start),
        counter_id: Some(counter),
        serve_start: Some(start),
        serve_end: Some(start + minutes * MIN),
        closed_at: Some(start + minutes * MIN),
        ..t.clone()
    }
}

db_test!(service_groups_per_office_by_letter, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let b = seed_office(&db, Some(&p), "DB-B").await;
    let (gb, ga, gb_other) = (group(&a, "B"), group(&a, "A"), group(&b, "A"));
    let mut tx = db.begin().await.unwrap();
    for g in [&gb, &ga, &gb_other] {
        repo::insert_group(&mut tx, g).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        repo::groups(&mut tx, a.id).await.unwrap(),
        vec![ga.clone(), gb.clone()]
    );
    assert_eq!(
        repo::group(&mut tx, gb_other.id).await.unwrap(),
        Some(gb_other)
    );
    assert_eq!(repo::group(&mut tx, Uuid::now_v7()).await.unwrap(), None);
    tx.commit().await.unwrap();

    // Renamed, moved to another field, closed: the letter and office stay.
    let changed = GroupRow {
        name: "Chứng thực".into(),
        field: None,
        active: false,
        letter: "Z".into(),
        ..ga.clone()
    };
    let mut tx = db.begin().await.unwrap();
    repo::update_group(&mut tx, &changed).await.unwrap();
    let got = repo::group(&mut tx, ga.id).await.unwrap().unwrap();
    assert_eq!(
        got,
        GroupRow {
            letter: "A".into(),
            ..changed
        }
    );
    // One letter per office.
    assert_duplicate(
        repo::insert_group(&mut tx, &group(&a, "B")).await,
        "service_groups_office_id_letter_key",
    );
    tx.rollback().await.unwrap();
});

db_test!(counter_services_are_replaced_and_listed_per_office, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let b = seed_office(&db, Some(&p), "DB-B").await;
    let (c1, c2, cb) = (
        counter(&db, &a, 1).await,
        counter(&db, &a, 2).await,
        counter(&db, &b, 1).await,
    );
    let (ga, gb, gother) = (group(&a, "A"), group(&a, "B"), group(&b, "A"));
    let mut tx = db.begin().await.unwrap();
    for g in [&ga, &gb, &gother] {
        repo::insert_group(&mut tx, g).await.unwrap();
    }
    repo::set_counter_services(&mut tx, c1.id, &[ga.id, gb.id])
        .await
        .unwrap();
    repo::set_counter_services(&mut tx, c2.id, &[gb.id])
        .await
        .unwrap();
    repo::set_counter_services(&mut tx, cb.id, &[gother.id])
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let sorted = |mut v: Vec<(Uuid, Uuid)>| {
        v.sort();
        v
    };
    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        sorted(repo::counter_services(&mut tx, a.id).await.unwrap()),
        sorted(vec![(c1.id, ga.id), (c1.id, gb.id), (c2.id, gb.id)])
    );
    // Replacing drops what is no longer served; an empty list serves nothing.
    repo::set_counter_services(&mut tx, c1.id, &[ga.id])
        .await
        .unwrap();
    repo::set_counter_services(&mut tx, c2.id, &[])
        .await
        .unwrap();
    assert_eq!(
        repo::counter_services(&mut tx, a.id).await.unwrap(),
        vec![(c1.id, ga.id)]
    );
    assert_eq!(
        repo::counter_services(&mut tx, b.id).await.unwrap(),
        vec![(cb.id, gother.id)]
    );
    // The counter's office and number.
    let info = repo::counter(&mut tx, c2.id).await.unwrap().unwrap();
    assert_eq!(
        (info.id, info.office_id, info.number, info.name.as_str()),
        (c2.id, a.id, 2, "Quầy 2")
    );
    assert_eq!(repo::counter(&mut tx, Uuid::now_v7()).await.unwrap(), None);
    tx.commit().await.unwrap();
});

db_test!(one_officer_per_counter_and_one_counter_per_officer, |db| {
    let p = seed_office(&db, None, "DB").await;
    let a = seed_office(&db, Some(&p), "DB-A").await;
    let (c1, c2) = (counter(&db, &a, 1).await, counter(&db, &a, 2).await);
    let lan = seed_user(&db, &a, "lan").await;
    let minh = seed_user(&db, &a, "minh").await;

    let mut tx = db.begin().await.unwrap();
    repo::sign_in(&mut tx, c1.id, a.id, lan.id, T0)
        .await
        .unwrap();
    let d = repo::duty_of_user(&mut tx, lan.id).await.unwrap().unwrap();
    assert_eq!(
        (d.counter_id, d.office_id, d.user_id, d.since),
        (c1.id, a.id, lan.id, T0)
    );
    assert_eq!(d.full_name, lan.full_name);
    // Moving to another counter leaves the first.
    repo::sign_in(&mut tx, c2.id, a.id, lan.id, T0 + 1)
        .await
        .unwrap();
    // Someone else takes counter 2: Lan is signed out.
    repo::sign_in(&mut tx, c2.id, a.id, minh.id, T0 + 2)
        .await
        .unwrap();
    assert_eq!(repo::duty_of_user(&mut tx, lan.id).await.unwrap(), None);
    let duty = repo::duty(&mut tx, a.id).await.unwrap();
    assert_eq!(duty.len(), 1);
    assert_eq!((duty[0].counter_id, duty[0].user_id), (c2.id, minh.id));
    assert!(repo::sign_out(&mut tx, minh.id).await.unwrap());
    assert!(!repo::sign_out(&mut tx, minh.id).await.unwrap());
    assert!(repo::duty(&mut tx, a.id).await.unwrap().is_empty());
    tx.commit().await.unwrap();
});

db_test!(
    settings_are_replaced_in_place_and_locking_keeps_them,
    |db| {
        let p = seed_office(&db, None, "DB").await;
        let a = seed_office(&db, Some(&p), "DB-A").await;
        let b = seed_office(&db, Some(&p), "DB-B").await;
        let mut tx = db.begin().await.unwrap();
        assert_eq!(repo::settings(&mut tx, a.id).await.unwrap(), None);
        // Locking an office without settings makes an empty row, which reads as '{}'.
        repo::lock_office(&mut tx, b.id, T0).await.unwrap();
        assert_eq!(
            repo::settings(&mut tx, b.id).await.unwrap().as_deref(),
            Some("{}")
        );
        repo::put_settings(&mut tx, a.id, r#"{"voice":true}"#, T0)
            .await
            .unwrap();
        repo::put_settings(&mut tx, a.id, r#"{"voice":false}"#, T0 + 1)
            .await
            .unwrap();
        // Locking does not touch what is there.
        repo::lock_office(&mut tx, a.id, T0 + 2).await.unwrap();
        assert_eq!(
            repo::settings(&mut tx, a.id).await.unwrap().as_deref(),
            Some(r#"{"voice":false}"#)
        );
        tx.commit().await.unwrap();
    }
);

db_test!(
    tickets_are_guarded_by_version_and_listed_by_state_and_day,
    |db| {
        let p = seed_office(&db, None, "DB").await;
        let a = seed_office(&db, Some(&p), "DB-A").await;
        let b = seed_office(&db, Some(&p), "DB-B").await;
        let c1 = counter(&db, &a, 1).await;
        let (ga, gb) = (group(&a, "A"), group(&b, "A"));
        let mut tx = db.begin().await.unwrap();
        repo::insert_group(&mut tx, &ga).await.unwrap();
        repo::insert_group(&mut tx, &gb).await.unwrap();
        tx.commit().await.unwrap();

        let mut t1 = ticket(&ga, 1, "2026-03-10", T0);
        t1.request_key = Some("kiosk-1/42".into());
        let t2 = ticket(&ga, 2, "2026-03-10", T0 + MIN);
        let t3 = ticket(&ga, 3, "2026-03-10", T0 + 2 * MIN);
        let yesterday = ticket(&ga, 1, "2026-03-09", T0 - 1440 * MIN);
        let other = ticket(&gb, 1, "2026-03-10", T0);
        // Enqueued out of serial order: a transfer keeps the first position key.
        insert_tickets(&db, &[&t3, &t1, &t2, &yesterday, &other]).await;

        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            repo::ticket(&mut tx, t1.id).await.unwrap(),
            Some(t1.clone())
        );
        assert_eq!(repo::ticket(&mut tx, Uuid::now_v7()).await.unwrap(), None);
        assert_eq!(
            repo::ticket_by_request_key(&mut tx, a.id, "kiosk-1/42")
                .await
                .unwrap(),
            Some(t1.clone())
        );
        // The key is the device's within one office.
        assert_eq!(
            repo::ticket_by_request_key(&mut tx, b.id, "kiosk-1/42")
                .await
                .unwrap(),
            None
        );
        let ids = |v: Vec<TicketRow>| v.into_iter().map(|t| t.id).collect::<Vec<_>>();
        assert_eq!(
            ids(repo::tickets_in_state(&mut tx, a.id, "waiting")
                .await
                .unwrap()),
            [yesterday.id, t1.id, t2.id, t3.id]
        );
        // Serial numbers are unique per office, day and service.
        assert_duplicate(
            repo::insert_ticket(&mut tx, &ticket(&ga, 2, "2026-03-10", T0)).await,
            "tickets_office_id_day_first_group_id_serial_key",
        );
        tx.rollback().await.unwrap();

        // Called at counter 1, then served.
        let mut tx = db.begin().await.unwrap();
        let locked = repo::ticket_for_update(&mut tx, t1.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(locked, t1);
        let mut c = called(&t1, c1.id, T0 + 3 * MIN, true);
        c.version = 2;
        assert!(repo::update_ticket(&mut tx, &c, 1).await.unwrap());
        // A second writer still at version 1 is refused.
        assert!(!repo::update_ticket(&mut tx, &c, 1).await.unwrap());
        assert_eq!(repo::ticket(&mut tx, t1.id).await.unwrap(), Some(c.clone()));
        let mut c2 = called(&t2, c1.id, T0 + 4 * MIN, false);
        c2.version = 2;
        assert!(repo::update_ticket(&mut tx, &c2, 1).await.unwrap());
        tx.commit().await.unwrap();

        let mut tx = db.read().await.unwrap();
        assert_eq!(
            ids(repo::tickets_in_state(&mut tx, a.id, "called")
                .await
                .unwrap()),
            [t1.id, t2.id]
        );
        // At the counters: the latest call first.
        assert_eq!(
            ids(repo::at_counters(&mut tx, a.id).await.unwrap()),
            [t2.id, t1.id]
        );
        assert!(repo::at_counters(&mut tx, b.id).await.unwrap().is_empty());
        // The most recent first calls, newest first: ordinary, then priority.
        assert_eq!(
            repo::recent_calls(&mut tx, a.id, "2026-03-10", 10)
                .await
                .unwrap(),
            [false, true]
        );
        assert_eq!(
            repo::recent_calls(&mut tx, a.id, "2026-03-10", 1)
                .await
                .unwrap(),
            [false]
        );
        assert!(
            repo::recent_calls(&mut tx, a.id, "2026-03-09", 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            repo::count_in_state(&mut tx, a.id, "2026-03-10", "waiting")
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            repo::count_in_state(&mut tx, a.id, "2026-03-10", "called")
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            repo::count_in_state(&mut tx, a.id, "2026-03-09", "waiting")
                .await
                .unwrap(),
            1
        );
        // Days are inclusive; by issue time.
        assert_eq!(
            ids(
                repo::tickets_between(&mut tx, a.id, "2026-03-09", "2026-03-10")
                    .await
                    .unwrap()
            ),
            [yesterday.id, t1.id, t2.id, t3.id]
        );
        assert_eq!(
            ids(
                repo::tickets_between(&mut tx, a.id, "2026-03-10", "2026-03-10")
                    .await
                    .unwrap()
            )
            .len(),
            3
        );
        assert_eq!(
            ids(
                repo::tickets_between(&mut tx, b.id, "2026-03-09", "2026-03-10")
                    .await
                    .unwrap()
            ),
            [other.id]
        );
        tx.commit().await.unwrap();
    }
);

db_test!(
    finished_tickets_give_service_times_and_the_counters_last,
    |db| {
        let p = seed_office(&db, None, "DB").await;
        let a = seed_office(&db, Some(&p), "DB-A").await;
        let (c1, c2) = (counter(&db, &a, 1).await, counter(&db, &a, 2).await);
        let (ga, gb) = (group(&a, "A"), group(&a, "B"));
        let mut tx = db.begin().await.unwrap();
        repo::insert_group(&mut tx, &ga).await.unwrap();
        repo::insert_group(&mut tx, &gb).await.unwrap();
        tx.commit().await.unwrap();
        let t1 = done(&ticket(&ga, 1, "2026-03-10", T0), c1.id, T0 + MIN, 5);
        let t2 = done(&ticket(&ga, 2, "2026-03-10", T0), c1.id, T0 + 10 * MIN, 8);
        let t3 = done(&ticket(&gb, 1, "2026-03-10", T0), c2.id, T0 + 20 * MIN, 3);
        let waiting = ticket(&ga, 3, "2026-03-10", T0 + 30 * MIN);
        insert_tickets(&db, &[&t1, &t2, &t3, &waiting]).await;

        let mut tx = db.read().await.unwrap();
        // Newest first, only the group's, only since the given instant.
        assert_eq!(
            repo::recent_services(&mut tx, ga.id, T0, 10).await.unwrap(),
            [8 * MIN, 5 * MIN]
        );
        assert_eq!(
            repo::recent_services(&mut tx, ga.id, T0, 1).await.unwrap(),
            [8 * MIN]
        );
        assert_eq!(
            repo::recent_services(&mut tx, ga.id, T0 + 7 * MIN, 10)
                .await
                .unwrap(),
            [8 * MIN]
        );
        assert_eq!(
            repo::recent_services(&mut tx, gb.id, T0, 10).await.unwrap(),
            [3 * MIN]
        );
        assert_eq!(
            repo::last_finished_at(&mut tx, c1.id)
                .await
                .unwrap()
                .map(|t| t.id),
            Some(t2.id)
        );
        assert_eq!(
            repo::last_finished_at(&mut tx, c2.id)
                .await
                .unwrap()
                .map(|t| t.id),
            Some(t3.id)
        );
        assert_eq!(
            repo::last_finished_at(&mut tx, Uuid::now_v7())
                .await
                .unwrap(),
            None
        );
        tx.commit().await.unwrap();
    }
);

fn dossier_row(office: &OfficeRow, code: &str) -> DossierRow {
    DossierRow {
        id: Uuid::now_v7(),
        code: code.into(),
        secret: "s".into(),
        office_id: office.id,
        office_path: office.path.clone(),
        handler_office_id: office.id,
        handler_path: office.path.clone(),
        procedure_code: "1.004884".into(),
        procedure_version: 1,
        procedure_name: "Đăng ký khai sinh".into(),
        channel: "counter".into(),
        state: "received".into(),
        step: None,
        applicant_name: "Nguyễn Văn An".into(),
        applicant_id_no: None,
        applicant_address: None,
        applicant_phone: None,
        applicant_email: None,
        notify: String::new(),
        documents: "[]".into(),
        facts: "{}".into(),
        submitted_at: T0,
        received_at: Some(T0),
        due_date: None,
        current_due: None,
        step_due: None,
        on_time: None,
        closed_at: None,
        apologies: 0,
        received_by: None,
        assignee_id: None,
        version: 1,
        created_at: T0,
        updated_at: T0,
    }
}

db_test!(
    a_ticket_leads_to_dossiers_and_each_dossier_to_one_ticket,
    |db| {
        let p = seed_office(&db, None, "DB").await;
        let a = seed_office(&db, Some(&p), "DB-A").await;
        let ga = group(&a, "A");
        let mut tx = db.begin().await.unwrap();
        repo::insert_group(&mut tx, &ga).await.unwrap();
        tx.commit().await.unwrap();
        let (t1, t2) = (
            ticket(&ga, 1, "2026-03-10", T0),
            ticket(&ga, 2, "2026-03-10", T0),
        );
        insert_tickets(&db, &[&t1, &t2]).await;
        let (d1, d2) = (
            dossier_row(&a, "DB-A-260310-0002"),
            dossier_row(&a, "DB-A-260310-0001"),
        );
        let mut tx = db.begin().await.unwrap();
        dossier::insert(&mut tx, &d1).await.unwrap();
        dossier::insert(&mut tx, &d2).await.unwrap();
        repo::link_dossier(&mut tx, t1.id, d1.id).await.unwrap();
        repo::link_dossier(&mut tx, t1.id, d2.id).await.unwrap();
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        // By code.
        assert_eq!(
            repo::dossiers_of_ticket(&mut tx, t1.id).await.unwrap(),
            [(d2.id, d2.code.clone()), (d1.id, d1.code.clone())]
        );
        assert!(
            repo::dossiers_of_ticket(&mut tx, t2.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            repo::ticket_of_dossier(&mut tx, d1.id).await.unwrap(),
            Some(t1.clone())
        );
        assert_eq!(
            repo::ticket_of_dossier(&mut tx, Uuid::now_v7())
                .await
                .unwrap(),
            None
        );
        // A dossier comes from one ticket only.
        assert_duplicate(
            repo::link_dossier(&mut tx, t2.id, d1.id).await,
            "ticket_dossiers_dossier_id_key",
        );
        tx.rollback().await.unwrap();
    }
);
