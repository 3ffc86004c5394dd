//! The domain's refusal type. Every variant carries a stable code that the web layer maps to a
//! translated message (Fluent id `err-<code>`), plus the field it concerns when there is one.

/// A rule refused the request. `code` is stable (scripts and translations rely on it).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}{}", field.map(|f| format!(" ({f})")).unwrap_or_default())]
pub struct DomainError {
    pub code: &'static str,
    pub field: Option<&'static str>,
}

impl DomainError {
    pub const fn new(code: &'static str) -> Self {
        Self { code, field: None }
    }
    pub const fn field(code: &'static str, field: &'static str) -> Self {
        Self {
            code,
            field: Some(field),
        }
    }
}

/// A permission check refused the actor: they hold no role that allows this here. Kept apart
/// from [`DomainError`] (a refused input or rule) so the edge tells the two apart by type; its
/// stable code on the wire is `forbidden`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("forbidden")]
pub struct Forbidden;

impl Forbidden {
    /// The stable code (Fluent id `err-forbidden`).
    pub const CODE: &'static str = "forbidden";
}
