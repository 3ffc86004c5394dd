//! Personal data (issue 18): the retention periods and purges, and the breach register.

use congbo_domain::office::OfficePath;
use congbo_domain::privacy::retention::RecordKind;
use congbo_store::Db;
use congbo_store::repo::breach::{self, BreachRow};
use congbo_store::repo::retention::{self, PeriodRow};
use congbo_store::repo::session::{self, SessionRow};
use congbo_store::repo::staff;
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, seed_office, seed_user};

const HOUR: i64 = 3_600_000_000;

async fn role(db: &Db, user: Uuid, role: &str, office: Uuid) {
    let mut tx = db.begin().await.unwrap();
    staff::insert_assignment(&mut tx, Uuid::now_v7(), user, role, office, T0)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

db_test!(periods_are_stored_replaced_and_removed, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let mut tx = db.begin().await.unwrap();
    let row = PeriodRow {
        kind: "dossier".into(),
        amount: 30,
        updated_by: lan.id,
        updated_at: T0,
    };
    retention::put_period(&mut tx, &row).await.unwrap();
    retention::put_period(
        &mut tx,
        &PeriodRow {
            amount: 25,
            ..row.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        retention::periods(&mut tx).await.unwrap(),
        vec![PeriodRow { amount: 25, ..row }]
    );
    assert_eq!(
        retention::delete_period(&mut tx, "dossier").await.unwrap(),
        1
    );
    assert!(retention::periods(&mut tx).await.unwrap().is_empty());
    tx.commit().await.unwrap();
});

db_test!(purges_count_and_treat_only_what_is_past_the_cutoff, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let mut tx = db.begin().await.unwrap();
    for (i, expires) in [T0 - 10, T0 - 5, T0 + 10].into_iter().enumerate() {
        let s = SessionRow {
            token_hash: format!("h{i}"),
            user_id: lan.id,
            created_at: T0 - 100,
            expires_at: expires,
            last_seen_at: T0 - 100,
        };
        session::insert(&mut tx, &s).await.unwrap();
    }
    staff::add_login_failure(&mut tx, lan.id, T0 - 50)
        .await
        .unwrap();
    for kind in RecordKind::ALL {
        // Every kind's statements run on both databases.
        let n = retention::count_due(&mut tx, kind, T0).await.unwrap();
        let want = match kind {
            RecordKind::Session => 2,
            RecordKind::FailedLogins => 1,
            _ => 0,
        };
        assert_eq!(n, want, "{kind:?}");
    }
    let one = retention::purge_batch(&mut tx, RecordKind::Session, T0, T0, 1)
        .await
        .unwrap();
    assert_eq!(one.rows, 1, "the limit holds");
    let rest = retention::purge_batch(&mut tx, RecordKind::Session, T0, T0, 500)
        .await
        .unwrap();
    assert_eq!(rest.rows, 1);
    assert_eq!(
        retention::count_due(&mut tx, RecordKind::Session, T0)
            .await
            .unwrap(),
        0
    );
    for kind in RecordKind::ALL {
        retention::purge_batch(&mut tx, kind, T0, T0, 500)
            .await
            .unwrap();
    }
    let u = staff::get(&mut tx, lan.id).await.unwrap().unwrap();
    assert_eq!((u.failed_logins, u.locked_until), (0, None));
    tx.commit().await.unwrap();
});

db_test!(breaches_are_read_within_a_subtree_and_marked_once, |db| {
    let top = seed_office(&db, None, "P").await;
    let a = seed_office(&db, Some(&top), "A").await;
    let b = seed_office(&db, Some(&top), "B").await;
    let admin = seed_user(&db, &top, "quantri").await;
    role(&db, admin.id, "admin", top.id).await;
    let mut tx = db.begin().await.unwrap();
    let row = BreachRow {
        shard_key: OfficePath::from_stored(a.path.clone()).shard_key(),
        id: Uuid::now_v7(),
        office_id: a.id,
        detected_at: T0,
        description: "Lộ dữ liệu".into(),
        offices_affected: "A".into(),
        record_kinds: "dossiers".into(),
        people_estimate: Some(3),
        measures: String::new(),
        authority_due_at: T0 + 72 * HOUR,
        authority_notified_at: None,
        authority_reference: None,
        subjects_notified_at: None,
        reminded_at: None,
        created_by: admin.id,
        created_at: T0,
        version: 1,
    };
    breach::insert(&mut tx, &row).await.unwrap();
    assert_eq!(row.shard_key, top.id);
    assert_eq!(
        breach::get(&mut tx, row.id).await.unwrap(),
        Some(row.clone())
    );
    assert_eq!(
        breach::list_under(&mut tx, &a.path, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        breach::list_under(&mut tx, &top.path, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        breach::list_under(&mut tx, &b.path, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        breach::admin_emails(&mut tx, &a.path).await.unwrap(),
        vec!["quantri@example.test".to_string()]
    );
    assert!(
        breach::reminders_due(&mut tx, T0, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        breach::reminders_due(&mut tx, T0 + 72 * HOUR, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        breach::claim_reminder(&mut tx, row.id, T0 + HOUR)
            .await
            .unwrap()
    );
    assert!(
        !breach::claim_reminder(&mut tx, row.id, T0 + HOUR)
            .await
            .unwrap()
    );
    assert!(
        breach::mark_authority(&mut tx, row.id, T0 + HOUR, "1/CV")
            .await
            .unwrap()
    );
    assert!(
        !breach::mark_authority(&mut tx, row.id, T0 + HOUR, "2/CV")
            .await
            .unwrap()
    );
    assert!(
        breach::mark_subjects(&mut tx, row.id, T0 + HOUR)
            .await
            .unwrap()
    );
    assert!(
        !breach::mark_subjects(&mut tx, row.id, T0 + HOUR)
            .await
            .unwrap()
    );
    let got = breach::get(&mut tx, row.id).await.unwrap().unwrap();
    assert_eq!(got.authority_reference.as_deref(), Some("1/CV"));
    assert_eq!(got.version, 3);
    tx.commit().await.unwrap();
});
