//! Personal data: access.
