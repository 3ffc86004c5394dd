//! Discipline records of *công chức* under Decree 172/2025 (reference §3, §8.1, §8.2 rule 5).
//!
//! ```text
//! open ──hold_review_meeting──▶ review_held ──hold_council──▶ council_held ──decide──▶ decided
//!   └──────────────decide_directly (court conviction, Party sanction)──────────────▶ decided
//! decide with no sanction ──▶ closed.  defer (open steps) ──▶ deferred ──resume──▶ (back)
//! extend (once, open steps): the 90-day processing deadline becomes 150 days.
//! ```
//!
//! Numbers ([`DisciplineRules`], defaults from the reference): decision due `detected + 90`
//! days (`+ 150` if extended); limitation (*thời hiệu*) ends `violation_end + 5` years for a
//! reprimand-level violation, `+ 10` for the others, never for the unlimited ones (fake
//! diplomas, internal political security); a sanction is in effect for 12 months from its
//! effective date. Council: quorum 3 including the chair, secret ballot first on whether to
//! discipline (a majority of those present), then on the form.
//!
//! The annual ranking link: [`DisciplineCase::affects_ranking`] — a sanction (any form is
//! reprimand or heavier) decided in the year for a duty-related violation, unless the same
//! violation already made an earlier year `not_completed` (`counted_in_year`; never twice).
//!
//! Ambiguities resolved ([C]): days spent deferred are added to the decision deadline (the
//! deferral cases stop the clock); the limitation is checked when the case is opened (the
//! notice of consideration), not at the decision; the decision may differ from the council's
//! recommendation (the authority decides), it is only recorded; a council tie between forms
//! recommends the lighter form; "in the year" is the year of the decision date.
//!
//! Errors (code, field): `discipline-time-barred` (`detected_on`), `date-order` (`date`,
//! `detected_on`, `effective_from`: a date before the previous step's),
//! `discipline-illegal-transition` (the state does not accept the action),
//! `discipline-deferred` (an action other than resume while deferred), `council-quorum`
//! (`ballot`), `ballot-count-invalid` (`ballot`), `removal-leaders-only` (`sanction`),
//! `decision-no-required` (`decision_no`).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ranking::{Override, OverrideKind};
use crate::DomainError;

/// Severity of the violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// *Ít nghiêm trọng*: internal harm.
    LessSerious,
    /// *Nghiêm trọng*: harm outside the unit, bad public opinion.
    Serious,
    /// *Rất nghiêm trọng*: harm to society.
    VerySerious,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LessSerious => "less_serious",
            Self::Serious => "serious",
            Self::VerySerious => "very_serious",
        }
    }
}

/// The forms of discipline for *công chức* (lightest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sanction {
    /// *Khiển trách*.
    Reprimand,
    /// *Cảnh cáo*.
    Warning,
    /// *Cách chức*: leaders only.
    Removal,
    /// *Buộc thôi việc*.
    Dismissal,
}

impl Sanction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reprimand => "reprimand",
            Self::Warning => "warning",
            Self::Removal => "removal",
            Self::Dismissal => "dismissal",
        }
    }

    /// A repeat violation while a sanction is in effect is one level heavier: reprimand →
    /// warning → removal (leaders) or dismissal → dismissal.
    pub fn next_heavier(self, is_leader: bool) -> Sanction {
        match self {
            Self::Reprimand => Self::Warning,
            Self::Warning if is_leader => Self::Removal,
            Self::Warning | Self::Removal | Self::Dismissal => Self::Dismissal,
        }
    }
}

/// Which statute of limitations applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitationClass {
    /// A violation at reprimand level: 5 years.
    ReprimandLevel,
    /// Other violations: 10 years.
    Other,
    /// No limit (fake diplomas, internal political security and similar).
    Unlimited,
}

/// The three cases in which discipline is deferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeferralReason {
    SeriousIllness,
    /// Pregnancy, maternity leave, or a child under 12 months.
    Maternity,
    /// Under prosecution or detention.
    Prosecution,
}

/// Why the review meeting and council were skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipBasis {
    CourtConviction,
    PartySanction,
}

/// State of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Open,
    ReviewHeld,
    CouncilHeld,
    Deferred,
    /// A sanction was decided.
    Decided,
    /// Decided not to discipline.
    Closed,
}

impl CaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::ReviewHeld => "review_held",
            Self::CouncilHeld => "council_held",
            Self::Deferred => "deferred",
            Self::Decided => "decided",
            Self::Closed => "closed",
        }
    }
}

/// Votes for one form in the council's second ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormVote {
    pub sanction: Sanction,
    pub votes: u8,
}

/// The council's secret ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub members_present: u8,
    pub chair_present: bool,
    pub for_discipline: u8,
    pub against_discipline: u8,
    pub form_votes: Vec<FormVote>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewMeeting {
    pub on: Date,
    pub minutes_ref: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Council {
    pub on: Date,
    pub ballot: Ballot,
    /// `None`: the council recommends no discipline.
    pub recommendation: Option<Sanction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deferral {
    pub reason: DeferralReason,
    pub from: Date,
    /// `None` while still deferred.
    pub until: Option<Date>,
    /// The state the case goes back to.
    pub resume_to: CaseState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub number: String,
    pub on: Date,
    /// `None`: no discipline.
    pub sanction: Option<Sanction>,
    pub effective_from: Date,
    /// Set when the review meeting and council were skipped.
    pub skipped_steps: Option<SkipBasis>,
}

/// The numbers of Decree 172 (defaults) — configurable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisciplineRules {
    pub deadline_days: u16,
    pub extended_deadline_days: u16,
    pub limitation_years_reprimand: u8,
    pub limitation_years_other: u8,
    pub effect_months: u8,
    pub council_quorum: u8,
}

impl Default for DisciplineRules {
    fn default() -> Self {
        Self {
            deadline_days: 90,
            extended_deadline_days: 150,
            limitation_years_reprimand: 5,
            limitation_years_other: 10,
            effect_months: 12,
            council_quorum: 3,
        }
    }
}

/// What opening a case needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCase {
    pub officer: Uuid,
    pub is_leader: bool,
    pub violation_end: Date,
    pub detected_on: Date,
    pub severity: Severity,
    pub limitation: LimitationClass,
    /// The violation concerns the officer's duties (only then does it force KHT).
    pub duty_related: bool,
}

/// A discipline case. Open with [`DisciplineCase::open`], change only through [`apply`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisciplineCase {
    /// What the case was opened with.
    #[serde(flatten)]
    pub facts: NewCase,
    pub state: CaseState,
    pub extended: bool,
    pub review_meeting: Option<ReviewMeeting>,
    pub council: Option<Council>,
    pub deferrals: Vec<Deferral>,
    pub decision: Option<Decision>,
    /// The year in which this violation already made the ranking `not_completed`.
    pub counted_in_year: Option<i16>,
}

/// A step of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum CaseAction {
    HoldReviewMeeting {
        on: Date,
        minutes_ref: String,
    },
    HoldCouncil {
        on: Date,
        ballot: Ballot,
    },
    Decide {
        on: Date,
        number: String,
        sanction: Option<Sanction>,
        effective_from: Date,
    },
    /// After a court conviction or a Party sanction: straight to the decision.
    DecideDirectly {
        on: Date,
        number: String,
        sanction: Sanction,
        effective_from: Date,
        basis: SkipBasis,
    },
    Defer {
        on: Date,
        reason: DeferralReason,
    },
    Resume {
        on: Date,
    },
    /// Extend the processing deadline (once).
    Extend,
}

fn add_days(d: Date, n: i64) -> Date {
    d.saturating_add(n.days())
}

impl DisciplineCase {
    /// Opens a case. Errors: `date-order` (`detected_on` before `violation_end`),
    /// `discipline-time-barred` (`detected_on` after the limitation).
    pub fn open(new: NewCase, rules: &DisciplineRules) -> Result<Self, DomainError> {
        if new.detected_on < new.violation_end {
            return Err(DomainError::field("date-order", "detected_on"));
        }
        let detected_on = new.detected_on;
        let case = Self {
            facts: new,
            state: CaseState::Open,
            extended: false,
            review_meeting: None,
            council: None,
            deferrals: Vec::new(),
            decision: None,
            counted_in_year: None,
        };
        if case
            .limitation_ends(rules)
            .is_some_and(|end| detected_on > end)
        {
            return Err(DomainError::field("discipline-time-barred", "detected_on"));
        }
        Ok(case)
    }

    /// Last day of the statute of limitations; `None` when unlimited.
    pub fn limitation_ends(&self, rules: &DisciplineRules) -> Option<Date> {
        let years = match self.facts.limitation {
            LimitationClass::ReprimandLevel => rules.limitation_years_reprimand,
            LimitationClass::Other => rules.limitation_years_other,
            LimitationClass::Unlimited => return None,
        };
        Some(
            self.facts
                .violation_end
                .saturating_add(i64::from(years).years()),
        )
    }

    /// Days spent deferred (closed deferrals only; an open one is not yet known).
    pub fn deferred_days(&self) -> i64 {
        self.deferrals
            .iter()
            .filter_map(|d| Some((d.until? - d.from).get_days()))
            .map(i64::from)
            .sum()
    }

    /// The day the decision is due: detected + 90 days (150 if extended) + days deferred.
    pub fn decision_due(&self, rules: &DisciplineRules) -> Date {
        let days = if self.extended {
            rules.extended_deadline_days
        } else {
            rules.deadline_days
        };
        add_days(
            self.facts.detected_on,
            i64::from(days) + self.deferred_days(),
        )
    }

    /// An open case past its deadline on `on` (a warning; the decision is still recorded).
    pub fn overdue(&self, on: Date, rules: &DisciplineRules) -> bool {
        !matches!(
            self.state,
            CaseState::Decided | CaseState::Closed | CaseState::Deferred
        ) && on > self.decision_due(rules)
    }

    /// The sanction decided, if any.
    pub fn sanction(&self) -> Option<Sanction> {
        self.decision.as_ref().and_then(|d| d.sanction)
    }

    /// The first day the sanction is no longer in effect (effective date + 12 months).
    pub fn effective_until(&self, rules: &DisciplineRules) -> Option<Date> {
        let d = self.decision.as_ref().filter(|d| d.sanction.is_some())?;
        Some(
            d.effective_from
                .saturating_add(i64::from(rules.effect_months).months()),
        )
    }

    /// The sanction is in effect on `on`.
    pub fn in_effect(&self, on: Date, rules: &DisciplineRules) -> bool {
        match (&self.decision, self.effective_until(rules)) {
            (Some(d), Some(until)) => d.effective_from <= on && on < until,
            _ => false,
        }
    }

    /// The case forces the ranking of `year` to `not_completed`.
    pub fn affects_ranking(&self, year: i16) -> bool {
        let Some(d) = self.decision.as_ref().filter(|d| d.sanction.is_some()) else {
            return false;
        };
        self.facts.duty_related
            && d.on.year() == year
            && self.counted_in_year.is_none_or(|y| y == year)
    }

    /// The [`Override`] for the ranking of `year`, if [`Self::affects_ranking`].
    pub fn ranking_override(&self, year: i16) -> Option<Override> {
        let d = self.decision.as_ref()?;
        self.affects_ranking(year).then(|| Override {
            kind: OverrideKind::Sanction,
            reference: d.number.clone(),
        })
    }
}

const ILLEGAL: DomainError = DomainError::new("discipline-illegal-transition");

fn after(on: Date, not_before: Date) -> Result<(), DomainError> {
    if on < not_before {
        Err(DomainError::field("date-order", "date"))
    } else {
        Ok(())
    }
}

/// The council's recommendation from its ballots. Errors: `council-quorum`,
/// `ballot-count-invalid`.
pub fn recommendation(
    ballot: &Ballot,
    rules: &DisciplineRules,
) -> Result<Option<Sanction>, DomainError> {
    if ballot.members_present < rules.council_quorum || !ballot.chair_present {
        return Err(DomainError::field("council-quorum", "ballot"));
    }
    let invalid = DomainError::field("ballot-count-invalid", "ballot");
    let present = u32::from(ballot.members_present);
    let form_total: u32 = ballot.form_votes.iter().map(|v| u32::from(v.votes)).sum();
    if u32::from(ballot.for_discipline) + u32::from(ballot.against_discipline) > present
        || form_total > present
    {
        return Err(invalid);
    }
    if u32::from(ballot.for_discipline) * 2 <= present {
        return Ok(None);
    }
    // Most votes; a tie goes to the lighter form.
    ballot
        .form_votes
        .iter()
        .filter(|v| v.votes > 0)
        .max_by(|a, b| a.votes.cmp(&b.votes).then(b.sanction.cmp(&a.sanction)))
        .map(|v| Some(v.sanction))
        .ok_or(invalid)
}

fn decide(
    c: &mut DisciplineCase,
    on: Date,
    number: &str,
    sanction: Option<Sanction>,
    effective_from: Date,
    skipped: Option<SkipBasis>,
) -> Result<(), DomainError> {
    if number.trim().is_empty() {
        return Err(DomainError::field("decision-no-required", "decision_no"));
    }
    if sanction == Some(Sanction::Removal) && !c.facts.is_leader {
        return Err(DomainError::field("removal-leaders-only", "sanction"));
    }
    if effective_from < on {
        return Err(DomainError::field("date-order", "effective_from"));
    }
    c.decision = Some(Decision {
        number: number.trim().to_owned(),
        on,
        sanction,
        effective_from,
        skipped_steps: skipped,
    });
    c.state = if sanction.is_some() {
        CaseState::Decided
    } else {
        CaseState::Closed
    };
    Ok(())
}

/// The last date recorded on the case (steps may not go back in time).
fn last_date(c: &DisciplineCase) -> Date {
    let mut d = c.facts.detected_on;
    if let Some(r) = &c.review_meeting {
        d = d.max(r.on);
    }
    if let Some(k) = &c.council {
        d = d.max(k.on);
    }
    for f in &c.deferrals {
        d = d.max(f.until.unwrap_or(f.from));
    }
    d
}

/// Applies `action` to `case`. See the module header for the errors.
pub fn apply(
    case: &DisciplineCase,
    action: &CaseAction,
    rules: &DisciplineRules,
) -> Result<DisciplineCase, DomainError> {
    use CaseState as S;
    let mut c = case.clone();
    let last = last_date(case);
    match (case.state, action) {
        (S::Deferred, CaseAction::Resume { on }) => {
            after(*on, last)?;
            let d = c.deferrals.last_mut().ok_or(ILLEGAL)?;
            d.until = Some(*on);
            c.state = d.resume_to;
        }
        (S::Deferred, _) => return Err(DomainError::new("discipline-deferred")),
        (S::Open, CaseAction::HoldReviewMeeting { on, minutes_ref }) => {
            after(*on, last)?;
            c.review_meeting = Some(ReviewMeeting {
                on: *on,
                minutes_ref: minutes_ref.trim().to_owned(),
            });
            c.state = S::ReviewHeld;
        }
        (S::ReviewHeld, CaseAction::HoldCouncil { on, ballot }) => {
            after(*on, last)?;
            let recommendation = recommendation(ballot, rules)?;
            c.council = Some(Council {
                on: *on,
                ballot: ballot.clone(),
                recommendation,
            });
            c.state = S::CouncilHeld;
        }
        (
            S::CouncilHeld,
            CaseAction::Decide {
                on,
                number,
                sanction,
                effective_from,
            },
        ) => {
            after(*on, last)?;
            decide(&mut c, *on, number, *sanction, *effective_from, None)?;
        }
        (
            S::Open,
            CaseAction::DecideDirectly {
                on,
                number,
                sanction,
                effective_from,
                basis,
            },
        ) => {
            after(*on, last)?;
            decide(
                &mut c,
                *on,
                number,
                Some(*sanction),
                *effective_from,
                Some(*basis),
            )?;
        }
        (S::Open | S::ReviewHeld | S::CouncilHeld, CaseAction::Defer { on, reason }) => {
            after(*on, last)?;
            c.deferrals.push(Deferral {
                reason: *reason,
                from: *on,
                until: None,
                resume_to: case.state,
            });
            c.state = S::Deferred;
        }
        (S::Open | S::ReviewHeld | S::CouncilHeld, CaseAction::Extend) if !case.extended => {
            c.extended = true;
        }
        _ => return Err(ILLEGAL),
    }
    Ok(c)
}
