//! Personal data: consent.
