//! `/api/v1/…` for feedback and complaints: staff entry, lists, a case, the handler's actions,
//! the logged view of a sender's identity, figures, the officer's record; and the public side:
//! send (rate-limited), follow with the code and secret, answer a question, say whether the
//! answer helped, reopen, and the published answers.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use congbo_app::AppError;
use congbo_app::feedback::{
    self, ActInput, CaseLine, CaseView, Figures, HandlerAction, Identity, NewFeedback, PublicCase,
    PublishedAnswer, SenderAction,
};
use congbo_domain::feedback::{Category, Privacy};
use congbo_store::repo::feedback::OfficerRecord;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam, QueryParam};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackIn {
    /// Staff entry: the receiving office (id). Public: use `office_code`.
    pub office_id: Option<Uuid>,
    /// Public: the office's code, e.g. `DB-TL`.
    pub office_code: Option<String>,
    /// `procedure` or `conduct`.
    pub category: String,
    /// Staff: `letter`, `mailbox`, `phone`, `meeting`. Public: `web` (default) or `kiosk`.
    pub channel: Option<String>,
    /// `named`, `withheld` or `anonymous` (default).
    pub privacy: Option<String>,
    pub name: Option<String>,
    /// A phone number or e-mail address.
    pub contact: Option<String>,
    pub address: Option<String>,
    pub title: Option<String>,
    pub content: String,
    /// The officer complained about, if known.
    pub officer_id: Option<Uuid>,
    /// The code-of-conduct clause, `code/item`.
    pub clause: Option<String>,
    /// A ticket number or dossier code.
    pub reference: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptOut {
    pub id: Uuid,
    /// Follow the case with the code and the secret.
    pub code: String,
    pub secret: String,
    /// Answer deadline, `YYYY-MM-DD` (15 working days).
    pub answer_due: String,
}

async fn office_of(s: &AppState, r: &FeedbackIn) -> Result<Uuid, Failure> {
    match (r.office_id, r.office_code.as_deref()) {
        (Some(id), _) => Ok(id),
        (None, Some(code)) => Ok(feedback::office_by_code(&s.app, code).await?.id),
        (None, None) => Err(
            congbo_app::AppError::Invalid(congbo_domain::DomainError::field(
                "required",
                "office_id",
            ))
            .into(),
        ),
    }
}

/// The request as the use case takes it: category, channel and privacy parsed here
/// (`feedback-unknown-category|channel|privacy`); the channel by default a letter from staff,
/// the web from the public.
fn input(r: FeedbackIn, office_id: Uuid, staff: bool) -> Result<NewFeedback, Failure> {
    Ok(NewFeedback {
        office_id,
        category: Category::parse(&r.category).map_err(AppError::from)?,
        channel: feedback::channel_for(staff, r.channel.as_deref())?,
        privacy: Privacy::parse(r.privacy.as_deref().unwrap_or("")).map_err(AppError::from)?,
        name: r.name,
        contact: r.contact,
        address: r.address,
        title: r.title,
        content: r.content,
        officer_id: r.officer_id,
        clause: r.clause,
        reference: r.reference,
        attachments: Vec::new(),
    })
}

fn created(r: feedback::Receipt) -> Response {
    (
        StatusCode::CREATED,
        Json(ReceiptOut {
            id: r.id,
            code: r.code,
            secret: r.secret,
            answer_due: r.answer_due,
        }),
    )
        .into_response()
}

/// Enter feedback that came by letter, the mailbox, phone or a meeting.
#[utoipa::path(post, path = "/api/v1/feedback", tag = "feedback", request_body = FeedbackIn,
    responses((status = 201, body = ReceiptOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    ApiJson(r): ApiJson<FeedbackIn>,
) -> Result<Response, Failure> {
    let office = office_of(&s, &r).await?;
    let r = feedback::submit(&s.app, Some(&a), &input(r, office, true)?).await?;
    Ok(created(r))
}

/// Send feedback without signing in (the public form's JSON twin; rate-limited per address).
#[utoipa::path(post, path = "/api/v1/public/feedback", tag = "feedback", security(()),
    request_body = FeedbackIn,
    responses((status = 201, body = ReceiptOut), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_public(
    State(s): State<AppState>,
    ApiJson(r): ApiJson<FeedbackIn>,
) -> Result<Response, Failure> {
    let office = office_of(&s, &r).await?;
    let r = feedback::submit(&s.app, None, &input(r, office, false)?).await?;
    Ok(created(r))
}

#[derive(Deserialize, IntoParams)]
pub struct ListParams {
    /// First local day received (default: 90 days ago).
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only cases past their deadline (the supervisor's escalation list).
    #[serde(default)]
    pub overdue: bool,
}

/// Cases the caller may see (never a case about themselves), newest first.
#[utoipa::path(get, path = "/api/v1/feedback", tag = "feedback", params(ListParams),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    QueryParam(p): QueryParam<ListParams>,
) -> Result<Json<Vec<CaseLine>>, Failure> {
    let days = feedback::list_period(s.app.now(), p.from.as_deref(), p.to.as_deref())?;
    Ok(Json(feedback::list(&s.app, &a, days, p.overdue).await?))
}

/// One case, without the sender's identity.
#[utoipa::path(get, path = "/api/v1/feedback/{id}", tag = "feedback", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<CaseView>, Failure> {
    Ok(Json(feedback::get(&s.app, &a, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealIn {
    /// Why the identity is needed (recorded with the view).
    pub reason: String,
}

/// The sender's identity, for the designated roles; the view is recorded with its reason.
#[utoipa::path(post, path = "/api/v1/feedback/{id}/identity", tag = "feedback", params(("id" = Uuid, Path)),
    request_body = RevealIn,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reveal(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<RevealIn>,
) -> Result<Json<Identity>, Failure> {
    Ok(Json(
        feedback::reveal_identity(&s.app, &a, id, &r.reason).await?,
    ))
}

#[derive(Serialize)]
pub struct ViewOut {
    pub by: String,
    pub at: String,
    pub reason: String,
}

/// Who saw the sender's identity, when and why.
#[utoipa::path(get, path = "/api/v1/feedback/{id}/identity-log", tag = "feedback", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn identity_log(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Vec<ViewOut>>, Failure> {
    Ok(Json(
        feedback::identity_log(&s.app, &a, id)
            .await?
            .into_iter()
            .map(|(by, at, reason)| ViewOut {
                by,
                at: super::rfc3339(at),
                reason,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ActIn {
    /// Refuse: the reason; request-info: the question; answer: the answer.
    pub text: Option<String>,
    /// Forward: the competent body.
    pub to: Option<String>,
    /// Answer of a conduct complaint naming an officer: was it upheld?
    pub upheld: Option<bool>,
    /// Publish: the question and answer as published (default: personal data removed).
    pub public_text: Option<String>,
    pub public_answer: Option<String>,
}

/// A handler's action: `accept`, `refuse`, `forward`, `request-info`, `answer`, `publish`,
/// `disclose` (let the officer concerned see the case, never the sender).
#[utoipa::path(post, path = "/api/v1/feedback/{id}/{action}", tag = "feedback",
    params(("id" = Uuid, Path), ("action" = String, Path)), request_body = ActIn,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn act(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam((id, action)): PathParam<(Uuid, String)>,
    ApiJson(r): ApiJson<ActIn>,
) -> Result<Json<CaseView>, Failure> {
    let input = ActInput {
        text: r.text,
        to: r.to,
        upheld: r.upheld,
        public_text: r.public_text,
        public_answer: r.public_answer,
    };
    let action = HandlerAction::parse(&action)?;
    Ok(Json(feedback::act(&s.app, &a, id, action, &input).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct StatsParams {
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Feedback figures of an office's subtree: received by channel and category, answered on
/// time, reopened, upheld conduct complaints by clause, and indicators 5.2 and 5.3.
#[utoipa::path(get, path = "/api/v1/offices/{id}/feedback-stats", tag = "feedback",
    params(("id" = Uuid, Path), StatsParams),
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn stats(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<StatsParams>,
) -> Result<Json<Figures>, Failure> {
    let days = congbo_app::rating::period(s.app.now(), p.from.as_deref(), p.to.as_deref())?;
    Ok(Json(feedback::figures(&s.app, &a, id, days).await?))
}

#[derive(Serialize)]
pub struct RecordOut {
    pub kind: String,
    pub clause: Option<String>,
    pub source_type: String,
    pub source_id: Uuid,
    pub note: Option<String>,
    pub at: String,
}

impl From<OfficerRecord> for RecordOut {
    fn from(r: OfficerRecord) -> Self {
        RecordOut {
            kind: r.kind,
            clause: r.clause,
            source_type: r.source_type,
            source_id: r.source_id,
            note: r.note,
            at: super::rfc3339(r.at),
        }
    }
}

/// An officer's record of upheld conduct complaints (the officer, or heads and supervisors).
#[utoipa::path(get, path = "/api/v1/staff/{id}/conduct-record", tag = "feedback", params(("id" = Uuid, Path)),
    responses((status = 200, body = Object)))]
pub async fn record(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Vec<RecordOut>>, Failure> {
    Ok(Json(
        feedback::officer_record(&s.app, &a, id)
            .await?
            .into_iter()
            .map(RecordOut::from)
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct SecretParam {
    /// The secret given with the code.
    #[serde(default)]
    pub k: String,
}

/// The case for its sender (code and secret).
#[utoipa::path(get, path = "/api/v1/public/feedback/{code}", tag = "feedback", security(()),
    params(("code" = String, Path), SecretParam),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn follow(
    State(s): State<AppState>,
    PathParam(code): PathParam<String>,
    QueryParam(p): QueryParam<SecretParam>,
) -> Result<Json<PublicCase>, Failure> {
    Ok(Json(feedback::follow(&s.app, &code, &p.k).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct SenderIn {
    /// `info`: the information asked for; `reopen`: why the answer did not help.
    pub text: Option<String>,
    /// `helpful`: did the answer help?
    pub helpful: Option<bool>,
}

/// The sender's part: `info`, `helpful`, `reopen` (once, after saying it did not help).
#[utoipa::path(post, path = "/api/v1/public/feedback/{code}/{action}", tag = "feedback", security(()),
    params(("code" = String, Path), ("action" = String, Path), SecretParam), request_body = SenderIn,
    responses((status = 200, body = Object), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn sender_act(
    State(s): State<AppState>,
    PathParam((code, action)): PathParam<(String, String)>,
    QueryParam(p): QueryParam<SecretParam>,
    ApiJson(r): ApiJson<SenderIn>,
) -> Result<Json<PublicCase>, Failure> {
    let action = SenderAction::parse(&action)?;
    Ok(Json(
        feedback::sender_act(&s.app, &code, &p.k, action, r.text.as_deref(), r.helpful).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
pub struct AnswersParams {
    /// Words to find, with or without accents.
    #[serde(default)]
    pub q: String,
}

/// Published answers, personal data removed.
#[utoipa::path(get, path = "/api/v1/public/feedback-answers", tag = "feedback", security(()),
    params(AnswersParams), responses((status = 200, body = Object)))]
pub async fn answers(
    State(s): State<AppState>,
    QueryParam(p): QueryParam<AnswersParams>,
) -> Result<Json<Vec<PublishedAnswer>>, Failure> {
    Ok(Json(feedback::published(&s.app, &p.q, 200).await?))
}
