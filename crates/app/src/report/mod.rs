//! Reports: keeping the rollups ([`rollup`]) and reading figures from them ([`figures`]).

pub mod figures;
pub mod rollup;
