//! Personal data (Law 91/2025/QH15 on personal data protection, Decree 356/2025/NĐ-CP): the
//! rules congbo applies to the personal data it holds. One file per duty:
//! - `access`: the access log (who viewed whose personal data, where and why);
//! - `request`: data subject requests (access, correction, deletion…) and their deadlines;
//! - `consent`: notices and consent for uses beyond the procedure itself;
//! - `retention`: how long each kind of record keeps personal data, and the legal minimums;
//! - `breach`: the breach register and its 72-hour notification deadline.
//!
//! See `shared/reference/domain-vn.md` §7.

pub mod access;
pub mod breach;
pub mod consent;
pub mod request;
pub mod retention;
