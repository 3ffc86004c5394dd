//! What staff see: an officer's own ratings and an office's figures, broken down.

use std::collections::BTreeMap;

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::rating::{
    self as dom, Criterion, Indicator54, RatingSettings, Scale, Score, Summary,
};
use congbo_store::Tx;
use congbo_store::repo::office::{self as office_repo, OfficeRow};
use congbo_store::repo::queue as queue_repo;
use congbo_store::repo::rating::{self as repo, RatingRow};
use uuid::Uuid;

use crate::access::{office_for, path};
use crate::settings::rating_settings;
use crate::staff::name_of;
use crate::{Actor, App, Result};
use congbo_domain::time::{Days, days_range, local_date, parse_day};

/// One rating as an officer or a head sees it: never who gave it, nor the ticket or dossier.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RatingLine {
    pub id: Uuid,
    pub day: String,
    pub channel: String,
    pub criterion: String,
    pub value: u8,
    pub label: String,
    pub satisfied: bool,
    pub low: bool,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
}

fn score_of(r: &RatingRow) -> Option<Score> {
    let scale = Scale::parse(&r.scale).ok()?;
    Score::new(scale, u8::try_from(r.value).ok()?).ok()
}

pub(super) fn line(r: &RatingRow, s: &RatingSettings) -> RatingLine {
    let reasons: Vec<String> = serde_json::from_str(&r.reasons).unwrap_or_default();
    let score = score_of(r);
    RatingLine {
        id: r.id,
        day: r.day.clone(),
        channel: r.channel.clone(),
        criterion: r.criterion.clone(),
        value: score.map(|s| s.value).unwrap_or(0),
        label: score
            .map(|s| s.scale.label(s.value).to_string())
            .unwrap_or_default(),
        satisfied: r.satisfied,
        low: r.low,
        reasons: s.labels(&reasons),
        comment: r.comment.clone(),
    }
}

/// Counts per level, the satisfied share with its sample size, reasons given.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Figure {
    pub key: String,
    pub label: String,
    pub n: u32,
    pub satisfied: u32,
    /// Omitted on no ratings.
    pub satisfied_pct: Option<f64>,
    /// Fewer than 30 ratings: a percentage is only indicative.
    pub small_sample: bool,
    pub mean_score: Option<f64>,
    pub levels: Vec<LevelCount>,
    pub reasons: Vec<ReasonCount>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct LevelCount {
    pub scale: String,
    pub value: u8,
    pub label: String,
    pub n: u32,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ReasonCount {
    pub code: String,
    pub label: String,
    pub n: u32,
}

fn figure(key: String, label: String, rows: &[&RatingRow], s: &RatingSettings) -> Figure {
    let scores: Vec<Score> = rows.iter().filter_map(|r| score_of(r)).collect();
    let Summary {
        n,
        satisfied,
        satisfied_pct,
        small_sample,
        mean_score,
    } = dom::summarize(&scores);
    let mut levels: BTreeMap<(String, u8), u32> = BTreeMap::new();
    for sc in &scores {
        *levels
            .entry((sc.scale.as_str().to_string(), sc.value))
            .or_default() += 1;
    }
    let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
    for r in rows {
        for code in serde_json::from_str::<Vec<String>>(&r.reasons).unwrap_or_default() {
            *reasons.entry(code).or_default() += 1;
        }
    }
    let mut reasons: Vec<ReasonCount> = reasons
        .into_iter()
        .map(|(code, n)| ReasonCount {
            label: s.labels(std::slice::from_ref(&code)).remove(0),
            code,
            n,
        })
        .collect();
    reasons.sort_by(|a, b| b.n.cmp(&a.n).then(a.code.cmp(&b.code)));
    Figure {
        key,
        label,
        n,
        satisfied,
        satisfied_pct,
        small_sample,
        mean_score,
        levels: levels
            .into_iter()
            .map(|((scale, value), n)| LevelCount {
                label: Scale::parse(&scale)
                    .map(|sc| sc.label(value).to_string())
                    .unwrap_or_default(),
                scale,
                value,
                n,
            })
            .collect(),
        reasons,
    }
}

/// A period of local days, `from..=to` ('YYYY-MM-DD'); by default this month up to today.
/// Error: `invalid-date` (`from` / `to`).
pub fn period(now: i64, from: Option<&str>, to: Option<&str>) -> Result<Days> {
    let today = local_date(now);
    let from = parse_day(from, "from")?.unwrap_or(today.first_of_month());
    let to = parse_day(to, "to")?.unwrap_or(today);
    if to < from {
        return Err(DomainError::field("invalid-date", "to").into());
    }
    Ok(Days { from, to })
}

/// An officer's own ratings: totals, one line per month (the trend), the reasons given and
/// the ratings themselves, never who gave them.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Mine {
    pub from: String,
    pub to: String,
    pub total: Figure,
    pub months: Vec<Figure>,
    pub ratings: Vec<RatingLine>,
}

/// The signed-in officer's own ratings over the period.
pub async fn mine(app: &App, actor: &Actor, days: Days) -> Result<Mine> {
    let Days { from, to } = days;
    let mut tx = app.db.read().await?;
    let rows = repo::ratings_of_officer(
        &mut tx,
        actor.principal.user_id,
        &from.to_string(),
        &to.to_string(),
    )
    .await?;
    // Labels of reasons from the settings of the offices where they were given.
    let mut settings: BTreeMap<Uuid, RatingSettings> = BTreeMap::new();
    for r in &rows {
        if let std::collections::btree_map::Entry::Vacant(e) = settings.entry(r.office_id) {
            e.insert(rating_settings(&mut tx, r.office_id).await?);
        }
    }
    tx.commit().await?;
    let default = RatingSettings::default();
    let s_of = |r: &RatingRow| settings.get(&r.office_id).unwrap_or(&default);
    // Totals and the trend count the overall criterion, as the office's figures do.
    let all: Vec<&RatingRow> = rows
        .iter()
        .filter(|r| r.criterion == Criterion::Overall.as_str())
        .collect();
    let mut months: BTreeMap<String, Vec<&RatingRow>> = BTreeMap::new();
    for r in &all {
        months.entry(r.day[..7].to_string()).or_default().push(r);
    }
    let first = rows.first().map(s_of).unwrap_or(&default);
    Ok(Mine {
        from: from.to_string(),
        to: to.to_string(),
        total: figure("all".into(), String::new(), &all, first),
        months: months
            .into_iter()
            .map(|(m, rs)| figure(m.clone(), m, &rs, first))
            .collect(),
        ratings: rows.iter().rev().map(|r| line(r, s_of(r))).collect(),
    })
}

/// How figures are broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    Office,
    Officer,
    Procedure,
    Service,
    Counter,
    Channel,
    Criterion,
}

impl By {
    /// Error: `rating-unknown-breakdown` (`by`).
    pub fn parse(s: &str) -> Result<By> {
        Ok(match s {
            "office" | "" => By::Office,
            "officer" => By::Officer,
            "procedure" => By::Procedure,
            "service" => By::Service,
            "counter" => By::Counter,
            "channel" => By::Channel,
            "criterion" => By::Criterion,
            _ => return Err(DomainError::field("rating-unknown-breakdown", "by").into()),
        })
    }
}

/// Indicator 5.4 over the dossiers closed in the period, with its parts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Indicator {
    pub closed: u32,
    pub late: u32,
    pub disliked: u32,
    pub late_pct: f64,
    pub disliked_pct: f64,
    pub rate: f64,
    pub points: f64,
    pub max_points: f64,
}

/// An office's (and its subtree's) satisfaction figures for a period.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Figures {
    pub office_id: Uuid,
    pub office_name: String,
    pub from: String,
    pub to: String,
    pub by: String,
    /// The overall criterion only: one number a head can compare.
    pub total: Figure,
    pub lines: Vec<Figure>,
    /// `None` when no dossier closed in the period (N/A, not 0).
    pub indicator_5_4: Option<Indicator>,
}

/// Indicator 5.4's maximum points (Decision 766).
const POINTS_5_4: f64 = 6.0;

/// The key of a rating's line in the breakdown (empty: not known).
fn key_of(by: By, r: &RatingRow) -> String {
    match by {
        By::Office => r.office_id.to_string(),
        By::Officer => r.officer_id.map(|u| u.to_string()).unwrap_or_default(),
        By::Procedure => r.procedure_code.clone().unwrap_or_default(),
        By::Service => r.group_id.map(|g| g.to_string()).unwrap_or_default(),
        By::Counter => r.counter_id.map(|k| k.to_string()).unwrap_or_default(),
        By::Channel => r.channel.clone(),
        By::Criterion => r.criterion.clone(),
    }
}

/// The label of a line of the breakdown: the office's, officer's, service's or counter's
/// name, the procedure's name with its code (the latest version's name), the channel or the
/// criterion.
async fn label_of(tx: &mut Tx, by: By, k: &str) -> Result<String> {
    if k.is_empty() {
        return Ok("—".to_string());
    }
    let id = k.parse::<Uuid>().ok();
    let named = match (by, id) {
        (By::Office, Some(id)) => office_repo::get(tx, id).await?.map(|o| o.name),
        (By::Officer, id @ Some(_)) => name_of(tx, id).await?,
        (By::Service, Some(id)) => queue_repo::group(tx, id)
            .await?
            .map(|g| format!("{} · {}", g.letter, g.name)),
        (By::Counter, Some(id)) => queue_repo::counter(tx, id)
            .await?
            .map(|c| format!("Quầy {}", c.number)),
        (By::Office | By::Officer | By::Service | By::Counter, None) => None,
        (By::Procedure, _) => Some(
            match congbo_store::repo::catalog::versions(tx, k).await?.pop() {
                Some(v) => format!("{} ({k})", v.name),
                None => k.to_string(),
            },
        ),
        (By::Channel, _) => Some(match k {
            "counter-device" => "Thiết bị tại quầy".into(),
            "qr" => "Mã QR, đường dẫn".into(),
            other => other.into(),
        }),
        (By::Criterion, _) => Some(
            Criterion::parse(k)
                .map(|c| c.label_vi().to_string())
                .unwrap_or(k.to_string()),
        ),
    };
    Ok(named.unwrap_or_default())
}

/// Indicator 5.4 over the dossiers closed in the period (`None` when none closed).
fn indicator_of(closed: &[(Uuid, Option<String>)], disliked: &[Uuid]) -> Option<Indicator> {
    if closed.is_empty() {
        return None;
    }
    let n = closed.len() as u32;
    let late = closed
        .iter()
        .filter(|(_, t)| t.as_deref() == Some("late"))
        .count() as u32;
    let dis = closed
        .iter()
        .filter(|(id, _)| disliked.contains(id))
        .count() as u32;
    let late_pct = dom::share(late, n).unwrap_or(0.0);
    let disliked_pct = dom::share(dis, n).unwrap_or(0.0);
    let Indicator54 { rate, points } = dom::indicator_5_4(late_pct, disliked_pct, POINTS_5_4);
    Some(Indicator {
        closed: n,
        late,
        disliked: dis,
        late_pct,
        disliked_pct,
        rate,
        points,
        max_points: POINTS_5_4,
    })
}

/// Figures for the office's subtree: counts per level, satisfied share with its sample size,
/// mean score, top reasons, broken down `by`; the overall criterion is what totals count, the
/// `criterion` breakdown shows the others.
pub async fn figures(
    app: &App,
    actor: &Actor,
    office_id: Uuid,
    days: Days,
    by: By,
) -> Result<Figures> {
    let Days { from, to } = days;
    let mut tx = app.db.read().await?;
    let (o, _) = office_for(&mut tx, actor, Perm::RatingRead, office_id).await?;
    let rows = repo::ratings_under(&mut tx, &o.path, &from.to_string(), &to.to_string()).await?;
    let s = rating_settings(&mut tx, o.id).await?;
    let (start, end) = days_range(from, to);
    let closed = repo::dossiers_closed_under(&mut tx, &o.path, start, end).await?;
    let disliked = repo::disliked_dossiers(&mut tx, &o.path).await?;
    let overall = |r: &&RatingRow| r.criterion == Criterion::Overall.as_str();
    let mut groups: BTreeMap<String, Vec<&RatingRow>> = BTreeMap::new();
    for r in rows.iter().filter(|r| by == By::Criterion || overall(r)) {
        groups.entry(key_of(by, r)).or_default().push(r);
    }
    let mut lines = Vec::with_capacity(groups.len());
    for (k, rs) in &groups {
        let label = label_of(&mut tx, by, k).await?;
        lines.push(figure(k.clone(), label, rs, &s));
    }
    tx.commit().await?;
    let all: Vec<&RatingRow> = rows.iter().filter(overall).collect();
    let total = figure("all".into(), o.name.clone(), &all, &s);
    lines.sort_by(|a, b| b.n.cmp(&a.n).then(a.label.cmp(&b.label)));
    Ok(Figures {
        office_id: o.id,
        office_name: o.name,
        from: from.to_string(),
        to: to.to_string(),
        by: format!("{by:?}").to_lowercase(),
        total,
        lines,
        indicator_5_4: indicator_of(&closed, &disliked),
    })
}

/// The staff page's part for heads and supervisors: the offices where the viewer reads
/// ratings, the one chosen (the first by default), its figures by officer, its recovery cases,
/// and whether the viewer may close them.
#[derive(Debug, Clone)]
pub struct OfficeRatings {
    pub offices: Vec<OfficeRow>,
    pub office: Option<OfficeRow>,
    pub figures: Option<Figures>,
    pub cases: Vec<super::CaseView>,
    pub may_handle: bool,
}

/// The office part of the staff page (`chosen`: an office among the viewer's).
pub async fn office_ratings(
    app: &App,
    actor: &Actor,
    chosen: Option<Uuid>,
    days: Days,
) -> Result<OfficeRatings> {
    // Offices where the user reads ratings: their assignments' offices.
    let mut offices: Vec<OfficeRow> = Vec::new();
    for a in &actor.principal.assignments {
        if a.role.grants(Perm::RatingRead)
            && !offices.iter().any(|o| o.id == a.office_id)
            && let Ok(o) = crate::office::get(app, actor, a.office_id).await
        {
            offices.push(o);
        }
    }
    let office = match chosen {
        Some(id) => offices.iter().find(|o| o.id == id).cloned(),
        None => offices.first().cloned(),
    };
    let (figures, cases, may_handle) = match &office {
        Some(o) => (
            Some(figures(app, actor, o.id, days, By::Officer).await?),
            super::cases(app, actor, o.id, false).await?,
            actor.principal.can(Perm::RecoveryHandle, &path(o)),
        ),
        None => (None, Vec::new(), false),
    };
    Ok(OfficeRatings {
        offices,
        office,
        figures,
        cases,
        may_handle,
    })
}
