//! Personal data pages: access.
