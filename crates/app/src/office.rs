//! Offices: create, rename, move (history kept), list within scope; counters.

use congbo_domain::identity::{Perm, Role};
use congbo_domain::office::{self, OfficeCode, OfficeKind, OfficePath, parse_office_name};
use congbo_domain::{DomainError, text};
use congbo_store::Tx;
use congbo_store::repo::office::{self as repo, CounterRow, HistoryRow, OfficeRow};
use serde_json::json;
use uuid::Uuid;

use crate::access;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id};

/// What a row of an office's history records.
enum Change<'a> {
    Create { name: &'a str, parent: Option<Uuid> },
    Rename { old: &'a str, new: &'a str },
    Move { from: Uuid, to: Uuid },
}

/// Append `change` to office `office_id`'s history.
async fn insert_history(
    tx: &mut Tx,
    office_id: Uuid,
    now: i64,
    actor_id: Option<Uuid>,
    change: Change<'_>,
) -> Result<()> {
    let (change, old_name, new_name, old_parent_id, new_parent_id) = match change {
        Change::Create { name, parent } => ("create", None, Some(name), None, parent),
        Change::Rename { old, new } => ("rename", Some(old), Some(new), None, None),
        Change::Move { from, to } => ("move", None, None, Some(from), Some(to)),
    };
    let row = HistoryRow {
        id: new_id(),
        office_id,
        at: now,
        actor_id,
        change: change.into(),
        old_name: old_name.map(str::to_string),
        new_name: new_name.map(str::to_string),
        old_parent_id,
        new_parent_id,
    };
    repo::insert_history(tx, &row).await?;
    Ok(())
}

/// Insert an office row and its "create" history row. `parent` is `None` only for a top office.
pub(crate) async fn insert_office(
    tx: &mut Tx,
    now: i64,
    actor_id: Option<Uuid>,
    code: &OfficeCode,
    name: &str,
    kind: OfficeKind,
    parent: Option<&OfficeRow>,
) -> Result<Uuid> {
    let id = new_id();
    let path = match parent {
        Some(p) => OfficePath::from_stored(p.path.clone()).child(id),
        None => OfficePath::root(id),
    };
    repo::insert(
        tx,
        &OfficeRow {
            id,
            code: code.as_str().to_string(),
            name: name.to_string(),
            kind: kind.as_str().to_string(),
            parent_id: parent.map(|p| p.id),
            path: path.as_str().to_string(),
            created_at: now,
            updated_at: now,
        },
        &text::fold(name),
    )
    .await?;
    let change = Change::Create {
        name,
        parent: parent.map(|p| p.id),
    };
    insert_history(tx, id, now, actor_id, change).await?;
    Ok(id)
}

fn path_of(o: &OfficeRow) -> OfficePath {
    OfficePath::from_stored(o.path.clone())
}

#[derive(Debug, Clone)]
pub struct NewOffice {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Uuid,
}

pub async fn create(app: &App, actor: &Actor, input: &NewOffice) -> Result<OfficeRow> {
    let code = OfficeCode::parse(&input.code)?;
    let name = parse_office_name(&input.name)?;
    let kind = OfficeKind::parse(&input.kind)?;
    let now = app.now();
    kind.check_new(congbo_domain::time::local_date(now))?;
    let mut tx = app.db.begin().await?;
    let (parent, role) =
        access::office_for(&mut tx, actor, Perm::OfficeManage, input.parent_id).await?;
    let id = insert_office(
        &mut tx,
        now,
        Some(actor.principal.user_id),
        &code,
        &name,
        kind,
        Some(&parent),
    )
    .await?;
    audit::record(&mut tx, now, actor, Entry {
        action: "office.create",
        role: Some(role.as_str()),
        office_id: Some(id),
        target_type: "office",
        target_id: Some(id.to_string()),
        summary: json!({"code": code.as_str(), "name": name, "kind": kind.as_str(), "parent": parent.code}),
    })
    .await?;
    let row = repo::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    tx.commit().await?;
    Ok(row)
}

pub async fn rename(app: &App, actor: &Actor, id: Uuid, new_name: &str) -> Result<OfficeRow> {
    update(app, actor, id, Some(new_name), None).await
}

/// Move an office (and its subtree) under another parent: both places must be in the actor's
/// OfficeManage scope.
pub async fn move_to(app: &App, actor: &Actor, id: Uuid, new_parent_id: Uuid) -> Result<OfficeRow> {
    update(app, actor, id, None, Some(new_parent_id)).await
}

/// Rename and/or move in one transaction: every change is checked before anything is written,
/// so a refused move never leaves a rename behind. Each change keeps history and is audited.
pub async fn update(
    app: &App,
    actor: &Actor,
    id: Uuid,
    new_name: Option<&str>,
    new_parent_id: Option<Uuid>,
) -> Result<OfficeRow> {
    let name = new_name.map(parse_office_name).transpose()?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (o, role) = access::office_for(&mut tx, actor, Perm::OfficeManage, id).await?;
    let mut new_parent = None;
    if let Some(pid) = new_parent_id {
        let Some(old_parent) = o.parent_id else {
            return Err(DomainError::field("office-move-root", "parent_id").into());
        };
        let (np, _) = access::office_for(&mut tx, actor, Perm::OfficeManage, pid).await?;
        office::check_move(&path_of(&o), &path_of(&np))?;
        if old_parent != np.id {
            new_parent = Some((old_parent, np));
        }
    }
    if let Some(name) = name.filter(|n| *n != o.name) {
        write_rename(&mut tx, actor, role, &o, &name, now).await?;
    }
    if let Some((old_parent, np)) = new_parent {
        write_move(&mut tx, actor, role, &o, old_parent, &np, now).await?;
    }
    let row = repo::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    tx.commit().await?;
    Ok(row)
}

/// The rename of `o` to `name`: the row, its history and the audit row.
async fn write_rename(
    tx: &mut Tx,
    actor: &Actor,
    role: Role,
    o: &OfficeRow,
    name: &str,
    now: i64,
) -> Result<()> {
    repo::rename(tx, o.id, name, &text::fold(name), now).await?;
    let change = Change::Rename {
        old: &o.name,
        new: name,
    };
    insert_history(tx, o.id, now, Some(actor.principal.user_id), change).await?;
    audit::record(
        tx,
        now,
        actor,
        Entry {
            action: "office.rename",
            role: Some(role.as_str()),
            office_id: Some(o.id),
            target_type: "office",
            target_id: Some(o.id.to_string()),
            summary: json!({"code": o.code, "old_name": o.name, "new_name": name}),
        },
    )
    .await?;
    Ok(())
}

/// The move of `o` (and its subtree) from `old_parent` to `np`: the rows, the history and the
/// audit row.
async fn write_move(
    tx: &mut Tx,
    actor: &Actor,
    role: Role,
    o: &OfficeRow,
    old_parent: Uuid,
    np: &OfficeRow,
    now: i64,
) -> Result<()> {
    let new_path = path_of(np).child(o.id);
    let moved = repo::move_subtree(tx, o.id, np.id, &o.path, new_path.as_str(), now).await?;
    let change = Change::Move {
        from: old_parent,
        to: np.id,
    };
    insert_history(tx, o.id, now, Some(actor.principal.user_id), change).await?;
    audit::record(tx, now, actor, Entry {
        action: "office.move",
        role: Some(role.as_str()),
        office_id: Some(o.id),
        target_type: "office",
        target_id: Some(o.id.to_string()),
        summary: json!({"code": o.code, "old_parent": old_parent, "new_parent": np.code, "offices_moved": moved}),
    })
    .await?;
    Ok(())
}

/// Every office the actor may see, in tree (path) order.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<OfficeRow>> {
    let scopes = actor.principal.scopes(Perm::OfficeRead);
    let mut tx = app.db.read().await?;
    let mut rows = Vec::new();
    for root in &scopes {
        rows.extend(repo::list_subtree(&mut tx, root.as_str()).await?);
    }
    tx.commit().await?;
    rows.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(rows)
}

/// An office of [`tree`], with what the caller may do there.
#[derive(Debug, Clone)]
pub struct OfficeItem {
    pub row: OfficeRow,
    /// Rename it, move it, add offices and counters under it.
    pub manage: bool,
    /// Create staff whose home office it is, and assign roles there.
    pub manage_staff: bool,
}

/// [`list`], each office with the caller's rights over it.
pub async fn tree(app: &App, actor: &Actor) -> Result<Vec<OfficeItem>> {
    let p = &actor.principal;
    Ok(list(app, actor)
        .await?
        .into_iter()
        .map(|row| {
            let path = path_of(&row);
            OfficeItem {
                manage: p.can(Perm::OfficeManage, &path),
                manage_staff: p.can(Perm::StaffManage, &path),
                row,
            }
        })
        .collect())
}

/// What `read` finds about office `id`, in one read transaction, once the caller may see the
/// office (`OfficeRead`).
async fn read_office<T>(
    app: &App,
    actor: &Actor,
    id: Uuid,
    read: impl AsyncFnOnce(&mut Tx, OfficeRow) -> Result<T>,
) -> Result<T> {
    let mut tx = app.db.read().await?;
    let (o, _) = access::office_for(&mut tx, actor, Perm::OfficeRead, id).await?;
    let out = read(&mut tx, o).await?;
    tx.commit().await?;
    Ok(out)
}

pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<OfficeRow> {
    read_office(app, actor, id, async |_, o| Ok(o)).await
}

pub async fn history(app: &App, actor: &Actor, id: Uuid) -> Result<Vec<HistoryRow>> {
    read_office(app, actor, id, async |tx, _| {
        Ok(repo::history(tx, id).await?)
    })
    .await
}

pub async fn counters(app: &App, actor: &Actor, office_id: Uuid) -> Result<Vec<CounterRow>> {
    read_office(app, actor, office_id, async |tx, _| {
        Ok(repo::list_counters(tx, office_id).await?)
    })
    .await
}

/// Counter numbers run 1–99 per office; the name is what the lobby shows ("Quầy 3 – Hộ tịch").
pub(crate) fn parse_counter(number: i64, name: &str) -> Result<(i32, String)> {
    if !(1..=99).contains(&number) {
        return Err(DomainError::field("counter-number-range", "number").into());
    }
    Ok((number as i32, text::name(name, "name", 1, 100)?))
}

pub(crate) async fn insert_counter(
    tx: &mut Tx,
    now: i64,
    office_id: Uuid,
    number: i32,
    name: &str,
) -> Result<Uuid> {
    let id = new_id();
    repo::insert_counter(
        tx,
        &CounterRow {
            id,
            office_id,
            number,
            name: name.to_string(),
            created_at: now,
        },
    )
    .await?;
    Ok(id)
}

pub async fn create_counter(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    number: i64,
    name: &str,
) -> Result<CounterRow> {
    let (number, name) = parse_counter(number, name)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (o, role) = access::office_for(&mut tx, actor, Perm::OfficeManage, office_id).await?;
    let id = insert_counter(&mut tx, now, office_id, number, &name).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "counter.create",
            role: Some(role.as_str()),
            office_id: Some(office_id),
            target_type: "counter",
            target_id: Some(id.to_string()),
            summary: json!({"office": o.code, "number": number, "name": name}),
        },
    )
    .await?;
    let row = repo::list_counters(&mut tx, office_id)
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(AppError::NotFound("counter-not-found"))?;
    tx.commit().await?;
    Ok(row)
}
