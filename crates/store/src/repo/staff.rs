//! Staff accounts and their role assignments.

use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Tx, exec, on_tx};

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub email: Option<String>,
    pub home_office_id: Uuid,
    pub password_hash: String,
    pub active: bool,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub password_changed_at: i64,
    pub created_at: i64,
}

pub async fn insert(tx: &mut Tx, u: &UserRow, full_name_folded: &str) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO users (id, username, full_name, full_name_folded, email, home_office_id, password_hash,
                            active, failed_logins, locked_until, password_changed_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
        .bind(u.id).bind(&u.username).bind(&u.full_name).bind(full_name_folded).bind(&u.email)
        .bind(u.home_office_id).bind(&u.password_hash).bind(u.active).bind(u.failed_logins)
        .bind(u.locked_until).bind(u.password_changed_at).bind(u.created_at)
        .execute(c).await)?;
    Ok(())
}

pub async fn get(tx: &mut Tx, id: Uuid) -> Result<Option<UserRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, username, full_name, email, home_office_id, password_hash, active, failed_logins,
                locked_until, password_changed_at, created_at FROM users WHERE id = $1")
        .bind(id).fetch_optional(c).await)?)
}

pub async fn get_by_username(tx: &mut Tx, username: &str) -> Result<Option<UserRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT id, username, full_name, email, home_office_id, password_hash, active, failed_logins,
                locked_until, password_changed_at, created_at FROM users WHERE username = $1")
        .bind(username).fetch_optional(c).await)?)
}

pub async fn count(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await)?)
}

/// Users whose home office lies in the subtree at `root_path`, by username.
pub async fn list_in_subtree(tx: &mut Tx, root_path: &str) -> Result<Vec<UserRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id, u.username, u.full_name, u.email, u.home_office_id, u.password_hash, u.active,
                u.failed_logins, u.locked_until, u.password_changed_at, u.created_at
         FROM users u JOIN offices o ON o.id = u.home_office_id
         WHERE o.path LIKE $1 || '%' ORDER BY u.username")
        .bind(root_path).fetch_all(c).await)?)
}

pub async fn set_password(tx: &mut Tx, id: Uuid, hash: &str, at: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE users SET password_hash = $1, password_changed_at = $2, failed_logins = 0, locked_until = NULL,
                          must_change_password = $3
         WHERE id = $4")
        .bind(hash).bind(at).bind(false).bind(id).execute(c).await)?;
    Ok(())
}

/// Count one more failed sign-in at `at` in one statement and return the new count:
/// concurrent failures all count (no read-modify-write that a race could lose). The time lets
/// the retention job reset a stale counter.
pub async fn add_login_failure(tx: &mut Tx, id: Uuid, at: i64) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "UPDATE users SET failed_logins = failed_logins + 1, failed_login_at = $1 WHERE id = $2
         RETURNING failed_logins")
        .bind(at).bind(id).fetch_one(c).await)?)
}

/// Hear no sign-in of this account before `until` (never shortens a longer wait).
pub async fn hold_sign_in(tx: &mut Tx, id: Uuid, until: i64) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "UPDATE users SET locked_until = $1 WHERE id = $2 AND (locked_until IS NULL OR locked_until < $1)")
        .bind(until).bind(id).execute(c).await)?;
    Ok(())
}

/// Whether the user must choose a new password before doing anything else.
pub async fn must_change_password(tx: &mut Tx, id: Uuid) -> Result<bool> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT must_change_password FROM users WHERE id = $1")
        .bind(id).fetch_optional(c).await)?
    .unwrap_or(false))
}

pub async fn set_must_change_password(tx: &mut Tx, id: Uuid, must: bool) -> Result<()> {
    exec!(tx, c => sqlx::query("UPDATE users SET must_change_password = $1 WHERE id = $2")
        .bind(must).bind(id).execute(c).await)?;
    Ok(())
}

pub async fn set_login_failures(
    tx: &mut Tx,
    id: Uuid,
    failures: i64,
    locked_until: Option<i64>,
) -> Result<()> {
    exec!(tx, c => sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
        .bind(failures).bind(locked_until).bind(id).execute(c).await)?;
    Ok(())
}

pub async fn set_active(tx: &mut Tx, id: Uuid, active: bool) -> Result<()> {
    exec!(tx, c => sqlx::query("UPDATE users SET active = $1 WHERE id = $2")
        .bind(active).bind(id).execute(c).await)?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct AssignmentRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub role: String,
    pub office_id: Uuid,
    pub office_path: String,
    pub office_code: String,
    pub office_name: String,
    pub created_at: i64,
}

pub async fn insert_assignment(
    tx: &mut Tx,
    id: Uuid,
    user_id: Uuid,
    role: &str,
    office_id: Uuid,
    at: i64,
) -> Result<()> {
    exec!(tx, c => sqlx::query(
        "INSERT INTO role_assignments (id, user_id, role, office_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id).bind(user_id).bind(role).bind(office_id).bind(at).execute(c).await)?;
    Ok(())
}

pub async fn delete_assignment(tx: &mut Tx, id: Uuid) -> Result<u64> {
    Ok(
        exec!(tx, c => sqlx::query("DELETE FROM role_assignments WHERE id = $1")
        .bind(id).execute(c).await)?,
    )
}

pub async fn get_assignment(tx: &mut Tx, id: Uuid) -> Result<Option<AssignmentRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.user_id, a.role, a.office_id, o.path AS office_path, o.code AS office_code,
                o.name AS office_name, a.created_at
         FROM role_assignments a JOIN offices o ON o.id = a.office_id WHERE a.id = $1")
        .bind(id).fetch_optional(c).await)?)
}

pub async fn assignments_of(tx: &mut Tx, user_id: Uuid) -> Result<Vec<AssignmentRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT a.id, a.user_id, a.role, a.office_id, o.path AS office_path, o.code AS office_code,
                o.name AS office_name, a.created_at
         FROM role_assignments a JOIN offices o ON o.id = a.office_id
         WHERE a.user_id = $1 ORDER BY o.path, a.role")
        .bind(user_id).fetch_all(c).await)?)
}

/// How many active administrators hold the role at a root office (used to refuse removing the
/// last one).
pub async fn count_active_admins_at(tx: &mut Tx, office_id: Uuid) -> Result<i64> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_assignments a JOIN users u ON u.id = a.user_id
         WHERE a.role = 'admin' AND a.office_id = $1 AND u.active")
        .bind(office_id).fetch_one(c).await)?)
}

/// An active officer holding a role at an office (who may be handed a dossier there).
#[derive(Debug, Clone, FromRow, PartialEq, Eq)]
pub struct HolderRow {
    pub user_id: Uuid,
    pub full_name: String,
    pub role: String,
}

/// Active users holding a role at office `office_id` itself, by name then role.
pub async fn holders_at(tx: &mut Tx, office_id: Uuid) -> Result<Vec<HolderRow>> {
    Ok(on_tx!(tx, c => sqlx::query_as(
        "SELECT u.id AS user_id, u.full_name, a.role
         FROM role_assignments a JOIN users u ON u.id = a.user_id
         WHERE a.office_id = $1 AND u.active ORDER BY u.full_name, u.id, a.role")
        .bind(office_id).fetch_all(c).await)?)
}

/// Full names of the users `ids` (unknown ids are left out).
pub async fn names_of(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<(Uuid, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ps: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, full_name FROM users WHERE id IN ({}) ORDER BY id",
        ps.join(", ")
    );
    Ok(on_tx!(tx, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(&*sql));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(c).await
    })?)
}
