//! Commendation records (issue 14, item 6): the titles (*danh hiệu*) Lao động tiên tiến and
//! Chiến sĩ thi đua cơ sở and the form (*hình thức*) Giấy khen, recorded with their decision by
//! the head of the unit where the officer is ranked, after the year's ranking is decided.
//!
//! - [`record`]: checks the title against the decided ranking (`domain::evaluation::eligible`:
//!   advanced worker and the certificate need at least "good" [C for the certificate]; a
//!   fighter needs "excellent" or a recognised initiative, the advanced-worker title recorded
//!   first, and stays within the cap of 15 % of the advanced workers recorded), then writes the
//!   record and its audit row in one transaction. One title per officer and year
//!   (`commendation-recorded`).
//! - The proposals the head confirms come from [`super::ranking::proposals`].

use congbo_domain::DomainError;
use congbo_domain::evaluation::{Candidate, CommendationRules, Title, TitleReason, eligible};
use congbo_domain::identity::Perm;
use congbo_store::Tx;
use congbo_store::repo::evaluation_year::{self as repo, CommendationRow};
use congbo_store::repo::staff as staff_repo;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use super::ranking::{UnitResult, check_year};
use super::scope;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, access, new_id};

/// Codes of what may be recorded.
pub const TITLES: [&str; 3] = [
    "advanced_worker",
    "grassroots_emulation_fighter",
    "certificate_of_merit",
];

#[derive(Debug, Clone, Serialize)]
pub struct CommendationLine {
    pub id: Uuid,
    pub officer: Uuid,
    pub full_name: String,
    pub title: String,
    pub decision_no: String,
    pub decided_on: String,
    pub issuer: String,
    pub created_at: i64,
}

/// A commendation as typed.
#[derive(Debug, Clone, Default)]
pub struct NewCommendation {
    pub officer: Uuid,
    pub title: String,
    pub decision_no: String,
    pub decided_on: String,
    pub issuer: String,
    /// A fighter: an initiative recognised at the base.
    pub initiative: bool,
}

pub(crate) async fn lines(
    tx: &mut Tx,
    shard: Uuid,
    office_id: Uuid,
    year: i16,
) -> Result<Vec<CommendationLine>> {
    let rows = repo::commendations_at(tx, shard, office_id, i64::from(year)).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.officer_id).collect();
    let names = staff_repo::names_of(tx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| CommendationLine {
            full_name: names
                .iter()
                .find(|(id, _)| *id == r.officer_id)
                .map(|(_, n)| n.clone())
                .unwrap_or_default(),
            id: r.id,
            officer: r.officer_id,
            title: r.title,
            decision_no: r.decision_no,
            decided_on: r.decided_on,
            issuer: r.issuer,
            created_at: r.created_at,
        })
        .collect())
}

fn refusal(r: TitleReason) -> DomainError {
    match r {
        TitleReason::NotRanked => DomainError::field("commendation-not-ranked", "award"),
        TitleReason::LevelBelowGood => DomainError::field("commendation-level-below-good", "award"),
        TitleReason::NoExcellenceOrInitiative => {
            DomainError::field("commendation-no-excellence", "award")
        }
        TitleReason::QuotaExceeded => DomainError::field("commendation-cap", "award"),
        TitleReason::EmulationConduct => DomainError::field("commendation-ineligible", "award"),
    }
}

/// The checks of the module header against the decided ranking and what is recorded already.
fn check(
    result: &UnitResult,
    recorded: &[CommendationRow],
    c: &NewCommendation,
) -> Result<(String, Date)> {
    let row = result
        .rows
        .iter()
        .find(|r| r.officer == c.officer)
        .ok_or(DomainError::field("commendation-not-ranked", "officer"))?;
    let title = c.title.trim();
    let candidate = Candidate::from_ranking(&row.ranking, true, c.initiative);
    match title {
        "advanced_worker" | "certificate_of_merit" => {
            eligible(&candidate, Title::AdvancedWorker).map_err(refusal)?;
        }
        "grassroots_emulation_fighter" => {
            eligible(&candidate, Title::GrassrootsEmulationFighter).map_err(refusal)?;
            let count = |t: &str| recorded.iter().filter(|r| r.title == t).count();
            let own_advanced = recorded
                .iter()
                .any(|r| r.officer_id == c.officer && r.title == "advanced_worker");
            if !own_advanced {
                return Err(
                    DomainError::field("commendation-needs-advanced-worker", "award").into(),
                );
            }
            let cap = CommendationRules::default()
                .fighter_cap(u32::try_from(count("advanced_worker")).unwrap_or(0));
            if u32::try_from(count("grassroots_emulation_fighter") + 1).unwrap_or(u32::MAX) > cap {
                return Err(refusal(TitleReason::QuotaExceeded).into());
            }
        }
        _ => return Err(DomainError::field("commendation-title-unknown", "award").into()),
    }
    if c.decision_no.trim().is_empty() {
        return Err(DomainError::field("decision-no-required", "decision_no").into());
    }
    let on: Date = c
        .decided_on
        .trim()
        .parse()
        .map_err(|_| DomainError::field("date-format", "decided_on"))?;
    if c.issuer.trim().is_empty() {
        return Err(DomainError::field("issuer-required", "issuer").into());
    }
    Ok((title.to_string(), on))
}

/// Records a commendation of an officer ranked at the unit. See the module header.
pub async fn record(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    year: i16,
    c: &NewCommendation,
) -> Result<CommendationLine> {
    check_year(year)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (office, role) =
        access::office_for(&mut tx, actor, Perm::EvaluationManage, office_id).await?;
    let shard = scope::shard_of(&office);
    let stored = repo::ranking(&mut tx, shard, office.id, i64::from(year))
        .await?
        .ok_or(DomainError::new("ranking-not-decided"))?;
    let result: UnitResult =
        serde_json::from_str(&stored.result).map_err(|e| AppError::Internal(e.to_string()))?;
    let recorded = repo::commendations_at(&mut tx, shard, office.id, i64::from(year)).await?;
    let (title, on) = check(&result, &recorded, c)?;
    let row = CommendationRow {
        shard_key: shard,
        id: new_id(),
        officer_id: c.officer,
        office_id: office.id,
        year: i64::from(year),
        title: title.clone(),
        decision_no: c.decision_no.trim().to_string(),
        decided_on: on.to_string(),
        issuer: c.issuer.trim().to_string(),
        created_by: actor.principal.user_id,
        created_at: now,
    };
    repo::insert_commendation(&mut tx, &row).await?;
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "evaluation.commendation_recorded",
            role: Some(role.as_str()),
            office_id: Some(office.id),
            target_type: "user",
            target_id: Some(c.officer.to_string()),
            summary: json!({"year": year, "title": title, "decision_no": row.decision_no,
                "decided_on": row.decided_on, "issuer": row.issuer}),
        },
    )
    .await?;
    tx.commit().await?;
    let full_name = result
        .rows
        .iter()
        .find(|r| r.officer == c.officer)
        .map(|r| r.full_name.clone())
        .unwrap_or_default();
    Ok(CommendationLine {
        id: row.id,
        officer: row.officer_id,
        full_name,
        title: row.title,
        decision_no: row.decision_no,
        decided_on: row.decided_on,
        issuer: row.issuer,
        created_at: now,
    })
}
