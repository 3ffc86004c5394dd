//! Reports: keeping the rollups ([`rollup`]), reading figures from them ([`figures`]), the
//! Decision 766 scorecard built on them ([`index766`]), the dashboards ([`dashboard`]), the
//! lists behind their figures ([`drill`]), the periodic reports ([`periodic`]) and the public
//! statistics ([`public`]).

pub mod dashboard;
pub mod drill;
pub mod figures;
pub mod index766;
pub mod periodic;
pub mod public;
pub mod rollup;
