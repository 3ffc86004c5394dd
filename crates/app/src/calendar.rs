//! The working calendar as stored: seeded from the shipped schedules, edited by administrators
//! of a top-level office, and loaded into the pure `WorkCalendar` for deadline arithmetic.

use congbo_domain::calendar::{
    AnnouncedDay, DayKind, WorkCalendar, builtin_announced, parse_announced_day, parse_date,
};
use congbo_domain::identity::Assignment;
use congbo_store::Db;
use congbo_store::repo::calendar::{self as repo, CalendarDayRow};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result};

fn row_of(d: &AnnouncedDay, at: i64, by: Option<uuid::Uuid>) -> CalendarDayRow {
    CalendarDayRow {
        date: d.date.to_string(),
        kind: d.kind.as_str().to_string(),
        name_vi: d.name_vi.clone(),
        notice: d.notice.clone(),
        updated_at: at,
        updated_by: by,
    }
}

fn day_of(r: &CalendarDayRow) -> Result<AnnouncedDay> {
    let date = parse_date(&r.date)?;
    let kind = DayKind::parse(&r.kind)?;
    Ok(AnnouncedDay::new(date, kind, &r.name_vi, &r.notice))
}

/// On a new database, store the shipped announced schedules (2020–2027). Idempotent.
pub async fn seed_if_empty(db: &Db, now: i64) -> Result<usize> {
    let mut tx = db.begin().await?;
    if repo::count(&mut tx).await? > 0 {
        tx.commit().await?;
        return Ok(0);
    }
    let days = builtin_announced();
    for d in &days {
        repo::upsert(&mut tx, &row_of(d, now, None)).await?;
    }
    audit::record_as(
        &mut tx,
        now,
        None,
        "system",
        None,
        Entry {
            action: "calendar.seeded",
            role: None,
            office_id: None,
            target_type: "calendar",
            target_id: None,
            summary: json!({"days": days.len(), "years": "2020-2027"}),
        },
    )
    .await?;
    congbo_store::repo::sequence::next(&mut tx, crate::CALENDAR_VERSION).await?;
    tx.commit().await?;
    Ok(days.len())
}

/// The announced days stored in the database.
pub async fn announced(db: &Db) -> Result<Vec<AnnouncedDay>> {
    let mut tx = db.read().await?;
    let rows = repo::list_all(&mut tx).await?;
    tx.commit().await?;
    rows.iter().map(day_of).collect()
}

/// The working calendar built from the database's announced days (statutory rules fill the
/// years nobody announced).
pub async fn load(db: &Db) -> Result<WorkCalendar> {
    Ok(WorkCalendar::new(announced(db).await?))
}

/// What an administrator enters.
#[derive(Debug, Clone)]
pub struct DayInput {
    pub date: String,
    pub kind: String,
    pub name_vi: String,
    pub notice: String,
}

/// The caller's top-level assignment that allows managing the calendar.
fn calendar_manager(actor: &Actor) -> Result<Assignment> {
    Ok(actor
        .principal
        .require_top_level(congbo_domain::identity::Perm::CalendarManage)?
        .clone())
}

/// The open dossiers after the edit of `day` (written in `tx`): read the calendar as it now
/// stands in `tx` and apply it ([`crate::dossier::calendar_changed`]).
async fn recompute(
    tx: &mut congbo_store::Tx,
    app: &App,
    actor: &Actor,
    grant: &Assignment,
    day: jiff::civil::Date,
) -> Result<crate::dossier::Recomputed> {
    let days = repo::list_all(tx)
        .await?
        .iter()
        .map(day_of)
        .collect::<Result<Vec<_>>>()?;
    let cal = WorkCalendar::new(days);
    crate::dossier::calendar_changed(tx, app, actor, grant.role, &cal, day).await
}

/// Add or change the announced day on a date.
pub async fn set_day(app: &App, actor: &Actor, input: &DayInput) -> Result<AnnouncedDay> {
    let day = parse_announced_day(&input.date, &input.kind, &input.name_vi, &input.notice)?;
    let grant = calendar_manager(actor)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let old = repo::get(&mut tx, &day.date.to_string()).await?;
    repo::upsert(&mut tx, &row_of(&day, now, Some(actor.principal.user_id))).await?;
    let done = recompute(&mut tx, app, actor, &grant, day.date).await?;
    audit::record(&mut tx, now, actor, Entry {
        action: "calendar.day_set",
        role: Some(grant.role.as_str()),
        office_id: Some(grant.office_id),
        target_type: "calendar_day",
        target_id: Some(day.date.to_string()),
        summary: json!({
            "kind": day.kind.as_str(), "name": day.name_vi, "notice": day.notice,
            "previous": old.map(|o| json!({"kind": o.kind, "name": o.name_vi, "notice": o.notice})),
            "moved": done.moved, "holders_told": done.told,
        }),
    })
    .await?;
    congbo_store::repo::sequence::next(&mut tx, crate::CALENDAR_VERSION).await?;
    tx.commit().await?;
    app.forget_calendar().await;
    Ok(day)
}

/// Remove the announced day on a date (the date reverts to the weekly and statutory rules).
pub async fn remove_day(app: &App, actor: &Actor, date: &str) -> Result<()> {
    let date = parse_date(date)?.to_string();
    let grant = calendar_manager(actor)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let old = repo::get(&mut tx, &date)
        .await?
        .ok_or(AppError::NotFound("calendar-day-not-found"))?;
    repo::delete(&mut tx, &date).await?;
    let done = recompute(&mut tx, app, actor, &grant, parse_date(&date)?).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "calendar.day_removed",
            role: Some(grant.role.as_str()),
            office_id: Some(grant.office_id),
            target_type: "calendar_day",
            target_id: Some(date),
            summary: json!({"kind": old.kind, "name": old.name_vi, "notice": old.notice,
                            "moved": done.moved, "holders_told": done.told}),
        },
    )
    .await?;
    congbo_store::repo::sequence::next(&mut tx, crate::CALENDAR_VERSION).await?;
    tx.commit().await?;
    app.forget_calendar().await;
    Ok(())
}
