//! The breach register (issue 18): record an incident, read the register with each
//! incident's countdown to the authority's deadline, mark the notices, and the reminders by
//! e-mail to the administrators (when recorded, and when 24 hours remain: [`remind_round`],
//! run by `serve`). Kept by administrators and the head of a top-level office
//! (`congbo_domain::privacy::breach::may_keep`) over their subtree; an incident outside it is
//! not found, inside it without the role forbidden. Every change writes its audit row.

use congbo_domain::DomainError;
use congbo_domain::identity::{Assignment, Perm, Role};
use congbo_domain::office::OfficePath;
use congbo_domain::privacy::breach::{
    self as rule, BreachKind, Deadline, RawBreach, past_instant, reminder_due,
};
use congbo_domain::time::dmy_hm;
use congbo_store::Tx;
use congbo_store::repo::breach::{self as repo, BreachRow};
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::outbox::{self, NewOutbox};
use serde_json::json;
use uuid::Uuid;

use crate::access;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};

const NOT_FOUND: &str = "breach-not-found";
/// How often `serve` looks for reminders due.
pub const REMIND_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// An incident as shown.
#[derive(Debug, Clone)]
pub struct BreachView {
    pub row: BreachRow,
    pub office_name: String,
    pub kinds: Vec<BreachKind>,
    pub deadline: Deadline,
}

/// A new incident: where it is recorded (default: the first office where the caller keeps
/// the register) and what was typed.
#[derive(Debug, Clone, Default)]
pub struct NewBreach {
    pub office_id: Option<Uuid>,
    pub raw: RawBreach,
}

/// The mark of the notice to the authority.
#[derive(Debug, Clone, Default)]
pub struct AuthorityNotice {
    /// Local `YYYY-MM-DDTHH:MM`; empty: now.
    pub at: String,
    /// The reference of the notice (document number, receipt).
    pub reference: String,
}

/// The assignment that lets the caller keep the register over `target`; else not found
/// (outside what they may see) or forbidden.
fn keeper<'a>(actor: &'a Actor, target: &OfficePath) -> Result<&'a Assignment> {
    let p = &actor.principal;
    if let Some(a) = p.assignments.iter().find(|a| {
        a.role.grants(Perm::BreachManage) && rule::may_keep(a) && a.office_path.contains(target)
    }) {
        return Ok(a);
    }
    if p.can(Perm::OfficeRead, target) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound(NOT_FOUND))
    }
}

/// The subtrees where the caller keeps the register.
pub fn roots(actor: &Actor) -> Vec<&Assignment> {
    let mut out: Vec<&Assignment> = Vec::new();
    for a in actor
        .principal
        .assignments
        .iter()
        .filter(|a| a.role.grants(Perm::BreachManage) && rule::may_keep(a))
    {
        if !out.iter().any(|r| r.office_path.contains(&a.office_path)) {
            out.retain(|r| !a.office_path.contains(&r.office_path));
            out.push(a);
        }
    }
    out
}

async fn view(tx: &mut Tx, row: BreachRow, now: i64) -> Result<BreachView> {
    let office = access::office(tx, row.office_id).await?;
    Ok(BreachView {
        kinds: row
            .record_kinds
            .split(',')
            .filter_map(|k| BreachKind::parse(k).ok())
            .collect(),
        deadline: Deadline::of(row.authority_due_at, row.authority_notified_at, now),
        office_name: office.name,
        row,
    })
}

/// The register as the caller may see it, newest detection first.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<BreachView>> {
    let roots = roots(actor);
    if roots.is_empty() {
        return Err(AppError::Forbidden);
    }
    let now = app.now();
    let mut tx = app.db.read().await?;
    let mut rows = Vec::new();
    for r in &roots {
        rows.extend(repo::list_under(&mut tx, r.office_path.as_str(), 500).await?);
    }
    rows.sort_by_key(|r| std::cmp::Reverse((r.detected_at, r.id)));
    rows.dedup_by_key(|r| r.id);
    let mut out = Vec::new();
    for r in rows {
        out.push(view(&mut tx, r, now).await?);
    }
    tx.commit().await?;
    Ok(out)
}

/// Load incident `id` and the caller's keeping role over it.
async fn load(tx: &mut Tx, actor: &Actor, id: Uuid) -> Result<(BreachRow, OfficeRow, Role)> {
    let row = repo::get(tx, id)
        .await?
        .ok_or(AppError::NotFound(NOT_FOUND))?;
    let office = access::office(tx, row.office_id).await?;
    let role = keeper(actor, &access::path(&office))?.role;
    Ok((row, office, role))
}

/// One incident.
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<BreachView> {
    let mut tx = app.db.read().await?;
    let (row, _, _) = load(&mut tx, actor, id).await?;
    let v = view(&mut tx, row, app.now()).await?;
    tx.commit().await?;
    Ok(v)
}

/// Record an incident; the administrators are told at once (and, when 24 hours or less are
/// left already, that reminder counts as given).
pub async fn create(app: &App, actor: &Actor, input: &NewBreach) -> Result<BreachView> {
    let now = app.now();
    let b = rule::check(&input.raw, now)?;
    let mut tx = app.db.begin().await?;
    let office_id = match input.office_id {
        Some(id) => id,
        None => roots(actor)
            .first()
            .map(|a| a.office_id)
            .ok_or(AppError::Forbidden)?,
    };
    let office = access::office(&mut tx, office_id)
        .await
        .map_err(|_| AppError::NotFound("office-not-found"))?;
    let path = access::path(&office);
    let role = keeper(actor, &path).map_err(|e| match e {
        AppError::NotFound(_) => AppError::NotFound("office-not-found"),
        e => e,
    })?;
    let due = b.authority_due_at();
    let row = BreachRow {
        shard_key: path.shard_key(),
        id: new_id(),
        office_id,
        detected_at: b.detected_at,
        description: b.description.clone(),
        offices_affected: b.offices_affected.clone(),
        record_kinds: b.kinds_text(),
        people_estimate: b.people_estimate,
        measures: b.measures.clone(),
        authority_due_at: due,
        authority_notified_at: None,
        authority_reference: None,
        subjects_notified_at: None,
        reminded_at: reminder_due(due, None, None, now).then_some(now),
        created_by: actor.principal.user_id,
        created_at: now,
        version: 1,
    };
    repo::insert(&mut tx, &row).await?;
    let entry = Entry {
        action: "breach.recorded",
        role: Some(role.role.as_str()),
        office_id: Some(office_id),
        target_type: "breach",
        target_id: Some(row.id.to_string()),
        summary: json!({"detected_at": row.detected_at, "due_at": due,
                        "record_kinds": row.record_kinds, "people_estimate": row.people_estimate}),
    };
    audit::record(&mut tx, now, actor, entry).await?;
    tell_admins(app, &mut tx, &row, &office, Notice::Recorded).await?;
    let v = view(&mut tx, row, now).await?;
    tx.commit().await?;
    Ok(v)
}

/// Mark that the authority (A05) was notified, with when and the reference.
pub async fn notify_authority(
    app: &App,
    actor: &Actor,
    id: Uuid,
    n: &AuthorityNotice,
) -> Result<BreachView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (row, office, role) = load(&mut tx, actor, id).await?;
    let reference = rule::text(&n.reference, "authority_reference", true)?;
    let at = notice_time(&n.at, now)?;
    if at < row.detected_at {
        return Err(DomainError::field("breach-notified-before-detection", "notified_at").into());
    }
    if !repo::mark_authority(&mut tx, id, at, &reference).await? {
        return Err(AppError::Conflict("breach-already-notified"));
    }
    let late = at > row.authority_due_at;
    let summary = json!({"notified_at": at, "reference": reference, "late": late});
    let entry = mark_entry(role, &office, id, "breach.authority-notified", summary);
    audit::record(&mut tx, now, actor, entry).await?;
    let row = repo::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound(NOT_FOUND))?;
    let v = view(&mut tx, row, now).await?;
    tx.commit().await?;
    Ok(v)
}

/// Mark that the data subjects were told.
pub async fn notify_subjects(app: &App, actor: &Actor, id: Uuid, at: &str) -> Result<BreachView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (_, office, role) = load(&mut tx, actor, id).await?;
    let at = notice_time(at, now)?;
    if !repo::mark_subjects(&mut tx, id, at).await? {
        return Err(AppError::Conflict("breach-subjects-already-notified"));
    }
    let summary = json!({"notified_at": at});
    let entry = mark_entry(role, &office, id, "breach.subjects-notified", summary);
    audit::record(&mut tx, now, actor, entry).await?;
    let row = repo::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound(NOT_FOUND))?;
    let v = view(&mut tx, row, now).await?;
    tx.commit().await?;
    Ok(v)
}

fn notice_time(typed: &str, now: i64) -> Result<i64> {
    if typed.trim().is_empty() {
        return Ok(now);
    }
    Ok(past_instant(
        typed,
        now,
        "notified_at",
        "breach-notified-invalid",
        "breach-notified-in-future",
    )?)
}

/// The audit row of a mark on incident `id`.
fn mark_entry<'a>(
    role: Role,
    office: &OfficeRow,
    id: Uuid,
    action: &'a str,
    summary: serde_json::Value,
) -> Entry<'a> {
    Entry {
        action,
        role: Some(role.as_str()),
        office_id: Some(office.id),
        target_type: "breach",
        target_id: Some(id.to_string()),
        summary,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Notice {
    Recorded,
    DueSoon,
}

/// One e-mail per administrator over the incident's office, through the outbox.
async fn tell_admins(
    app: &App,
    tx: &mut Tx,
    row: &BreachRow,
    office: &OfficeRow,
    notice: Notice,
) -> Result<u64> {
    let link = format!(
        "{}/du-lieu-ca-nhan/su-co/{}",
        app.settings.public_url, row.id
    );
    let (topic, subject) = match notice {
        Notice::Recorded => (
            "breach.recorded",
            format!(
                "Sự cố dữ liệu cá nhân tại {}: thông báo A05 trước {}",
                office.name,
                dmy_hm(row.authority_due_at)
            ),
        ),
        Notice::DueSoon => (
            "breach.due-soon",
            format!(
                "Còn dưới 24 giờ: thông báo A05 về sự cố dữ liệu cá nhân tại {}",
                office.name
            ),
        ),
    };
    let body = format!(
        "Sự cố dữ liệu cá nhân tại {} được phát hiện lúc {}. Hạn thông báo cho Cục An ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an: {} (72 giờ sau khi phát hiện). Khi đã thông báo, ghi số văn bản vào sổ sự cố: {link}",
        office.name,
        dmy_hm(row.detected_at),
        dmy_hm(row.authority_due_at),
    );
    let path = access::path(office);
    let mut sent = 0;
    for email in repo::admin_emails(tx, path.as_str()).await? {
        let m = NewOutbox {
            id: new_id(),
            created_at: app.now(),
            topic: topic.into(),
            dossier_id: None,
            channel: "email".into(),
            recipient: email,
            subject: subject.clone(),
            body: body.clone(),
        };
        outbox::insert(tx, &m).await?;
        sent += 1;
    }
    Ok(sent)
}

/// Queue the "24 hours left" reminders now due. Each incident is claimed in its own
/// transaction with its e-mails and audit row, so two processes never both remind.
pub async fn remind_round(app: &App) -> Result<u64> {
    let now = app.now();
    let mut tx = app.db.read().await?;
    let due =
        repo::reminders_due(&mut tx, now + rule::REMIND_HOURS_LEFT * 3_600_000_000, 100).await?;
    tx.commit().await?;
    let mut reminded = 0;
    for row in due {
        let mut tx = app.db.begin().await?;
        if !repo::claim_reminder(&mut tx, row.id, now).await? {
            tx.rollback().await?;
            continue;
        }
        let office = access::office(&mut tx, row.office_id).await?;
        let sent = tell_admins(app, &mut tx, &row, &office, Notice::DueSoon).await?;
        let entry = Entry {
            action: "breach.reminded",
            role: None,
            office_id: Some(row.office_id),
            target_type: "breach",
            target_id: Some(row.id.to_string()),
            summary: json!({"emails": sent, "due_at": row.authority_due_at}),
        };
        audit::record_as(&mut tx, now, None, "congbo-breach-reminder", None, entry).await?;
        tx.commit().await?;
        reminded += 1;
    }
    Ok(reminded)
}

/// `serve`'s reminder round, every [`REMIND_EVERY`].
pub fn spawn_reminders(
    app: App,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    audit::spawn_rounds(REMIND_EVERY, shutdown, move || {
        let app = app.clone();
        async move {
            if let Err(e) = remind_round(&app).await {
                tracing::error!(error = %e, "breach reminder round failed");
            }
        }
    })
}
