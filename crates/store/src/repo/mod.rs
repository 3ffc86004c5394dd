//! Repositories, one file per area. Free functions over `&mut Tx`; no business rules here.

pub mod audit;
pub mod breach;
pub mod calendar;
pub mod catalog;
pub mod dossier;
pub mod drill;
pub mod evaluation;
pub mod evaluation_year;
pub mod feedback;
pub mod office;
pub mod outbox;
pub mod privacy;
pub mod queue;
pub mod rating;
pub mod retention;
pub mod rollup;
pub mod sequence;
pub mod session;
pub mod setup;
pub mod staff;
pub mod token;
