//! Personal data: access (see the module header of `privacy`).
