//! Sign-in, sessions, API-token authentication, password change and the first-administrator
//! setup link.

use congbo_domain::DomainError;
use congbo_domain::identity::{self, Assignment, Principal, Role, Username, check_new_password};
use congbo_domain::office::{OfficeCode, OfficeKind, OfficePath, parse_office_name};
use congbo_domain::text;
use congbo_store::Tx;
use congbo_store::repo::{session, setup, staff, token};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::password;
use crate::{Actor, App, AppError, Result, random_token, sha256_hex};

/// Idle session lifetime: a working day plus margin. Each use slides it forward.
pub const SESSION_IDLE_MICROS: i64 = 12 * 3600 * 1_000_000;
/// Sessions are touched at most this often, to keep reads cheap.
const SESSION_TOUCH_MICROS: i64 = 5 * 60 * 1_000_000;
/// A setup link works for a day.
const SETUP_LINK_MICROS: i64 = 24 * 3600 * 1_000_000;

pub(crate) mod throttle;

/// Build the principal for a user id from the database.
pub async fn load_principal(tx: &mut Tx, user_id: Uuid) -> Result<Option<Principal>> {
    let Some(u) = staff::get(tx, user_id).await? else {
        return Ok(None);
    };
    if !u.active {
        return Ok(None);
    }
    let assignments = staff::assignments_of(tx, user_id)
        .await?
        .into_iter()
        .filter_map(|a| {
            Some(Assignment {
                id: a.id,
                role: Role::parse(&a.role).ok()?,
                office_id: a.office_id,
                office_path: OfficePath::from_stored(a.office_path),
            })
        })
        .collect();
    Ok(Some(Principal {
        user_id: u.id,
        username: u.username,
        full_name: u.full_name,
        assignments,
    }))
}

/// A new session after a successful sign-in.
pub struct SignedIn {
    pub token: String,
    pub principal: Principal,
    /// An administrator set the password: it must be changed before anything else.
    pub must_change_password: bool,
}

/// Check the password and open a session. The user is read, the password checked (argon2)
/// outside any transaction, and only then a short write transaction counts the outcome: a
/// flood of sign-ins never holds the write lock while hashing.
///
/// There is no hard lock: after [`identity::SIGN_IN_FREE_FAILURES`] failures in a row each
/// further try of the name waits [`identity::sign_in_delay_secs`] (refused with
/// [`AppError::RetryLater`] without checking the password). Unknown names get the same answers
/// after the same failures, counted in memory and in a metric — never written to the audit log.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    request_id: Option<String>,
) -> Result<SignedIn> {
    let name = username.trim().to_lowercase();
    let now = app.now();
    let mut tx = app.db.read().await?;
    let user = staff::get_by_username(&mut tx, &name).await?;
    tx.commit().await?;
    let Some(user) = user.filter(|u| u.active) else {
        return unknown_name(app, &name, password, now).await;
    };
    if let Some(until) = user.locked_until.filter(|u| *u > now) {
        metrics::counter!("congbo_sign_in_held_total").increment(1);
        return Err(AppError::RetryLater(seconds_until(until, now)));
    }
    if !password::verify(password.to_string(), user.password_hash.clone()).await? {
        return Err(count_failure(app, &user, now, request_id).await?);
    }
    open_session(app, &user, now, request_id).await
}

/// Whole seconds from `now` until `until` (at least one).
fn seconds_until(until: i64, now: i64) -> i64 {
    ((until - now + 999_999) / 1_000_000).max(1)
}

/// A name that is no (active) account: the same work and the same answers as a wrong password.
async fn unknown_name(app: &App, name: &str, password: &str, now: i64) -> Result<SignedIn> {
    metrics::counter!("congbo_sign_in_unknown_name_total").increment(1);
    // No account name is longer; a longer one is remembered by its start.
    let name: String = name.chars().take(64).collect();
    let name = name.as_str();
    if let Some(until) = app.unknown_names.held_until(name, now) {
        metrics::counter!("congbo_sign_in_held_total").increment(1);
        return Err(AppError::RetryLater(seconds_until(until, now)));
    }
    password::verify(password.to_string(), password::dummy_hash().to_string()).await?;
    app.unknown_names.fail(name, now);
    Err(AppError::Unauthorized("bad-credentials"))
}

/// Count a wrong password atomically (concurrent failures all count), start the wait when the
/// free failures are used up, and audit it. Returns the refusal to answer.
async fn count_failure(
    app: &App,
    user: &staff::UserRow,
    now: i64,
    request_id: Option<String>,
) -> Result<AppError> {
    let mut tx = app.db.begin().await?;
    let failures = staff::add_login_failure(&mut tx, user.id, now).await?;
    let delay = identity::sign_in_delay_secs(failures);
    if delay > 0 {
        staff::hold_sign_in(&mut tx, user.id, now + delay * 1_000_000).await?;
    }
    let action = if delay > 0 {
        "auth.sign_in_delayed"
    } else {
        "auth.login_failed"
    };
    let summary = json!({"failures": failures, "wait_seconds": delay});
    let entry = user_entry(action, user, summary);
    record_sign_in(&mut tx, now, user, request_id, entry).await?;
    tx.commit().await?;
    Ok(AppError::Unauthorized("bad-credentials"))
}

/// The right password: reset the failures and open a session.
async fn open_session(
    app: &App,
    user: &staff::UserRow,
    now: i64,
    request_id: Option<String>,
) -> Result<SignedIn> {
    let mut tx = app.db.begin().await?;
    staff::set_login_failures(&mut tx, user.id, 0, None).await?;
    let token = random_token();
    session::insert(
        &mut tx,
        &session::SessionRow {
            token_hash: sha256_hex(&token),
            user_id: user.id,
            created_at: now,
            expires_at: now + SESSION_IDLE_MICROS,
            last_seen_at: now,
        },
    )
    .await?;
    let entry = user_entry("auth.login", user, json!({}));
    record_sign_in(&mut tx, now, user, request_id, entry).await?;
    let principal = load_principal(&mut tx, user.id)
        .await?
        .ok_or(AppError::Unauthorized("bad-credentials"))?;
    let must_change_password = staff::must_change_password(&mut tx, user.id).await?;
    tx.commit().await?;
    Ok(SignedIn {
        token,
        principal,
        must_change_password,
    })
}

/// An audit entry about `user`, filed under the user's home office.
fn user_entry<'a>(action: &'a str, user: &staff::UserRow, summary: serde_json::Value) -> Entry<'a> {
    Entry {
        action,
        role: None,
        office_id: Some(user.home_office_id),
        target_type: "user",
        target_id: Some(user.id.to_string()),
        summary,
    }
}

/// Audit a sign-in event for `user`, who is not signed in yet and so acts under their own name.
async fn record_sign_in(
    tx: &mut Tx,
    now: i64,
    user: &staff::UserRow,
    request_id: Option<String>,
    entry: Entry<'_>,
) -> Result<()> {
    audit::record_as(tx, now, Some(user.id), &user.username, request_id, entry).await
}

/// A live browser session.
pub struct Session {
    pub principal: Principal,
    /// The SHA-256 of the session token.
    pub hash: String,
    /// An administrator set the password: only changing it (or signing out) is allowed.
    pub must_change_password: bool,
}

/// The principal behind a session cookie, sliding its expiry.
pub async fn from_session(app: &App, token: &str) -> Result<Option<Session>> {
    let now = app.now();
    let hash = sha256_hex(token);
    let mut tx = app.db.read().await?;
    let Some(s) = session::get_live(&mut tx, &hash, now).await? else {
        tx.commit().await?;
        return Ok(None);
    };
    let p = load_principal(&mut tx, s.user_id).await?;
    let must_change_password = staff::must_change_password(&mut tx, s.user_id).await?;
    tx.commit().await?;
    if p.is_some() && now - s.last_seen_at > SESSION_TOUCH_MICROS {
        let mut tx = app.db.begin().await?;
        session::touch(&mut tx, &hash, now, now + SESSION_IDLE_MICROS).await?;
        tx.commit().await?;
    }
    Ok(p.map(|principal| Session {
        principal,
        hash,
        must_change_password,
    }))
}

/// The principal behind an API token (`Authorization: Bearer …`): one query, no transaction.
pub async fn from_api_token(app: &App, bearer: &str) -> Result<Option<Principal>> {
    let now = app.now();
    let rows = token::find_live_with_grants(&app.db, &sha256_hex(bearer)).await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    if !first.active {
        return Ok(None);
    }
    let (token_id, last_used_at) = (first.token_id, first.last_used_at);
    let p = Principal {
        user_id: first.user_id,
        username: first.username.clone(),
        full_name: first.full_name.clone(),
        assignments: rows
            .iter()
            .filter_map(|r| {
                Some(Assignment {
                    id: r.assignment_id?,
                    role: Role::parse(r.role.as_deref()?).ok()?,
                    office_id: r.office_id?,
                    office_path: OfficePath::from_stored(r.office_path.clone()?),
                })
            })
            .collect(),
    };
    if last_used_at.is_none_or(|u| now - u > SESSION_TOUCH_MICROS) {
        let mut tx = app.db.begin().await?;
        token::touch(&mut tx, token_id, now).await?;
        tx.commit().await?;
    }
    Ok(Some(p))
}

pub async fn logout(app: &App, actor: &Actor) -> Result<()> {
    let Some(hash) = &actor.session_hash else {
        return Ok(());
    };
    let now = app.now();
    let mut tx = app.db.begin().await?;
    session::delete(&mut tx, hash).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "auth.logout",
            role: None,
            office_id: None,
            target_type: "user",
            target_id: Some(actor.principal.user_id.to_string()),
            summary: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Change one's own password; every other session of the user ends. A wrong current password
/// counts as a failed sign-in (and waits like one), so a stolen session cannot guess it fast.
/// The password work happens outside any write transaction.
pub async fn change_password(app: &App, actor: &Actor, current: &str, new: &str) -> Result<()> {
    check_new_password(new, &actor.principal.username)?;
    let now = app.now();
    let mut tx = app.db.read().await?;
    let user = staff::get(&mut tx, actor.principal.user_id)
        .await?
        .ok_or(AppError::Unauthorized("signed-out"))?;
    tx.commit().await?;
    if let Some(until) = user.locked_until.filter(|u| *u > now) {
        return Err(AppError::RetryLater(seconds_until(until, now)));
    }
    if !password::verify(current.to_string(), user.password_hash.clone()).await? {
        count_failure(app, &user, now, actor.request_id.clone()).await?;
        return Err(AppError::Invalid(DomainError::field(
            "wrong-current-password",
            "current_password",
        )));
    }
    let hash = password::hash(new.to_string()).await?;
    let mut tx = app.db.begin().await?;
    staff::set_password(&mut tx, user.id, &hash, now).await?;
    let ended = match &actor.session_hash {
        Some(h) => session::delete_others(&mut tx, user.id, h).await?,
        None => 0,
    };
    // API tokens were made under the old password: whoever knew it may hold one.
    let revoked = token::revoke_all_of(&mut tx, user.id, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        user_entry(
            "auth.password_changed",
            &user,
            json!({"other_sessions_ended": ended, "tokens_revoked": revoked}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Whether the actor must replace a password an administrator set.
pub async fn must_change_password(app: &App, actor: &Actor) -> Result<bool> {
    let mut tx = app.db.read().await?;
    let must = staff::must_change_password(&mut tx, actor.principal.user_id).await?;
    tx.commit().await?;
    Ok(must)
}

/// If nobody can sign in yet, make a fresh one-time setup token (replacing any earlier one).
pub async fn issue_setup_link(app: &App) -> Result<Option<String>> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    if staff::count(&mut tx).await? > 0 {
        tx.commit().await?;
        return Ok(None);
    }
    let t = random_token();
    setup::replace(&mut tx, &sha256_hex(&t), now, now + SETUP_LINK_MICROS).await?;
    tx.commit().await?;
    Ok(Some(t))
}

pub async fn setup_link_is_live(app: &App, token: &str) -> Result<bool> {
    let mut tx = app.db.read().await?;
    let live = setup::is_live(&mut tx, &sha256_hex(token), app.now()).await?;
    tx.commit().await?;
    Ok(live)
}

/// What the setup form collects.
#[derive(Debug, Clone)]
pub struct SetupInput {
    pub office_code: String,
    pub office_name: String,
    pub office_kind: String,
    pub username: String,
    pub full_name: String,
    pub password: String,
}

/// Create the top office and its first administrator with a one-time link.
pub async fn complete_setup(
    app: &App,
    token: &str,
    input: &SetupInput,
    request_id: Option<String>,
) -> Result<Uuid> {
    let code = OfficeCode::parse(&input.office_code)?;
    let name = parse_office_name(&input.office_name)?;
    let kind = OfficeKind::parse(&input.office_kind)?;
    let username = Username::parse(&input.username)?;
    let full_name = text::name(&input.full_name, "full_name", 1, 120)?;
    check_new_password(&input.password, username.as_str())?;
    let hash = password::hash(input.password.clone()).await?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    if staff::count(&mut tx).await? > 0 || !setup::consume(&mut tx, &sha256_hex(token), now).await?
    {
        return Err(AppError::NotFound("setup-link-invalid"));
    }
    let office_id =
        crate::office::insert_office(&mut tx, now, None, &code, &name, kind, None).await?;
    let admin = crate::staff::NewUser {
        username: &username,
        full_name: &full_name,
        email: None,
        home_office_id: office_id,
        password_hash: &hash,
        roles: &[(Role::Admin, office_id)],
    };
    let user_id = crate::staff::insert_user(&mut tx, now, admin).await?;
    audit::record_as(&mut tx, now, Some(user_id), username.as_str(), request_id, Entry {
        action: "setup.first_admin",
        role: Some(Role::Admin.as_str()),
        office_id: Some(office_id),
        target_type: "user",
        target_id: Some(user_id.to_string()),
        summary: json!({"office": code.as_str(), "office_name": name, "username": username.as_str()}),
    })
    .await?;
    tx.commit().await?;
    Ok(user_id)
}
