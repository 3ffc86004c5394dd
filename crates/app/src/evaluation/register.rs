//! The strengths-and-weaknesses register (issue 14, item 2).
//!
//! - [`register`]: the officer's entries, newest first; for those who manage, the suggestions
//!   from evidence of the last three months (`domain::evaluation::register_suggestions`: three
//!   low ratings citing one clause in a month → a weakness; a month of ≥ 30 ratings, ≥ 95 %
//!   satisfied and no upheld complaint → a strength) not yet accepted or dismissed.
//! - [`add_entry`] (the head: praise, reminder or weakness, optionally a clause and a link to
//!   evidence), [`accept_suggestion`] (an entry from a suggestion, once), [`dismiss_suggestion`],
//!   [`answer`] (the officer, once per entry). Each writes its audit row in its transaction.

use congbo_domain::evaluation::register::{clause, evidence_link};
use congbo_domain::evaluation::{
    EntryKind, LowRating, MonthFigures, Period, Suggestion, SuggestionRules, register_suggestions,
};
use congbo_domain::text;
use congbo_domain::time::local_date;
use congbo_store::Tx;
use congbo_store::repo::evaluation::{self as repo, EntryRow};
use congbo_store::repo::rating as rating_repo;
use jiff::ToSpan;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::scope::{self, Officer};
use super::scorecard::OfficerLine;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, new_id, settings};

#[derive(Debug, Clone, Serialize)]
pub struct RegisterEntry {
    pub id: Uuid,
    pub kind: String,
    pub note: String,
    pub clause: Option<String>,
    pub evidence: Option<String>,
    pub from_suggestion: bool,
    pub created_at: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
}

impl From<EntryRow> for RegisterEntry {
    fn from(r: EntryRow) -> Self {
        Self {
            id: r.id,
            kind: r.kind,
            note: r.note,
            clause: r.clause,
            evidence: r.evidence,
            from_suggestion: r.suggestion.is_some(),
            created_at: r.created_at,
            answer: r.answer,
            answered_at: r.answered_at,
        }
    }
}

/// A suggestion waiting for the head's decision.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestionLine {
    /// `code|period|clause`: what accepting or dismissing names.
    pub key: String,
    /// `praise` or `weakness`: the entry it would become.
    pub kind: String,
    /// `repeated_low_ratings_clause`, `high_satisfaction`.
    pub code: String,
    pub clause: Option<String>,
    pub period: String,
    /// How many ratings it rests on (never which citizen).
    pub evidence: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Register {
    pub officer: OfficerLine,
    pub entries: Vec<RegisterEntry>,
    pub suggestions: Vec<SuggestionLine>,
    pub own: bool,
    pub may_manage: bool,
}

#[derive(Debug, Clone, Default)]
pub struct NewEntry {
    pub kind: String,
    pub note: String,
    pub clause: Option<String>,
    pub evidence: Option<String>,
}

fn key_of(s: &Suggestion) -> String {
    format!(
        "{}|{}|{}",
        s.code.as_str(),
        s.period.code(),
        s.clause.as_deref().unwrap_or("")
    )
}

pub async fn register(app: &App, actor: &Actor, officer_id: Uuid) -> Result<Register> {
    let mut tx = app.db.read().await?;
    let (o, seen) = scope::load_read(&mut tx, actor, officer_id).await?;
    let entries = repo::entries(&mut tx, o.shard, o.user.id).await?;
    let suggestions = if seen.manage {
        open_suggestions(app, &mut tx, &o, &entries).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    Ok(Register {
        officer: OfficerLine::of(&o),
        entries: entries.into_iter().map(RegisterEntry::from).collect(),
        suggestions,
        own: seen.own,
        may_manage: seen.manage,
    })
}

/// The suggestions of the last three months (this one included) not yet decided.
async fn suggestions(app: &App, tx: &mut Tx, o: &Officer) -> Result<Vec<Suggestion>> {
    let today = local_date(app.now());
    let first = today.first_of_month().saturating_sub(2.months());
    let cites = settings::rating_settings(tx, o.office.id).await?.reasons;
    let rows =
        rating_repo::ratings_of_officer(tx, o.user.id, &first.to_string(), &today.to_string())
            .await?;
    let low: Vec<LowRating> = rows
        .iter()
        .filter(|r| r.low)
        .map(|r| {
            let codes: Vec<String> = serde_json::from_str(&r.reasons).unwrap_or_default();
            LowRating {
                officer: o.user.id,
                on: local_date(r.at),
                reference: r.id.to_string(),
                cites: codes
                    .iter()
                    .filter_map(|c| cites.iter().find(|x| &x.code == c)?.cites.clone())
                    .collect(),
            }
        })
        .collect();
    let mut months = Vec::new();
    for k in 0..3 {
        let d = first.saturating_add(k.months());
        let period = Period::month(d.year(), d.month())?;
        let in_month: Vec<_> = rows
            .iter()
            .filter(|r| local_date(r.at).month() == d.month())
            .collect();
        months.push(MonthFigures {
            officer: o.user.id,
            period,
            ratings: in_month.len() as u32,
            satisfied: in_month.iter().filter(|r| r.satisfied).count() as u32,
            upheld_conduct_complaints: upheld_in(tx, o, period).await?,
        });
    }
    Ok(register_suggestions(
        &low,
        &months,
        &SuggestionRules::default(),
    ))
}

async fn upheld_in(tx: &mut Tx, o: &Officer, p: Period) -> Result<u32> {
    let (from, to) = congbo_domain::time::days_range(p.start(), p.end());
    Ok(congbo_store::repo::feedback::officer_records(tx, o.user.id)
        .await?
        .iter()
        .filter(|r| r.kind == "conduct-upheld" && r.at >= from && r.at < to)
        .count() as u32)
}

async fn open_suggestions(
    app: &App,
    tx: &mut Tx,
    o: &Officer,
    entries: &[EntryRow],
) -> Result<Vec<SuggestionLine>> {
    let dismissed = repo::dismissed(tx, o.shard, o.user.id).await?;
    Ok(suggestions(app, tx, o)
        .await?
        .into_iter()
        .map(|s| (key_of(&s), s))
        .filter(|(k, _)| {
            !dismissed.contains(k) && !entries.iter().any(|e| e.suggestion.as_ref() == Some(k))
        })
        .map(|(key, s)| SuggestionLine {
            key,
            kind: EntryKind::of_suggestion(s.kind).as_str().to_string(),
            code: s.code.as_str().to_string(),
            clause: s.clause.clone(),
            period: s.period.code(),
            evidence: s.evidence.len(),
        })
        .collect())
}

/// What varies between the ways an entry is written; the rest comes from the officer, the
/// actor and the time.
struct Draft {
    kind: String,
    note: String,
    clause: Option<String>,
    evidence: Option<String>,
    suggestion: Option<String>,
}

async fn write_entry(
    tx: &mut Tx,
    now: i64,
    actor: &Actor,
    (o, role): (&Officer, &str),
    d: Draft,
) -> Result<RegisterEntry> {
    let row = EntryRow {
        shard_key: o.shard,
        id: new_id(),
        officer_id: o.user.id,
        office_id: o.office.id,
        kind: d.kind,
        note: d.note,
        clause: d.clause,
        evidence: d.evidence,
        suggestion: d.suggestion,
        created_by: actor.principal.user_id,
        created_at: now,
        answer: None,
        answered_at: None,
    };
    repo::insert_entry(tx, &row).await?;
    audit::record(
        tx,
        now,
        actor,
        Entry {
            action: "evaluation.register_added",
            role: Some(role),
            office_id: Some(o.office.id),
            target_type: "user",
            target_id: Some(o.user.id.to_string()),
            summary: json!({"entry": row.id, "kind": row.kind, "clause": row.clause,
            "suggestion": row.suggestion}),
        },
    )
    .await?;
    Ok(row.into())
}

/// The head writes an entry in the officer's register.
pub async fn add_entry(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    input: &NewEntry,
) -> Result<RegisterEntry> {
    let kind = EntryKind::parse(&input.kind)?;
    let note = text::clean(&input.note, "note", 1, 2000)?;
    let clause = clause(input.clause.as_deref())?;
    let evidence = evidence_link(input.evidence.as_deref())?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = scope::officer(&mut tx, officer_id).await?;
    let role = scope::manage(actor, &o)?;
    let draft = Draft {
        kind: kind.as_str().to_string(),
        note,
        clause,
        evidence,
        suggestion: None,
    };
    let e = write_entry(&mut tx, now, actor, (&o, role.as_str()), draft).await?;
    tx.commit().await?;
    Ok(e)
}

/// The head accepts a suggestion: it becomes an entry (once; a second time is
/// `suggestion-decided`). `note` replaces the default text when given.
pub async fn accept_suggestion(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    key: &str,
    note: Option<&str>,
) -> Result<RegisterEntry> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = scope::officer(&mut tx, officer_id).await?;
    let role = scope::manage(actor, &o)?;
    let entries = repo::entries(&mut tx, o.shard, o.user.id).await?;
    let s = open_suggestions(app, &mut tx, &o, &entries)
        .await?
        .into_iter()
        .find(|s| s.key == key)
        .ok_or(AppError::NotFound("suggestion-not-found"))?;
    let note = match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => text::clean(n, "note", 1, 2000)?,
        None => format!(
            "{} {} ({})",
            s.code,
            s.clause.clone().unwrap_or_default(),
            s.period
        ),
    };
    let draft = Draft {
        evidence: Some(format!(
            "/can-bo/{}/danh-gia-cong-viec?ky={}",
            o.user.id, s.period
        )),
        kind: s.kind,
        note,
        clause: s.clause,
        suggestion: Some(s.key),
    };
    let e = write_entry(&mut tx, now, actor, (&o, role.as_str()), draft).await?;
    tx.commit().await?;
    Ok(e)
}

/// The head dismisses a suggestion (it is not offered again).
pub async fn dismiss_suggestion(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    key: &str,
) -> Result<()> {
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let o = scope::officer(&mut tx, officer_id).await?;
    let role = scope::manage(actor, &o)?;
    let entries = repo::entries(&mut tx, o.shard, o.user.id).await?;
    if !open_suggestions(app, &mut tx, &o, &entries)
        .await?
        .iter()
        .any(|s| s.key == key)
    {
        return Err(AppError::NotFound("suggestion-not-found"));
    }
    repo::dismiss(
        &mut tx,
        o.shard,
        o.user.id,
        key,
        actor.principal.user_id,
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "evaluation.suggestion_dismissed",
            role: Some(role.as_str()),
            office_id: Some(o.office.id),
            target_type: "user",
            target_id: Some(o.user.id.to_string()),
            summary: json!({"suggestion": key}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The officer answers an entry of their own register, once.
pub async fn answer(
    app: &App,
    actor: &Actor,
    officer_id: Uuid,
    entry_id: Uuid,
    text_in: &str,
) -> Result<RegisterEntry> {
    let answer = text::clean(text_in, "answer", 1, 2000)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (o, seen) = scope::load_read(&mut tx, actor, officer_id).await?;
    if !seen.own {
        return Err(AppError::Forbidden);
    }
    let e = repo::entry(&mut tx, o.shard, entry_id)
        .await?
        .filter(|e| e.officer_id == o.user.id)
        .ok_or(AppError::NotFound("register-entry-not-found"))?;
    if !repo::answer_entry(&mut tx, o.shard, e.id, &answer, now).await? {
        return Err(AppError::Conflict("register-answered"));
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "evaluation.register_answered",
            role: None,
            office_id: Some(o.office.id),
            target_type: "user",
            target_id: Some(o.user.id.to_string()),
            summary: json!({"entry": e.id}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(RegisterEntry {
        answer: Some(answer),
        answered_at: Some(now),
        ..e.into()
    })
}
