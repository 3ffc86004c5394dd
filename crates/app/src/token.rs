//! API tokens for integrations: created by a staff member, acting with that member's roles.

use congbo_domain::text;
use congbo_store::repo::token::{self as repo, TokenRow};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id, random_token, sha256_hex};

/// Tokens start with this, so a leaked one is recognisable by secret scanners.
pub const TOKEN_PREFIX: &str = "cbt_";

pub struct CreatedToken {
    pub row: TokenRow,
    /// Shown once; only its hash is stored.
    pub secret: String,
}

pub async fn create(app: &App, actor: &Actor, name: &str) -> Result<CreatedToken> {
    let name = text::clean(name, "name", 1, 100)?;
    let secret = format!("{TOKEN_PREFIX}{}", random_token());
    let now = app.now();
    let row = TokenRow {
        id: new_id(),
        user_id: actor.principal.user_id,
        name,
        prefix: secret[..TOKEN_PREFIX.len() + 6].to_string(),
        created_at: now,
        last_used_at: None,
        revoked_at: None,
    };
    let mut tx = app.db.begin().await?;
    repo::insert(&mut tx, &row, &sha256_hex(&secret)).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "token.create",
            role: None,
            office_id: None,
            target_type: "api_token",
            target_id: Some(row.id.to_string()),
            summary: json!({"name": row.name, "prefix": row.prefix}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedToken { row, secret })
}

/// The actor's own tokens, newest first.
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<TokenRow>> {
    let mut tx = app.db.read().await?;
    let rows = repo::list_for_user(&mut tx, actor.principal.user_id).await?;
    tx.commit().await?;
    Ok(rows)
}

/// Revoke one of the actor's own tokens. Someone else's token is "not found".
pub async fn revoke(app: &App, actor: &Actor, id: Uuid) -> Result<TokenRow> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let t = repo::get(&mut tx, id)
        .await?
        .filter(|t| t.user_id == actor.principal.user_id)
        .ok_or(AppError::NotFound("token-not-found"))?;
    if t.revoked_at.is_some() {
        return Err(AppError::Conflict("token-already-revoked"));
    }
    repo::revoke(&mut tx, id, now).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "token.revoke",
            role: None,
            office_id: None,
            target_type: "api_token",
            target_id: Some(id.to_string()),
            summary: json!({"name": t.name, "prefix": t.prefix}),
        },
    )
    .await?;
    let row = repo::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound("token-not-found"))?;
    tx.commit().await?;
    Ok(row)
}
