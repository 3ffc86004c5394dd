//! The queue's configuration: service groups, the services of each counter, the settings.

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::queue::{self as dom, QueueSettings};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::queue::{self as repo, DutyRow, GroupRow};
use congbo_store::{StoreError, Tx};
use serde_json::json;
use uuid::Uuid;

use super::live::Signal;
use super::{commit_with, role_str};
use crate::access::{office, office_for, path, require, require_as};
use crate::audit::{self, Entry};
use crate::settings::{Saved, queue_settings, save};
use crate::{Actor, App, AppError, Result, new_id};

/// An office's queue as configured: groups, counters with their services and officer, settings.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    pub office: OfficeRow,
    pub groups: Vec<GroupRow>,
    pub counters: Vec<CounterConfig>,
    pub settings: QueueSettings,
    /// The caller may change the configuration (QueueManage over the office).
    pub may_manage: bool,
}

#[derive(Debug, Clone)]
pub struct CounterConfig {
    pub id: Uuid,
    pub number: i32,
    pub name: String,
    pub groups: Vec<Uuid>,
    pub officer: Option<DutyRow>,
}

pub(super) async fn config_in(tx: &mut Tx, o: OfficeRow) -> Result<QueueConfig> {
    let groups = repo::groups(tx, o.id).await?;
    let services = repo::counter_services(tx, o.id).await?;
    let duty = repo::duty(tx, o.id).await?;
    let counters = office_repo::list_counters(tx, o.id)
        .await?
        .into_iter()
        .map(|c| CounterConfig {
            id: c.id,
            number: c.number,
            name: c.name,
            groups: services
                .iter()
                .filter(|(k, _)| *k == c.id)
                .map(|(_, g)| *g)
                .collect(),
            officer: duty.iter().find(|d| d.counter_id == c.id).cloned(),
        })
        .collect();
    let settings = queue_settings(tx, o.id).await?;
    Ok(QueueConfig {
        office: o,
        groups,
        counters,
        settings,
        may_manage: false,
    })
}

/// The configuration, for staff of the office (OfficeRead), with whether they may change it.
pub async fn config(app: &App, actor: &Actor, office_id: Uuid) -> Result<QueueConfig> {
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    require(actor, Perm::OfficeRead, &o)?;
    let may_manage = actor.principal.can(Perm::QueueManage, &path(&o));
    let c = config_in(&mut tx, o).await?;
    tx.commit().await?;
    Ok(QueueConfig { may_manage, ..c })
}

/// The public part of the configuration (the kiosk's buttons): active groups and the priority
/// reasons, by office code.
pub async fn public_config(app: &App, office_code: &str) -> Result<QueueConfig> {
    let mut tx = app.db.read().await?;
    let o = office_repo::get_by_code(&mut tx, office_code.trim())
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    let mut c = config_in(&mut tx, o).await?;
    tx.commit().await?;
    c.groups.retain(|g| g.active);
    for k in &mut c.counters {
        k.officer = None;
    }
    Ok(c)
}

/// A group's field (lĩnh vực): trimmed, none when blank.
fn field_of(field: Option<&str>) -> Option<String> {
    field
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(str::to_string)
}

/// Add a service group. Errors: `queue-letter-format` (`letter`), `queue-group-name` (`name`),
/// `queue-letter-taken` (409).
pub async fn create_group(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    letter: &str,
    name: &str,
    field: Option<&str>,
) -> Result<GroupRow> {
    let letter = dom::parse_letter(letter)?;
    let name = dom::parse_group_name(name)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = office(&mut tx, office_id).await?;
    let role = require(actor, Perm::QueueManage, &o)?;
    let g = GroupRow {
        id: new_id(),
        office_id,
        letter: letter.to_string(),
        name,
        field: field_of(field),
        active: true,
        created_at: now,
    };
    match repo::insert_group(&mut tx, &g).await {
        Err(StoreError::Duplicate(_)) => return Err(AppError::Conflict("queue-letter-taken")),
        r => r?,
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.group.create",
            role: role_str(role),
            office_id: Some(office_id),
            target_type: "service-group",
            target_id: Some(g.id.to_string()),
            summary: json!({"letter": g.letter, "name": g.name, "field": g.field}),
        },
    )
    .await?;
    commit_with(app, tx, Signal::change(office_id)).await?;
    Ok(g)
}

/// Rename a group, or take it off the kiosk (`active = false`).
pub async fn update_group(
    app: &App,
    actor: &Actor,
    group_id: Uuid,
    name: &str,
    field: Option<&str>,
    active: bool,
) -> Result<GroupRow> {
    let name = dom::parse_group_name(name)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let mut g = repo::group(&mut tx, group_id)
        .await?
        .ok_or(AppError::NotFound("queue-group-not-found"))?;
    let o = office(&mut tx, g.office_id).await?;
    let role = require_as(actor, Perm::QueueManage, &o, "queue-group-not-found")?;
    g.name = name;
    g.field = field_of(field);
    g.active = active;
    repo::update_group(&mut tx, &g).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.group.update",
            role: role_str(role),
            office_id: Some(g.office_id),
            target_type: "service-group",
            target_id: Some(g.id.to_string()),
            summary: json!({"letter": g.letter, "name": g.name, "active": g.active}),
        },
    )
    .await?;
    commit_with(app, tx, Signal::change(g.office_id)).await?;
    Ok(g)
}

/// Set the services a counter serves. Error: `queue-unknown-group` (`groups`) for a group of
/// another office.
pub async fn set_counter_services(
    app: &App,
    actor: &Actor,
    counter_id: Uuid,
    groups: &[Uuid],
) -> Result<()> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let k = repo::counter(&mut tx, counter_id)
        .await?
        .ok_or(AppError::NotFound("counter-not-found"))?;
    let o = office(&mut tx, k.office_id).await?;
    let role = require_as(actor, Perm::QueueManage, &o, "counter-not-found")?;
    let known = repo::groups(&mut tx, k.office_id).await?;
    let mut ids: Vec<Uuid> = groups.to_vec();
    ids.sort();
    ids.dedup();
    if ids.iter().any(|g| !known.iter().any(|k| k.id == *g)) {
        return Err(DomainError::field("queue-unknown-group", "groups").into());
    }
    repo::set_counter_services(&mut tx, counter_id, &ids).await?;
    let letters: Vec<&str> = known
        .iter()
        .filter(|g| ids.contains(&g.id))
        .map(|g| g.letter.as_str())
        .collect();
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "queue.counter.services",
            role: role_str(role),
            office_id: Some(k.office_id),
            target_type: "counter",
            target_id: Some(counter_id.to_string()),
            summary: json!({"counter": k.number, "groups": letters}),
        },
    )
    .await?;
    commit_with(app, tx, Signal::change(k.office_id)).await
}

/// Save the office's settings. Errors: see [`QueueSettings::validate`].
pub async fn put_settings(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    s: &QueueSettings,
) -> Result<QueueSettings> {
    s.validate()?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (_, role) = office_for(&mut tx, actor, Perm::QueueManage, office_id).await?;
    save(&mut tx, now, actor, role, office_id, Saved::Queue(s)).await?;
    commit_with(app, tx, Signal::change(office_id)).await?;
    Ok(s.clone())
}
