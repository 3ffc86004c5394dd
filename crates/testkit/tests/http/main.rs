//! HTTP-level tests: the whole router in-process, on SQLite and PostgreSQL, plus one
//! real-browser test.

mod api_input;
mod auth;
mod browser;
mod calendar;
mod catalog;
mod dossier;
mod dossier_pages;
mod feedback;
mod i18n;
mod offices;
mod open311;
mod ops;
mod queue;
mod rating;
mod report;
mod rollup;
mod scope;
mod signin;
mod tokens;
