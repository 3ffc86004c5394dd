//! Offices: rows, subtree listing and moves, history and counters.

use congbo_domain::office::OfficePath;
use congbo_store::repo::office::{self, CounterRow, HistoryRow, OfficeRow};
use congbo_store::{Db, on_tx};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, office_row_with_id, seed_office, seed_office_with_id};

async fn name_folded(db: &Db, id: Uuid) -> String {
    let mut tx = db.read().await.unwrap();
    let s: String =
        on_tx!(&mut tx, c => sqlx::query_scalar("SELECT name_folded FROM offices WHERE id = $1")
        .bind(id).fetch_one(c).await)
        .unwrap();
    tx.commit().await.unwrap();
    s
}

/// Two ids whose simple hex forms differ only in the last digit.
fn twin_ids() -> (Uuid, Uuid) {
    let base = Uuid::now_v7().as_u128() & !0xf;
    (Uuid::from_u128(base | 0x1), Uuid::from_u128(base | 0x2))
}

db_test!(insert_get_count, |db| {
    let mut tx = db.read().await.unwrap();
    assert_eq!(office::count(&mut tx).await.unwrap(), 0);
    tx.commit().await.unwrap();

    let root = office_row_with_id(Uuid::now_v7(), None, "HN");
    let mut tx = db.begin().await.unwrap();
    office::insert(&mut tx, &root, "ha noi").await.unwrap();
    // Visible inside the writing transaction already.
    assert_eq!(
        office::get(&mut tx, root.id).await.unwrap(),
        Some(root.clone())
    );
    tx.commit().await.unwrap();
    let child = seed_office(&db, Some(&root), "HN-BD").await;

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        office::get(&mut tx, root.id).await.unwrap(),
        Some(root.clone())
    );
    assert_eq!(
        office::get(&mut tx, child.id).await.unwrap(),
        Some(child.clone())
    );
    assert_eq!(child.parent_id, Some(root.id));
    assert_eq!(office::get(&mut tx, Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(
        office::get_by_code(&mut tx, "HN-BD").await.unwrap(),
        Some(child.clone())
    );
    assert_eq!(
        office::get_by_code(&mut tx, "HN").await.unwrap(),
        Some(root.clone())
    );
    assert_eq!(office::get_by_code(&mut tx, "hn").await.unwrap(), None);
    assert_eq!(office::get_by_code(&mut tx, "NOPE").await.unwrap(), None);
    assert_eq!(office::count(&mut tx).await.unwrap(), 2);
    tx.commit().await.unwrap();
    assert_eq!(name_folded(&db, root.id).await, "ha noi");
});

db_test!(duplicate_code_is_refused, |db| {
    let first = seed_office(&db, None, "DUP").await;
    let mut tx = db.begin().await.unwrap();
    let again = office_row_with_id(Uuid::now_v7(), None, "DUP");
    assert_duplicate(
        office::insert(&mut tx, &again, "dup").await,
        "offices_code_key",
    );
    drop(tx);

    let mut tx = db.read().await.unwrap();
    assert_eq!(office::count(&mut tx).await.unwrap(), 1);
    assert_eq!(
        office::get_by_code(&mut tx, "DUP").await.unwrap(),
        Some(first)
    );
    tx.commit().await.unwrap();
});

db_test!(list_subtree_is_only_the_subtree_in_path_order, |db| {
    // Two roots and two siblings whose ids share all but the last hex digit.
    let (r1, r2) = twin_ids();
    let root = seed_office_with_id(&db, r1, None, "R").await;
    let twin_root = seed_office_with_id(&db, r2, None, "R2").await;
    let (a_id, b_id) = twin_ids();
    let a = seed_office_with_id(&db, a_id, Some(&root), "A").await;
    let b = seed_office_with_id(&db, b_id, Some(&root), "B").await;
    let a1 = seed_office(&db, Some(&a), "A1").await;
    let a2 = seed_office(&db, Some(&a), "A2").await;
    let a1x = seed_office(&db, Some(&a1), "A1X").await;
    let under_twin = seed_office(&db, Some(&twin_root), "R2A").await;

    let paths = |rows: &[OfficeRow]| rows.iter().map(|o| o.path.clone()).collect::<Vec<_>>();
    let sorted = |mut v: Vec<&OfficeRow>| {
        v.sort_by(|x, y| x.path.cmp(&y.path));
        v.into_iter().cloned().collect::<Vec<_>>()
    };

    let mut tx = db.read().await.unwrap();
    let got = office::list_subtree(&mut tx, &root.path).await.unwrap();
    let want = sorted(vec![&root, &a, &b, &a1, &a2, &a1x]);
    assert_eq!(got, want, "{:?}", paths(&got));
    // Parent before child, and a before its twin b (…1/ < …2/).
    assert_eq!(got[0], root);
    assert_eq!(got[1], a);
    assert_eq!(got.last().unwrap(), &b);

    let got = office::list_subtree(&mut tx, &a.path).await.unwrap();
    assert_eq!(got, sorted(vec![&a, &a1, &a2, &a1x]));
    assert!(
        !got.contains(&b),
        "the twin sibling leaked into the subtree"
    );

    let got = office::list_subtree(&mut tx, &b.path).await.unwrap();
    assert_eq!(got, vec![b.clone()]);

    let got = office::list_subtree(&mut tx, &twin_root.path)
        .await
        .unwrap();
    assert_eq!(got, vec![twin_root.clone(), under_twin.clone()]);

    let got = office::list_subtree(&mut tx, &a1x.path).await.unwrap();
    assert_eq!(got, vec![a1x.clone()]);

    let nowhere = OfficePath::root(Uuid::now_v7());
    assert!(
        office::list_subtree(&mut tx, nowhere.as_str())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(office::count(&mut tx).await.unwrap(), 8);
    tx.commit().await.unwrap();
});

db_test!(rename_changes_only_the_name, |db| {
    let root = seed_office(&db, None, "R").await;
    let other = seed_office(&db, Some(&root), "O").await;

    let mut tx = db.begin().await.unwrap();
    office::rename(&mut tx, root.id, "Thành phố Mới", "thanh pho moi", T0 + 50)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    let got = office::get(&mut tx, root.id).await.unwrap().unwrap();
    assert_eq!(
        got,
        OfficeRow {
            name: "Thành phố Mới".into(),
            updated_at: T0 + 50,
            ..root.clone()
        }
    );
    assert_eq!(office::get(&mut tx, other.id).await.unwrap(), Some(other));
    tx.commit().await.unwrap();
    assert_eq!(name_folded(&db, root.id).await, "thanh pho moi");
});

db_test!(move_subtree_rewrites_descendant_paths, |db| {
    let root = seed_office(&db, None, "R").await;
    let (a_id, b_id) = twin_ids();
    let a = seed_office_with_id(&db, a_id, Some(&root), "A").await;
    let b = seed_office_with_id(&db, b_id, Some(&root), "B").await;
    let a1 = seed_office(&db, Some(&a), "A1").await;
    let a1x = seed_office(&db, Some(&a1), "A1X").await;
    let a2 = seed_office(&db, Some(&a), "A2").await;
    let b1 = seed_office(&db, Some(&b), "B1").await;
    let other_root = seed_office(&db, None, "Z").await;

    // Move A (with A1, A1X, A2) under B1.
    let new_a = OfficePath::from_stored(b1.path.clone()).child(a.id);
    let at = T0 + 99;
    let mut tx = db.begin().await.unwrap();
    let moved = office::move_subtree(&mut tx, a.id, b1.id, &a.path, new_a.as_str(), at)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(moved, 4, "rows_affected is the subtree size");

    let mut tx = db.read().await.unwrap();
    let get = async |tx: &mut congbo_store::Tx, id| office::get(tx, id).await.unwrap().unwrap();
    let got_a = get(&mut tx, a.id).await;
    assert_eq!(
        got_a,
        OfficeRow {
            parent_id: Some(b1.id),
            path: new_a.as_str().into(),
            updated_at: at,
            ..a.clone()
        }
    );
    let got_a1 = get(&mut tx, a1.id).await;
    assert_eq!(
        got_a1,
        OfficeRow {
            path: new_a.child(a1.id).as_str().into(),
            updated_at: at,
            ..a1.clone()
        }
    );
    let got_a1x = get(&mut tx, a1x.id).await;
    assert_eq!(
        got_a1x,
        OfficeRow {
            path: new_a.child(a1.id).child(a1x.id).as_str().into(),
            updated_at: at,
            ..a1x.clone()
        }
    );
    let got_a2 = get(&mut tx, a2.id).await;
    assert_eq!(got_a2.path, new_a.child(a2.id).as_str());
    assert_eq!(got_a2.parent_id, Some(a.id));

    // Nothing outside the subtree changed.
    for o in [&root, &b, &b1, &other_root] {
        assert_eq!(&get(&mut tx, o.id).await, o);
    }

    // The new subtree of B holds A's, in path order; the old path has nothing left.
    let mut want = vec![b.clone(), b1.clone(), got_a, got_a1, got_a1x, got_a2];
    want.sort_by(|x, y| x.path.cmp(&y.path));
    assert_eq!(office::list_subtree(&mut tx, &b.path).await.unwrap(), want);
    assert!(
        office::list_subtree(&mut tx, &a.path)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(office::count(&mut tx).await.unwrap(), 8);
    tx.commit().await.unwrap();
});

db_test!(history_is_ordered, |db| {
    let o = seed_office(&db, None, "H").await;
    let other = seed_office(&db, None, "K").await;
    let actor = Uuid::now_v7();
    let h = |at: i64, change: &str| HistoryRow {
        id: Uuid::now_v7(),
        office_id: o.id,
        at,
        actor_id: Some(actor),
        change: change.into(),
        old_name: None,
        new_name: None,
        old_parent_id: None,
        new_parent_id: None,
    };
    let create = HistoryRow {
        actor_id: None,
        new_name: Some("Office H".into()),
        ..h(T0, "create")
    };
    let rename = HistoryRow {
        old_name: Some("Office H".into()),
        new_name: Some("Phường H".into()),
        ..h(T0 + 20, "rename")
    };
    let moved = HistoryRow {
        old_parent_id: Some(Uuid::now_v7()),
        new_parent_id: Some(other.id),
        ..h(T0 + 10, "move")
    };
    // Same instant as `rename`, made later so its id sorts after.
    let rename_again = HistoryRow {
        old_name: Some("Phường H".into()),
        new_name: Some("Phường H2".into()),
        ..h(T0 + 20, "rename")
    };
    let elsewhere = HistoryRow {
        office_id: other.id,
        ..h(T0 + 5, "create")
    };

    let mut tx = db.begin().await.unwrap();
    for r in [&rename_again, &moved, &elsewhere, &rename, &create] {
        office::insert_history(&mut tx, r).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        office::history(&mut tx, o.id).await.unwrap(),
        vec![create, moved, rename, rename_again]
    );
    assert_eq!(
        office::history(&mut tx, other.id).await.unwrap(),
        vec![elsewhere]
    );
    assert!(
        office::history(&mut tx, Uuid::now_v7())
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
});

db_test!(counters_are_ordered_by_number_and_unique_per_office, |db| {
    let o = seed_office(&db, None, "C").await;
    let other = seed_office(&db, None, "D").await;
    let c = |office_id: Uuid, number: i32| CounterRow {
        id: Uuid::now_v7(),
        office_id,
        number,
        name: format!("Quầy {number}"),
        created_at: T0 + number as i64,
    };
    let (c3, c1, c10, c2) = (c(o.id, 3), c(o.id, 1), c(o.id, 10), c(o.id, 2));
    let other1 = c(other.id, 1);

    let mut tx = db.begin().await.unwrap();
    for r in [&c3, &c1, &c10, &other1, &c2] {
        office::insert_counter(&mut tx, r).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_duplicate(
        office::insert_counter(&mut tx, &c(o.id, 3)).await,
        "counters_office_id_number_key",
    );
    drop(tx);

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        office::list_counters(&mut tx, o.id).await.unwrap(),
        vec![c1, c2, c3, c10]
    );
    assert_eq!(
        office::list_counters(&mut tx, other.id).await.unwrap(),
        vec![other1]
    );
    assert!(
        office::list_counters(&mut tx, Uuid::now_v7())
            .await
            .unwrap()
            .is_empty()
    );
    tx.commit().await.unwrap();
});

db_test!(
    move_subtree_rewrites_stored_paths_and_rekeys_rollups,
    |db| {
        use congbo_domain::report::rollup::{Delta, Metric};
        // Two top-level offices; A (with child A1) moves from the first to the second.
        let r1 = seed_office(&db, None, "R1").await;
        let r2 = seed_office(&db, None, "R2").await;
        let a = seed_office(&db, Some(&r1), "R1-A").await;
        let a1 = seed_office(&db, Some(&a), "R1-A1").await;
        let delta = |office: Uuid, n: i64| Delta {
            office_id: office,
            day: jiff::civil::date(2026, 3, 2),
            metric: Metric::DossierReceived,
            dim: String::new(),
            n,
            total: 0,
        };
        let mut tx = db.begin().await.unwrap();
        congbo_store::repo::rollup::apply(&mut tx, &[delta(a.id, 2), delta(a1.id, 3)])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let new_a = OfficePath::from_stored(r2.path.clone()).child(a.id);
        let mut tx = db.begin().await.unwrap();
        office::move_subtree(&mut tx, a.id, r2.id, &a.path, new_a.as_str(), T0 + 5)
            .await
            .unwrap();
        // A counter written after the move lands under the new key and adds onto the moved row.
        congbo_store::repo::rollup::apply(&mut tx, &[delta(a1.id, 1)])
            .await
            .unwrap();
        let rows: Vec<(Uuid, Uuid, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT shard_key, office_id, n FROM rollup_day ORDER BY n").fetch_all(c).await)
        .unwrap();
        let months: Vec<(Uuid, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT shard_key, n FROM rollup_month ORDER BY n").fetch_all(c).await)
        .unwrap();
        // The ancestors' counters: R1 lost A's subtree, R2 gained it, A keeps A1's (rekeyed).
        let under: Vec<(Uuid, Uuid, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT shard_key, office_id, n FROM rollup_under_day WHERE n <> 0 ORDER BY n")
            .fetch_all(c).await)
        .unwrap();
        let under_months: Vec<(Uuid, Uuid, i64)> = on_tx!(&mut tx, c => sqlx::query_as(
        "SELECT shard_key, office_id, n FROM rollup_under_month WHERE n <> 0 ORDER BY n")
            .fetch_all(c).await)
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(rows, [(r2.id, a.id, 2), (r2.id, a1.id, 4)]);
        assert_eq!(months, [(r2.id, 2), (r2.id, 4)]);
        assert_eq!(under, [(r2.id, a.id, 4), (r2.id, r2.id, 6)]);
        assert_eq!(under_months, under);
    }
);
