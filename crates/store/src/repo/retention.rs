//! Personal data storage: retention (issue 18).
