//! Personal data use cases (issue 18). One file per duty, as in `congbo_domain::privacy`:
//! `access` (the access log), `request` (data subject requests and the citizen's export),
//! `consent`, `retention` (the purge that keeps the figures), `breach` (the breach register).

pub mod access;
pub mod breach;
pub mod consent;
pub mod export;
pub mod request;
pub mod retention;
pub mod staff;
