//! Personal data: breach.
