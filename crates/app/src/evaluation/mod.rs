//! Officer evaluation (issue 14): from evidence to decision.
//!
//! - [`scorecard`]: what congbo recorded about one officer over a month, quarter or year, read
//!   from the rollups (`o:` rows); one officer's month adds figures only raw rows hold (median
//!   service time, waits over the apology threshold, Form 04 apologies, top reasons of low
//!   ratings, recovery cases). Never who rated, never a complainant.
//! - [`register`]: the strengths-and-weaknesses register (*sổ theo dõi ưu, khuyết điểm*): the
//!   head's entries, the officer's answers, suggestions from evidence accepted or dismissed.
//! - [`scoring`]: the monthly score of Decree 335 and its flow (draft → self-assessment →
//!   review → approval → locked, with return for correction), task lines filled from dossiers
//!   and tickets, the formula and inputs snapshotted with each score.
//! - [`ranking`]: the annual ranking of a unit (the average of the year's scores, the
//!   sanction override, a head never above the unit, the excellent quota), decided, then
//!   published to the unit with a notice to each officer.
//! - [`discipline`]: discipline cases under Decree 172/2025 (steps, deadlines, limitation);
//!   a sanction in the year forces the annual ranking to "không hoàn thành".
//! - [`commendation`]: titles and certificates recorded from the decided ranking.
//!
//! **Who sees what** (item 8, [`scope`]): an officer their own; `EvaluationRead` over the
//! officer's office (heads; supervisors read-only over their subtree); the head of an office is
//! judged at the office above (`identity::evaluation_place`). Administrators hold neither
//! permission. Outside every scope the officer is *not found*; inside without the permission
//! *forbidden*. Every change writes its audit row in its transaction.

pub mod commendation;
pub mod discipline;
pub mod ranking;
pub mod register;
mod scope;
pub mod scorecard;
pub mod scoring;

pub use commendation::{CommendationLine, NewCommendation};
pub use discipline::{CaseInput, CaseList, CaseView, StepInput};
pub use ranking::{DecideInput, RankingView, Row as RankingRow, UnitResult};
pub use register::{NewEntry, Register, RegisterEntry, SuggestionLine};
pub use scorecard::{ConductLine, MonthDetail, OfficerLine, Scorecard};
pub use scoring::{FormStep, FormView, GeneralLine};
