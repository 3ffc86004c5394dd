//! `/api/v1/…` for satisfaction: rating settings, tablet pairing, the dossier rating link,
//! an officer's own ratings, an office's figures (for reports), recovery cases, corrections and
//! the codes of conduct.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use congbo_app::rating::{self, By, CaseView, Figures, Mine, Receipt};
use congbo_domain::conduct::CodeOfConduct;
use congbo_domain::rating::{Criterion, RatingSettings, Submission};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ErrorBody, rfc3339};
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, MaybeUser, PathParam, QueryParam};

#[derive(Serialize)]
pub struct SettingsOut {
    pub settings: RatingSettings,
    pub conduct_codes: Vec<CodeOfConduct>,
}

/// An office's rating settings (scale, low threshold, reasons and the clauses they cite,
/// codes of conduct followed, recovery deadline, link validity) and the codes to choose from.
#[utoipa::path(get, path = "/api/v1/offices/{id}/rating-settings", tag = "rating", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get_settings(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<SettingsOut>, Failure> {
    let o = rating::settings(&s.app, &a, id).await?;
    Ok(Json(SettingsOut {
        settings: o.settings,
        conduct_codes: o.codes,
    }))
}

/// Replace an office's rating settings (head or administrator).
#[utoipa::path(put, path = "/api/v1/offices/{id}/rating-settings", tag = "rating", params(("id" = Uuid, Path)),
    request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<RatingSettings>,
) -> Result<Json<RatingSettings>, Failure> {
    Ok(Json(rating::put_settings(&s.app, &a, id, &r).await?))
}

#[derive(Serialize, ToSchema)]
pub struct PairingOut {
    pub device_id: Uuid,
    pub counter: i32,
    /// Open this on the tablet within 15 minutes; it works once.
    pub pair_url: String,
    pub expires_at: String,
}

/// Start pairing a counter tablet: a one-time link for the tablet to open.
#[utoipa::path(post, path = "/api/v1/counters/{id}/rating-devices", tag = "rating", params(("id" = Uuid, Path)),
    responses((status = 201, body = PairingOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn pair(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let p = rating::pair_start(&s.app, &a, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(PairingOut {
            device_id: p.device.id,
            counter: p.counter_number,
            pair_url: p.url,
            expires_at: rfc3339(p.device.pair_expires),
        }),
    )
        .into_response())
}

/// Unpair a tablet.
#[utoipa::path(delete, path = "/api/v1/rating-devices/{id}", tag = "rating", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_device(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<StatusCode, Failure> {
    rating::revoke_device(&s.app, &a, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every code of conduct (public: published rules).
#[utoipa::path(get, path = "/api/v1/conduct-codes", tag = "rating", security(()),
    responses((status = 200, body = Object)))]
pub async fn conduct_codes(State(s): State<AppState>) -> Result<Json<Vec<CodeOfConduct>>, Failure> {
    Ok(Json(congbo_app::conduct::all(&s.app).await?))
}

/// Define or replace a code of conduct (administrator of a top-level office). The path's code
/// must equal the body's.
#[utoipa::path(put, path = "/api/v1/conduct-codes/{code}", tag = "rating", params(("code" = String, Path)),
    request_body = Object,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_conduct_code(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(code): PathParam<String>,
    ApiJson(c): ApiJson<CodeOfConduct>,
) -> Result<StatusCode, Failure> {
    if c.code != code {
        return Err(
            congbo_app::AppError::Invalid(congbo_domain::DomainError::field(
                "conduct-code-format",
                "code",
            ))
            .into(),
        );
    }
    congbo_app::conduct::put(&s.app, &a, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
pub struct TokenParam {
    /// The token of the rating link (`t=` on the receipt's QR code).
    #[serde(default)]
    pub t: String,
}

#[derive(Serialize, ToSchema)]
pub struct DossierRatingOut {
    pub code: String,
    pub procedure_name: String,
    pub office_name: String,
    /// `level3`, `level5` or `stars5`.
    pub scale: String,
    /// Raw values, best first, with their labels.
    pub values: Vec<(u8, String)>,
    /// Reasons offered on a low score: (code, label).
    pub reasons: Vec<(String, String)>,
    pub already_rated: bool,
}

/// What the rating link of a dossier asks (public; the token comes from the receipt).
#[utoipa::path(get, path = "/api/v1/public/dossier-ratings/{code}", tag = "rating", security(()),
    params(("code" = String, Path), TokenParam),
    responses((status = 200, body = DossierRatingOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn dossier_form(
    State(s): State<AppState>,
    PathParam(code): PathParam<String>,
    QueryParam(p): QueryParam<TokenParam>,
) -> Result<Json<DossierRatingOut>, Failure> {
    let d = rating::dossier_page(&s.app, &code, &p.t).await?;
    let scale = d.settings.scale;
    Ok(Json(DossierRatingOut {
        code: d.code,
        procedure_name: d.procedure_name,
        office_name: d.office.name,
        scale: scale.as_str().into(),
        values: scale
            .values()
            .into_iter()
            .map(|v| (v, scale.label(v).to_string()))
            .collect(),
        reasons: d
            .settings
            .reasons
            .iter()
            .map(|r| (r.code.clone(), r.label.clone()))
            .collect(),
        already_rated: d.already_rated,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DossierRatingIn {
    /// Raw value on the office's scale.
    pub overall: u8,
    pub timeliness: Option<u8>,
    pub attitude: Option<u8>,
    /// Trips to the office the dossier needed: 1, 2, or 3 for three or more.
    pub trips: Option<u8>,
    #[serde(default)]
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    /// A phone number or e-mail address to be called back on (seen only by the head).
    pub contact: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptOut {
    pub rating_id: Uuid,
    pub low: bool,
    /// A low score opened a case for the head of unit.
    pub recovery_case_opened: bool,
}

impl From<Receipt> for ReceiptOut {
    fn from(r: Receipt) -> Self {
        ReceiptOut {
            rating_id: r.rating_id,
            low: r.low,
            recovery_case_opened: r.recovery_case.is_some(),
        }
    }
}

/// Rate a dossier through its link (public; one rating per dossier and criterion).
#[utoipa::path(post, path = "/api/v1/public/dossier-ratings/{code}", tag = "rating", security(()),
    params(("code" = String, Path), TokenParam), request_body = DossierRatingIn,
    responses((status = 201, body = ReceiptOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rate_dossier(
    State(s): State<AppState>,
    MaybeUser(staff): MaybeUser,
    PathParam(code): PathParam<String>,
    QueryParam(p): QueryParam<TokenParam>,
    ApiJson(r): ApiJson<DossierRatingIn>,
) -> Result<Response, Failure> {
    let mut values = vec![(Criterion::Overall, r.overall)];
    if let Some(v) = r.timeliness {
        values.push((Criterion::Timeliness, v));
    }
    if let Some(v) = r.attitude {
        values.push((Criterion::Attitude, v));
    }
    let sub = Submission {
        values,
        reasons: r.reasons,
        comment: r.comment,
        trips: r.trips,
    };
    let receipt = rating::rate_dossier(
        &s.app,
        &code,
        &p.t,
        &sub,
        r.contact.as_deref(),
        staff.as_ref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ReceiptOut::from(receipt))).into_response())
}

#[derive(Deserialize, IntoParams)]
pub struct PeriodParams {
    /// First local day, `YYYY-MM-DD` (default: the first of this month).
    pub from: Option<String>,
    /// Last local day (default: today).
    pub to: Option<String>,
    /// Breakdown: `office` (default), `officer`, `procedure`, `service`, `counter`,
    /// `channel`, `criterion`.
    pub by: Option<String>,
}

/// The signed-in officer's own ratings: totals, months, reasons, never who rated.
#[utoipa::path(get, path = "/api/v1/ratings/mine", tag = "rating", params(PeriodParams),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody)))]
pub async fn mine(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    QueryParam(p): QueryParam<PeriodParams>,
) -> Result<Json<Mine>, Failure> {
    let days = rating::period(s.app.now(), p.from.as_deref(), p.to.as_deref())?;
    Ok(Json(rating::mine(&s.app, &a, days).await?))
}

/// Satisfaction figures of an office and its subtree: counts per level, satisfied share with
/// its sample size (`small_sample` under 30), mean 0–100 score, reasons, the breakdown asked
/// for, and indicator 5.4 of Decision 766 over the dossiers closed in the period.
#[utoipa::path(get, path = "/api/v1/offices/{id}/satisfaction", tag = "rating",
    params(("id" = Uuid, Path), PeriodParams),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn figures(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<PeriodParams>,
) -> Result<Json<Figures>, Failure> {
    let days = rating::period(s.app.now(), p.from.as_deref(), p.to.as_deref())?;
    let by = By::parse(p.by.as_deref().unwrap_or(""))?;
    Ok(Json(rating::figures(&s.app, &a, id, days, by).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct CaseParams {
    /// Only open cases.
    #[serde(default)]
    pub open: bool,
}

/// Recovery cases of an office's subtree, open first, overdue ones flagged. The citizen's
/// contact is shown only to those who call back.
#[utoipa::path(get, path = "/api/v1/offices/{id}/recovery-cases", tag = "rating",
    params(("id" = Uuid, Path), CaseParams),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn cases(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<CaseParams>,
) -> Result<Json<Vec<CaseOut>>, Failure> {
    let cases = rating::cases(&s.app, &a, id, p.open).await?;
    Ok(Json(cases.into_iter().map(CaseOut::from).collect()))
}

/// A recovery case as the API gives it: times are Vietnam local ISO times
/// (`YYYY-MM-DDTHH:MM:SS`), like the dossier and queue endpoints.
#[derive(Serialize)]
pub struct CaseOut {
    #[serde(flatten)]
    case: CaseView,
    opened_at: String,
    closed_at: Option<String>,
}

impl From<CaseView> for CaseOut {
    fn from(case: CaseView) -> Self {
        use congbo_domain::time::iso_local;
        CaseOut {
            opened_at: iso_local(case.opened_at),
            closed_at: case.closed_at.map(iso_local),
            case,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseCaseIn {
    /// Whether the citizen was reached.
    pub called_back: bool,
    /// What was done.
    pub outcome: String,
}

/// Record what was done and close a recovery case (head or deputy).
#[utoipa::path(post, path = "/api/v1/recovery-cases/{id}/close", tag = "rating", params(("id" = Uuid, Path)),
    request_body = CloseCaseIn,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn close_case(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<CloseCaseIn>,
) -> Result<StatusCode, Failure> {
    rating::close_case(&s.app, &a, id, r.called_back, &r.outcome).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetAsideIn {
    pub reason: String,
}

/// Set a rating aside with a reason (a new audited record; the rating itself is kept).
#[utoipa::path(post, path = "/api/v1/ratings/{id}/set-aside", tag = "rating", params(("id" = Uuid, Path)),
    request_body = SetAsideIn,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_aside(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<SetAsideIn>,
) -> Result<StatusCode, Failure> {
    rating::set_aside(&s.app, &a, id, &r.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}
