//! Personal data: retention (see the module header of `privacy`).
