//! Emulation titles proposed from an annual ranking (reference §4, §8.2 rule 6).
//!
//! - `advanced_worker` (*Lao động tiên tiến*): level `good` or better, plus solidarity and
//!   active participation in emulation (a judgement, passed in as `meets_emulation_conduct`).
//! - `grassroots_emulation_fighter` (*Chiến sĩ thi đua cơ sở*): eligible for advanced worker,
//!   and either `excellent` or an initiative recognised at the base.
//! - Cap: emulation fighters ≤ 15 % of the advanced-worker recipients (floor) [C: configurable].
//!   Those over the cap, lowest annual average first (no average: after those with one, then
//!   officer id), stay advanced workers with the reason `quota_exceeded`.
//!
//! A fighter also holds the advanced-worker title, so the cap's base counts every recipient.
//! Nothing here refuses: ineligible candidates are listed with their reason.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ranking::AnnualRanking;
use super::rules::{Rounding, share_of};
use super::units::{Level, Points};

/// An emulation title.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Title {
    AdvancedWorker,
    GrassrootsEmulationFighter,
}

impl Title {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AdvancedWorker => "advanced_worker",
            Self::GrassrootsEmulationFighter => "grassroots_emulation_fighter",
        }
    }
}

/// Configurable commendation numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommendationRules {
    /// Fighters as a share of advanced workers (15).
    pub fighter_cap_pct: u8,
    pub rounding: Rounding,
    /// Bonus as thousandths of the base salary: advanced worker 300 (0.3×), fighter 1000 (1.0×).
    pub advanced_worker_bonus_milli: u32,
    pub fighter_bonus_milli: u32,
}

impl Default for CommendationRules {
    fn default() -> Self {
        Self {
            fighter_cap_pct: 15,
            rounding: Rounding::Floor,
            advanced_worker_bonus_milli: 300,
            fighter_bonus_milli: 1000,
        }
    }
}

impl CommendationRules {
    /// At most this many fighters for `advanced_workers` recipients.
    pub fn fighter_cap(&self, advanced_workers: u32) -> u32 {
        share_of(advanced_workers, self.fighter_cap_pct, self.rounding)
    }
}

/// One officer considered for titles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub officer: Uuid,
    /// Final annual level; `None` when not ranked.
    pub level: Option<Level>,
    pub average: Option<Points>,
    pub meets_emulation_conduct: bool,
    pub recognised_initiative: bool,
}

impl Candidate {
    /// A candidate from a final annual ranking; the two judgements come from the emulation
    /// review (*bình xét*).
    pub fn from_ranking(
        r: &AnnualRanking,
        meets_emulation_conduct: bool,
        recognised_initiative: bool,
    ) -> Self {
        Self {
            officer: r.officer,
            level: r.level,
            average: r.average,
            meets_emulation_conduct,
            recognised_initiative,
        }
    }
}

/// Why a candidate gets no title (or not the higher one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleReason {
    NotRanked,
    LevelBelowGood,
    EmulationConduct,
    /// Fighter: neither excellent nor a recognised initiative.
    NoExcellenceOrInitiative,
    /// Fighter: over the cap.
    QuotaExceeded,
}

impl TitleReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRanked => "not_ranked",
            Self::LevelBelowGood => "level_below_good",
            Self::EmulationConduct => "emulation_conduct",
            Self::NoExcellenceOrInitiative => "no_excellence_or_initiative",
            Self::QuotaExceeded => "quota_exceeded",
        }
    }
}

/// Whether `c` may receive `title` (before the cap).
pub fn eligible(c: &Candidate, title: Title) -> Result<(), TitleReason> {
    let level = c.level.ok_or(TitleReason::NotRanked)?;
    if level < Level::Good {
        return Err(TitleReason::LevelBelowGood);
    }
    if !c.meets_emulation_conduct {
        return Err(TitleReason::EmulationConduct);
    }
    if title == Title::GrassrootsEmulationFighter
        && level != Level::Excellent
        && !c.recognised_initiative
    {
        return Err(TitleReason::NoExcellenceOrInitiative);
    }
    Ok(())
}

/// The proposals for a unit's year.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Proposals {
    /// Every advanced-worker recipient (fighters included).
    pub advanced_workers: Vec<Uuid>,
    /// Fighters within the cap, best first.
    pub fighters: Vec<Uuid>,
    pub fighter_cap: u32,
    /// Eligible fighters over the cap (they stay advanced workers).
    pub moved_down: Vec<(Uuid, TitleReason)>,
    /// Candidates with no title.
    pub ineligible: Vec<(Uuid, TitleReason)>,
}

/// Proposes titles for `candidates` under `rules`.
pub fn propose(candidates: &[Candidate], rules: &CommendationRules) -> Proposals {
    let mut p = Proposals::default();
    let mut fighters: Vec<&Candidate> = Vec::new();
    for c in candidates {
        match eligible(c, Title::AdvancedWorker) {
            Err(r) => p.ineligible.push((c.officer, r)),
            Ok(()) => {
                p.advanced_workers.push(c.officer);
                if eligible(c, Title::GrassrootsEmulationFighter).is_ok() {
                    fighters.push(c);
                }
            }
        }
    }
    fighters.sort_by(|a, b| {
        b.average
            .cmp(&a.average)
            .then_with(|| a.officer.cmp(&b.officer))
    });
    p.fighter_cap = rules.fighter_cap(u32::try_from(p.advanced_workers.len()).unwrap_or(0));
    let cut = usize::try_from(p.fighter_cap)
        .unwrap_or(usize::MAX)
        .min(fighters.len());
    p.fighters = fighters[..cut].iter().map(|c| c.officer).collect();
    p.moved_down = fighters[cut..]
        .iter()
        .map(|c| (c.officer, TitleReason::QuotaExceeded))
        .collect();
    p
}
