//! `repo::calendar`: the announced working calendar.

use congbo_store::repo::calendar::{self, CalendarDayRow};
use congbo_testkit::db_test;

use crate::T0;

fn row(date: &str, kind: &str, name: &str) -> CalendarDayRow {
    CalendarDayRow {
        date: date.into(),
        kind: kind.into(),
        name_vi: name.into(),
        notice: "9441/TB-BNV".into(),
        updated_at: T0,
        updated_by: None,
    }
}

db_test!(upsert_get_list_delete, |db| {
    let mut tx = db.begin().await.unwrap();
    assert_eq!(calendar::count(&mut tx).await.unwrap(), 0);
    calendar::upsert(&mut tx, &row("2026-08-31", "swapped_off", "Nghỉ hoán đổi"))
        .await
        .unwrap();
    calendar::upsert(&mut tx, &row("2026-08-22", "makeup_workday", "Làm bù"))
        .await
        .unwrap();
    calendar::upsert(&mut tx, &row("2027-01-01", "holiday", "Tết Dương lịch"))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = db.begin().await.unwrap();
    assert_eq!(calendar::count(&mut tx).await.unwrap(), 3);
    let all = calendar::list_all(&mut tx).await.unwrap();
    let dates: Vec<&str> = all.iter().map(|r| r.date.as_str()).collect();
    assert_eq!(
        dates,
        ["2026-08-22", "2026-08-31", "2027-01-01"],
        "ordered by date"
    );
    // Upsert replaces the row of an existing date.
    let by = uuid::Uuid::now_v7();
    let mut changed = row("2026-08-31", "holiday", "Ngày nghỉ mới");
    changed.updated_by = Some(by);
    changed.updated_at = T0 + 5;
    calendar::upsert(&mut tx, &changed).await.unwrap();
    assert_eq!(
        calendar::get(&mut tx, "2026-08-31").await.unwrap(),
        Some(changed)
    );
    assert_eq!(calendar::count(&mut tx).await.unwrap(), 3);
    assert_eq!(calendar::get(&mut tx, "2026-09-01").await.unwrap(), None);
    assert_eq!(calendar::delete(&mut tx, "2026-08-22").await.unwrap(), 1);
    assert_eq!(calendar::delete(&mut tx, "2026-08-22").await.unwrap(), 0);
    assert_eq!(calendar::count(&mut tx).await.unwrap(), 2);
    tx.commit().await.unwrap();
});

db_test!(seed_is_idempotent_and_loads_the_shipped_schedule, |db| {
    let n = congbo_app::calendar::seed_if_empty(&db, T0).await.unwrap();
    assert!(n > 50, "shipped 2020–2027 schedules: {n} days");
    assert_eq!(
        congbo_app::calendar::seed_if_empty(&db, T0).await.unwrap(),
        0
    );
    let cal = congbo_app::calendar::load(&db).await.unwrap();
    let d = |s: &str| s.parse::<jiff::civil::Date>().unwrap();
    assert!(!cal.is_working_day(d("2026-02-17")), "Tết");
    assert!(cal.is_working_day(d("2026-08-22")), "make-up Saturday");
    assert!(!cal.is_working_day(d("2026-08-31")), "swapped day off");
    assert_eq!(cal.add_working_days(d("2026-02-12"), 5), d("2026-02-26"));
});
