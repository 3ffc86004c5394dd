//! Reports: keeping the rollups ([`rollup`]), reading figures from them ([`figures`]) and the
//! Decision 766 scorecard built on them ([`index766`]), and the public statistics ([`public`]).

pub mod figures;
pub mod index766;
pub mod public;
pub mod rollup;
