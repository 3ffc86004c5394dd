//! The public links congbo prints and sends: the dossier lookup page and the dossier's
//! one-time rating link. Both are built from `Settings::public_url`.

use uuid::Uuid;

use crate::{App, sha256_hex};

/// The public lookup URL of a dossier (code prefilled; the secret is typed by the citizen).
pub fn lookup_url(app: &App, code: &str) -> String {
    format!(
        "{}/tra-cuu?ma={}",
        app.settings.public_url.trim_end_matches('/'),
        code
    )
}

/// The token of a dossier's rating link: derived from the dossier's id and its lookup secret,
/// so it is printed on the receipt without being stored, and cannot be made without the secret.
pub fn rating_token(id: Uuid, secret: &str) -> String {
    sha256_hex(&format!("congbo-rating:{id}:{secret}"))[..20].to_string()
}

/// The rating link printed on the receipt and sent with the result.
pub fn rating_link(app: &App, id: Uuid, code: &str, secret: &str) -> String {
    format!(
        "{}/danh-gia/{code}?t={}",
        app.settings.public_url.trim_end_matches('/'),
        rating_token(id, secret)
    )
}
