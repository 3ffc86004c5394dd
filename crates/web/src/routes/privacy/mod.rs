//! Personal data pages (issue 18): the citizen's own data, the access log, consent, retention
//! settings and the breach register.

pub mod access;
pub mod breach;
pub mod request;
pub mod retention;
