//! The dossier (hồ sơ) lifecycle: states, actions and their guards, on-time classification,
//! and the dossier code printed on the receipt slip (reference `domain-vn.md` §1, §2.3).
//!
//! - [`lifecycle`]: [`DossierState`], [`Action`], [`DossierFacts`] and the pure [`apply`]
//!   function that refuses illegal transitions with a [`crate::DomainError`].
//! - [`ontime`]: the national on-time rule (supplement time excluded, more than one
//!   supplement request is late) and the "due soon" flag.
//! - [`code`]: [`DossierCode`] (`OFFICECODE-YYMMDD-NNNN`) and the lookup secret.
//!
//! Nothing here reads a clock or draws randomness: callers pass the local (UTC+7) time and
//! random bytes in.

pub mod code;
pub mod intake;
pub mod lifecycle;
pub mod notice;
pub mod ontime;

#[cfg(test)]
mod tests;

pub use code::{
    DossierCode, SECRET_ALPHABET, lookup_secret, next_serial, normalize_secret, secret_matches,
};
pub use intake::{
    Applicant, Channel, ChecklistItem, NotifyChannel, initials, missing_documents_text,
    parse_email, parse_phone, perm_for, required_perm, step_holder,
};
pub use lifecycle::{
    Action, DossierFacts, DossierRules, DossierState, FormIssued, Reappointment, Resume,
    Supplement, Transition, apply,
};
pub use notice::Notice;
pub use ontime::{DeadlineFlag, OnTime, deadline_flag, effective_due, on_time_status};
