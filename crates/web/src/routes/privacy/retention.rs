//! Personal data pages: retention.
