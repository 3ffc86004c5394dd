//! Reports: keeping the rollups ([`rollup`]), reading figures from them ([`figures`]) and the
//! Decision 766 scorecard built on them ([`index766`]), and the periodic reports
//! ([`periodic`]).

pub mod figures;
pub mod index766;
pub mod periodic;
pub mod rollup;
