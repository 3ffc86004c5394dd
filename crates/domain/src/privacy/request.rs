//! Personal data: request (see the module header of `privacy`).
