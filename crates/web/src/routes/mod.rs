//! Server-rendered pages, one file per area (registered in [`crate::router`]).

pub mod account;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod catalog;
pub mod dossier;
pub mod evaluation;
pub mod evaluation_year;
pub mod feedback;
pub mod home;
pub mod office;
pub mod ops;
pub mod privacy;
pub mod public_stats;
pub mod queue;
pub mod rating;
pub mod report;
pub mod staff;
