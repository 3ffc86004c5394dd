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
//!
//! **Who sees what** (item 8, [`scope`]): an officer their own; `EvaluationRead` over the
//! officer's office (heads; supervisors read-only over their subtree); the head of an office is
//! judged at the office above (`identity::evaluation_place`). Administrators hold neither
//! permission. Outside every scope the officer is *not found*; inside without the permission
//! *forbidden*. Every change writes its audit row in its transaction.

pub mod register;
mod scope;
pub mod scorecard;
pub mod scoring;

pub use register::{NewEntry, Register, RegisterEntry, SuggestionLine};
pub use scorecard::{ConductLine, MonthDetail, OfficerLine, Scorecard};
pub use scoring::{FormStep, FormView, GeneralLine};
