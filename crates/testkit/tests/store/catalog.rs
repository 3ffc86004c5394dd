//! `repo::catalog`: procedure versions.

use congbo_store::repo::catalog::{self, ProcedureRow};
use congbo_testkit::db_test;

use crate::T0;

fn row(code: &str, version: i64, from: &str, to: Option<&str>, name: &str) -> ProcedureRow {
    ProcedureRow {
        code: code.into(),
        version,
        effective_from: from.into(),
        effective_to: to.map(str::to_string),
        name: name.into(),
        name_folded: congbo_domain::text::fold(name),
        field: "Hộ tịch".into(),
        level: "commune".into(),
        body: format!("{{\"v\":{version}}}"),
        updated_at: T0,
    }
}

async fn insert_three(tx: &mut congbo_store::Tx) {
    catalog::insert(
        tx,
        &row(
            "1.001193",
            1,
            "2016-01-01",
            Some("2025-06-30"),
            "Đăng ký khai sinh",
        ),
    )
    .await
    .unwrap();
    catalog::insert(
        tx,
        &row("1.001193", 2, "2025-07-01", None, "Đăng ký khai sinh"),
    )
    .await
    .unwrap();
    catalog::insert(
        tx,
        &row("1.000894", 1, "2025-07-01", None, "Đăng ký kết hôn"),
    )
    .await
    .unwrap();
}

db_test!(insert_in_force_versions_all_delete, |db| {
    let mut tx = db.begin().await.unwrap();
    insert_three(&mut tx).await;
    let dup = catalog::insert(&mut tx, &row("1.000894", 1, "2025-07-01", None, "Trùng")).await;
    assert!(matches!(dup, Err(congbo_store::StoreError::Duplicate(_))));
    tx.rollback().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_eq!(catalog::count(&mut tx).await.unwrap(), 0, "rolled back");
    insert_three(&mut tx).await;
    assert_eq!(catalog::count(&mut tx).await.unwrap(), 3);
    // In force on a date: inclusive ends, ordered by field then name.
    let on = |rows: Vec<ProcedureRow>| {
        rows.into_iter()
            .map(|r| (r.code, r.version))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        on(catalog::in_force(&mut tx, "2025-06-30").await.unwrap()),
        [("1.001193".to_string(), 1)]
    );
    assert_eq!(
        on(catalog::in_force(&mut tx, "2025-07-01").await.unwrap()),
        [("1.001193".to_string(), 2), ("1.000894".to_string(), 1)]
    );
    assert!(
        catalog::in_force(&mut tx, "2010-01-01")
            .await
            .unwrap()
            .is_empty()
    );
    let vs = catalog::versions(&mut tx, "1.001193").await.unwrap();
    assert_eq!(vs.iter().map(|r| r.version).collect::<Vec<_>>(), [1, 2]);
    assert_eq!(vs[0].body, "{\"v\":1}");
    assert_eq!(vs[0].name_folded, "dang ky khai sinh");
    let all = catalog::all(&mut tx).await.unwrap();
    assert_eq!(
        all.iter().map(|r| r.code.as_str()).collect::<Vec<_>>(),
        ["1.000894", "1.001193", "1.001193"]
    );
    assert_eq!(catalog::delete_code(&mut tx, "1.001193").await.unwrap(), 2);
    assert_eq!(catalog::count(&mut tx).await.unwrap(), 1);
    tx.commit().await.unwrap();
});
