//! Open311 (GeoReport v2) requests: which office a `jurisdiction_id` names (without one, the
//! key owner's office), what a `service_code` stands for (the two feedback categories, or a
//! procedure of the catalogue), which officer the `officer` attribute names, and the feedback
//! that results. The web layer only reads the form and writes the Open311 answer.

use congbo_domain::feedback::{Category, Channel, Privacy};
use congbo_domain::identity::Perm;
use uuid::Uuid;

use super::submit::{NewFeedback, Receipt, officers, submit};
use crate::{Actor, App, AppError};

/// Procedure feedback (quy định, thủ tục hành chính).
pub const SERVICE_PROCEDURE: &str = "pakn-thu-tuc";
/// Officer conduct (hành vi, thái độ của cán bộ).
pub const SERVICE_CONDUCT: &str = "pakn-can-bo";

/// The fields of an Open311 POST (empty ones are absent, as the spec says).
#[derive(Debug, Clone, Default)]
pub struct Open311Request {
    /// An office code.
    pub jurisdiction_id: Option<String>,
    pub service_code: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub description: Option<String>,
    pub address_string: Option<String>,
    pub media_url: Option<String>,
    /// `attribute[officer]`: an officer of the office, by name.
    pub officer: Option<String>,
    /// `attribute[clause]`.
    pub clause: Option<String>,
    /// `attribute[reference]`.
    pub reference: Option<String>,
}

/// Why an Open311 request was not taken in.
#[derive(Debug)]
pub enum Open311Refusal {
    /// No office has the `jurisdiction_id` as its code.
    JurisdictionUnknown,
    /// The key's owner may not take in feedback there (or anywhere, without a jurisdiction).
    KeyForbidden,
    ServiceCodeMissing,
    /// Neither a feedback category nor a procedure of the catalogue.
    NoService,
    /// Anything else (bad input, a store failure).
    App(AppError),
}

impl Open311Refusal {
    /// The error code of the refusal (`err-<code>` in the locales).
    pub fn code(&self) -> &'static str {
        match self {
            Open311Refusal::JurisdictionUnknown => "open311-jurisdiction-unknown",
            Open311Refusal::KeyForbidden => "open311-key-forbidden",
            Open311Refusal::ServiceCodeMissing => "open311-service-code-missing",
            Open311Refusal::NoService => "open311-no-service",
            Open311Refusal::App(e) => e.code(),
        }
    }
}

/// The Open311 service code of a case's category.
pub fn service_code(category: &str) -> &'static str {
    if category == Category::Conduct.as_str() {
        SERVICE_CONDUCT
    } else {
        SERVICE_PROCEDURE
    }
}

/// The office the request is for: the jurisdiction's, else the key owner's intake office.
async fn office_of(app: &App, actor: &Actor, r: &Open311Request) -> Result<Uuid, Open311Refusal> {
    match r.jurisdiction_id.as_deref() {
        Some(code) => super::office_by_code(app, code)
            .await
            .map(|o| o.id)
            .map_err(|_| Open311Refusal::JurisdictionUnknown),
        None => actor
            .principal
            .assignments
            .iter()
            .find(|a| a.role.grants(Perm::FeedbackIntake))
            .map(|a| a.office_id)
            .ok_or(Open311Refusal::KeyForbidden),
    }
}

/// The category a service code stands for, and the procedure it names (if one).
async fn service_of(
    app: &App,
    code: Option<&str>,
) -> Result<(Category, Option<String>), Open311Refusal> {
    match code.ok_or(Open311Refusal::ServiceCodeMissing)? {
        SERVICE_CONDUCT => Ok((Category::Conduct, None)),
        SERVICE_PROCEDURE => Ok((Category::Procedure, None)),
        code => match crate::catalog::versions(&app.db, code).await {
            Ok(_) => Ok((Category::Procedure, Some(code.to_string()))),
            Err(_) => Err(Open311Refusal::NoService),
        },
    }
}

/// The officer the `officer` attribute names at the office, by name (accents and case aside).
async fn officer_named(app: &App, office_id: Uuid, name: &str) -> Option<Uuid> {
    let list = officers(app, office_id).await.ok()?;
    let f = congbo_domain::text::fold(name);
    list.into_iter()
        .find(|(_, n)| congbo_domain::text::fold(n) == f)
        .map(|(id, _)| id)
}

/// The description, with the place and the photo's address added.
fn content_of(r: &Open311Request) -> String {
    let mut content = r.description.clone().unwrap_or_default();
    if let Some(addr) = &r.address_string {
        content.push_str(&format!("\nĐịa điểm: {addr}"));
    }
    if let Some(m) = &r.media_url {
        content.push_str(&format!("\nẢnh: {m}"));
    }
    content
}

/// Take in an Open311 request from the owner of an API key (`actor`), as feedback by the
/// `open311` channel: named when a name or contact is given, anonymous otherwise.
pub async fn submit_open311(
    app: &App,
    actor: &Actor,
    r: &Open311Request,
) -> Result<Receipt, Open311Refusal> {
    let office_id = office_of(app, actor, r).await?;
    let (category, procedure) = service_of(app, r.service_code.as_deref()).await?;
    let name = [r.first_name.as_deref(), r.last_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let contact = r.phone.clone().or(r.email.clone());
    let named = !name.is_empty() || contact.is_some();
    let officer_id = match (category, r.officer.as_deref()) {
        (Category::Conduct, Some(n)) => officer_named(app, office_id, n).await,
        _ => None,
    };
    let input = NewFeedback {
        office_id,
        category,
        channel: Channel::Open311,
        privacy: if named {
            Privacy::Named
        } else {
            Privacy::Anonymous
        },
        name: (!name.is_empty()).then_some(name),
        contact,
        address: None,
        title: None,
        content: content_of(r),
        officer_id,
        clause: r.clause.clone(),
        reference: r.reference.clone().or(procedure),
        attachments: Vec::new(),
    };
    submit(app, Some(actor), &input).await.map_err(|e| match e {
        AppError::Forbidden | AppError::NotFound(_) => Open311Refusal::KeyForbidden,
        e => Open311Refusal::App(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_carry_the_open311_codes_and_categories_map_to_services() {
        assert_eq!(
            Open311Refusal::JurisdictionUnknown.code(),
            "open311-jurisdiction-unknown"
        );
        assert_eq!(Open311Refusal::KeyForbidden.code(), "open311-key-forbidden");
        assert_eq!(
            Open311Refusal::ServiceCodeMissing.code(),
            "open311-service-code-missing"
        );
        assert_eq!(Open311Refusal::NoService.code(), "open311-no-service");
        assert_eq!(service_code("conduct"), SERVICE_CONDUCT);
        assert_eq!(service_code("procedure"), SERVICE_PROCEDURE);
        let r = Open311Request {
            description: Some("Cổng chào bị hỏng".into()),
            address_string: Some("Bản Hát".into()),
            media_url: Some("https://x/1.jpg".into()),
            ..Open311Request::default()
        };
        assert_eq!(
            content_of(&r),
            "Cổng chào bị hỏng\nĐịa điểm: Bản Hát\nẢnh: https://x/1.jpg"
        );
    }
}
