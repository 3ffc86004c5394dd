//! Personal data: consent (see the module header of `privacy`).
