//! Queue pages: the lobby kiosk and the phone page to take a number, the printed ticket and its
//! follow page, the lobby display (TV), and the counter page for officers.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::Actor;
use congbo_app::queue::{
    self, CounterDesk, IssueInput, QueueConfig, TicketView, TransferTo, display,
};
use congbo_domain::queue::TicketAction;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam, QueryParam};
use crate::forms::qr_svg;
use crate::i18n::Locale;
use crate::view::{Nav, page, page_with, refusal, status_for};

/// A wait in words: "khoảng 10 phút" / "about 10 minutes"; none left: "sắp đến lượt".
fn wait_words(t: &Locale, minutes: u32) -> String {
    match minutes {
        0 => t.t("queue-wait-soon"),
        1 => t.t("queue-wait-about-one"),
        m => t.t_args("queue-wait-about", &[("minutes", m.to_string())]),
    }
}

/// The translated message of a refused rule, to show on the page again.
fn message_or_fail(t: &Locale, e: congbo_app::AppError) -> Result<String, Failure> {
    Ok(refusal(t, e)?.1)
}

// ---------------------------------------------------------------------------------------------
// Taking a number: the kiosk (large type, prints) and a phone (from the QR at the door)

#[derive(Template)]
#[template(path = "queue_take.html")]
struct TakePage {
    t: Locale,
    kiosk: bool,
    c: QueueConfig,
    waiting: Vec<(Uuid, usize, u32)>,
    request_key: String,
    action: String,
    error: Option<String>,
}

impl TakePage {
    fn waiting_of(&self, g: &Uuid) -> String {
        self.waiting
            .iter()
            .find(|(id, _, _)| id == g)
            .map(|(_, n, m)| {
                let people = self.t.t_args("queue-people", &[("n", n.to_string())]);
                format!("{people} · {}", wait_words(&self.t, *m))
            })
            .unwrap_or_default()
    }
}

async fn take_page(
    s: &AppState,
    t: Locale,
    code: &str,
    kiosk: bool,
    error: Option<String>,
) -> Result<Response, Failure> {
    let c = queue::public_config(&s.app, code).await?;
    let board = display::load(&s.app, c.office.id).await?;
    let waiting = c
        .groups
        .iter()
        .map(|g| {
            let b = board.groups.iter().find(|b| b.letter == g.letter);
            (
                g.id,
                b.map(|b| b.waiting_count).unwrap_or(0),
                b.map(|b| b.estimate_minutes).unwrap_or(0),
            )
        })
        .collect();
    let action = if kiosk {
        format!("/ki-ot/{}", c.office.code)
    } else {
        format!("/lay-so/{}", c.office.code)
    };
    let status = status_for(&error);
    page_with(
        status,
        TakePage {
            t,
            kiosk,
            c,
            waiting,
            request_key: congbo_app::random_token()[..32].to_string(),
            action,
            error,
        },
    )
}

/// `/ki-ot/{code}`: the lobby kiosk.
pub async fn kiosk(
    State(s): State<AppState>,
    t: Locale,
    PathParam(code): PathParam<String>,
) -> Result<Response, Failure> {
    take_page(&s, t, &code, true, None).await
}

/// `/lay-so/{code}`: take a number on a phone.
pub async fn take_number(
    State(s): State<AppState>,
    t: Locale,
    PathParam(code): PathParam<String>,
) -> Result<Response, Failure> {
    take_page(&s, t, &code, false, None).await
}

#[derive(Deserialize)]
pub struct TakeForm {
    group_id: Uuid,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    request_key: String,
}

async fn take(
    s: AppState,
    t: Locale,
    code: String,
    kiosk: bool,
    f: TakeForm,
) -> Result<Response, Failure> {
    let office = display::office_id(&s.app, &code).await?;
    let input = IssueInput {
        group_id: f.group_id,
        channel: Some(if kiosk { "kiosk" } else { "web" }.into()),
        priority: Some(f.priority).filter(|p| !p.trim().is_empty()),
        request_key: Some(f.request_key),
    };
    match queue::issue(&s.app, None, office, &input).await {
        Ok(v) => {
            let print = if kiosk { "&in=1" } else { "" };
            Ok(Redirect::to(&format!(
                "/ve/{}?k={}{print}",
                v.row.id, v.row.follow_secret
            ))
            .into_response())
        }
        Err(e) => {
            let msg = message_or_fail(&t, e)?;
            take_page(&s, t, &code, kiosk, Some(msg)).await
        }
    }
}

pub async fn kiosk_issue(
    State(s): State<AppState>,
    t: Locale,
    PathParam(code): PathParam<String>,
    PageForm(f): PageForm<TakeForm>,
) -> Result<Response, Failure> {
    take(s, t, code, true, f).await
}

pub async fn take_number_issue(
    State(s): State<AppState>,
    t: Locale,
    PathParam(code): PathParam<String>,
    PageForm(f): PageForm<TakeForm>,
) -> Result<Response, Failure> {
    take(s, t, code, false, f).await
}

// ---------------------------------------------------------------------------------------------
// The ticket: printed at the kiosk, followed on a phone

#[derive(Template)]
#[template(path = "queue_ticket.html")]
struct TicketPage {
    t: Locale,
    v: TicketView,
    secret: String,
    print: bool,
    qr: String,
    issued: String,
    /// Printed for a phone without a QR reader: where to type the code, and the code.
    short_url: String,
    short_code: String,
    /// Where the screen goes after printing: the counter for a walk-in, else the kiosk.
    back: (String, String),
    message: Option<String>,
    error: Option<String>,
}

impl TicketPage {
    fn wait(&self, minutes: &u32) -> String {
        wait_words(&self.t, *minutes)
    }
    /// The same words with `{n}` for the minutes, for the script that keeps them live.
    fn wait_template(&self) -> String {
        self.t
            .t_args("queue-wait-about", &[("minutes", "{n}".to_string())])
    }
    fn sent_to_counter(&self, n: &i32) -> String {
        self.t
            .t_args("queue-sent-to-counter", &[("counter", n.to_string())])
    }
    fn sent_to_service(&self) -> String {
        self.t.t_args(
            "queue-sent-to-service",
            &[("service", self.v.group.name.clone())],
        )
    }
    fn code_hint(&self) -> String {
        self.t
            .t_args("queue-code-hint", &[("url", self.short_url.clone())])
    }
}

#[derive(Deserialize)]
pub struct FollowParams {
    #[serde(default)]
    k: String,
    #[serde(default, rename = "in")]
    print: Option<String>,
    /// `1`: issued at the counter for a walk-in (after printing, back to the counter).
    #[serde(default)]
    quay: Option<String>,
    #[serde(default)]
    ok: Option<String>,
}

/// How the ticket page was opened.
#[derive(Default)]
struct Shown {
    print: bool,
    counter: bool,
    message: Option<String>,
    error: Option<String>,
}

fn ticket_page(
    s: &AppState,
    t: Locale,
    v: TicketView,
    secret: &str,
    shown: Shown,
) -> Result<Response, Failure> {
    let follow_url = queue::follow_url(&s.app, &v.row);
    let status = status_for(&shown.error);
    let back = if shown.counter {
        ("/quay".to_string(), t.t("queue-back-to-counter"))
    } else {
        (
            format!("/ki-ot/{}", v.office.code),
            t.t("queue-back-to-kiosk"),
        )
    };
    let public = s.app.settings.public_url.trim_end_matches('/');
    let short_url = format!(
        "{}/so",
        public
            .trim_start_matches("https://")
            .trim_start_matches("http://")
    );
    page_with(
        status,
        TicketPage {
            qr: qr_svg(&follow_url),
            issued: congbo_domain::time::dmy_hm(v.row.issued_at),
            short_code: congbo_domain::queue::short_code(&v.row.number, &v.row.follow_secret),
            short_url,
            back,
            t,
            v,
            secret: secret.to_string(),
            print: shown.print,
            message: shown.message,
            error: shown.error,
        },
    )
}

/// `/ve/{id}?k=…`: the ticket, its place and the estimated wait (live); `in=1` prints it.
pub async fn follow(
    State(s): State<AppState>,
    t: Locale,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FollowParams>,
) -> Result<Response, Failure> {
    let v = queue::follow(&s.app, id, &p.k).await?;
    let shown = Shown {
        print: p.print.is_some(),
        counter: p.quay.is_some(),
        message: p.ok.map(|_| t.t("queue-subscribed")),
        error: None,
    };
    ticket_page(&s, t, v, &p.k, shown)
}

#[derive(Template)]
#[template(path = "queue_code.html")]
struct CodePage {
    t: Locale,
    code: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct CodeParams {
    #[serde(default)]
    ma: String,
}

/// `/so?ma=A012-K3Q9-XZ7M`: follow a ticket by the short code printed on it (for a phone
/// without a QR reader); without a code, the form to type it.
pub async fn follow_code(
    State(s): State<AppState>,
    t: Locale,
    QueryParam(p): QueryParam<CodeParams>,
) -> Result<Response, Failure> {
    if p.ma.trim().is_empty() {
        return page(CodePage {
            t,
            code: String::new(),
            error: None,
        });
    }
    match queue::follow_by_code(&s.app, &p.ma).await {
        Ok(v) => Ok(
            Redirect::to(&format!("/ve/{}?k={}", v.row.id, v.row.follow_secret)).into_response(),
        ),
        // A mistyped code is said on the form, with what was typed.
        Err(congbo_app::AppError::NotFound(code)) => page_with(
            axum::http::StatusCode::NOT_FOUND,
            CodePage {
                error: Some(t.t(&format!("err-{code}"))),
                t,
                code: p.ma,
            },
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct SubscribeForm {
    channel: String,
    to: String,
}

/// The holder asks to be told when their turn is near.
pub async fn subscribe(
    State(s): State<AppState>,
    t: Locale,
    PathParam(id): PathParam<Uuid>,
    QueryParam(p): QueryParam<FollowParams>,
    PageForm(f): PageForm<SubscribeForm>,
) -> Result<Response, Failure> {
    match queue::subscribe(&s.app, id, &p.k, &f.channel, &f.to).await {
        Ok(v) => Ok(
            Redirect::to(&format!("/ve/{}?k={}&ok=1", v.row.id, v.row.follow_secret))
                .into_response(),
        ),
        Err(e) => {
            let msg = message_or_fail(&t, e)?;
            let v = queue::follow(&s.app, id, &p.k).await?;
            let shown = Shown {
                error: Some(msg),
                ..Shown::default()
            };
            ticket_page(&s, t, v, &p.k, shown)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The lobby display

#[derive(Template)]
#[template(path = "queue_display.html")]
struct DisplayPage {
    t: Locale,
    b: display::DisplayView,
    voice: bool,
    take_url: String,
    qr: String,
    /// Lobby mode: between calls, the office's public figures rotate (`None`: off).
    lobby: Option<Lobby>,
}

impl DisplayPage {
    /// The next numbers, each with the counter it was sent to (if any).
    fn next_items(&self) -> Vec<(String, Option<i32>)> {
        self.b
            .next
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), self.b.next_counters.get(i).copied().flatten()))
            .collect()
    }
}

/// The lobby mode of the display (`?sanh=1`): after `idle` seconds without a call the counters
/// give way to the office's figures of the month (from `/api/v1/public/statistics`), one every
/// `rotate` seconds; a call brings the counters back at once.
struct Lobby {
    idle: u32,
    rotate: u32,
}

#[derive(Deserialize)]
pub struct DisplayParams {
    /// `0` turns the voice off on this screen.
    #[serde(default)]
    voice: Option<String>,
    /// `1`: lobby mode (see [`Lobby`]).
    #[serde(default)]
    sanh: Option<String>,
    /// Seconds without a call before the figures show (lobby mode; 1–3600, default 20).
    #[serde(default)]
    nghi: Option<String>,
}

/// `/man-hinh/{code}`: the board for a TV in the lobby (no sign-in, no personal data). Live
/// through server-sent events; without JavaScript it refreshes itself.
pub async fn display_page(
    State(s): State<AppState>,
    t: Locale,
    PathParam(code): PathParam<String>,
    QueryParam(p): QueryParam<DisplayParams>,
) -> Result<Response, Failure> {
    let b = display::by_code(&s.app, &code).await?;
    let voice = b.voice && p.voice.as_deref() != Some("0");
    let take_url = format!(
        "{}/lay-so/{}",
        s.app.settings.public_url.trim_end_matches('/'),
        b.office_code
    );
    let lobby = (p.sanh.as_deref() == Some("1")).then(|| Lobby {
        idle: p
            .nghi
            .as_deref()
            .and_then(|n| n.trim().parse().ok())
            .filter(|n| (1..=3600).contains(n))
            .unwrap_or(20),
        rotate: 8,
    });
    page(DisplayPage {
        t,
        voice,
        lobby,
        qr: qr_svg(&take_url),
        take_url,
        b,
    })
}

// ---------------------------------------------------------------------------------------------
// The counter page

#[derive(Template)]
#[template(path = "queue_counter.html")]
struct CounterPage {
    t: Locale,
    nav: Option<Nav>,
    d: CounterDesk,
    error: Option<String>,
    request_key: String,
    can_intake: bool,
}

impl CounterPage {
    fn time(&self, m: &i64) -> String {
        congbo_domain::time::local(*m).strftime("%H:%M").to_string()
    }
}

async fn counter_page(
    s: &AppState,
    t: Locale,
    actor: &Actor,
    error: Option<String>,
) -> Result<Response, Failure> {
    let d = queue::desk(&s.app, actor).await?;
    let status = status_for(&error);
    page_with(
        status,
        CounterPage {
            nav: Some(Nav::of(actor)),
            can_intake: d.may_intake,
            d,
            error,
            request_key: congbo_app::random_token()[..32].to_string(),
            t,
        },
    )
}

/// `/quay`: the officer's counter.
pub async fn counter(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
) -> Result<Response, Failure> {
    counter_page(&s, t, &actor, None).await
}

/// Run a counter action; on a refused rule show the page again with the reason.
async fn then_page(
    s: &AppState,
    t: Locale,
    actor: &Actor,
    r: congbo_app::Result<()>,
) -> Result<Response, Failure> {
    match r {
        Ok(()) => Ok(Redirect::to("/quay").into_response()),
        Err(e) => {
            let msg = message_or_fail(&t, e)?;
            counter_page(s, t, actor, Some(msg)).await
        }
    }
}

#[derive(Deserialize)]
pub struct SignInForm {
    counter_id: Uuid,
}

pub async fn sign_in(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<SignInForm>,
) -> Result<Response, Failure> {
    let r = queue::sign_in(&s.app, &actor, f.counter_id).await.map(drop);
    then_page(&s, t, &actor, r).await
}

pub async fn sign_out(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
) -> Result<Response, Failure> {
    let r = queue::sign_out(&s.app, &actor).await;
    then_page(&s, t, &actor, r).await
}

pub async fn call_next(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
) -> Result<Response, Failure> {
    let r = queue::call_next(&s.app, &actor, None).await.map(drop);
    then_page(&s, t, &actor, r).await
}

#[derive(Deserialize, Default)]
pub struct TicketForm {
    #[serde(default)]
    group_id: String,
    #[serde(default)]
    counter_id: String,
}

pub async fn ticket_action(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, action)): PathParam<(Uuid, String)>,
    PageForm(f): PageForm<TicketForm>,
) -> Result<Response, Failure> {
    let a = match action.as_str() {
        "recall" => TicketAction::Recall,
        "start" => TicketAction::Start,
        "no-show" => TicketAction::NoShow,
        "finish" => TicketAction::Finish,
        "apologize" => TicketAction::Apologize,
        "transfer" => TicketAction::Transfer,
        _ => return Err(congbo_app::AppError::NotFound("not-found").into()),
    };
    let to = (a == TicketAction::Transfer).then(|| TransferTo {
        group_id: f.group_id.parse().ok(),
        counter_id: f.counter_id.parse().ok(),
    });
    let r = queue::act(&s.app, &actor, id, a, to).await.map(drop);
    then_page(&s, t, &actor, r).await
}

#[derive(Deserialize)]
pub struct WalkInForm {
    office_id: Uuid,
    group_id: Uuid,
    #[serde(default)]
    priority: String,
    #[serde(default)]
    request_key: String,
}

/// An officer issues a number for a walk-in (and may grant priority, recorded with their name).
pub async fn walk_in(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<WalkInForm>,
) -> Result<Response, Failure> {
    let input = IssueInput {
        group_id: f.group_id,
        channel: Some("staff".into()),
        priority: Some(f.priority).filter(|p| !p.trim().is_empty()),
        request_key: Some(f.request_key),
    };
    match queue::issue(&s.app, Some(&actor), f.office_id, &input).await {
        Ok(v) => Ok(Redirect::to(&format!(
            "/ve/{}?k={}&in=1&quay=1",
            v.row.id, v.row.follow_secret
        ))
        .into_response()),
        Err(e) => then_page(&s, t, &actor, Err(e)).await,
    }
}

// ---------------------------------------------------------------------------------------------
// Configuration (heads and administrators)

#[derive(Template)]
#[template(path = "queue_config.html")]
struct ConfigPage {
    t: Locale,
    nav: Option<Nav>,
    c: QueueConfig,
    can_manage: bool,
    error: Option<String>,
}

async fn config_page(
    s: &AppState,
    t: Locale,
    actor: &Actor,
    office_id: Uuid,
    error: Option<String>,
) -> Result<Response, Failure> {
    let c = queue::config(&s.app, actor, office_id).await?;
    let can_manage = c.may_manage;
    let status = status_for(&error);
    page_with(
        status,
        ConfigPage {
            nav: Some(Nav::of(actor)),
            t,
            c,
            can_manage,
            error,
        },
    )
}

/// `/don-vi/{id}/xep-hang`: the office's services, what each counter serves, the settings.
pub async fn config(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    config_page(&s, t, &actor, id, None).await
}

async fn config_then(
    s: &AppState,
    t: Locale,
    actor: &Actor,
    office_id: Uuid,
    r: congbo_app::Result<()>,
) -> Result<Response, Failure> {
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/don-vi/{office_id}/xep-hang")).into_response()),
        Err(e) => {
            let msg = message_or_fail(&t, e)?;
            config_page(s, t, actor, office_id, Some(msg)).await
        }
    }
}

#[derive(Deserialize)]
pub struct GroupForm {
    letter: String,
    name: String,
}

pub async fn add_group(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<GroupForm>,
) -> Result<Response, Failure> {
    let r = queue::create_group(&s.app, &actor, id, &f.letter, &f.name, None)
        .await
        .map(drop);
    config_then(&s, t, &actor, id, r).await
}

/// The counter's services as posted: repeated `group_id` fields.
pub async fn set_services(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, counter)): PathParam<(Uuid, Uuid)>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    let groups: Vec<Uuid> = f
        .iter()
        .filter(|(k, _)| k == "group_id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let r = queue::set_counter_services(&s.app, &actor, counter, &groups).await;
    config_then(&s, t, &actor, id, r).await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    apology_after_minutes: u32,
    priority_burst: u32,
    no_show_after_recalls: u32,
    default_service_seconds: u32,
    notify_when_ahead: u32,
    /// Seconds "Mời số …" stays on the lobby display (kept when not sent).
    #[serde(default)]
    call_banner_seconds: Option<u32>,
    #[serde(default)]
    voice: Option<String>,
}

pub async fn save_settings(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<SettingsForm>,
) -> Result<Response, Failure> {
    let mut settings = queue::config(&s.app, &actor, id).await?.settings;
    settings.apology_after_minutes = f.apology_after_minutes;
    settings.priority_burst = f.priority_burst;
    settings.no_show_after_recalls = f.no_show_after_recalls;
    settings.default_service_seconds = f.default_service_seconds;
    settings.notify_when_ahead = f.notify_when_ahead;
    if let Some(n) = f.call_banner_seconds {
        settings.call_banner_seconds = n;
    }
    settings.voice = f.voice.is_some();
    let r = queue::put_settings(&s.app, &actor, id, &settings)
        .await
        .map(drop);
    config_then(&s, t, &actor, id, r).await
}
