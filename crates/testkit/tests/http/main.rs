//! HTTP-level tests: the whole router in-process, on SQLite and PostgreSQL, plus one
//! real-browser test.

mod api_input;
mod auth;
mod browser;
mod browser_dashboard;
mod browser_evaluation;
mod browser_forms;
mod browser_periodic;
mod browser_public;
mod browser_ranking;
mod browser_route;
mod calendar;
mod catalog;
mod dashboard;
mod dossier;
mod dossier_pages;
mod dossier_people;
mod evaluation;
mod evaluation_year;
mod feedback;
mod forms;
mod i18n;
mod menus_admin;
mod offices;
mod open311;
mod ops;
mod periodic;
mod public_stats;
mod queue;
mod ratelimit;
mod rating;
mod report;
mod rollup;
mod scope;
mod signin;
mod tokens;
