//! Personal data storage: privacy (issue 18).
