//! Dossiers: intake from the catalogue, one use case for every lifecycle action, lists for
//! officers and heads, and the public lookup.
//!
//! Every accepted action writes, in one transaction: the dossier row (with its
//! [`DossierFacts`](congbo_domain::dossier::DossierFacts) as JSON), a timeline event (the
//! control sheet and the forms issued), the audit row, and one outbox row per notification
//! channel the citizen chose. Refused attempts that matter for security (an action outside the
//! caller's role, a wrong lookup secret) are recorded in the audit log in a transaction of
//! their own.
//!
//! Files: `intake` (receiving), `act` (lifecycle actions), `list` (officers' lists), `lookup`
//! (the public lookup), `view` (loading and building what officers see), `scope` (who may see
//! and act on a dossier), `holders` (who holds it and who may be handed it), `write` (the event, notice and outbox rows an accepted step writes).

mod act;
mod calendar;
mod holders;
mod intake;
mod list;
mod lookup;
pub(crate) mod scope;
mod view;
mod write;

pub use act::{ActionInput, act};
pub use calendar::{Recomputed, calendar_changed};
pub use holders::{Holder, StepHolders};
pub use intake::{NewDossier, create, intake_offices};
pub use list::{Book, ListKind, ListQuery, book, list};
pub use lookup::{PublicEvent, PublicView, lookup};
pub use view::{DossierView, ListItem, get};
