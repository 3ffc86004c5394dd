//! The indicators of Decision 766, their groups, and the weights, thresholds and bands as
//! effective-dated data ([`Rules766`]).

use jiff::civil::{Date, date};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The five component groups (reference §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    /// 1. Công khai, minh bạch.
    Publicity,
    /// 2. Tiến độ, kết quả giải quyết.
    Progress,
    /// 3. Cung cấp dịch vụ trực tuyến.
    Online,
    /// 4. Số hóa hồ sơ.
    Digitisation,
    /// 5. Mức độ hài lòng.
    Satisfaction,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Publicity,
        Group::Progress,
        Group::Online,
        Group::Digitisation,
        Group::Satisfaction,
    ];

    /// Stable code (`publicity`, `progress`, `online`, `digitisation`, `satisfaction`).
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Publicity => "publicity",
            Group::Progress => "progress",
            Group::Online => "online",
            Group::Digitisation => "digitisation",
            Group::Satisfaction => "satisfaction",
        }
    }

    /// The group's number in the decision (1–5).
    pub fn number(self) -> u8 {
        match self {
            Group::Publicity => 1,
            Group::Progress => 2,
            Group::Online => 3,
            Group::Digitisation => 4,
            Group::Satisfaction => 5,
        }
    }
}

/// A scored indicator (reference §3.2). 2.2 (average processing time, shown only for one
/// procedure) and 5.1 (feedback by category, a breakdown) carry no points and are not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Indicator {
    /// 1.1 Procedures announced on time.
    #[serde(rename = "1.1")]
    AnnouncedOnTime,
    /// 1.2 Procedures published on the National TTHC Database on time.
    #[serde(rename = "1.2")]
    PublishedOnTime,
    /// 1.3 Procedures published with all mandatory parts.
    #[serde(rename = "1.3")]
    PublishedComplete,
    /// 1.4 Dossiers synced to the national portal.
    #[serde(rename = "1.4")]
    DossiersSynced,
    /// 2.1 Dossiers processed, or in process, on time.
    #[serde(rename = "2.1")]
    OnTime,
    /// 3.1 Procedures offering online public services.
    #[serde(rename = "3.1")]
    ProceduresOnline,
    /// 3.2 Online services that generated dossiers.
    #[serde(rename = "3.2")]
    OnlineServicesUsed,
    /// 3.3 Share of dossiers received online.
    #[serde(rename = "3.3")]
    DossiersOnline,
    /// 3.5 Procedures with fees integrated for online payment.
    #[serde(rename = "3.5")]
    FeesOnline,
    /// 3.6 Share of dossiers paid online.
    #[serde(rename = "3.6")]
    PaidOnline,
    /// 4.1 Electronic results.
    #[serde(rename = "4.1")]
    ElectronicResults,
    /// 4.2 Digitised dossiers.
    #[serde(rename = "4.2")]
    DigitisedDossiers,
    /// 4.3 Reuse of digitised data.
    #[serde(rename = "4.3")]
    DataReused,
    /// 4.4 Dossiers synced to the citizen's data store.
    #[serde(rename = "4.4")]
    CitizenStore,
    /// 4.5 Use of population data.
    #[serde(rename = "4.5")]
    PopulationData,
    /// 5.2 Feedback (PAKN) handled on time.
    #[serde(rename = "5.2")]
    FeedbackOnTime,
    /// 5.3 Satisfaction with feedback handling.
    #[serde(rename = "5.3")]
    FeedbackSatisfaction,
    /// 5.4 Satisfaction in receipt and handling of dossiers.
    #[serde(rename = "5.4")]
    HandlingSatisfaction,
}

impl Indicator {
    pub const ALL: [Indicator; 18] = [
        Indicator::AnnouncedOnTime,
        Indicator::PublishedOnTime,
        Indicator::PublishedComplete,
        Indicator::DossiersSynced,
        Indicator::OnTime,
        Indicator::ProceduresOnline,
        Indicator::OnlineServicesUsed,
        Indicator::DossiersOnline,
        Indicator::FeesOnline,
        Indicator::PaidOnline,
        Indicator::ElectronicResults,
        Indicator::DigitisedDossiers,
        Indicator::DataReused,
        Indicator::CitizenStore,
        Indicator::PopulationData,
        Indicator::FeedbackOnTime,
        Indicator::FeedbackSatisfaction,
        Indicator::HandlingSatisfaction,
    ];

    /// The number in the decision (`"2.1"`, `"5.4"`).
    pub fn id(self) -> &'static str {
        match self {
            Indicator::AnnouncedOnTime => "1.1",
            Indicator::PublishedOnTime => "1.2",
            Indicator::PublishedComplete => "1.3",
            Indicator::DossiersSynced => "1.4",
            Indicator::OnTime => "2.1",
            Indicator::ProceduresOnline => "3.1",
            Indicator::OnlineServicesUsed => "3.2",
            Indicator::DossiersOnline => "3.3",
            Indicator::FeesOnline => "3.5",
            Indicator::PaidOnline => "3.6",
            Indicator::ElectronicResults => "4.1",
            Indicator::DigitisedDossiers => "4.2",
            Indicator::DataReused => "4.3",
            Indicator::CitizenStore => "4.4",
            Indicator::PopulationData => "4.5",
            Indicator::FeedbackOnTime => "5.2",
            Indicator::FeedbackSatisfaction => "5.3",
            Indicator::HandlingSatisfaction => "5.4",
        }
    }

    /// The indicator with that number.
    pub fn parse(id: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.id() == id.trim())
    }

    pub fn group(self) -> Group {
        match self.id().as_bytes()[0] {
            b'1' => Group::Publicity,
            b'2' => Group::Progress,
            b'3' => Group::Online,
            b'4' => Group::Digitisation,
            _ => Group::Satisfaction,
        }
    }

    /// Key of the formula's description in the locale files (`index766-formula-2-1`).
    pub fn formula(self) -> &'static str {
        match self {
            Indicator::AnnouncedOnTime => "index766-formula-1-1",
            Indicator::PublishedOnTime => "index766-formula-1-2",
            Indicator::PublishedComplete => "index766-formula-1-3",
            Indicator::DossiersSynced => "index766-formula-1-4",
            Indicator::OnTime => "index766-formula-2-1",
            Indicator::ProceduresOnline => "index766-formula-3-1",
            Indicator::OnlineServicesUsed => "index766-formula-3-2",
            Indicator::DossiersOnline => "index766-formula-3-3",
            Indicator::FeesOnline => "index766-formula-3-5",
            Indicator::PaidOnline => "index766-formula-3-6",
            Indicator::ElectronicResults => "index766-formula-4-1",
            Indicator::DigitisedDossiers => "index766-formula-4-2",
            Indicator::DataReused => "index766-formula-4-3",
            Indicator::CitizenStore => "index766-formula-4-4",
            Indicator::PopulationData => "index766-formula-4-5",
            Indicator::FeedbackOnTime => "index766-formula-5-2",
            Indicator::FeedbackSatisfaction => "index766-formula-5-3",
            Indicator::HandlingSatisfaction => "index766-formula-5-4",
        }
    }
}

/// The rank band of a score (reference §3.1). Labels live in the locale files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Band {
    /// Xuất sắc.
    Excellent,
    /// Tốt.
    Good,
    /// Khá.
    Fair,
    /// Trung bình.
    Average,
    /// Yếu.
    Weak,
}

impl Band {
    /// Stable code (`excellent`, `good`, `fair`, `average`, `weak`).
    pub fn as_str(self) -> &'static str {
        match self {
            Band::Excellent => "excellent",
            Band::Good => "good",
            Band::Fair => "fair",
            Band::Average => "average",
            Band::Weak => "weak",
        }
    }
}

/// A group's maximum points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GroupRule {
    pub group: Group,
    pub max_points: f64,
}

/// An indicator's weight and the rate (percent) at and above which it earns full points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IndicatorRule {
    pub indicator: Indicator,
    pub max_points: f64,
    /// 100 for a plain proportion; 80, 50 or 90 where the decision gives full points early.
    pub full_at_pct: f64,
}

impl IndicatorRule {
    /// Points for a rate in percent: `min(max, rate ÷ full_at × max)`, 2 decimals.
    pub fn points(&self, rate_pct: f64) -> f64 {
        round2(points(rate_pct, self.max_points, self.full_at_pct))
    }
}

/// The lowest score (percent of the maximum) of a band.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BandRule {
    pub band: Band,
    pub from_pct: f64,
}

/// One version of the index: weights, thresholds and bands, in force from `effective_from`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rules766 {
    pub effective_from: Date,
    /// The text these rules come from.
    pub source: String,
    pub groups: Vec<GroupRule>,
    pub indicators: Vec<IndicatorRule>,
    /// Highest band first; a score below every `from_pct` is [`Band::Weak`].
    pub bands: Vec<BandRule>,
}

impl Default for Rules766 {
    /// Decision 766/QĐ-TTg of 23/6/2022. Confirmed \[C\]: the five groups and their maxima
    /// (18/20/22/22/18; groups 3 and 4 are \[C2\]), 5.4 = 6 points with full points at ≥ 90 %,
    /// "procedures updated and published on time" = 4 points (read as 1.2), the thresholds
    /// 80 % (3.1, 3.5, 4.2, 4.3), 50 % (3.3), 90 % (5.4), and the bands ≥ 90 excellent,
    /// < 50 weak; 2.1 carries the whole of group 2 ("on-time processing earns up to 20
    /// points"). The other weights and the intermediate bands (80 good, 70 fair, 50 average)
    /// are \[B\]: weights chosen to add up to each group's maximum (3.3 = 6 as in §3's
    /// worked example), kept as data to replace when the appendix is read.
    fn default() -> Self {
        let g = |group, max_points| GroupRule { group, max_points };
        let i = |indicator, max_points, full_at_pct| IndicatorRule {
            indicator,
            max_points,
            full_at_pct,
        };
        let b = |band, from_pct| BandRule { band, from_pct };
        use Indicator as I;
        Rules766 {
            effective_from: date(2022, 6, 23),
            source: "766/QĐ-TTg".into(),
            groups: vec![
                g(Group::Publicity, 18.0),
                g(Group::Progress, 20.0),
                g(Group::Online, 22.0),
                g(Group::Digitisation, 22.0),
                g(Group::Satisfaction, 18.0),
            ],
            indicators: vec![
                i(I::AnnouncedOnTime, 4.0, 100.0),
                i(I::PublishedOnTime, 4.0, 100.0),
                i(I::PublishedComplete, 4.0, 100.0),
                i(I::DossiersSynced, 6.0, 100.0),
                i(I::OnTime, 20.0, 100.0),
                i(I::ProceduresOnline, 4.0, 80.0),
                i(I::OnlineServicesUsed, 4.0, 100.0),
                i(I::DossiersOnline, 6.0, 50.0),
                i(I::FeesOnline, 4.0, 80.0),
                i(I::PaidOnline, 4.0, 100.0),
                i(I::ElectronicResults, 5.0, 100.0),
                i(I::DigitisedDossiers, 5.0, 80.0),
                i(I::DataReused, 4.0, 80.0),
                i(I::CitizenStore, 4.0, 100.0),
                i(I::PopulationData, 4.0, 100.0),
                i(I::FeedbackOnTime, 6.0, 100.0),
                i(I::FeedbackSatisfaction, 6.0, 100.0),
                i(I::HandlingSatisfaction, 6.0, 90.0),
            ],
            bands: vec![
                b(Band::Excellent, 90.0),
                b(Band::Good, 80.0),
                b(Band::Fair, 70.0),
                b(Band::Average, 50.0),
            ],
        }
    }
}

impl Rules766 {
    /// The versions shipped with congbo, oldest first.
    pub fn builtin() -> Vec<Rules766> {
        vec![Rules766::default()]
    }

    /// The version in force on `on`: the latest `effective_from` not after it.
    /// Error: `index766-no-rules` when `on` is before every version.
    pub fn select(versions: &[Rules766], on: Date) -> Result<&Rules766, DomainError> {
        versions
            .iter()
            .filter(|r| r.effective_from <= on)
            .max_by_key(|r| r.effective_from)
            .ok_or(DomainError::new("index766-no-rules"))
    }

    pub fn rule(&self, indicator: Indicator) -> Option<&IndicatorRule> {
        self.indicators.iter().find(|r| r.indicator == indicator)
    }

    pub fn group_max(&self, group: Group) -> f64 {
        self.groups
            .iter()
            .find(|g| g.group == group)
            .map_or(0.0, |g| g.max_points)
    }

    /// The band of a score given in percent of the maximum.
    pub fn band(&self, score_pct: f64) -> Band {
        self.bands
            .iter()
            .find(|b| score_pct >= b.from_pct)
            .map_or(Band::Weak, |b| b.band)
    }

    /// Checks a version before it is used. Errors (field in brackets):
    /// `index766-rules-duplicate` (`groups` / `indicators` / `bands`) for a group, indicator
    /// or band listed twice; `index766-rules-points` (`groups` / `indicators`) for a negative
    /// maximum, groups not adding up to 100, or an indicator group whose weights do not add
    /// up to the group's maximum; `index766-rules-threshold` (`indicators`) for a full-points
    /// rate outside (0, 100]; `index766-rules-bands` (`bands`) for bands not strictly
    /// descending inside (0, 100], or one that is `weak` (the band below all others).
    pub fn validate(&self) -> Result<(), DomainError> {
        let err = DomainError::field;
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        for (n, g) in self.groups.iter().enumerate() {
            if self.groups[..n].iter().any(|h| h.group == g.group) {
                return Err(err("index766-rules-duplicate", "groups"));
            }
            if g.max_points < 0.0 {
                return Err(err("index766-rules-points", "groups"));
            }
        }
        if !close(self.groups.iter().map(|g| g.max_points).sum(), 100.0) {
            return Err(err("index766-rules-points", "groups"));
        }
        for (n, r) in self.indicators.iter().enumerate() {
            if self.indicators[..n]
                .iter()
                .any(|s| s.indicator == r.indicator)
            {
                return Err(err("index766-rules-duplicate", "indicators"));
            }
            if r.max_points < 0.0 {
                return Err(err("index766-rules-points", "indicators"));
            }
            if !(r.full_at_pct > 0.0 && r.full_at_pct <= 100.0) {
                return Err(err("index766-rules-threshold", "indicators"));
            }
        }
        for g in &self.groups {
            let sum: f64 = self
                .indicators
                .iter()
                .filter(|r| r.indicator.group() == g.group)
                .map(|r| r.max_points)
                .sum();
            if !close(sum, g.max_points) {
                return Err(err("index766-rules-points", "indicators"));
            }
        }
        for (n, b) in self.bands.iter().enumerate() {
            if self.bands[..n].iter().any(|c| c.band == b.band) {
                return Err(err("index766-rules-duplicate", "bands"));
            }
            let below_previous = n == 0 || self.bands[n - 1].from_pct > b.from_pct;
            let in_range = b.from_pct > 0.0 && b.from_pct <= 100.0;
            if b.band == Band::Weak || !below_previous || !in_range {
                return Err(err("index766-rules-bands", "bands"));
            }
        }
        Ok(())
    }
}

/// `min(max, rate ÷ full_at × max)`, not rounded; 0 for a negative rate.
pub(crate) fn points(rate_pct: f64, max_points: f64, full_at_pct: f64) -> f64 {
    if rate_pct >= full_at_pct {
        max_points
    } else {
        rate_pct.max(0.0) * max_points / full_at_pct
    }
}

/// Rounds to 2 decimals, the precision the national system publishes.
pub(crate) use crate::report::round2;
