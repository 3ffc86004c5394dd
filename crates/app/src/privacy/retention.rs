//! Personal data: retention.
