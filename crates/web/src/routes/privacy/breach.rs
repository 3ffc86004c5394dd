//! Personal data pages: breach.
