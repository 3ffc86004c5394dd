//! A change of the working calendar reaches the open dossiers in the same transaction: an
//! appointment on a day newly announced off moves to the next working day (Civil Code 2015,
//! Art. 148(5)), with its timeline event, audit row and the citizen's notice; the holders of
//! every open dossier whose appointment comes after that day are told, by e-mail, that they
//! have one working day less. A printed appointment is otherwise kept (see
//! `docs/ARCHITECTURE.md`, "The working calendar").

use congbo_domain::calendar::WorkCalendar;
use congbo_domain::dossier::{Notice, Transition};
use congbo_domain::identity::Role;
use congbo_domain::time::dmy;
use congbo_store::Tx;
use congbo_store::repo::dossier::{self as repo, DossierRow};
use congbo_store::repo::office as office_repo;
use congbo_store::repo::outbox::{self as outbox, NewOutbox};
use congbo_store::repo::staff as staff_repo;
use jiff::civil::Date;
use serde_json::json;

use super::view::facts_of;
use super::write::{NewEvent, applicant_of, enqueue, insert_event, set_facts};
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};

/// What a calendar change did to the open dossiers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recomputed {
    /// Codes of the dossiers whose appointment moved.
    pub moved: Vec<String>,
    /// Holders told by e-mail.
    pub told: usize,
}

/// The calendar edit of `day` (already written in `tx`; `cal` is the calendar after it) by
/// `actor` acting as `role`, applied to the open dossiers.
pub async fn calendar_changed(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    role: Role,
    cal: &WorkCalendar,
    day: Date,
) -> Result<Recomputed> {
    let mut out = Recomputed::default();
    if cal.is_working_day(day) {
        // A working day regained: appointments already printed are kept, none comes earlier.
        return Ok(out);
    }
    for row in repo::open_due_from(tx, &day.to_string()).await? {
        let moved = if row.current_due.as_deref() == Some(day.to_string().as_str()) {
            reschedule(tx, app, actor, role, cal, row.clone()).await?
        } else {
            None
        };
        if let Some(code) = &moved {
            out.moved.push(code.clone());
        }
        if tell_holder(tx, app, &row, day, moved.is_some()).await? {
            out.told += 1;
        }
    }
    Ok(out)
}

/// Move the appointment of `row` off the day off: row, event, audit row, citizen's notice.
async fn reschedule(
    tx: &mut Tx,
    app: &App,
    actor: &Actor,
    role: Role,
    cal: &WorkCalendar,
    mut row: DossierRow,
) -> Result<Option<String>> {
    let facts = facts_of(&row)?;
    let Some((old_due, after)) = facts.rescheduled(cal) else {
        return Ok(None);
    };
    let new_due = after.current_due().unwrap_or(old_due);
    let now = app.now();
    let before = row.clone();
    set_facts(&mut row, &after)?;
    row.version += 1;
    row.updated_at = now;
    if !repo::update(tx, &row, before.version).await? {
        return Err(AppError::Conflict("dossier-changed"));
    }
    crate::report::rollup::dossier_changed(tx, Some(&before), &row).await?;
    let seq = repo::events(tx, row.id).await?.last().map_or(0, |e| e.seq) + 1;
    let transition = Transition {
        from: facts.state,
        to: after.state,
        facts: after,
        form: None,
    };
    let detail = json!({"old_due": old_due.to_string(), "new_due": new_due.to_string(),
                        "note": format!("{} → {}", dmy(old_due), dmy(new_due))});
    let event = NewEvent {
        seq,
        at: now,
        actor,
        role,
        action: "calendar-moved",
        transition: &transition,
        form_no: None,
        detail: detail.clone(),
    };
    insert_event(tx, &row, event).await?;
    let office = office_repo::get(tx, row.office_id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    let notice = Notice::Rescheduled { old_due, new_due };
    enqueue(tx, app, &row, &office, &applicant_of(&row), &notice, now).await?;
    let entry = Entry {
        action: "dossier.calendar-moved",
        role: Some(role.as_str()),
        office_id: Some(row.handler_office_id),
        target_type: "dossier",
        target_id: Some(row.id.to_string()),
        summary: json!({"code": row.code, "detail": detail}),
    };
    audit::record(tx, now, actor, entry).await?;
    Ok(Some(row.code))
}

/// An e-mail to the officer holding `row` (when they have an address). Whether one was sent.
async fn tell_holder(
    tx: &mut Tx,
    app: &App,
    row: &DossierRow,
    day: Date,
    moved: bool,
) -> Result<bool> {
    let Some(holder) = row.assignee_id else {
        return Ok(false);
    };
    let Some(email) = staff_repo::get(tx, holder).await?.and_then(|u| u.email) else {
        return Ok(false);
    };
    let due = row.current_due.clone().unwrap_or_default();
    let body = if moved {
        format!(
            "Ngày {} được công bố là ngày nghỉ: ngày hẹn trả kết quả hồ sơ {} ({}) chuyển sang ngày làm việc tiếp theo; công dân đã được thông báo.",
            dmy(day),
            row.code,
            row.procedure_name
        )
    } else {
        format!(
            "Ngày {} được công bố là ngày nghỉ: hồ sơ {} ({}) giữ ngày hẹn {} đã in trên giấy tiếp nhận, nên còn ít hơn một ngày làm việc để giải quyết. Nếu không kịp, đề nghị thủ trưởng ký thư xin lỗi trước ngày hẹn.",
            dmy(day),
            row.code,
            row.procedure_name,
            due
        )
    };
    let message = NewOutbox {
        id: new_id(),
        created_at: app.now(),
        topic: "dossier.calendar-changed".into(),
        dossier_id: Some(row.id),
        channel: "email".into(),
        recipient: email,
        subject: format!("Lịch làm việc thay đổi: hồ sơ {}", row.code),
        body,
    };
    outbox::insert(tx, &message).await?;
    Ok(true)
}
