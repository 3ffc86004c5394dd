//! Personal data storage: breach (issue 18).
