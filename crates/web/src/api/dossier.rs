//! `/api/v1/dossiers`: intake, one endpoint per lifecycle action, lists, and the public lookup.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use congbo_app::dossier::{
    self, ActionInput, DossierView, ListItem, ListKind, ListQuery, NewDossier, PublicView,
};
use congbo_domain::dossier::DeadlineFlag;
use congbo_domain::privacy::access::Via;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam, QueryParam, RequestId};

fn flag_str(f: DeadlineFlag) -> &'static str {
    match f {
        DeadlineFlag::None => "none",
        DeadlineFlag::DueSoon => "due-soon",
        DeadlineFlag::Overdue => "overdue",
    }
}

fn local_text(micros: Option<i64>) -> Option<String> {
    micros.map(congbo_domain::time::iso_local)
}

#[derive(Serialize, ToSchema)]
pub struct OfficeRef {
    pub id: Uuid,
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProcedureRef {
    pub code: String,
    pub version: i64,
    pub name: String,
    /// "05 ngày làm việc"
    pub limit: String,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicantOut {
    pub name: String,
    pub id_number: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// email | sms | zalo
    pub notify: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentOut {
    pub name: String,
    pub form: String,
    pub count: u8,
    pub provided: bool,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    pub seq: i64,
    /// Vietnam local time.
    pub at: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub office_id: Uuid,
    /// Form issued ("01"…"06") and its number (Form 04: "3/PXL").
    pub form: Option<String>,
    pub form_no: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// A dossier as officers see it.
#[derive(Serialize, ToSchema)]
pub struct Dossier {
    pub id: Uuid,
    /// OFFICECODE-YYMMDD-NNNN
    pub code: String,
    /// Lookup secret printed on the receipt (Form 01).
    pub secret: String,
    /// submitted | received | awaiting-supplement | in-process | done | returned | refused |
    /// stopped | withdrawn
    pub state: String,
    /// The national sync status (MOI_NOP, DA_TIEP_NHAN, …).
    pub national_state: String,
    pub step: Option<i64>,
    /// counter | online | postal
    pub channel: String,
    pub procedure: ProcedureRef,
    pub office: OfficeRef,
    pub handler_office: OfficeRef,
    pub applicant: ApplicantOut,
    pub documents: Vec<DocumentOut>,
    /// Local times `YYYY-MM-DDTHH:MM:SS` (UTC+7); dates `YYYY-MM-DD`.
    pub submitted_at: Option<String>,
    pub received_at: Option<String>,
    /// Original appointment (ngày hẹn trả gốc), never changed.
    pub due_date: Option<String>,
    /// Current appointment (the last Form 04 date, else the original).
    pub current_due: Option<String>,
    /// Current appointment extended by the citizen's supplement waits.
    pub effective_due: Option<String>,
    pub step_due: Option<String>,
    /// none | due-soon | overdue
    pub flag: String,
    /// early | on-time | late (stored when processing ends)
    pub on_time: Option<String>,
    pub on_time_reappointed: Option<String>,
    pub supplement_requests: u32,
    pub apologies: i64,
    pub assignee_id: Option<Uuid>,
    /// The officer holding it now.
    pub assignee_name: Option<String>,
    pub closed_at: Option<String>,
    pub version: i64,
    /// What the caller may do now, e.g. ["transfer", "finish"].
    pub allowed_actions: Vec<String>,
    pub events: Vec<EventOut>,
}

impl From<DossierView> for Dossier {
    fn from(v: DossierView) -> Self {
        let r = &v.row;
        Dossier {
            id: r.id,
            code: r.code.clone(),
            secret: r.secret.clone(),
            state: r.state.clone(),
            national_state: v.facts.state.national().to_string(),
            step: r.step,
            channel: r.channel.clone(),
            procedure: ProcedureRef {
                code: r.procedure_code.clone(),
                version: r.procedure_version,
                name: r.procedure_name.clone(),
                limit: v.version.procedure.limit.to_string(),
            },
            office: OfficeRef {
                id: v.office.id,
                code: v.office.code.clone(),
                name: v.office.name.clone(),
            },
            handler_office: OfficeRef {
                id: v.handler_office.id,
                code: v.handler_office.code.clone(),
                name: v.handler_office.name.clone(),
            },
            applicant: ApplicantOut {
                name: r.applicant_name.clone(),
                id_number: r.applicant_id_no.clone(),
                address: r.applicant_address.clone(),
                phone: r.applicant_phone.clone(),
                email: r.applicant_email.clone(),
                notify: r
                    .notify
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            },
            documents: v
                .documents
                .iter()
                .map(|d| DocumentOut {
                    name: d.name.clone(),
                    form: d.form.clone(),
                    count: d.count,
                    provided: d.provided,
                })
                .collect(),
            submitted_at: local_text(Some(r.submitted_at)),
            received_at: local_text(r.received_at),
            due_date: r.due_date.clone(),
            current_due: r.current_due.clone(),
            effective_due: v.effective_due.map(|d| d.to_string()),
            step_due: local_text(r.step_due),
            flag: flag_str(v.flag).into(),
            on_time: r.on_time.clone(),
            on_time_reappointed: v.facts.on_time_reappointed.map(|o| o.as_str().to_string()),
            supplement_requests: v.facts.supplement_requests(),
            apologies: r.apologies,
            assignee_id: r.assignee_id,
            assignee_name: v.holder.clone(),
            closed_at: local_text(r.closed_at),
            version: r.version,
            allowed_actions: v.allowed.iter().map(|s| s.to_string()).collect(),
            events: v
                .events
                .iter()
                .map(|e| EventOut {
                    seq: e.seq,
                    at: local_text(Some(e.at)).unwrap_or_default(),
                    action: e.action.clone(),
                    from_state: e.from_state.clone(),
                    to_state: e.to_state.clone(),
                    actor_name: e.actor_name.clone(),
                    actor_role: e.actor_role.clone(),
                    office_id: e.office_id,
                    form: e.form.clone(),
                    form_no: e.form_no.clone(),
                    detail: serde_json::from_str(&e.detail).unwrap_or_default(),
                })
                .collect(),
        }
    }
}

/// A row of a dossier list.
#[derive(Serialize, ToSchema)]
pub struct DossierSummary {
    pub id: Uuid,
    pub code: String,
    pub state: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub received_at: Option<String>,
    pub due_date: Option<String>,
    pub current_due: Option<String>,
    pub effective_due: Option<String>,
    /// none | due-soon | overdue
    pub flag: String,
    /// Late (or about to be) with no Form 04 yet.
    pub needs_apology: bool,
    pub on_time: Option<String>,
    pub office_id: Uuid,
    pub handler_office_id: Uuid,
    pub assignee_id: Option<Uuid>,
    /// The officer holding it.
    pub assignee_name: Option<String>,
}

impl From<ListItem> for DossierSummary {
    fn from(i: ListItem) -> Self {
        let r = i.row;
        DossierSummary {
            id: r.id,
            code: r.code,
            state: r.state,
            procedure_code: r.procedure_code,
            procedure_name: r.procedure_name,
            applicant_name: r.applicant_name,
            received_at: local_text(r.received_at),
            due_date: r.due_date,
            current_due: r.current_due,
            effective_due: i.effective_due.map(|d| d.to_string()),
            flag: flag_str(i.flag).into(),
            needs_apology: i.needs_apology,
            on_time: r.on_time,
            office_id: r.office_id,
            handler_office_id: r.handler_office_id,
            assignee_id: r.assignee_id,
            assignee_name: i.holder,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicantIn {
    pub name: String,
    pub id_number: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Channels for notices: email | sms | zalo (each needs its contact).
    #[serde(default)]
    pub notify: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDossierRequest {
    /// National procedure code, e.g. 1.001193.
    pub procedure_code: String,
    pub applicant: ApplicantIn,
    /// Receiving office (default: where the caller holds the reception role).
    pub office_id: Option<Uuid>,
    /// counter (default) | online | postal
    pub channel: Option<String>,
    /// Local receipt time `YYYY-MM-DDTHH:MM` (default now; never in the future).
    pub received_at: Option<String>,
    /// Indexes of the procedure's documents the citizen brought (default all). At the counter
    /// the missing ones become the Form 02 text and the dossier waits for them.
    pub provided_documents: Option<Vec<u16>>,
    /// The queue ticket being served at the caller's counter; its counter, officer and wait
    /// attach to the dossier.
    pub ticket_id: Option<Uuid>,
    /// With `ticket_id`: keep the ticket at the counter for another dossier (default: the
    /// intake finishes it).
    #[serde(default)]
    pub keep_ticket: bool,
}

/// Receive a dossier at the counter, or register an online or postal submission.
#[utoipa::path(post, path = "/api/v1/dossiers", tag = "dossiers", request_body = NewDossierRequest,
    responses((status = 201, body = Dossier), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    ApiJson(r): ApiJson<NewDossierRequest>,
) -> Result<(StatusCode, Json<Dossier>), Failure> {
    let v = dossier::create(
        &s.app,
        &a,
        &NewDossier {
            office_id: r.office_id,
            procedure_code: r.procedure_code,
            channel: r.channel,
            received_at: r.received_at,
            applicant_name: r.applicant.name,
            applicant_id_number: r.applicant.id_number,
            applicant_address: r.applicant.address,
            applicant_phone: r.applicant.phone,
            applicant_email: r.applicant.email,
            notify: r.applicant.notify,
            provided_documents: r.provided_documents,
            ticket_id: r.ticket_id,
            keep_ticket: r.keep_ticket,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// One dossier with its timeline and the actions the caller may take.
#[utoipa::path(get, path = "/api/v1/dossiers/{id}", tag = "dossiers", params(("id" = Uuid, Path)),
    responses((status = 200, body = Dossier), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Dossier>, Failure> {
    Ok(Json(dossier::get(&s.app, &a, id, Via::Api).await?.into()))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// all (default) | mine | at-risk | late | apologies
    pub list: Option<String>,
    pub state: Option<String>,
    pub office_id: Option<Uuid>,
    pub procedure_code: Option<String>,
    /// Dossier code or its beginning.
    pub code: Option<String>,
    /// Received on this local day, `YYYY-MM-DD`.
    pub received_on: Option<String>,
    /// Held by this officer.
    pub assignee_id: Option<Uuid>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Dossiers in the caller's scope, most urgent first.
#[utoipa::path(get, path = "/api/v1/dossiers", tag = "dossiers", params(ListParams),
    responses((status = 200, body = [DossierSummary]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    QueryParam(p): QueryParam<ListParams>,
) -> Result<Json<Vec<DossierSummary>>, Failure> {
    let q = ListQuery {
        kind: ListKind::parse(p.list.as_deref().unwrap_or(""))?,
        state: p.state,
        office_id: p.office_id,
        procedure_code: p.procedure_code,
        code: p.code,
        received_on: p.received_on,
        assignee_id: p.assignee_id,
        limit: p.limit,
        offset: p.offset,
    };
    Ok(Json(
        dossier::list(&s.app, &a, &q)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonRequest {
    pub reason: String,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Step of the internal process (default: the next one).
    pub to_step: Option<u16>,
    /// Another office of the province (inter-agency).
    pub to_office_id: Option<Uuid>,
    /// The officer who takes the step.
    pub assignee_id: Option<Uuid>,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct FinishRequest {
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApologyRequest {
    pub reason: String,
    /// New appointment date `YYYY-MM-DD`.
    pub new_due: String,
}

async fn run(
    s: &AppState,
    a: &congbo_app::Actor,
    id: Uuid,
    input: ActionInput,
) -> Result<Json<Dossier>, Failure> {
    Ok(Json(dossier::act(&s.app, a, id, &input).await?.into()))
}

macro_rules! plain_action {
    ($fn:ident, $path:literal, $input:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "dossiers", params(("id" = Uuid, Path)),
                    responses((status = 200, body = Dossier), (status = 403, body = ErrorBody),
                              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
                              (status = 422, body = ErrorBody)))]
        pub async fn $fn(
            State(s): State<AppState>,
            CurrentUser(a): CurrentUser,
            PathParam(id): PathParam<Uuid>,
        ) -> Result<Json<Dossier>, Failure> {
            run(&s, &a, id, $input).await
        }
    };
}

macro_rules! reason_action {
    ($fn:ident, $path:literal, $variant:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "dossiers", params(("id" = Uuid, Path)),
                    request_body = ReasonRequest,
                    responses((status = 200, body = Dossier), (status = 403, body = ErrorBody),
                              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
                              (status = 422, body = ErrorBody)))]
        pub async fn $fn(
            State(s): State<AppState>,
            CurrentUser(a): CurrentUser,
            PathParam(id): PathParam<Uuid>,
            ApiJson(r): ApiJson<ReasonRequest>,
        ) -> Result<Json<Dossier>, Failure> {
            run(&s, &a, id, ActionInput::$variant { reason: r.reason }).await
        }
    };
}

plain_action!(
    receive,
    "/api/v1/dossiers/{id}/receive",
    ActionInput::Receive,
    "Accept an online or postal submission after checking it (Form 01; the appointment date is computed)."
);
plain_action!(
    supplement_received,
    "/api/v1/dossiers/{id}/supplement-received",
    ActionInput::SupplementReceived,
    "The citizen brought what Form 02 asked for; the clock runs again."
);
plain_action!(
    return_result,
    "/api/v1/dossiers/{id}/return",
    ActionInput::Return,
    "Hand the result over. A dossier finished late needs a Form 04 apology first."
);
plain_action!(
    withdraw,
    "/api/v1/dossiers/{id}/withdraw",
    ActionInput::Withdraw,
    "The citizen withdraws the dossier."
);
reason_action!(
    request_supplement,
    "/api/v1/dossiers/{id}/request-supplement",
    RequestSupplement,
    "Form 02. Guide once: a second request is accepted only from the head or a deputy."
);
reason_action!(
    refuse,
    "/api/v1/dossiers/{id}/refuse",
    Refuse,
    "Form 03: refuse, with the reason and its legal basis."
);
reason_action!(
    stop,
    "/api/v1/dossiers/{id}/stop",
    Stop,
    "Form 05: stop processing (head or deputy)."
);

/// Hand over to a step of the internal process (control sheet row), optionally to another
/// office or officer; the step's deadline comes from the procedure.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/transfer", tag = "dossiers", params(("id" = Uuid, Path)),
    request_body = TransferRequest,
    responses((status = 200, body = Dossier), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<TransferRequest>,
) -> Result<Json<Dossier>, Failure> {
    let input = ActionInput::Transfer {
        to_step: r.to_step,
        to_office_id: r.to_office_id,
        assignee_id: r.assignee_id,
        note: r.note,
    };
    run(&s, &a, id, input).await
}

/// Processing finished: the result is ready (the on-time status is stored now).
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/finish", tag = "dossiers", params(("id" = Uuid, Path)),
    request_body = FinishRequest,
    responses((status = 200, body = Dossier), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn finish(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<FinishRequest>,
) -> Result<Json<Dossier>, Failure> {
    run(&s, &a, id, ActionInput::Finish { note: r.note }).await
}

/// Form 04: apology with the reason and a new appointment date, signed by the head or a
/// deputy; sent to the citizen on their channels.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/apologize", tag = "dossiers", params(("id" = Uuid, Path)),
    request_body = ApologyRequest,
    responses((status = 200, body = Dossier), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn apologize(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<ApologyRequest>,
) -> Result<Json<Dossier>, Failure> {
    let input = ActionInput::Apologize {
        reason: r.reason,
        new_due: r.new_due,
    };
    run(&s, &a, id, input).await
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RequestApologyRequest {
    /// The head or deputy of the handling office who signs (default: the first head).
    pub signer_id: Option<Uuid>,
}

/// Send a dossier that needs Form 04 (finished late, past or near its date, no apology yet) to
/// a signer of the handling office; it appears in their lists. The state does not change.
#[utoipa::path(post, path = "/api/v1/dossiers/{id}/request-apology", tag = "dossiers", params(("id" = Uuid, Path)),
    request_body = RequestApologyRequest,
    responses((status = 200, body = Dossier), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_apology(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<RequestApologyRequest>,
) -> Result<Json<Dossier>, Failure> {
    let input = ActionInput::RequestApology {
        signer_id: r.signer_id,
    };
    run(&s, &a, id, input).await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LookupParams {
    /// Dossier code from the receipt.
    pub code: String,
    /// Lookup secret from the receipt.
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct PublicEventOut {
    pub at: String,
    pub action: String,
    pub to_state: String,
    pub office_name: String,
}

/// What anyone holding the receipt may see: no personal data beyond initials.
#[derive(Serialize, ToSchema)]
pub struct PublicDossier {
    pub code: String,
    pub applicant_initials: String,
    pub procedure_name: String,
    pub office_name: String,
    pub handler_office_name: String,
    pub state: String,
    pub received_at: Option<String>,
    pub original_due: Option<String>,
    pub current_due: Option<String>,
    pub on_time: Option<String>,
    pub apologized: bool,
    pub timeline: Vec<PublicEventOut>,
    /// The dossier's one-time rating link.
    pub rating_url: String,
}

impl From<PublicView> for PublicDossier {
    fn from(v: PublicView) -> Self {
        PublicDossier {
            code: v.code,
            applicant_initials: v.applicant_initials,
            procedure_name: v.procedure_name,
            office_name: v.office_name,
            handler_office_name: v.handler_office_name,
            state: v.state.as_str().to_string(),
            received_at: v.received_at.map(congbo_domain::time::iso),
            original_due: v.original_due.map(|d| d.to_string()),
            current_due: v.current_due.map(|d| d.to_string()),
            on_time: v.on_time,
            apologized: v.apologized,
            rating_url: v.rating_url,
            timeline: v
                .timeline
                .into_iter()
                .map(|e| PublicEventOut {
                    at: congbo_domain::time::iso(e.at),
                    action: e.action,
                    to_state: e.to_state,
                    office_name: e.office_name,
                })
                .collect(),
        }
    }
}

/// Public lookup by code and secret (no sign-in; rate-limited per client address). An unknown
/// code and a wrong secret give the same 404.
#[utoipa::path(get, path = "/api/v1/public/dossiers", tag = "public", params(LookupParams), security(()),
    responses((status = 200, body = PublicDossier), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn lookup(
    State(s): State<AppState>,
    RequestId(rid): RequestId,
    QueryParam(p): QueryParam<LookupParams>,
) -> Result<Json<PublicDossier>, Failure> {
    Ok(Json(
        dossier::lookup(&s.app, &p.code, &p.secret, rid)
            .await?
            .into(),
    ))
}
