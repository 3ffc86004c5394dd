//! What anyone may read: the published answers (personal data removed), the offices to
//! choose from, and the public side of Open311 (cases, their timelines).

use std::collections::BTreeMap;

use congbo_domain::feedback as dom;
use congbo_store::repo::feedback::{self as repo, CaseRow, EventRow};
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use jiff::civil::Date;
use serde::Serialize;
use uuid::Uuid;

use crate::access::office;
use crate::{App, AppError, Result};

/// A published answer: the question and the answer with personal data removed.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedAnswer {
    pub code: String,
    pub office_name: String,
    pub category: String,
    pub title: String,
    pub question: String,
    pub answer: String,
    pub received_at: i64,
    pub published_at: i64,
    pub helpful: Option<bool>,
}

/// Published answers, newest first, matching `q` accent-insensitively (all when empty).
pub async fn published(app: &App, q: &str, limit: usize) -> Result<Vec<PublishedAnswer>> {
    let folded = congbo_domain::text::fold(q.trim());
    let mut tx = app.db.read().await?;
    let rows = repo::published(&mut tx, 2000).await?;
    let mut names: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut out = Vec::new();
    for k in rows {
        let question = k.public_text.clone().unwrap_or_default();
        let answer = k.public_answer.clone().unwrap_or_default();
        if !folded.is_empty() {
            let hay = congbo_domain::text::fold(&format!("{} {question} {answer}", k.title));
            if !folded.split_whitespace().all(|w| hay.contains(w)) {
                continue;
            }
        }
        if let std::collections::btree_map::Entry::Vacant(e) = names.entry(k.office_id) {
            e.insert(office(&mut tx, k.office_id).await?.name);
        }
        out.push(PublishedAnswer {
            code: k.code.clone(),
            office_name: names.get(&k.office_id).cloned().unwrap_or_default(),
            category: k.category.clone(),
            // The title is the sender's own words too.
            title: dom::redact(
                &k.title,
                &k.sender_name.iter().map(String::as_str).collect::<Vec<_>>(),
            ),
            question,
            answer,
            received_at: k.received_at,
            published_at: k.published_at.unwrap_or(k.updated_at),
            helpful: k.helpful,
        });
        if out.len() >= limit {
            break;
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Every office, for the public form's choice (names and codes are public).
pub async fn public_offices(app: &App) -> Result<Vec<OfficeRow>> {
    let mut tx = app.db.read().await?;
    let all = office_repo::list_subtree(&mut tx, "/").await?;
    tx.commit().await?;
    Ok(all)
}

/// The office an Open311 client or the public form names by code.
pub async fn office_by_code(app: &App, code: &str) -> Result<OfficeRow> {
    let mut tx = app.db.read().await?;
    let o = office_repo::get_by_code(&mut tx, code.trim())
        .await?
        .ok_or(AppError::NotFound("office-not-found"))?;
    tx.commit().await?;
    Ok(o)
}

/// The names of the offices, by id (for public lists).
pub async fn office_names(app: &App, ids: &[Uuid]) -> Result<BTreeMap<Uuid, String>> {
    let mut tx = app.db.read().await?;
    let mut out = BTreeMap::new();
    for id in ids {
        if !out.contains_key(id)
            && let Some(o) = office_repo::get(&mut tx, *id).await?
        {
            out.insert(*id, o.name);
        }
    }
    tx.commit().await?;
    Ok(out)
}

/// Whether the public feeds may show a case: a conduct complaint only once its answer is
/// published. Before, its code, office and time would tell the officer complained about
/// (issue 15); a case about procedures is listed from receipt.
pub fn publicly_listed(k: &CaseRow) -> bool {
    k.category != dom::Category::Conduct.as_str() || k.published_at.is_some()
}

/// Every case received on `from..=to` that the public may see (Open311's public list),
/// newest first.
pub async fn all_between(app: &App, from: Date, to: Date, limit: i64) -> Result<Vec<CaseRow>> {
    let mut tx = app.db.read().await?;
    let rows = repo::list_between(&mut tx, &from.to_string(), &to.to_string(), limit).await?;
    tx.commit().await?;
    Ok(rows.into_iter().filter(publicly_listed).collect())
}

/// A case by code, or by id (Open311's token), for the public Open311 views. By code only a
/// case the public may see; by id any case (the id is the token only its sender was given).
pub async fn by_code_or_id(app: &App, key: &str) -> Result<Option<CaseRow>> {
    let mut tx = app.db.read().await?;
    let k = match key.parse::<Uuid>() {
        Ok(id) => repo::get(&mut tx, id).await?,
        Err(_) => repo::get_by_code(&mut tx, key.trim())
            .await?
            .filter(publicly_listed),
    };
    tx.commit().await?;
    Ok(k)
}

/// Timeline events of every case in `[since, until]` (Open311 request updates).
pub async fn events_between(
    app: &App,
    since: i64,
    until: i64,
    limit: i64,
) -> Result<Vec<(EventRow, CaseRow)>> {
    let mut tx = app.db.read().await?;
    let evs = repo::events_between(&mut tx, since, until, limit).await?;
    let mut cache: BTreeMap<Uuid, CaseRow> = BTreeMap::new();
    let mut out = Vec::with_capacity(evs.len());
    for e in evs {
        if let std::collections::btree_map::Entry::Vacant(v) = cache.entry(e.case_id)
            && let Some(k) = repo::get(&mut tx, e.case_id).await?
        {
            v.insert(k);
        }
        if let Some(k) = cache.get(&e.case_id).filter(|k| publicly_listed(k)) {
            out.push((e, k.clone()));
        }
    }
    tx.commit().await?;
    Ok(out)
}
