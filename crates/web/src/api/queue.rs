//! `/api/v1/…` for the queue: configuration, tickets, the counter's actions, the lobby board
//! and its event stream, statistics.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use congbo_app::queue::live::Frame;
use congbo_app::queue::{
    self, IssueInput, QueueConfig, QueueStats, StatsLine, TicketView, TransferTo, display,
};
use congbo_domain::queue::{QueueSettings, TicketAction};
use congbo_domain::time::iso_local;
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::ErrorBody;
use crate::AppState;
use crate::error::Failure;
use crate::extract::{ApiJson, CurrentUser, PathParam, QueryParam};

#[derive(Serialize, ToSchema)]
pub struct GroupOut {
    pub id: Uuid,
    /// Ticket letter, e.g. `A`.
    pub letter: String,
    pub name: String,
    pub field: Option<String>,
    pub active: bool,
}

impl From<&congbo_store::repo::queue::GroupRow> for GroupOut {
    fn from(g: &congbo_store::repo::queue::GroupRow) -> Self {
        GroupOut {
            id: g.id,
            letter: g.letter.clone(),
            name: g.name.clone(),
            field: g.field.clone(),
            active: g.active,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CounterOut {
    pub id: Uuid,
    pub number: i32,
    pub name: String,
    /// Service groups this counter serves.
    pub group_ids: Vec<Uuid>,
    /// The officer signed in there (staff view only).
    pub officer: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PriorityOut {
    pub code: String,
    pub label: String,
}

#[derive(Serialize, ToSchema)]
pub struct QueueConfigOut {
    pub office_id: Uuid,
    pub office_code: String,
    pub office_name: String,
    pub groups: Vec<GroupOut>,
    pub counters: Vec<CounterOut>,
    pub priority_reasons: Vec<PriorityOut>,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
}

impl From<QueueConfig> for QueueConfigOut {
    fn from(c: QueueConfig) -> Self {
        QueueConfigOut {
            office_id: c.office.id,
            office_code: c.office.code.clone(),
            office_name: c.office.name.clone(),
            groups: c.groups.iter().map(GroupOut::from).collect(),
            counters: c
                .counters
                .iter()
                .map(|k| CounterOut {
                    id: k.id,
                    number: k.number,
                    name: k.name.clone(),
                    group_ids: k.groups.clone(),
                    officer: k.officer.as_ref().map(|d| d.full_name.clone()),
                })
                .collect(),
            priority_reasons: c
                .settings
                .priority_reasons
                .iter()
                .map(|r| PriorityOut {
                    code: r.code.clone(),
                    label: r.label.clone(),
                })
                .collect(),
            settings: serde_json::to_value(&c.settings).unwrap_or_default(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct TicketCounter {
    pub id: Uuid,
    pub number: i32,
    pub name: String,
}

/// A queue ticket. No personal data: a number, times and where it is.
#[derive(Serialize, ToSchema)]
pub struct Ticket {
    pub id: Uuid,
    /// `A012`
    pub number: String,
    pub office_id: Uuid,
    pub office_code: String,
    pub group: GroupOut,
    /// waiting | called | serving | done | no-show
    pub state: String,
    /// kiosk | web | staff
    pub channel: String,
    /// Priority reason code and its label (null: ordinary).
    pub priority: Option<String>,
    pub priority_label: Option<String>,
    /// Local times `YYYY-MM-DDTHH:MM:SS` (UTC+7).
    pub issued_at: String,
    pub first_called_at: Option<String>,
    pub called_at: Option<String>,
    pub serve_start: Option<String>,
    pub closed_at: Option<String>,
    pub counter: Option<TicketCounter>,
    /// While waiting after a transfer to one counter: that counter (the holder waits near it).
    pub sent_to: Option<TicketCounter>,
    /// While waiting: citizens before this one, and the estimate from recent service times.
    pub ahead: Option<u32>,
    pub estimate_minutes: Option<u32>,
    pub waited_minutes: i64,
    pub recalls: i64,
    pub transfers: i64,
    /// Waited past the office's threshold and no apology recorded yet.
    pub owes_apology: bool,
    pub apologized_at: Option<String>,
    /// Codes of dossiers received from this ticket.
    pub dossiers: Vec<String>,
    /// Where the holder follows the ticket on a phone (includes the ticket's secret).
    pub follow_url: String,
}

fn ticket_out(s: &AppState, v: TicketView) -> Ticket {
    let r = &v.row;
    Ticket {
        id: r.id,
        number: r.number.clone(),
        office_id: r.office_id,
        office_code: v.office.code.clone(),
        group: GroupOut::from(&v.group),
        state: r.state.clone(),
        channel: r.channel.clone(),
        priority: r.priority.clone(),
        priority_label: v.priority_label.clone(),
        issued_at: iso_local(r.issued_at),
        first_called_at: r.first_called_at.map(iso_local),
        called_at: r.called_at.map(iso_local),
        serve_start: r.serve_start.map(iso_local),
        closed_at: r.closed_at.map(iso_local),
        counter: v.counter.as_ref().map(|k| TicketCounter {
            id: k.id,
            number: k.number,
            name: k.name.clone(),
        }),
        sent_to: v.sent_to.as_ref().map(|k| TicketCounter {
            id: k.id,
            number: k.number,
            name: k.name.clone(),
        }),
        ahead: v.estimate.map(|e| e.ahead),
        estimate_minutes: v.estimate.map(|e| e.minutes),
        waited_minutes: v.waited_minutes,
        recalls: r.recalls,
        transfers: r.transfers,
        owes_apology: v.owes_apology,
        apologized_at: r.apologized_at.map(iso_local),
        dossiers: v.dossiers.iter().map(|(_, c)| c.clone()).collect(),
        follow_url: queue::follow_url(&s.app, r),
    }
}

/// The office's queue: service groups, counters with their services and officers, settings.
#[utoipa::path(get, path = "/api/v1/offices/{id}/queue", tag = "queue", params(("id" = Uuid, Path)),
    responses((status = 200, body = QueueConfigOut), (status = 404, body = ErrorBody)))]
pub async fn config(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<QueueConfigOut>, Failure> {
    Ok(Json(queue::config(&s.app, &a, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// One capital letter A–Z, unique in the office.
    pub letter: String,
    pub name: String,
    /// Field (lĩnh vực) for reports.
    pub field: Option<String>,
}

/// Add a service group (its tickets are numbered with its letter).
#[utoipa::path(post, path = "/api/v1/offices/{id}/service-groups", tag = "queue", params(("id" = Uuid, Path)),
    request_body = NewGroup,
    responses((status = 201, body = GroupOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create_group(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<NewGroup>,
) -> Result<(StatusCode, Json<GroupOut>), Failure> {
    let g = queue::create_group(&s.app, &a, id, &r.letter, &r.name, r.field.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(GroupOut::from(&g))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    pub name: String,
    pub field: Option<String>,
    pub active: bool,
}

/// Rename a service group or take it off the kiosk.
#[utoipa::path(patch, path = "/api/v1/service-groups/{id}", tag = "queue", params(("id" = Uuid, Path)),
    request_body = GroupPatch,
    responses((status = 200, body = GroupOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_group(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<GroupPatch>,
) -> Result<Json<GroupOut>, Failure> {
    let g = queue::update_group(&s.app, &a, id, &r.name, r.field.as_deref(), r.active).await?;
    Ok(Json(GroupOut::from(&g)))
}

/// Replace the office's queue settings (priority reasons, fairness, apology threshold, recalls
/// before a no-show, voice, default service time, notification distance, rating window).
#[utoipa::path(put, path = "/api/v1/offices/{id}/queue-settings", tag = "queue", params(("id" = Uuid, Path)),
    request_body = Object,
    responses((status = 200, body = Object), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<QueueSettings>,
) -> Result<Json<QueueSettings>, Failure> {
    Ok(Json(queue::put_settings(&s.app, &a, id, &r).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterServices {
    pub group_ids: Vec<Uuid>,
}

/// Set the service groups a counter serves.
#[utoipa::path(put, path = "/api/v1/counters/{id}/services", tag = "queue", params(("id" = Uuid, Path)),
    request_body = CounterServices,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_services(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<CounterServices>,
) -> Result<StatusCode, Failure> {
    queue::set_counter_services(&s.app, &a, id, &r.group_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign in at a counter (and out of any other).
#[utoipa::path(post, path = "/api/v1/counters/{id}/sign-in", tag = "queue", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sign_in(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<StatusCode, Failure> {
    queue::sign_in(&s.app, &a, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out of the caller's counter.
#[utoipa::path(post, path = "/api/v1/counters/sign-out", tag = "queue",
    responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn sign_out(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
) -> Result<StatusCode, Failure> {
    queue::sign_out(&s.app, &a).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Call the next citizen to this counter (the caller must be signed in there).
#[utoipa::path(post, path = "/api/v1/counters/{id}/call-next", tag = "queue", params(("id" = Uuid, Path)),
    responses((status = 200, body = Ticket), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn call_next(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Ticket>, Failure> {
    let v = queue::call_next(&s.app, &a, Some(id)).await?;
    Ok(Json(ticket_out(&s, v)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    pub group_id: Uuid,
    /// A priority reason code the office accepts (elderly, disabled, pregnant, …).
    pub priority: Option<String>,
    /// The device's idempotency key: sending the same key again returns the same ticket.
    pub request_key: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffTicket {
    pub office_id: Uuid,
    pub group_id: Uuid,
    /// The priority the officer grants (recorded with the officer's name).
    pub priority: Option<String>,
    pub request_key: Option<String>,
}

/// Issue a ticket for a walk-in (an officer; priority granted is recorded with their name).
#[utoipa::path(post, path = "/api/v1/tickets", tag = "queue", request_body = NewStaffTicket,
    responses((status = 201, body = Ticket), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn issue_staff(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    ApiJson(r): ApiJson<NewStaffTicket>,
) -> Result<(StatusCode, Json<Ticket>), Failure> {
    let v = queue::issue(
        &s.app,
        Some(&a),
        r.office_id,
        &IssueInput {
            group_id: r.group_id,
            channel: Some("staff".into()),
            priority: r.priority,
            request_key: r.request_key,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ticket_out(&s, v))))
}

#[derive(Deserialize, IntoParams)]
pub struct ChannelParam {
    /// `kiosk` (the lobby kiosk) or `web` (default: a phone, from the QR at the door).
    pub channel: Option<String>,
}

/// Take a number (kiosk or phone; no sign-in; rate-limited per address).
#[utoipa::path(post, path = "/api/v1/public/offices/{code}/tickets", tag = "queue", security(()),
    params(("code" = String, Path), ChannelParam), request_body = NewTicket,
    responses((status = 201, body = Ticket), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn issue_public(
    State(s): State<AppState>,
    PathParam(code): PathParam<String>,
    QueryParam(q): QueryParam<ChannelParam>,
    ApiJson(r): ApiJson<NewTicket>,
) -> Result<(StatusCode, Json<Ticket>), Failure> {
    let office = display::office_id(&s.app, &code).await?;
    // `staff` is refused by the use case: a public ticket has no officer.
    let channel = q.channel.unwrap_or_else(|| "web".into());
    let v = queue::issue(
        &s.app,
        None,
        office,
        &IssueInput {
            group_id: r.group_id,
            channel: Some(channel),
            priority: r.priority,
            request_key: r.request_key,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ticket_out(&s, v))))
}

/// The kiosk's choices: active service groups and the priority reasons.
#[utoipa::path(get, path = "/api/v1/public/offices/{code}/queue", tag = "queue", security(()),
    params(("code" = String, Path)),
    responses((status = 200, body = QueueConfigOut), (status = 404, body = ErrorBody)))]
pub async fn public_config(
    State(s): State<AppState>,
    PathParam(code): PathParam<String>,
) -> Result<Json<QueueConfigOut>, Failure> {
    Ok(Json(queue::public_config(&s.app, &code).await?.into()))
}

/// A ticket, for staff of its office.
#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "queue", params(("id" = Uuid, Path)),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Json<Ticket>, Failure> {
    Ok(Json(ticket_out(&s, queue::get(&s.app, &a, id).await?)))
}

#[derive(Deserialize, IntoParams)]
pub struct SecretParam {
    /// The secret printed on the ticket (in its QR link).
    pub k: String,
}

/// A ticket's status for its holder: position and estimated wait.
#[utoipa::path(get, path = "/api/v1/public/tickets/{id}", tag = "queue", security(()),
    params(("id" = Uuid, Path), SecretParam),
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody)))]
pub async fn follow(
    State(s): State<AppState>,
    PathParam(id): PathParam<Uuid>,
    QueryParam(q): QueryParam<SecretParam>,
) -> Result<Json<Ticket>, Failure> {
    Ok(Json(ticket_out(&s, queue::follow(&s.app, id, &q.k).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {
    /// email | sms | zalo
    pub channel: String,
    pub to: String,
}

/// Ask to be told when the turn is near.
#[utoipa::path(post, path = "/api/v1/public/tickets/{id}/subscribe", tag = "queue", security(()),
    params(("id" = Uuid, Path), SecretParam), request_body = Subscribe,
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn subscribe(
    State(s): State<AppState>,
    PathParam(id): PathParam<Uuid>,
    QueryParam(q): QueryParam<SecretParam>,
    ApiJson(r): ApiJson<Subscribe>,
) -> Result<Json<Ticket>, Failure> {
    let v = queue::subscribe(&s.app, id, &q.k, &r.channel, &r.to).await?;
    Ok(Json(ticket_out(&s, v)))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Another service group of the office (the ticket keeps its place by issue time)…
    pub group_id: Option<Uuid>,
    /// …or one counter, which calls it first.
    pub counter_id: Option<Uuid>,
}

async fn act(
    s: &AppState,
    a: &congbo_app::Actor,
    id: Uuid,
    action: TicketAction,
    to: Option<TransferTo>,
) -> Result<Json<Ticket>, Failure> {
    let v = queue::act(&s.app, a, id, action, to).await?;
    Ok(Json(ticket_out(s, v)))
}

macro_rules! ticket_action {
    ($name:ident, $path:literal, $action:expr, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "queue", params(("id" = Uuid, Path)),
                    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody),
                              (status = 422, body = ErrorBody)))]
        pub async fn $name(
            State(s): State<AppState>,
            CurrentUser(a): CurrentUser,
            PathParam(id): PathParam<Uuid>,
        ) -> Result<Json<Ticket>, Failure> {
            act(&s, &a, id, $action, None).await
        }
    };
}

ticket_action!(
    recall,
    "/api/v1/tickets/{id}/recall",
    TicketAction::Recall,
    "Call the ticket at the caller's counter again."
);
ticket_action!(
    start,
    "/api/v1/tickets/{id}/start",
    TicketAction::Start,
    "The citizen has come: start serving."
);
ticket_action!(
    no_show,
    "/api/v1/tickets/{id}/no-show",
    TicketAction::NoShow,
    "Never came after the configured number of recalls."
);
ticket_action!(
    finish,
    "/api/v1/tickets/{id}/finish",
    TicketAction::Finish,
    "Finish serving."
);
ticket_action!(
    apologize,
    "/api/v1/tickets/{id}/apologize",
    TicketAction::Apologize,
    "Record that the officer apologised for the wait."
);

/// Send the ticket to another service or counter; it keeps its place by issue time.
#[utoipa::path(post, path = "/api/v1/tickets/{id}/transfer", tag = "queue", params(("id" = Uuid, Path)),
    request_body = TransferRequest,
    responses((status = 200, body = Ticket), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    ApiJson(r): ApiJson<TransferRequest>,
) -> Result<Json<Ticket>, Failure> {
    let to = TransferTo {
        group_id: r.group_id,
        counter_id: r.counter_id,
    };
    act(&s, &a, id, TicketAction::Transfer, Some(to)).await
}

/// The lobby board: numbers at each counter, the next numbers, today's count. No personal data.
#[utoipa::path(get, path = "/api/v1/public/offices/{code}/display", tag = "queue", security(()),
    params(("code" = String, Path)),
    responses((status = 200, body = Object), (status = 404, body = ErrorBody)))]
pub async fn board(
    State(s): State<AppState>,
    PathParam(code): PathParam<String>,
) -> Result<Json<display::DisplayView>, Failure> {
    Ok(Json(display::by_code(&s.app, &code).await?))
}

fn event_of(f: &Frame) -> Event {
    Event::default()
        .id(f.seq.to_string())
        .event(if f.call.is_some() { "call" } else { "board" })
        .data(&f.json)
}

/// Server-sent events: a `board` event at once with the whole board, then a `board` or `call`
/// event (the board plus the call to announce) after every change. Reconnecting clients get
/// the whole board again, so nothing is missed.
#[utoipa::path(get, path = "/api/v1/public/offices/{code}/events", tag = "queue", security(()),
    params(("code" = String, Path)),
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 404, body = ErrorBody)))]
pub async fn events(
    State(s): State<AppState>,
    PathParam(code): PathParam<String>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Failure> {
    let office = display::office_id(&s.app, &code).await?;
    let (first, rx) = s.app.live.subscribe(&s.app, office).await?;
    let app = s.app.clone();
    let stopping = s.stopping.clone();
    let stream = futures_util::stream::unfold(
        (Some(first), rx, app, stopping),
        move |(first, mut rx, app, mut stopping)| async move {
            if let Some(f) = first {
                return Some((Ok(event_of(&f)), (None, rx, app, stopping)));
            }
            loop {
                let next = tokio::select! {
                    r = rx.recv() => r,
                    // The server is shutting down: end the stream (the display reconnects).
                    _ = stopping.wait_for(|s| *s) => return None,
                };
                match next {
                    Ok(f) => return Some((Ok(event_of(&f)), (None, rx, app, stopping))),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        if let Ok(f) = app.live.frame(&app, office, None).await {
                            let f: Arc<Frame> = f;
                            return Some((Ok(event_of(&f)), (None, rx, app, stopping)));
                        }
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    );
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

#[derive(Deserialize, IntoParams)]
pub struct StatsParams {
    /// First local day `YYYY-MM-DD` (default today).
    pub from: Option<String>,
    /// Last local day, inclusive (default `from`).
    pub to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StatsLineOut {
    /// Group letter, counter number, officer id, hour (`08`) or `total`.
    pub key: String,
    pub label: String,
    pub issued: u32,
    pub served: u32,
    pub no_show: u32,
    pub waiting: u32,
    pub priority: u32,
    pub apologies: u32,
    pub waited_too_long: u32,
    /// Minutes from taking the number to the first call.
    pub wait_median_minutes: Option<f64>,
    pub wait_p90_minutes: Option<f64>,
    /// Minutes at the counter.
    pub service_median_minutes: Option<f64>,
    pub service_p90_minutes: Option<f64>,
}

impl From<StatsLine> for StatsLineOut {
    fn from(l: StatsLine) -> Self {
        StatsLineOut {
            key: l.key,
            label: l.label,
            issued: l.issued,
            served: l.served,
            no_show: l.no_show,
            waiting: l.waiting,
            priority: l.priority,
            apologies: l.apologies,
            waited_too_long: l.waited_too_long,
            wait_median_minutes: l.wait_median,
            wait_p90_minutes: l.wait_p90,
            service_median_minutes: l.service_median,
            service_p90_minutes: l.service_p90,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct QueueStatsOut {
    pub office_id: Uuid,
    pub office_code: String,
    pub from: String,
    pub to: String,
    pub total: StatsLineOut,
    pub by_service: Vec<StatsLineOut>,
    pub by_counter: Vec<StatsLineOut>,
    pub by_officer: Vec<StatsLineOut>,
    pub by_hour: Vec<StatsLineOut>,
}

impl From<QueueStats> for QueueStatsOut {
    fn from(q: QueueStats) -> Self {
        let v = |l: Vec<StatsLine>| l.into_iter().map(StatsLineOut::from).collect();
        QueueStatsOut {
            office_id: q.office_id,
            office_code: q.office_code,
            from: q.from.to_string(),
            to: q.to.to_string(),
            total: q.total.into(),
            by_service: v(q.by_service),
            by_counter: v(q.by_counter),
            by_officer: v(q.by_officer),
            by_hour: v(q.by_hour),
        }
    }
}

/// Queue figures per service, counter, officer and hour of issue for a range of local days.
#[utoipa::path(get, path = "/api/v1/offices/{id}/queue-stats", tag = "queue",
    params(("id" = Uuid, Path), StatsParams),
    responses((status = 200, body = QueueStatsOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn stats(
    State(s): State<AppState>,
    CurrentUser(a): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<StatsParams>,
) -> Result<Json<QueueStatsOut>, Failure> {
    let days = queue::period(s.app.now(), p.from.as_deref(), p.to.as_deref())?;
    Ok(Json(queue::stats(&s.app, &a, id, days).await?.into()))
}
