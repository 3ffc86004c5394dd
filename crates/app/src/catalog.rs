//! The procedure catalogue as stored: imported (CSV or JSON) by an administrator of a top-level
//! office, all or nothing; searched by anyone, accent-insensitively.

use congbo_domain::calendar::parse_date;
use congbo_domain::catalog::{self, ImportReport, ProcedureVersion};
use congbo_domain::identity::Perm;
use congbo_domain::text::fold;
use congbo_store::repo::catalog::{self as repo, ProcedureRow};
use congbo_store::{Db, Tx};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use tokio::sync::RwLock;

use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Result<Format> {
        match s {
            "json" => Ok(Format::Json),
            "csv" => Ok(Format::Csv),
            _ => Err(congbo_domain::DomainError::field("unknown-format", "format").into()),
        }
    }
}

fn row_of(v: &ProcedureVersion, now: i64) -> Result<ProcedureRow> {
    Ok(ProcedureRow {
        code: v.procedure.code.as_str().to_string(),
        version: i64::from(v.version),
        effective_from: v.effective_from.to_string(),
        effective_to: v.effective_to.map(|d| d.to_string()),
        name: v.procedure.name.clone(),
        name_folded: fold(&v.procedure.name),
        field: v.procedure.field.clone(),
        level: v.procedure.level.as_str().to_string(),
        body: serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))?,
        updated_at: now,
    })
}

fn version_of(r: &ProcedureRow) -> Result<ProcedureVersion> {
    serde_json::from_str(&r.body)
        .map_err(|e| AppError::Internal(format!("procedure {}: {e}", r.code)))
}

/// Parsed procedure versions by code, kept until the catalogue changes (like the cached
/// working calendar: an import in this process clears it, other processes reload on restart).
/// Codes with no stored version are not cached, so unknown codes cannot fill the memory.
#[derive(Default)]
pub struct ProcedureCache {
    by_code: RwLock<HashMap<String, Arc<Vec<ProcedureVersion>>>>,
    /// Bumped by every `forget`, so a load that started before a change is not kept.
    generation: AtomicU64,
    /// The catalogue's version counter ([`crate::CATALOG_VERSION`]) the cache belongs to.
    version: AtomicI64,
}

impl ProcedureCache {
    /// The cached versions of `code`, if any.
    pub async fn get(&self, code: &str) -> Option<Arc<Vec<ProcedureVersion>>> {
        self.by_code.read().await.get(code).cloned()
    }

    /// The versions of `code`: from the cache, else read in `tx` (oldest first) and cached.
    /// Stored versions that no longer parse are skipped, as they always were at intake.
    /// First the catalogue's version counter is compared with the one the cache holds: a
    /// change made through any process empties the cache.
    pub async fn load(&self, tx: &mut Tx, code: &str) -> Result<Arc<Vec<ProcedureVersion>>> {
        let version = congbo_store::repo::sequence::current(tx, crate::CATALOG_VERSION)
            .await?
            .unwrap_or(0);
        if self.version.load(Ordering::SeqCst) != version {
            self.forget().await;
            self.version.store(version, Ordering::SeqCst);
        }
        if let Some(v) = self.get(code).await {
            return Ok(v);
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let versions: Vec<ProcedureVersion> = repo::versions(tx, code)
            .await?
            .iter()
            .filter_map(|r| serde_json::from_str(&r.body).ok())
            .collect();
        let versions = Arc::new(versions);
        if !versions.is_empty() {
            let mut map = self.by_code.write().await;
            if self.generation.load(Ordering::SeqCst) == generation {
                map.insert(code.to_string(), versions.clone());
            }
        }
        Ok(versions)
    }

    /// Like [`Self::load`], in a read transaction of its own.
    pub async fn load_from(&self, db: &Db, code: &str) -> Result<Arc<Vec<ProcedureVersion>>> {
        let mut tx = db.read().await?;
        let v = self.load(&mut tx, code).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// Drop everything (after the catalogue changed).
    pub async fn forget(&self) {
        let mut map = self.by_code.write().await;
        self.generation.fetch_add(1, Ordering::SeqCst);
        map.clear();
    }
}

/// Store versions; the versions given for a code replace every stored version of that code.
pub(crate) async fn store(tx: &mut Tx, versions: &[ProcedureVersion], now: i64) -> Result<()> {
    let mut codes: Vec<&str> = versions.iter().map(|v| v.procedure.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        repo::delete_code(tx, code).await?;
    }
    for v in versions {
        repo::insert(tx, &row_of(v, now)?).await?;
    }
    // Every process's cache of parsed versions sees the change (ProcedureCache::load).
    congbo_store::repo::sequence::next(tx, crate::CATALOG_VERSION).await?;
    Ok(())
}

/// Validate a whole file and, only when every row is valid, store it (a code in the file
/// replaces that code's stored versions). The report names each bad row either way.
pub async fn import(app: &App, actor: &Actor, format: Format, text: &str) -> Result<ImportReport> {
    let grant = actor
        .principal
        .require_top_level(Perm::CatalogManage)?
        .clone();
    let report = match format {
        Format::Json => catalog::from_json(text),
        Format::Csv => catalog::from_csv(text),
    };
    if !report.is_clean() || report.valid.is_empty() {
        return Ok(report);
    }
    let now = app.now();
    let mut tx = app.db.begin().await?;
    store(&mut tx, &report.valid, now).await?;
    let mut codes: Vec<&str> = report
        .valid
        .iter()
        .map(|v| v.procedure.code.as_str())
        .collect();
    codes.dedup();
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "catalog.import",
            role: Some(grant.role.as_str()),
            office_id: Some(grant.office_id),
            target_type: "catalog",
            target_id: None,
            summary: json!({"format": if format == Format::Json { "json" } else { "csv" },
                        "versions": report.valid.len(), "codes": codes}),
        },
    )
    .await?;
    tx.commit().await?;
    app.procedures.forget().await;
    Ok(report)
}

/// The whole catalogue, every version, as CSV or JSON (round-trips through `import`).
pub async fn export(db: &Db, format: Format) -> Result<String> {
    let mut tx = db.read().await?;
    let rows = repo::all(&mut tx).await?;
    tx.commit().await?;
    let versions = rows.iter().map(version_of).collect::<Result<Vec<_>>>()?;
    Ok(match format {
        Format::Json => catalog::to_json(&versions),
        Format::Csv => catalog::to_csv(&versions),
    })
}

/// Procedures in force on `on` whose name, field or code contains every word of `query`,
/// ignoring accents and case ("dang ky khai sinh" finds "Đăng ký khai sinh").
pub async fn search(db: &Db, query: &str, on: &str) -> Result<Vec<ProcedureVersion>> {
    let on = parse_date(on)?.to_string();
    let words: Vec<String> = fold(query).split_whitespace().map(str::to_string).collect();
    let mut tx = db.read().await?;
    let rows = repo::in_force(&mut tx, &on).await?;
    tx.commit().await?;
    rows.iter()
        .filter(|r| {
            let hay = format!("{} {} {}", r.name_folded, fold(&r.field), r.code);
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .map(version_of)
        .collect()
}

/// Every stored version of one procedure, oldest first (404 when unknown).
pub async fn versions(db: &Db, code: &str) -> Result<Vec<ProcedureVersion>> {
    let mut tx = db.read().await?;
    let rows = repo::versions(&mut tx, code.trim()).await?;
    tx.commit().await?;
    if rows.is_empty() {
        return Err(AppError::NotFound("procedure-not-found"));
    }
    rows.iter().map(version_of).collect()
}
