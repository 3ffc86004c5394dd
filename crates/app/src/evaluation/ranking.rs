//! The annual ranking of a unit (issue 14, item 4) and the commendation proposals drawn from
//! it (item 6).
//!
//! - [`view`]: the unit's ranking for a year. Before a decision it is a *preview* computed now;
//!   after, the decided (or published) result as stored. The officers ranked at a unit are
//!   those whose evaluation place it is (`identity::evaluation_place`): its staff except its
//!   head, and the heads of the offices directly below.
//! - [`decide`] (the head, `EvaluationManage`): per officer `domain::evaluation::rank_annual`
//!   over the approved or locked period scores of the year weighted by months (fewer than 6
//!   months → not ranked), bands 90 / 70 / 50, `not_completed` for a reprimand-or-heavier
//!   sanction decided in the year (the discipline records); a head of an office below never
//!   above that office's level (entered with the decision); then the excellent quota per group
//!   (`apply_quota`, default 20 %, the denominator's reading chosen with the decision, the
//!   other reading shown beside it). A new decision replaces the previous one (Decree 233 Art.
//!   15(4) by analogy) and must be published again.
//! - [`publish`]: the decided result is published to the unit (every officer ranked reads the
//!   table; the others' overrides and adjustments are not shown to them) and each officer with
//!   an e-mail address gets a notice through the outbox, in the same transaction.
//!
//! Groups [C]: every officer of a commune holds the one-stop position, so a unit has one task
//! group of staff; the heads of the offices below form a second group. Years before 2026 are
//! ranked qualitatively (Decree 90/2020); that ranking is not built (`ranking-qualitative`).

use congbo_domain::DomainError;
use congbo_domain::evaluation::flow::EvaluationForm;
use congbo_domain::evaluation::{
    AnnualInput, AnnualRanking, Candidate, CommendationRules, DisciplineCase, Level, PeriodScore,
    Proposals, QuotaBase, QuotaOutcome, RankingBasis, RuleSet, apply_quota, cap_to_unit, propose,
    rank_annual, rule_set_for,
};
use congbo_domain::identity::Perm;
use congbo_domain::time::local_date;
use congbo_store::Tx;
use congbo_store::repo::evaluation_year::{self as repo, RankingRow};
use congbo_store::repo::office::OfficeRow;
use congbo_store::repo::outbox::{self as outbox, NewOutbox};
use congbo_store::repo::staff as staff_repo;
use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::commendation::{self, CommendationLine};
use super::scope;
use crate::audit::{self, Entry};
use crate::{Actor, App, AppError, Result, access, new_id};

/// What the head chooses when deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// What the 20 % is a share of.
    pub quota_base: QuotaBase,
    /// A unit recognised as outstanding: 25 %.
    pub outstanding_unit: bool,
}

/// The decision as typed: `quota_base` (`good_only`, `good_and_excellent`), the unit levels of
/// the heads ranked here (officer id, level code; empty: not known).
#[derive(Debug, Clone, Default)]
pub struct DecideInput {
    pub quota_base: String,
    pub outstanding_unit: bool,
    pub unit_levels: Vec<(Uuid, String)>,
}

/// One officer of the unit's ranking.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Row {
    pub officer: Uuid,
    pub full_name: String,
    /// `staff`, or `heads` (the head of an office below, judged here).
    pub group: String,
    /// The office the officer heads (group `heads`).
    pub heads_office: Option<String>,
    /// That office's level, entered with the decision (a head is never above it).
    pub unit_level: Option<Level>,
    pub periods: Vec<PeriodScore>,
    pub ranking: AnnualRanking,
}

/// A unit's ranking for a year, as decided (stored as JSON) or previewed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitResult {
    pub settings: Settings,
    pub rule_set: String,
    pub basis: String,
    pub rows: Vec<Row>,
    /// The quota applied per group.
    pub quotas: Vec<(String, QuotaOutcome)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankingView {
    pub office_id: Uuid,
    pub office_code: String,
    pub office_name: String,
    pub year: i16,
    /// `preview`, `decided`, `published`; `unpublished` for an officer of the unit before
    /// publication (no rows).
    pub state: String,
    pub result: UnitResult,
    /// Rank before this day (15 December); reminders on these days.
    pub deadline: Date,
    pub reminders: Vec<Date>,
    /// Today is past the deadline and nothing is decided yet.
    pub overdue: bool,
    pub decided_at: Option<i64>,
    pub published_at: Option<i64>,
    pub may_manage: bool,
    /// The viewer reads as an officer of the unit (the published table only).
    pub member_only: bool,
    /// Titles proposed from a decided ranking (those who manage).
    pub proposals: Option<Proposals>,
    pub commendations: Vec<CommendationLine>,
}

pub(crate) fn check_year(year: i16) -> Result<RuleSet> {
    if !(2000..=2100).contains(&year) {
        return Err(DomainError::field("year-invalid", "year").into());
    }
    let rules = rule_set_for(&RuleSet::builtin(), date(year, 1, 1))?.clone();
    if rules.ranking != RankingBasis::Scored {
        return Err(DomainError::field("ranking-qualitative", "year").into());
    }
    Ok(rules)
}

fn settings_of(input: &DecideInput) -> Result<(Settings, Vec<(Uuid, Level)>)> {
    let quota_base = match input.quota_base.trim() {
        "" | "good_only" => QuotaBase::GoodOnly,
        "good_and_excellent" => QuotaBase::GoodAndExcellent,
        _ => return Err(DomainError::field("quota-base-unknown", "quota_base").into()),
    };
    let mut levels = Vec::new();
    for (id, l) in &input.unit_levels {
        if !l.trim().is_empty() {
            let level =
                Level::parse(l).map_err(|_| DomainError::field("level-unknown", "unit_level"))?;
            levels.push((*id, level));
        }
    }
    let outstanding_unit = input.outstanding_unit;
    Ok((
        Settings {
            quota_base,
            outstanding_unit,
        },
        levels,
    ))
}

/// The officers whose evaluation place is `office`: (officer, the office they head if any).
async fn members(tx: &mut Tx, office: &OfficeRow) -> Result<Vec<(scope::Officer, bool)>> {
    let here = access::path(office);
    let mut out = Vec::new();
    for u in staff_repo::list_in_subtree(tx, &office.path).await? {
        if !u.active {
            continue;
        }
        let o = scope::officer(tx, u.id).await?;
        if o.place.as_str() == here.as_str() {
            let heads = o.office.id != office.id;
            out.push((o, heads));
        }
    }
    out.sort_by(|a, b| (a.1, &a.0.user.full_name).cmp(&(b.1, &b.0.user.full_name)));
    Ok(out)
}

async fn rank_one(tx: &mut Tx, o: &scope::Officer, year: i16, rules: &RuleSet) -> Result<Row> {
    let mut scores = Vec::new();
    for (_, f) in repo::forms_in_year(tx, o.shard, o.user.id, &format!("{year}-")).await? {
        let f: EvaluationForm =
            serde_json::from_str(&f).map_err(|e| AppError::Internal(e.to_string()))?;
        if let Some(s) = f.final_score() {
            scores.push(PeriodScore {
                period: f.period,
                total: s.total,
            });
        }
    }
    let mut overrides = Vec::new();
    for c in repo::cases_of(tx, o.shard, o.user.id).await? {
        let c: DisciplineCase =
            serde_json::from_str(&c.record).map_err(|e| AppError::Internal(e.to_string()))?;
        overrides.extend(c.ranking_override(year));
    }
    let input = AnnualInput {
        officer: o.user.id,
        year,
        scores: scores.clone(),
        overrides,
        qualitative: None,
    };
    Ok(Row {
        officer: o.user.id,
        full_name: o.user.full_name.clone(),
        group: "staff".into(),
        heads_office: None,
        unit_level: None,
        periods: scores,
        ranking: rank_annual(&input, rules)?,
    })
}

/// Ranks the unit now under `settings` (see the module header).
async fn compute(
    tx: &mut Tx,
    office: &OfficeRow,
    year: i16,
    settings: Settings,
    unit_levels: &[(Uuid, Level)],
) -> Result<UnitResult> {
    let rules = check_year(year)?;
    let mut rows = Vec::new();
    for (o, heads) in members(tx, office).await? {
        let mut row = rank_one(tx, &o, year, &rules).await?;
        if heads {
            row.group = "heads".into();
            row.heads_office = Some(o.office.name.clone());
            row.unit_level = unit_levels
                .iter()
                .find(|(id, _)| *id == o.user.id)
                .map(|(_, l)| *l);
            if let Some(l) = row.unit_level {
                cap_to_unit(&mut row.ranking, l);
            }
        }
        rows.push(row);
    }
    let mut quota = rules.quota;
    quota.base = settings.quota_base;
    let mut quotas = Vec::new();
    for group in ["staff", "heads"] {
        let idx: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].group == group)
            .collect();
        if idx.is_empty() {
            continue;
        }
        let mut g: Vec<AnnualRanking> = idx.iter().map(|&i| rows[i].ranking.clone()).collect();
        let outcome = apply_quota(&mut g, &quota, settings.outstanding_unit);
        for (k, &i) in idx.iter().enumerate() {
            rows[i].ranking = g[k].clone();
        }
        quotas.push((group.to_string(), outcome));
    }
    Ok(UnitResult {
        settings,
        rule_set: rules.code.clone(),
        basis: rules.basis.clone(),
        rows,
        quotas,
    })
}

fn parse_result(r: &RankingRow) -> Result<UnitResult> {
    serde_json::from_str(&r.result).map_err(|e| AppError::Internal(e.to_string()))
}

/// How the caller reads the unit's ranking: `Ok(true)` manages or reads it all (heads,
/// supervisors), `Ok(false)` an officer ranked there; else 404 outside every scope, 403 inside.
async fn reader(tx: &mut Tx, actor: &Actor, office: &OfficeRow) -> Result<bool> {
    let here = access::path(office);
    if actor.principal.can(Perm::EvaluationRead, &here) {
        return Ok(true);
    }
    let me = scope::officer(tx, actor.principal.user_id).await?;
    if me.place.as_str() == here.as_str() {
        return Ok(false);
    }
    Err(access::judge(
        &actor.principal,
        Perm::EvaluationRead,
        Perm::OfficeRead,
        &[&here],
    )
    .err()
    .unwrap_or(access::Refusal::Forbidden)
    .error("office-not-found"))
}

/// What an officer of the unit reads: everyone's level and average, their own row in full
/// (nobody else's overrides, adjustments or level before them).
fn for_member(mut r: UnitResult, me: Uuid) -> UnitResult {
    for row in r.rows.iter_mut().filter(|row| row.officer != me) {
        row.ranking.overrides.clear();
        row.ranking.adjustments.clear();
        row.ranking.suggested = row.ranking.level;
        row.periods.clear();
    }
    r.quotas.clear();
    r
}

/// The unit's ranking for `year`. See the module header.
pub async fn view(app: &App, actor: &Actor, office_id: Uuid, year: i16) -> Result<RankingView> {
    let rules = check_year(year)?;
    let mut tx = app.db.read().await?;
    let office = access::office(&mut tx, office_id).await?;
    let full = reader(&mut tx, actor, &office).await?;
    let shard = scope::shard_of(&office);
    let stored = repo::ranking(&mut tx, shard, office.id, i64::from(year)).await?;
    let (state, result) = match &stored {
        Some(r) => (r.state.clone(), parse_result(r)?),
        None if full => {
            let s = Settings {
                quota_base: rules.quota.base,
                outstanding_unit: false,
            };
            (
                "preview".into(),
                compute(&mut tx, &office, year, s, &[]).await?,
            )
        }
        None => ("unpublished".into(), empty(&rules)),
    };
    let commendations = commendation::lines(&mut tx, shard, office.id, year).await?;
    tx.commit().await?;
    let (state, result) = match (full, state.as_str()) {
        (false, "published") => (state, for_member(result, actor.principal.user_id)),
        (false, _) => ("unpublished".into(), empty(&rules)),
        _ => (state, result),
    };
    let decided = matches!(state.as_str(), "decided" | "published");
    let proposals = (full && decided).then(|| proposals(&result));
    let deadline = rules.rank_before(year, false);
    Ok(RankingView {
        office_id: office.id,
        office_code: office.code.clone(),
        office_name: office.name.clone(),
        year,
        overdue: !decided && local_date(app.now()) > deadline,
        reminders: rules.reminders(deadline),
        deadline,
        decided_at: stored.as_ref().map(|r| r.decided_at),
        published_at: stored.as_ref().and_then(|r| r.published_at),
        may_manage: full
            && actor
                .principal
                .can(Perm::EvaluationManage, &access::path(&office)),
        member_only: !full,
        state,
        result,
        proposals,
        commendations: if full { commendations } else { Vec::new() },
    })
}

fn empty(rules: &RuleSet) -> UnitResult {
    UnitResult {
        settings: Settings {
            quota_base: rules.quota.base,
            outstanding_unit: false,
        },
        rule_set: rules.code.clone(),
        basis: rules.basis.clone(),
        rows: Vec::new(),
        quotas: Vec::new(),
    }
}

/// Titles proposed from the ranking: solidarity and participation are assumed (the head
/// confirms by recording each title); no initiative is known to congbo.
pub(crate) fn proposals(r: &UnitResult) -> Proposals {
    let candidates: Vec<Candidate> = r
        .rows
        .iter()
        .map(|row| Candidate::from_ranking(&row.ranking, true, false))
        .collect();
    propose(&candidates, &CommendationRules::default())
}

/// Decides the unit's ranking for `year`. See the module header.
pub async fn decide(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    year: i16,
    input: &DecideInput,
) -> Result<RankingView> {
    let (settings, levels) = settings_of(input)?;
    check_year(year)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (office, role) =
        access::office_for(&mut tx, actor, Perm::EvaluationManage, office_id).await?;
    let result = compute(&mut tx, &office, year, settings, &levels).await?;
    let shard = scope::shard_of(&office);
    let stored = repo::ranking(&mut tx, shard, office.id, i64::from(year)).await?;
    let row = RankingRow {
        shard_key: shard,
        office_id: office.id,
        year: i64::from(year),
        state: "decided".into(),
        result: serde_json::to_string(&result).map_err(|e| AppError::Internal(e.to_string()))?,
        decided_by: actor.principal.user_id,
        decided_at: now,
        published_by: None,
        published_at: None,
        version: stored.as_ref().map_or(1, |r| r.version + 1),
    };
    if !repo::save_ranking(&mut tx, &row, stored.map(|r| r.version)).await? {
        return Err(AppError::Conflict("ranking-changed"));
    }
    let count = |l: Level| {
        result
            .rows
            .iter()
            .filter(|r| r.ranking.level == Some(l))
            .count()
    };
    let moved: usize = result.quotas.iter().map(|(_, q)| q.moved_down.len()).sum();
    let summary = json!({"year": year, "quota_base": settings.quota_base.as_str(),
        "outstanding_unit": settings.outstanding_unit, "ranked": result.rows.len(),
        "excellent": count(Level::Excellent), "good": count(Level::Good),
        "completed": count(Level::Completed), "not_completed": count(Level::NotCompleted),
        "moved_down": moved});
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "evaluation.ranking_decided",
            role: Some(role.as_str()),
            office_id: Some(office.id),
            target_type: "office",
            target_id: Some(office.id.to_string()),
            summary,
        },
    )
    .await?;
    tx.commit().await?;
    view(app, actor, office_id, year).await
}

/// Publishes the decided ranking to the unit and notifies each officer. See the module header.
pub async fn publish(app: &App, actor: &Actor, office_id: Uuid, year: i16) -> Result<RankingView> {
    check_year(year)?;
    let now = app.now();
    let mut tx = app.db.begin().await?;
    let (office, role) =
        access::office_for(&mut tx, actor, Perm::EvaluationManage, office_id).await?;
    let shard = scope::shard_of(&office);
    let Some(mut row) = repo::ranking(&mut tx, shard, office.id, i64::from(year)).await? else {
        return Err(DomainError::new("ranking-not-decided").into());
    };
    if row.state == "published" {
        return Err(AppError::Conflict("ranking-published"));
    }
    let result = parse_result(&row)?;
    let version = row.version;
    row.state = "published".into();
    row.published_by = Some(actor.principal.user_id);
    row.published_at = Some(now);
    row.version += 1;
    if !repo::save_ranking(&mut tx, &row, Some(version)).await? {
        return Err(AppError::Conflict("ranking-changed"));
    }
    let mut notified = 0;
    for r in &result.rows {
        if notify(&mut tx, now, &office, year, r).await? {
            notified += 1;
        }
    }
    audit::record(
        &mut tx,
        now,
        actor,
        Entry {
            action: "evaluation.ranking_published",
            role: Some(role.as_str()),
            office_id: Some(office.id),
            target_type: "office",
            target_id: Some(office.id.to_string()),
            summary: json!({"year": year, "ranked": result.rows.len(), "notified": notified}),
        },
    )
    .await?;
    tx.commit().await?;
    view(app, actor, office_id, year).await
}

/// The officer's notice (e-mail through the outbox) when they have an address.
async fn notify(tx: &mut Tx, now: i64, office: &OfficeRow, year: i16, r: &Row) -> Result<bool> {
    let Some(user) = staff_repo::get(tx, r.officer).await? else {
        return Ok(false);
    };
    let Some(email) = user.email.filter(|e| !e.trim().is_empty()) else {
        return Ok(false);
    };
    let level = match r.ranking.level {
        Some(Level::Excellent) => "Hoàn thành xuất sắc nhiệm vụ",
        Some(Level::Good) => "Hoàn thành tốt nhiệm vụ",
        Some(Level::Completed) => "Hoàn thành nhiệm vụ",
        Some(Level::NotCompleted) => "Không hoàn thành nhiệm vụ",
        None => "Không xếp loại (dưới 6 tháng công tác)",
    };
    let body = format!(
        "Kết quả xếp loại chất lượng năm {year} của {} tại {}: {level}.\n\
         Xem chi tiết: /don-vi/{}/xep-loai/{year}",
        user.full_name, office.name, office.id
    );
    outbox::insert(
        tx,
        &NewOutbox {
            id: new_id(),
            created_at: now,
            topic: "evaluation.ranking-published".into(),
            dossier_id: None,
            channel: "email".into(),
            recipient: email,
            subject: format!("Kết quả xếp loại chất lượng năm {year}"),
            body,
        },
    )
    .await?;
    Ok(true)
}
