//! The year of officer evaluation (0022): unit rankings (insert, versioned replace), the
//! approved forms of a year, discipline cases (insert, versioned update, per officer) and
//! commendation records (one title per officer and year).

use congbo_store::repo::evaluation::{FormRow, save_form};
use congbo_store::repo::evaluation_year::{self as repo, CaseRow, CommendationRow, RankingRow};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, seed_office, seed_user};

db_test!(evaluation_year, |db| {
    let office = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &office, "lan").await;
    let minh = seed_user(&db, &office, "minh").await;
    let shard = office.id;

    // Rankings: insert, then replace only at the expected version.
    let mut r = RankingRow {
        shard_key: shard,
        office_id: office.id,
        year: 2026,
        state: "decided".into(),
        result: "{}".into(),
        decided_by: lan.id,
        decided_at: T0,
        published_by: None,
        published_at: None,
        version: 1,
    };
    let mut tx = db.begin().await.unwrap();
    assert!(
        repo::ranking(&mut tx, shard, office.id, 2026)
            .await
            .unwrap()
            .is_none()
    );
    assert!(repo::save_ranking(&mut tx, &r, None).await.unwrap());
    r.state = "published".into();
    r.published_by = Some(lan.id);
    r.published_at = Some(T0 + 1);
    r.version = 2;
    assert!(!repo::save_ranking(&mut tx, &r, Some(7)).await.unwrap());
    assert!(repo::save_ranking(&mut tx, &r, Some(1)).await.unwrap());
    assert_eq!(
        repo::ranking(&mut tx, shard, office.id, 2026)
            .await
            .unwrap(),
        Some(r.clone())
    );
    assert!(
        repo::ranking(&mut tx, shard, office.id, 2025)
            .await
            .unwrap()
            .is_none()
    );

    // Forms of a year: approved or locked only, this officer's, this year's.
    for (officer, period, state) in [
        (lan.id, "2026-01", "approved"),
        (lan.id, "2026-02", "draft"),
        (lan.id, "2026-q2", "locked"),
        (lan.id, "2025-12", "approved"),
        (minh.id, "2026-01", "approved"),
    ] {
        let f = FormRow {
            shard_key: shard,
            officer_id: officer,
            period: period.into(),
            office_id: office.id,
            state: state.into(),
            form: format!("{{\"p\":\"{period}\"}}"),
            version: 1,
            updated_at: T0,
        };
        assert!(save_form(&mut tx, &f, None).await.unwrap());
    }
    let got = repo::forms_in_year(&mut tx, shard, lan.id, "2026-")
        .await
        .unwrap();
    let periods: Vec<&str> = got.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(periods, vec!["2026-01", "2026-q2"]);

    // Discipline cases.
    let case = |id: Uuid, officer: Uuid, at: i64| CaseRow {
        shard_key: shard,
        id,
        officer_id: officer,
        office_id: office.id,
        state: "open".into(),
        summary: "Vi phạm".into(),
        source: Some("/phan-anh".into()),
        record: "{}".into(),
        created_by: minh.id,
        created_at: T0 + at,
        version: 1,
        updated_at: T0 + at,
    };
    let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
    repo::insert_case(&mut tx, &case(a, lan.id, 0))
        .await
        .unwrap();
    repo::insert_case(&mut tx, &case(b, lan.id, 5))
        .await
        .unwrap();
    repo::insert_case(&mut tx, &case(Uuid::now_v7(), minh.id, 9))
        .await
        .unwrap();
    let mut changed = case(a, lan.id, 0);
    changed.state = "decided".into();
    changed.version = 2;
    assert!(!repo::update_case(&mut tx, &changed, 2).await.unwrap());
    assert!(repo::update_case(&mut tx, &changed, 1).await.unwrap());
    assert_eq!(
        repo::case(&mut tx, shard, a).await.unwrap(),
        Some(changed.clone())
    );
    let mine = repo::cases_of(&mut tx, shard, lan.id).await.unwrap();
    assert_eq!(
        mine.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![b, a],
        "newest first"
    );

    // Commendations.
    let award = |officer: Uuid, title: &str| CommendationRow {
        shard_key: shard,
        id: Uuid::now_v7(),
        officer_id: officer,
        office_id: office.id,
        year: 2026,
        title: title.into(),
        decision_no: "15/QĐ".into(),
        decided_on: "2026-12-20".into(),
        issuer: "Chủ tịch".into(),
        created_by: minh.id,
        created_at: T0,
    };
    let w = award(lan.id, "advanced_worker");
    repo::insert_commendation(&mut tx, &w).await.unwrap();
    repo::insert_commendation(&mut tx, &award(minh.id, "advanced_worker"))
        .await
        .unwrap();
    assert_eq!(
        repo::commendations_at(&mut tx, shard, office.id, 2026)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        repo::commendations_of(&mut tx, shard, lan.id)
            .await
            .unwrap(),
        vec![w]
    );
    tx.commit().await.unwrap();
    let mut tx = db.begin().await.unwrap();
    assert_duplicate(
        repo::insert_commendation(&mut tx, &award(lan.id, "advanced_worker")).await,
        "evaluation_commendations_shard_key_officer_id_year_title_key",
    );
});
