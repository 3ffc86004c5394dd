//! Satisfaction ratings: per-office settings, counter tablets paired with a one-time code, the
//! tablet's rating window after a ticket is finished, the one-time rating link of a dossier,
//! the recovery case a low score opens for the head of unit, what an officer and a head see,
//! figures per office, officer, procedure, service, counter and channel, and the codes of
//! conduct.
//!
//! Every rating, with its recovery case and its audit row, is written in one transaction.
//! Ratings are never updated or deleted; setting one aside writes a correction row.
//!
//! One file per group of use cases: settings (`settings.rs`), counter tablets (`tablet.rs`),
//! a dossier's rating link (`link.rs`), storing a rating (`give.rs`), figures and what staff
//! see (`figures.rs`), recovery cases (`recovery.rs`).

mod figures;
mod give;
mod link;
mod recovery;
mod settings;
mod tablet;

pub use figures::{
    By, Figure, Figures, Indicator, LevelCount, Mine, OfficeRatings, RatingLine, ReasonCount,
    figures, mine, office_ratings, period,
};
pub use give::{Receipt, parse_contact};
pub use link::{DossierRating, dossier_page, rate_dossier};
pub use recovery::{CaseView, cases, close_case, set_aside};
pub use settings::{OfficeSettings, put_settings, settings};
pub use tablet::{
    OpenTicket, Pairing, Tablet, devices, pair_complete, pair_start, rate_at_counter,
    revoke_device, tablet,
};
