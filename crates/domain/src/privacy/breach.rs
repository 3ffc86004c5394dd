//! Personal data: breach (see the module header of `privacy`).
