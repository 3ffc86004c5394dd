//! Staff accounts and role assignments.

use congbo_domain::identity::{Perm, Role, Username, check_new_password};
use congbo_domain::office::OfficePath;
use congbo_domain::{DomainError, text};
use congbo_store::Tx;
use congbo_store::repo::staff::{self as repo, AssignmentRow, UserRow};
use congbo_store::repo::{office as office_repo, session};
use serde_json::json;
use uuid::Uuid;

use crate::access;
use crate::audit::{self, Entry};
use crate::password;
use crate::{Actor, App, AppError, Result, new_id};

/// A staff member with their roles, as lists and pages show them.
#[derive(Debug, Clone)]
pub struct StaffView {
    pub user: UserRow,
    pub home_office_code: String,
    pub assignments: Vec<AssignmentRow>,
}

/// A new account as intake, setup and the demo make it.
pub(crate) struct NewUser<'a> {
    pub(crate) username: &'a Username,
    pub(crate) full_name: &'a str,
    pub(crate) email: Option<String>,
    pub(crate) home_office_id: Uuid,
    pub(crate) password_hash: &'a str,
    pub(crate) roles: &'a [(Role, Uuid)],
}

pub(crate) async fn insert_user(tx: &mut Tx, now: i64, u: NewUser<'_>) -> Result<Uuid> {
    let id = new_id();
    repo::insert(
        tx,
        &UserRow {
            id,
            username: u.username.as_str().to_string(),
            full_name: u.full_name.to_string(),
            email: u.email,
            home_office_id: u.home_office_id,
            password_hash: u.password_hash.to_string(),
            active: true,
            failed_logins: 0,
            locked_until: None,
            password_changed_at: now,
            created_at: now,
        },
        &text::fold(u.full_name),
    )
    .await?;
    for (role, office) in u.roles {
        repo::insert_assignment(tx, new_id(), id, role.as_str(), *office, now).await?;
    }
    Ok(id)
}

/// The full name of staff member `id`, when there is one (`None` for an unknown id).
pub(crate) async fn name_of(tx: &mut Tx, id: Option<Uuid>) -> Result<Option<String>> {
    Ok(match id {
        Some(u) => repo::get(tx, u).await?.map(|u| u.full_name),
        None => None,
    })
}

fn parse_email(e: Option<&str>) -> Result<Option<String>> {
    let Some(e) = e.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let e = text::clean(e, "email", 3, 254)?;
    let valid = e.split_once('@').is_some_and(|(l, d)| {
        !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
    }) && !e.contains(char::is_whitespace);
    if !valid {
        return Err(DomainError::field("email-format", "email").into());
    }
    Ok(Some(e))
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub home_office_id: Uuid,
    pub password: String,
    pub roles: Vec<(String, Uuid)>,
}

/// Load a user the actor may act on with `perm`, judged at the user's home office by the rule
/// of [`access`]: users outside the actor's StaffRead scope are "not found".
async fn load_user_for(
    tx: &mut Tx,
    actor: &Actor,
    perm: Perm,
    id: Uuid,
) -> Result<(UserRow, &'static str)> {
    let u = repo::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("staff-not-found"))?;
    let home = access::office(tx, u.home_office_id).await?;
    let role = access::judge(
        &actor.principal,
        perm,
        Perm::StaffRead,
        &[&access::path(&home)],
    )
    .map_err(|r| r.error("staff-not-found"))?
    .role;
    Ok((u, role.as_str()))
}

pub async fn create(app: &App, actor: &Actor, input: &NewStaff) -> Result<StaffView> {
    let username = Username::parse(&input.username)?;
    let full_name = text::name(&input.full_name, "full_name", 1, 120)?;
    let email = parse_email(input.email.as_deref())?;
    check_new_password(&input.password, username.as_str())?;
    let mut roles = Vec::new();
    for (r, o) in &input.roles {
        roles.push((Role::parse(r)?, *o));
    }
    let hash = password::hash(input.password.clone()).await?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (home, role) =
        access::office_for(&mut tx, actor, Perm::StaffManage, input.home_office_id).await?;
    for (r, o) in &roles {
        let (office, _) = access::office_for(&mut tx, actor, Perm::OfficeRead, *o).await?;
        actor
            .principal
            .may_assign(*r, &OfficePath::from_stored(office.path))?;
    }
    let new_user = NewUser {
        username: &username,
        full_name: &full_name,
        email,
        home_office_id: home.id,
        password_hash: &hash,
        roles: &roles,
    };
    let id = insert_user(&mut tx, now, new_user).await?;
    // The administrator knows this password: its owner must replace it at the first sign-in.
    repo::set_must_change_password(&mut tx, id, true).await?;
    audit::record(&mut tx, now, actor, Entry {
        action: "staff.create",
        role: Some(role.as_str()),
        office_id: Some(home.id),
        target_type: "user",
        target_id: Some(id.to_string()),
        summary: json!({
            "username": username.as_str(),
            "full_name": full_name,
            "roles": roles.iter().map(|(r, o)| json!({"role": r.as_str(), "office": o})).collect::<Vec<_>>(),
        }),
    })
    .await?;
    let view = view_of(&mut tx, id).await?;
    tx.commit().await?;
    Ok(view)
}

async fn view_of(tx: &mut Tx, id: Uuid) -> Result<StaffView> {
    let user = repo::get(tx, id)
        .await?
        .ok_or(AppError::NotFound("staff-not-found"))?;
    let home = office_repo::get(tx, user.home_office_id)
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    let assignments = repo::assignments_of(tx, id).await?;
    Ok(StaffView {
        user,
        home_office_code: home.code,
        assignments,
    })
}

/// Staff whose home office is in the actor's StaffRead scope.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<StaffView>> {
    let scopes = actor.principal.scopes(Perm::StaffRead);
    if scopes.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut tx = app.db.read().await?;
    let mut out = Vec::new();
    for root in &scopes {
        for u in repo::list_in_subtree(&mut tx, root.as_str()).await? {
            out.push(view_of(&mut tx, u.id).await?);
        }
    }
    tx.commit().await?;
    out.sort_by(|a, b| a.user.username.cmp(&b.user.username));
    Ok(out)
}

/// [`list`] narrowed to staff whose username, name or e-mail contains `q`, ignoring case and
/// Vietnamese accents ("nguyen thi lan" finds "Nguyễn Thị Lan"); empty `q` keeps everyone.
pub async fn search(app: &App, actor: &Actor, q: &str) -> Result<Vec<StaffView>> {
    let q = congbo_domain::text::fold(q.trim());
    let all = list(app, actor).await?;
    if q.is_empty() {
        return Ok(all);
    }
    Ok(all
        .into_iter()
        .filter(|v| {
            let u = &v.user;
            [Some(&u.username), Some(&u.full_name), u.email.as_ref()]
                .into_iter()
                .flatten()
                .any(|x| congbo_domain::text::fold(x).contains(&q))
        })
        .collect())
}

pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<StaffView> {
    let mut tx = app.db.read().await?;
    load_user_for(&mut tx, actor, Perm::StaffRead, id).await?;
    let v = view_of(&mut tx, id).await?;
    tx.commit().await?;
    Ok(v)
}

/// Give `user_id` the role `role` at `office_id`. The actor must manage staff both where the user
/// belongs and where the role applies; only administrators grant the administrator role.
pub async fn assign(
    app: &App,
    actor: &Actor,
    user_id: Uuid,
    role: &str,
    office_id: Uuid,
) -> Result<StaffView> {
    let role = Role::parse(role)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (u, granted_by) = load_user_for(&mut tx, actor, Perm::StaffManage, user_id).await?;
    let (office, _) = access::office_for(&mut tx, actor, Perm::OfficeRead, office_id).await?;
    actor
        .principal
        .may_grant(u.id, role, &OfficePath::from_stored(office.path.clone()))?;
    let id = new_id();
    repo::insert_assignment(&mut tx, id, u.id, role.as_str(), office.id, now).await?;
    audit::record(&mut tx, now, actor, Entry {
        action: "staff.role_assigned",
        role: Some(granted_by),
        office_id: Some(office.id),
        target_type: "user",
        target_id: Some(u.id.to_string()),
        summary: json!({"username": u.username, "role": role.as_str(), "office": office.code, "assignment": id}),
    })
    .await?;
    let v = view_of(&mut tx, u.id).await?;
    tx.commit().await?;
    Ok(v)
}

/// Take a role away. The last active administrator of a top office cannot be removed.
pub async fn revoke(
    app: &App,
    actor: &Actor,
    user_id: Uuid,
    assignment_id: Uuid,
) -> Result<StaffView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (u, granted_by) = load_user_for(&mut tx, actor, Perm::StaffManage, user_id).await?;
    let a = repo::get_assignment(&mut tx, assignment_id)
        .await?
        .filter(|a| a.user_id == u.id)
        .ok_or(AppError::NotFound("assignment-not-found"))?;
    let role = Role::parse(&a.role)?;
    actor
        .principal
        .may_assign(role, &OfficePath::from_stored(a.office_path.clone()))?;
    if role == Role::Admin && repo::count_active_admins_at(&mut tx, a.office_id).await? <= 1 {
        let top = office_repo::get(&mut tx, a.office_id)
            .await?
            .is_some_and(|o| o.parent_id.is_none());
        if top {
            return Err(AppError::Conflict("last-admin"));
        }
    }
    repo::delete_assignment(&mut tx, a.id).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "staff.role_revoked",
            role: Some(granted_by),
            office_id: Some(a.office_id),
            target_type: "user",
            target_id: Some(u.id.to_string()),
            summary: json!({"username": u.username, "role": a.role, "office": a.office_code}),
        },
    )
    .await?;
    let v = view_of(&mut tx, u.id).await?;
    tx.commit().await?;
    Ok(v)
}

/// Lift a lockout before it expires.
pub async fn unlock(app: &App, actor: &Actor, user_id: Uuid) -> Result<StaffView> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (u, role) = load_user_for(&mut tx, actor, Perm::StaffManage, user_id).await?;
    repo::set_login_failures(&mut tx, u.id, 0, None).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "staff.unlocked",
            role: Some(role),
            office_id: Some(u.home_office_id),
            target_type: "user",
            target_id: Some(u.id.to_string()),
            summary: json!({"username": u.username, "failures_cleared": u.failed_logins}),
        },
    )
    .await?;
    let v = view_of(&mut tx, u.id).await?;
    tx.commit().await?;
    Ok(v)
}

/// Deactivate or reactivate an account; deactivation ends its sessions at once.
pub async fn set_active(
    app: &App,
    actor: &Actor,
    user_id: Uuid,
    active: bool,
) -> Result<StaffView> {
    if user_id == actor.principal.user_id && !active {
        return Err(AppError::Conflict("cannot-deactivate-self"));
    }
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (u, role) = load_user_for(&mut tx, actor, Perm::StaffManage, user_id).await?;
    repo::set_active(&mut tx, u.id, active).await?;
    if !active {
        session::delete_others(&mut tx, u.id, "").await?;
        // Reactivation must not bring old tokens back.
        congbo_store::repo::token::revoke_all_of(&mut tx, u.id, now).await?;
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: if active {
                "staff.activated"
            } else {
                "staff.deactivated"
            },
            role: Some(role),
            office_id: Some(u.home_office_id),
            target_type: "user",
            target_id: Some(u.id.to_string()),
            summary: json!({"username": u.username}),
        },
    )
    .await?;
    let v = view_of(&mut tx, u.id).await?;
    tx.commit().await?;
    Ok(v)
}
