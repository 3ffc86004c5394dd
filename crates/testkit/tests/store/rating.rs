//! `repo::rating`: one rating per (subject, criterion, channel), lists by office subtree and day
//! without the ratings set aside, recovery cases closed once, tablets paired once, settings and
//! codes of conduct replaced in place.

use congbo_store::repo::office::CounterRow;
use congbo_store::repo::rating::{self as repo, CaseRow, DeviceRow, RatingRow};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, seed_office};

fn rating(office: Uuid, subject: Uuid, channel: &str, day: &str, value: i64) -> RatingRow {
    RatingRow {
        id: Uuid::now_v7(),
        office_id: office,
        subject_id: subject,
        ticket_id: Some(subject),
        dossier_id: None,
        counter_id: None,
        officer_id: Some(Uuid::now_v7()),
        procedure_code: Some("1.004884".into()),
        group_id: None,
        criterion: "overall".into(),
        channel: channel.into(),
        scale: "level3".into(),
        value,
        satisfied: value <= 2,
        low: value == 3,
        reasons: r#"["cho-lau"]"#.into(),
        comment: Some("Chờ lâu".into()),
        trips: None,
        device_id: None,
        submission_id: Uuid::now_v7(),
        at: T0,
        day: day.into(),
    }
}

db_test!(
    ratings_are_unique_and_listed_by_subtree_without_corrections,
    |db| {
        let p = seed_office(&db, None, "P").await;
        let a = seed_office(&db, Some(&p), "P-A").await;
        let b = seed_office(&db, Some(&p), "P-B").await;
        let s = Uuid::now_v7();
        let mut tx = db.begin().await.unwrap();
        let first = rating(a.id, s, "qr", "2026-03-10", 3);
        repo::insert_rating(&mut tx, &first).await.unwrap();
        // The same subject, criterion and channel again: refused; another channel is fine.
        assert_duplicate(
            repo::insert_rating(&mut tx, &rating(a.id, s, "qr", "2026-03-10", 1)).await,
            "ratings_subject_id_criterion_channel_key",
        );
        tx.rollback().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        repo::insert_rating(&mut tx, &first).await.unwrap();
        let device = rating(a.id, s, "counter-device", "2026-03-11", 1);
        repo::insert_rating(&mut tx, &device).await.unwrap();
        repo::insert_rating(
            &mut tx,
            &rating(b.id, Uuid::now_v7(), "qr", "2026-03-10", 2),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let mut tx = db.read().await.unwrap();
        let under =
            |path: &str, from: &str, to: &str| (path.to_string(), from.to_string(), to.to_string());
        let mut n = vec![];
        for (path, from, to) in [
            under(&a.path, "2026-03-01", "2026-03-31"),
            under(&p.path, "2026-03-01", "2026-03-31"),
            under(&b.path, "2026-03-01", "2026-03-31"),
            under(&a.path, "2026-03-11", "2026-03-11"),
        ] {
            n.push(
                repo::ratings_under(&mut tx, &path, &from, &to)
                    .await
                    .unwrap()
                    .len(),
            );
        }
        assert_eq!(n, vec![2, 3, 1, 1]);
        assert!(repo::rated(&mut tx, s, "qr").await.unwrap());
        assert!(!repo::rated(&mut tx, Uuid::now_v7(), "qr").await.unwrap());
        assert_eq!(
            repo::rating(&mut tx, first.id).await.unwrap(),
            Some(first.clone())
        );
        let officer = first.officer_id.unwrap();
        assert_eq!(
            repo::ratings_of_officer(&mut tx, officer, "2026-03-01", "2026-03-31")
                .await
                .unwrap()
                .len(),
            1
        );
        tx.commit().await.unwrap();

        // Set aside once: the row stays, the lists drop it.
        let mut tx = db.begin().await.unwrap();
        repo::insert_correction(
            &mut tx,
            Uuid::now_v7(),
            first.id,
            "bấm nhầm",
            Uuid::now_v7(),
            T0,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        assert_duplicate(
            repo::insert_correction(
                &mut tx,
                Uuid::now_v7(),
                first.id,
                "lần hai",
                Uuid::now_v7(),
                T0,
            )
            .await,
            "rating_corrections_rating_id_key",
        );
        tx.rollback().await.unwrap();
        let mut tx = db.read().await.unwrap();
        assert_eq!(
            repo::ratings_under(&mut tx, &a.path, "2026-03-01", "2026-03-31")
                .await
                .unwrap()
                .len(),
            1
        );
        assert!(repo::rating(&mut tx, first.id).await.unwrap().is_some());
        assert!(
            repo::ratings_of_officer(&mut tx, officer, "2026-03-01", "2026-03-31")
                .await
                .unwrap()
                .is_empty()
        );
        tx.commit().await.unwrap();
    }
);

db_test!(recovery_cases_close_once, |db| {
    let p = seed_office(&db, None, "P").await;
    let a = seed_office(&db, Some(&p), "P-A").await;
    let r = rating(a.id, Uuid::now_v7(), "qr", "2026-03-10", 3);
    let mut k = CaseRow {
        id: Uuid::now_v7(),
        office_id: a.id,
        rating_id: r.id,
        officer_id: r.officer_id,
        opened_at: T0,
        due_date: "2026-03-12".into(),
        contact_channel: Some("phone".into()),
        contact_to: Some("0912345678".into()),
        state: "open".into(),
        called_back: None,
        outcome: None,
        closed_by: None,
        closed_at: None,
        version: 1,
    };
    let mut tx = db.begin().await.unwrap();
    repo::insert_rating(&mut tx, &r).await.unwrap();
    repo::insert_case(&mut tx, &k).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        repo::cases_under(&mut tx, &p.path, true).await.unwrap(),
        vec![k.clone()]
    );
    k.state = "closed".into();
    k.called_back = Some(true);
    k.outcome = Some("Đã gọi lại".into());
    k.closed_at = Some(T0 + 1);
    k.version = 2;
    assert!(repo::close_case(&mut tx, &k, 1).await.unwrap());
    assert!(
        !repo::close_case(&mut tx, &k, 1).await.unwrap(),
        "stale version"
    );
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert!(
        repo::cases_under(&mut tx, &p.path, true)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        repo::cases_under(&mut tx, &p.path, false).await.unwrap(),
        vec![k.clone()]
    );
    assert_eq!(repo::case(&mut tx, k.id).await.unwrap(), Some(k));
    tx.commit().await.unwrap();
});

db_test!(tablets_pair_once_and_settings_are_replaced, |db| {
    let p = seed_office(&db, None, "P").await;
    let k = CounterRow {
        id: Uuid::now_v7(),
        office_id: p.id,
        number: 1,
        name: "Quầy 1".into(),
        created_at: T0,
    };
    let d = DeviceRow {
        id: Uuid::now_v7(),
        office_id: p.id,
        counter_id: k.id,
        pair_hash: Some("pair-hash".into()),
        pair_expires: T0 + 1000,
        secret_hash: None,
        created_by: Uuid::now_v7(),
        created_at: T0,
        paired_at: None,
        revoked_at: None,
    };
    let mut tx = db.begin().await.unwrap();
    congbo_store::repo::office::insert_counter(&mut tx, &k)
        .await
        .unwrap();
    repo::insert_device(&mut tx, &d).await.unwrap();
    assert_eq!(
        repo::device_by_pair_hash(&mut tx, "pair-hash")
            .await
            .unwrap(),
        Some(d.clone())
    );
    assert!(
        repo::pair_device(&mut tx, d.id, "secret-hash", T0 + 5)
            .await
            .unwrap()
    );
    assert!(
        !repo::pair_device(&mut tx, d.id, "other", T0 + 6)
            .await
            .unwrap(),
        "used once"
    );
    assert!(
        repo::device_by_pair_hash(&mut tx, "pair-hash")
            .await
            .unwrap()
            .is_none()
    );
    let paired = repo::device_by_secret(&mut tx, "secret-hash")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(paired.paired_at, Some(T0 + 5));
    assert_eq!(repo::devices(&mut tx, p.id).await.unwrap().len(), 1);
    assert!(repo::revoke_device(&mut tx, d.id, T0 + 7).await.unwrap());
    assert!(!repo::revoke_device(&mut tx, d.id, T0 + 8).await.unwrap());
    assert!(repo::devices(&mut tx, p.id).await.unwrap().is_empty());
    assert_eq!(
        repo::device(&mut tx, d.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(T0 + 7)
    );

    repo::put_settings(&mut tx, p.id, r#"{"scale":"level3"}"#, T0)
        .await
        .unwrap();
    repo::put_settings(&mut tx, p.id, r#"{"scale":"stars5"}"#, T0 + 1)
        .await
        .unwrap();
    assert_eq!(
        repo::settings(&mut tx, p.id).await.unwrap().as_deref(),
        Some(r#"{"scale":"stars5"}"#)
    );
    repo::put_conduct_code(&mut tx, "x", "{}", T0, None)
        .await
        .unwrap();
    repo::put_conduct_code(&mut tx, "x", r#"{"v":2}"#, T0 + 1, None)
        .await
        .unwrap();
    assert_eq!(
        repo::conduct_codes(&mut tx).await.unwrap(),
        vec![("x".to_string(), r#"{"v":2}"#.to_string())]
    );
    tx.commit().await.unwrap();
});
