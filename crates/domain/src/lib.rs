//! Pure rules of congbo. Nothing in this crate does IO: no database, no clock, no network.
//! Callers pass the current time and loaded state in; functions return decisions.

pub mod audit;
pub mod calendar;
pub mod catalog;
pub mod conduct;
pub mod dossier;
pub mod error;
pub mod evaluation;
pub mod feedback;
pub mod identity;
pub mod index766;
pub mod office;
pub mod password;
pub mod phone;
pub mod privacy;
pub mod queue;
pub mod rating;
pub mod report;
pub mod text;
pub mod time;

pub use error::{DomainError, Forbidden};
