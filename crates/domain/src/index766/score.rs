//! The facts congbo counts, and the scorecard computed from them.

use serde::{Deserialize, Serialize};

use super::rules::{Band, Group, Indicator, Rules766, round2};
use crate::DomainError;
use crate::dossier::OnTime;

/// Dossiers of one unit (or a subtree) in a period, by their on-time status (indicator 2.1
/// and 5.4). "Closed" means processing ended in the period (finished, refused, stopped or
/// withdrawn) and its status was classified by [`crate::dossier::on_time_status`]; "open"
/// means received but not closed at the end of the period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierCounts {
    pub closed_early: u64,
    pub closed_on_time: u64,
    pub closed_late: u64,
    /// Still in process at the end of the period, within the time limit.
    pub open_within_limit: u64,
    /// Still in process at the end of the period, past the time limit.
    pub open_overdue: u64,
    /// Closed dossiers (of the three `closed_*` counts) with a feedback (PAKN) or a
    /// dissatisfied rating ("dislike").
    pub closed_complained_or_disliked: u64,
}

impl DossierCounts {
    /// Counts one closed dossier.
    pub fn record_closed(&mut self, status: OnTime, complained_or_disliked: bool) {
        match status {
            OnTime::Early => self.closed_early += 1,
            OnTime::OnTime => self.closed_on_time += 1,
            OnTime::Late => self.closed_late += 1,
        }
        self.closed_complained_or_disliked += u64::from(complained_or_disliked);
    }

    /// Counts one dossier still in process at the end of the period.
    pub fn record_open(&mut self, overdue: bool) {
        if overdue {
            self.open_overdue += 1;
        } else {
            self.open_within_limit += 1;
        }
    }

    pub fn closed(&self) -> u64 {
        self.closed_early + self.closed_on_time + self.closed_late
    }

    pub fn open(&self) -> u64 {
        self.open_within_limit + self.open_overdue
    }

    /// Early, on-time and late shares of the closed dossiers, the way provinces publish them.
    pub fn timeliness(&self) -> Timeliness {
        let closed = self.closed();
        Timeliness {
            closed,
            early_pct: percent(self.closed_early, closed),
            on_time_pct: percent(self.closed_on_time, closed),
            late_pct: percent(self.closed_late, closed),
        }
    }
}

/// Shares (percent, 2 decimals) of the closed dossiers; `None` when none closed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Timeliness {
    pub closed: u64,
    pub early_pct: Option<f64>,
    pub on_time_pct: Option<f64>,
    pub late_pct: Option<f64>,
}

/// Feedback (PAKN) cases within competence in a period (indicators 5.2 and 5.3); which case
/// counts as what is decided by [`crate::feedback::indicators`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackCounts {
    /// Cases within competence (not refused, not forwarded).
    pub cases: u64,
    /// Handled on or before the deadline.
    pub on_time: u64,
    /// Neither rated "not satisfied", nor overdue, nor raised again.
    pub satisfied: u64,
}

/// Everything congbo counts for the index. Indicators whose facts are not here (groups 1, 3
/// and 4: announcement decisions, the national database, online services, payments,
/// digitisation) are reported as [`NoData::NotCollected`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    pub dossiers: DossierCounts,
    pub feedback: FeedbackCounts,
}

impl Inputs {
    /// A unit above (a province over its communes) is scored from the **sum of the raw
    /// counts** of its subtree, not from an average of the units' rates or points: the
    /// national system computes every indicator over all dossiers of the unit's scope
    /// (reference §3.2, data sources), so a commune with 10 dossiers weighs a tenth of one
    /// with 100.
    pub fn aggregate<'a>(units: impl IntoIterator<Item = &'a Inputs>) -> Inputs {
        units.into_iter().fold(Inputs::default(), |a, u| Inputs {
            dossiers: DossierCounts {
                closed_early: a.dossiers.closed_early + u.dossiers.closed_early,
                closed_on_time: a.dossiers.closed_on_time + u.dossiers.closed_on_time,
                closed_late: a.dossiers.closed_late + u.dossiers.closed_late,
                open_within_limit: a.dossiers.open_within_limit + u.dossiers.open_within_limit,
                open_overdue: a.dossiers.open_overdue + u.dossiers.open_overdue,
                closed_complained_or_disliked: a.dossiers.closed_complained_or_disliked
                    + u.dossiers.closed_complained_or_disliked,
            },
            feedback: FeedbackCounts {
                cases: a.feedback.cases + u.feedback.cases,
                on_time: a.feedback.on_time + u.feedback.on_time,
                satisfied: a.feedback.satisfied + u.feedback.satisfied,
            },
        })
    }

    /// Errors: `index766-count-exceeds` (`closed_complained_or_disliked`, `on_time`,
    /// `satisfied`) when a part is larger than its whole.
    fn check(&self) -> Result<(), DomainError> {
        let exceeds = |f| Err(DomainError::field("index766-count-exceeds", f));
        if self.dossiers.closed_complained_or_disliked > self.dossiers.closed() {
            return exceeds("closed_complained_or_disliked");
        }
        if self.feedback.on_time > self.feedback.cases {
            return exceeds("on_time");
        }
        if self.feedback.satisfied > self.feedback.cases {
            return exceeds("satisfied");
        }
        Ok(())
    }
}

/// Why an indicator has no value. Neither is a zero: pages show "N/A".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoData {
    /// congbo does not collect the facts this indicator needs (yet).
    NotCollected,
    /// The facts are collected but the denominator is 0 in this period.
    NothingToCount,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "status", content = "why")]
pub enum Status {
    Computed,
    NoData(NoData),
}

/// One indicator's value. `rate_pct` and `points` are `Some` exactly when `status` is
/// [`Status::Computed`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IndicatorResult {
    pub id: Indicator,
    pub group: Group,
    pub numerator: u64,
    pub denominator: u64,
    /// Percent, 2 decimals.
    pub rate_pct: Option<f64>,
    /// 2 decimals, computed from the rounded rate (what is published is what is scored).
    pub points: Option<f64>,
    pub max_points: f64,
    pub full_at_pct: f64,
    /// Locale key of the formula's description.
    pub formula: &'static str,
    pub status: Status,
}

/// A group's points over its computed indicators.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GroupResult {
    pub group: Group,
    pub points: f64,
    /// The maximum of the computed indicators only.
    pub computed_max: f64,
    /// The group's maximum in the decision.
    pub max_points: f64,
    pub computed: u32,
    pub no_data: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub rules_effective_from: jiff::civil::Date,
    /// Every indicator of the rules, in their order.
    pub indicators: Vec<IndicatorResult>,
    pub groups: Vec<GroupResult>,
    pub timeliness: Timeliness,
    /// Sum of the computed indicators' points.
    pub total: f64,
    /// Sum of the computed indicators' maxima (100 only when everything is computed).
    pub max: f64,
    /// `total ÷ max × 100`, 2 decimals; `None` when nothing is computed.
    pub score_pct: Option<f64>,
    /// The band of `score_pct`: the decision's bands on 100 points, applied to the share of
    /// the points that could be computed.
    pub band: Option<Band>,
}

/// Computes every indicator of `rules` from `inputs`. Errors: `index766-count-exceeds`
/// (see [`Inputs`]).
pub fn score(inputs: &Inputs, rules: &Rules766) -> Result<Scorecard, DomainError> {
    inputs.check()?;
    let indicators: Vec<IndicatorResult> = rules
        .indicators
        .iter()
        .map(|r| {
            let value = value(inputs, r.indicator);
            let (numerator, denominator, rate_pct, status) = match value {
                Value::Rate { num, den, rate } => (num, den, Some(rate), Status::Computed),
                Value::None { num, den, why } => (num, den, None, Status::NoData(why)),
            };
            IndicatorResult {
                id: r.indicator,
                group: r.indicator.group(),
                numerator,
                denominator,
                rate_pct,
                points: rate_pct.map(|rate| r.points(rate)),
                max_points: r.max_points,
                full_at_pct: r.full_at_pct,
                formula: r.indicator.formula(),
                status,
            }
        })
        .collect();
    let groups: Vec<GroupResult> = rules
        .groups
        .iter()
        .map(|g| {
            let of: Vec<&IndicatorResult> =
                indicators.iter().filter(|i| i.group == g.group).collect();
            let computed: Vec<&&IndicatorResult> =
                of.iter().filter(|i| i.points.is_some()).collect();
            GroupResult {
                group: g.group,
                points: round2(computed.iter().filter_map(|i| i.points).sum()),
                computed_max: round2(computed.iter().map(|i| i.max_points).sum()),
                max_points: g.max_points,
                computed: computed.len() as u32,
                no_data: (of.len() - computed.len()) as u32,
            }
        })
        .collect();
    let total = round2(indicators.iter().filter_map(|i| i.points).sum());
    let max = round2(
        indicators
            .iter()
            .filter(|i| i.points.is_some())
            .map(|i| i.max_points)
            .sum(),
    );
    let score_pct = (max > 0.0).then(|| round2(total * 100.0 / max));
    Ok(Scorecard {
        rules_effective_from: rules.effective_from,
        indicators,
        groups,
        timeliness: inputs.dossiers.timeliness(),
        total,
        max,
        score_pct,
        band: score_pct.map(|s| rules.band(s)),
    })
}

enum Value {
    Rate { num: u64, den: u64, rate: f64 },
    None { num: u64, den: u64, why: NoData },
}

fn ratio(num: u64, den: u64) -> Value {
    match percent(num, den) {
        Some(rate) => Value::Rate { num, den, rate },
        None => Value::None {
            num,
            den,
            why: NoData::NothingToCount,
        },
    }
}

/// The formulas (reference §3.2).
fn value(inputs: &Inputs, indicator: Indicator) -> Value {
    let d = &inputs.dossiers;
    let f = &inputs.feedback;
    match indicator {
        // 2.1 = (closed early + closed on time + open within the limit)
        //       ÷ (closed + open), the dossiers processed or in process in the period.
        Indicator::OnTime => ratio(
            d.closed_early + d.closed_on_time + d.open_within_limit,
            d.closed() + d.open(),
        ),
        // 5.2 = handled on time ÷ cases within competence.
        Indicator::FeedbackOnTime => ratio(f.on_time, f.cases),
        // 5.3 = (cases − not satisfied − overdue − raised again) ÷ cases.
        Indicator::FeedbackSatisfaction => ratio(f.satisfied, f.cases),
        // 5.4 = 100 % − (late share + complained-or-disliked share) of the closed dossiers.
        Indicator::HandlingSatisfaction => {
            let closed = d.closed();
            let num = closed.saturating_sub(d.closed_late + d.closed_complained_or_disliked);
            match (
                percent(d.closed_late, closed),
                percent(d.closed_complained_or_disliked, closed),
            ) {
                (Some(late), Some(disliked)) => Value::Rate {
                    num,
                    den: closed,
                    rate: handling_satisfaction_pct(late, disliked),
                },
                _ => Value::None {
                    num,
                    den: closed,
                    why: NoData::NothingToCount,
                },
            }
        }
        Indicator::AnnouncedOnTime
        | Indicator::PublishedOnTime
        | Indicator::PublishedComplete
        | Indicator::DossiersSynced
        | Indicator::ProceduresOnline
        | Indicator::OnlineServicesUsed
        | Indicator::DossiersOnline
        | Indicator::FeesOnline
        | Indicator::PaidOnline
        | Indicator::ElectronicResults
        | Indicator::DigitisedDossiers
        | Indicator::DataReused
        | Indicator::CitizenStore
        | Indicator::PopulationData => Value::None {
            num: 0,
            den: 0,
            why: NoData::NotCollected,
        },
    }
}

/// Indicator 5.4's rate from the two published shares (percent): `100 − late − disliked`,
/// never below 0, 2 decimals. A dossier both late and disliked counts in both shares, as the
/// formula reads.
pub fn handling_satisfaction_pct(late_pct: f64, disliked_pct: f64) -> f64 {
    round2((100.0 - late_pct - disliked_pct).max(0.0))
}

/// `part ÷ whole` in percent with 2 decimals (the way provinces publish); `None` when
/// `whole` is 0 (N/A, not 0). The rule lives in [`crate::report::pct`].
pub use crate::report::pct as percent;
