//! Staff accounts and role assignments.

use congbo_store::repo::staff::{self, AssignmentRow, UserRow};
use congbo_store::{Db, on_tx};
use congbo_testkit::db_test;
use uuid::Uuid;

use crate::{T0, assert_duplicate, seed_office, seed_user, user_row};

async fn full_name_folded(db: &Db, id: Uuid) -> String {
    let mut tx = db.read().await.unwrap();
    let s: String =
        on_tx!(&mut tx, c => sqlx::query_scalar("SELECT full_name_folded FROM users WHERE id = $1")
        .bind(id).fetch_one(c).await)
        .unwrap();
    tx.commit().await.unwrap();
    s
}

db_test!(insert_get_count_and_duplicate_username, |db| {
    let home = seed_office(&db, None, "R").await;
    let mut tx = db.read().await.unwrap();
    assert_eq!(staff::count(&mut tx).await.unwrap(), 0);
    tx.commit().await.unwrap();

    let lan = UserRow {
        email: None,
        failed_logins: 2,
        locked_until: Some(T0 + 7),
        active: false,
        ..user_row(&home, "lan")
    };
    let mut tx = db.begin().await.unwrap();
    staff::insert(&mut tx, &lan, "nguyen thi lan")
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let minh = seed_user(&db, &home, "minh").await;

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        staff::get(&mut tx, lan.id).await.unwrap(),
        Some(lan.clone())
    );
    assert_eq!(
        staff::get(&mut tx, minh.id).await.unwrap(),
        Some(minh.clone())
    );
    assert_eq!(staff::get(&mut tx, Uuid::now_v7()).await.unwrap(), None);
    assert_eq!(
        staff::get_by_username(&mut tx, "lan").await.unwrap(),
        Some(lan.clone())
    );
    assert_eq!(
        staff::get_by_username(&mut tx, "minh").await.unwrap(),
        Some(minh.clone())
    );
    assert_eq!(
        staff::get_by_username(&mut tx, "nobody").await.unwrap(),
        None
    );
    assert_eq!(staff::count(&mut tx).await.unwrap(), 2);
    tx.commit().await.unwrap();
    assert_eq!(full_name_folded(&db, lan.id).await, "nguyen thi lan");

    let mut tx = db.begin().await.unwrap();
    assert_duplicate(
        staff::insert(&mut tx, &user_row(&home, "lan"), "x").await,
        "users_username_key",
    );
    drop(tx);
    let mut tx = db.read().await.unwrap();
    assert_eq!(staff::count(&mut tx).await.unwrap(), 2);
    tx.commit().await.unwrap();
});

db_test!(list_in_subtree_is_by_home_office, |db| {
    let root = seed_office(&db, None, "R").await;
    let a = seed_office(&db, Some(&root), "A").await;
    let a1 = seed_office(&db, Some(&a), "A1").await;
    let b = seed_office(&db, Some(&root), "B").await;
    let elsewhere = seed_office(&db, None, "S").await;
    // Usernames chosen so that insertion order differs from username order.
    let u_r = seed_user(&db, &root, "d-root").await;
    let u_a1 = seed_user(&db, &a1, "a-deep").await;
    let u_b = seed_user(&db, &b, "c-b").await;
    let u_a = seed_user(&db, &a, "b-a").await;
    let u_s = seed_user(&db, &elsewhere, "0-elsewhere").await;

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        staff::list_in_subtree(&mut tx, &root.path).await.unwrap(),
        vec![u_a1.clone(), u_a.clone(), u_b.clone(), u_r.clone()]
    );
    assert_eq!(
        staff::list_in_subtree(&mut tx, &a.path).await.unwrap(),
        vec![u_a1.clone(), u_a.clone()]
    );
    assert_eq!(
        staff::list_in_subtree(&mut tx, &a1.path).await.unwrap(),
        vec![u_a1]
    );
    assert_eq!(
        staff::list_in_subtree(&mut tx, &b.path).await.unwrap(),
        vec![u_b]
    );
    assert_eq!(
        staff::list_in_subtree(&mut tx, &elsewhere.path)
            .await
            .unwrap(),
        vec![u_s]
    );
    assert_eq!(staff::count(&mut tx).await.unwrap(), 5);
    tx.commit().await.unwrap();
});

db_test!(password_failures_and_active, |db| {
    let home = seed_office(&db, None, "R").await;
    let lan = seed_user(&db, &home, "lan").await;
    let minh = seed_user(&db, &home, "minh").await;

    let mut tx = db.begin().await.unwrap();
    staff::set_login_failures(&mut tx, lan.id, 5, Some(T0 + 900))
        .await
        .unwrap();
    staff::set_login_failures(&mut tx, minh.id, 1, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let got = staff::get(&mut tx, lan.id).await.unwrap().unwrap();
    assert_eq!((got.failed_logins, got.locked_until), (5, Some(T0 + 900)));
    let got = staff::get(&mut tx, minh.id).await.unwrap().unwrap();
    assert_eq!((got.failed_logins, got.locked_until), (1, None));
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    staff::set_password(&mut tx, lan.id, "new-hash", T0 + 1000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert_eq!(
        staff::get(&mut tx, lan.id).await.unwrap(),
        Some(UserRow {
            password_hash: "new-hash".into(),
            password_changed_at: T0 + 1000,
            failed_logins: 0,
            locked_until: None,
            ..lan.clone()
        })
    );
    // The other user is untouched.
    let got = staff::get(&mut tx, minh.id).await.unwrap().unwrap();
    assert_eq!(
        got,
        UserRow {
            failed_logins: 1,
            ..minh.clone()
        }
    );
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    staff::set_active(&mut tx, lan.id, false).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert!(!staff::get(&mut tx, lan.id).await.unwrap().unwrap().active);
    assert!(staff::get(&mut tx, minh.id).await.unwrap().unwrap().active);
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    staff::set_active(&mut tx, lan.id, true).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert!(staff::get(&mut tx, lan.id).await.unwrap().unwrap().active);
    tx.commit().await.unwrap();
});

db_test!(assignments, |db| {
    let root = seed_office(&db, None, "R").await;
    let a = seed_office(&db, Some(&root), "A").await;
    let lan = seed_user(&db, &a, "lan").await;
    let minh = seed_user(&db, &root, "minh").await;

    let (id_clerk, id_admin, id_auditor, id_minh) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let mut tx = db.begin().await.unwrap();
    staff::insert_assignment(&mut tx, id_clerk, lan.id, "clerk", a.id, T0 + 1)
        .await
        .unwrap();
    staff::insert_assignment(&mut tx, id_admin, lan.id, "admin", root.id, T0 + 2)
        .await
        .unwrap();
    staff::insert_assignment(&mut tx, id_auditor, lan.id, "auditor", a.id, T0 + 3)
        .await
        .unwrap();
    staff::insert_assignment(&mut tx, id_minh, minh.id, "clerk", a.id, T0 + 4)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let row =
        |id, user_id, role: &str, o: &congbo_store::repo::office::OfficeRow, at| AssignmentRow {
            id,
            user_id,
            role: role.into(),
            office_id: o.id,
            office_path: o.path.clone(),
            office_code: o.code.clone(),
            office_name: o.name.clone(),
            created_at: at,
        };
    let clerk = row(id_clerk, lan.id, "clerk", &a, T0 + 1);
    let admin = row(id_admin, lan.id, "admin", &root, T0 + 2);
    let auditor = row(id_auditor, lan.id, "auditor", &a, T0 + 3);
    let minh_clerk = row(id_minh, minh.id, "clerk", &a, T0 + 4);

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        staff::get_assignment(&mut tx, id_admin).await.unwrap(),
        Some(admin.clone())
    );
    assert_eq!(
        staff::get_assignment(&mut tx, id_clerk).await.unwrap(),
        Some(clerk.clone())
    );
    assert_eq!(
        staff::get_assignment(&mut tx, Uuid::now_v7())
            .await
            .unwrap(),
        None
    );
    // By office path (root first), then role.
    assert_eq!(
        staff::assignments_of(&mut tx, lan.id).await.unwrap(),
        vec![admin.clone(), auditor.clone(), clerk.clone()]
    );
    assert_eq!(
        staff::assignments_of(&mut tx, minh.id).await.unwrap(),
        vec![minh_clerk]
    );
    tx.commit().await.unwrap();

    // The joined office fields follow a rename.
    let mut tx = db.begin().await.unwrap();
    congbo_store::repo::office::rename(&mut tx, a.id, "Phường A mới", "phuong a moi", T0 + 9)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    let got = staff::get_assignment(&mut tx, id_clerk)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(got.office_name, "Phường A mới");
    tx.commit().await.unwrap();

    // Same user, role and office again is a duplicate; same user and office with another role
    // or same role at another office is not.
    let mut tx = db.begin().await.unwrap();
    assert_duplicate(
        staff::insert_assignment(&mut tx, Uuid::now_v7(), lan.id, "clerk", a.id, T0).await,
        "role_assignments_user_id_role_office_id_key",
    );
    drop(tx);
    let mut tx = db.begin().await.unwrap();
    staff::insert_assignment(&mut tx, Uuid::now_v7(), lan.id, "clerk", root.id, T0 + 5)
        .await
        .unwrap();
    staff::insert_assignment(&mut tx, Uuid::now_v7(), minh.id, "auditor", a.id, T0 + 6)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_eq!(
        staff::delete_assignment(&mut tx, id_auditor).await.unwrap(),
        1
    );
    assert_eq!(
        staff::delete_assignment(&mut tx, id_auditor).await.unwrap(),
        0
    );
    assert_eq!(
        staff::delete_assignment(&mut tx, Uuid::now_v7())
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    assert_eq!(
        staff::get_assignment(&mut tx, id_auditor).await.unwrap(),
        None
    );
    let roles: Vec<(String, Uuid)> = staff::assignments_of(&mut tx, lan.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.role, r.office_id))
        .collect();
    assert_eq!(
        roles,
        vec![
            ("admin".to_string(), root.id),
            ("clerk".to_string(), root.id),
            ("clerk".to_string(), a.id)
        ]
    );
    tx.commit().await.unwrap();
});

db_test!(count_active_admins_at, |db| {
    let root = seed_office(&db, None, "R").await;
    let child = seed_office(&db, Some(&root), "A").await;
    let other = seed_office(&db, None, "S").await;
    let lan = seed_user(&db, &root, "lan").await;
    let minh = seed_user(&db, &root, "minh").await;
    let hoa = seed_user(&db, &root, "hoa").await;
    let tuan = seed_user(&db, &other, "tuan").await;

    let mut tx = db.begin().await.unwrap();
    for (u, role, o) in [
        (&lan, "admin", &root),
        (&minh, "admin", &root),
        (&hoa, "auditor", &root),
        (&hoa, "admin", &child),
        (&tuan, "admin", &other),
    ] {
        staff::insert_assignment(&mut tx, Uuid::now_v7(), u.id, role, o.id, T0)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let counts = async |db: &Db| {
        let mut tx = db.read().await.unwrap();
        let mut out = Vec::new();
        for o in [&root, &child, &other] {
            out.push(staff::count_active_admins_at(&mut tx, o.id).await.unwrap());
        }
        tx.commit().await.unwrap();
        out
    };
    // An admin at a child office does not count at the root; an auditor does not count.
    assert_eq!(counts(&db).await, vec![2, 1, 1]);

    let mut tx = db.begin().await.unwrap();
    staff::set_active(&mut tx, minh.id, false).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(counts(&db).await, vec![1, 1, 1]);

    let mut tx = db.begin().await.unwrap();
    staff::set_active(&mut tx, lan.id, false).await.unwrap();
    staff::set_active(&mut tx, tuan.id, false).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(counts(&db).await, vec![0, 1, 0]);

    let mut tx = db.read().await.unwrap();
    assert_eq!(
        staff::count_active_admins_at(&mut tx, Uuid::now_v7())
            .await
            .unwrap(),
        0
    );
    tx.commit().await.unwrap();
});

db_test!(holders_at_and_names_of, |db| {
    let root = seed_office(&db, None, "R").await;
    let a = seed_office(&db, Some(&root), "A").await;
    let lan = seed_user(&db, &a, "lan").await;
    let minh = seed_user(&db, &a, "minh").await;
    let gone = seed_user(&db, &a, "gone").await;
    let mut tx = db.begin().await.unwrap();
    for (user, role, office) in [
        (lan.id, "specialist", a.id),
        (lan.id, "reception", a.id),
        (minh.id, "head", root.id),
        (gone.id, "specialist", a.id),
    ] {
        staff::insert_assignment(&mut tx, Uuid::now_v7(), user, role, office, T0)
            .await
            .unwrap();
    }
    staff::set_active(&mut tx, gone.id, false).await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = db.read().await.unwrap();
    // Only roles held at the office itself, by active users; by name, then role.
    let held: Vec<(Uuid, String)> = staff::holders_at(&mut tx, a.id)
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.user_id, h.role))
        .collect();
    assert_eq!(
        held,
        vec![
            (lan.id, "reception".to_string()),
            (lan.id, "specialist".to_string())
        ]
    );
    assert_eq!(staff::holders_at(&mut tx, root.id).await.unwrap().len(), 1);
    let ids = vec![lan.id, minh.id, Uuid::now_v7()];
    let mut names = staff::names_of(&mut tx, &ids).await.unwrap();
    names.sort();
    let mut want: Vec<(Uuid, String)> = vec![
        (lan.id, lan.full_name.clone()),
        (minh.id, minh.full_name.clone()),
    ];
    want.sort();
    assert_eq!(names, want);
    assert!(staff::names_of(&mut tx, &[]).await.unwrap().is_empty());
    tx.commit().await.unwrap();
});
