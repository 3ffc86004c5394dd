//! The official one-stop-shop forms 01–07 (numbering of Circular 03/2025/TT-VPCP, Appendix I)
//! as printable, standalone HTML pages.
//!
//! Pure rendering: the caller (a route handler) gathers a [`FormData`] and calls [`render`]. Each
//! page is a whole HTML document linking `/static/forms.css`, which chooses the paper (A5 for
//! 01–05, A4 for 06, A4 landscape for 07) through the body class and CSS named pages. There is
//! no inline style or script anywhere (the site's CSP forbids both); the QR code is inline SVG.
//!
//! The official layouts are not confirmed (docs: domain-vn.md §2.2); the wording follows the
//! 2018 forms where they are known and the fields listed there.
//!
//! Files: `kind` (the forms and their paper), `model` (what a form shows), `render` (the page
//! and its phrases), `qr` (the QR codes), `data` (assembling a form's data from a dossier and
//! its timeline, for the route handlers).

mod data;
mod kind;
mod model;
mod qr;
mod render;

pub use congbo_domain::time::dmy;
pub use data::{book, dossier_form, offered};
pub use kind::{FormKind, Paper};
pub use model::{BookRow, ControlRow, FormData, FormDocument, FormHeader};
pub use qr::qr_svg;
pub use render::{PrintBar, STYLESHEET, date_phrase, render, render_with, time_phrase};

#[cfg(test)]
mod tests;
