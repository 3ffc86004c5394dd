//! `congbo demo --history N`: a realistic past for the demo province, so dashboards, the 766
//! index and reports are meaningful out of the box.
//!
//! The generator drives the real use cases (queue tickets, dossier intake and actions, counter
//! ratings, feedback) with a manual clock, stepping through the working days of the last N
//! months in time order; every rule (working-day deadlines, states, forms, audit rows) is applied
//! as in production. Everything random comes from one seeded generator, so a seed gives the same
//! history. Nobody is notified: demo applicants choose no notification channel, tickets come
//! from the kiosk without a contact and feedback is anonymous, so no outbox row is written that a
//! later `serve` would deliver to made-up people.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use congbo_domain::calendar::{LimitUnit, WorkCalendar, lunar};
use congbo_domain::catalog::{OfficeLevel, version_in_force};
use congbo_domain::privacy::access::Via;
use congbo_domain::queue::TicketAction;
use congbo_domain::rating::{Criterion, Submission};
use congbo_domain::time::{local_date, micros};
use congbo_store::Db;
use congbo_store::repo::staff as staff_repo;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use uuid::Uuid;

use crate::dossier::{self, ActionInput, NewDossier};
use crate::feedback::{self, ActInput, HandlerAction, NewFeedback};
use crate::queue::{self, IssueInput};
use crate::{Actor, App, AppError, Clock, Result, rating};
use congbo_domain::feedback::{Action, Category, Channel, Privacy};

/// The seed when none is given: the same demo on every machine.
pub const DEFAULT_SEED: u64 = 766;
/// The longest history offered.
pub const MAX_MONTHS: u32 = 24;
/// Kiosk tickets per unit and working day at size 1 and season 1.
const BASE_TICKETS: f64 = 1.0;
/// Share of served tickets that hand in a dossier.
const DOSSIER_SHARE: f64 = 0.75;
/// Share of finished tickets rated on the counter tablet.
const RATED_SHARE: f64 = 0.4;

/// What `--history` asks for.
#[derive(Debug, Clone, Copy)]
pub struct HistoryOptions {
    pub months: u32,
    pub seed: u64,
}

/// Running totals, printed at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub days: u64,
    pub tickets: u64,
    pub no_shows: u64,
    pub dossiers: u64,
    pub supplements: u64,
    pub refused: u64,
    pub withdrawn: u64,
    pub returned: u64,
    pub apologies: u64,
    pub late_missed: u64,
    pub ratings: u64,
    pub low_ratings: u64,
    pub feedback: u64,
    pub upheld: u64,
    /// Planned actions a rule refused (counted, not fatal), by error code.
    pub skipped: u64,
    pub skipped_codes: BTreeMap<&'static str, u64>,
}

impl Totals {
    fn skip(&mut self, code: &'static str) {
        tracing::debug!(code, "demo history: a planned action was refused");
        self.skipped += 1;
        *self.skipped_codes.entry(code).or_default() += 1;
    }
}

/// Reported after every simulated day.
pub struct Progress<'a> {
    pub day: usize,
    pub days: usize,
    pub date: Date,
    /// The last working day of its month (or of the history).
    pub month_done: bool,
    pub totals: &'a Totals,
}

/// What was made.
#[derive(Debug, Clone)]
pub struct HistoryReport {
    pub months: u32,
    pub from: Date,
    pub to: Date,
    pub totals: Totals,
}

/// Check the number of months. Error: `demo-history-months` (1–24).
pub fn check_months(months: u32) -> Result<()> {
    if (1..=MAX_MONTHS).contains(&months) {
        Ok(())
    } else {
        Err(congbo_domain::DomainError::field("demo-history-months", "history").into())
    }
}

/// An application whose clock starts the day before the history (07:00 local), so the demo's
/// offices and staff exist before their first dossier; the clock is then moved by [`generate`].
pub fn app_at_start(db: Db, months: u32) -> Result<(App, Arc<AtomicI64>)> {
    check_months(months)?;
    let today = local_date(jiff::Timestamp::now().as_microsecond());
    let start = first_day(today, months);
    let t = micros(start.yesterday().unwrap_or(start).at(7, 0, 0, 0));
    let clock = Arc::new(AtomicI64::new(t));
    Ok((App::with_clock(db, Clock::Manual(clock.clone())), clock))
}

fn first_day(today: Date, months: u32) -> Date {
    today
        .checked_sub(i64::from(months).months())
        .unwrap_or(today)
}

// ---------------------------------------------------------------------------------------------
// Calendar of days and the volume model

/// The working days from `from` to `to`, both included.
fn working_days(cal: &WorkCalendar, from: Date, to: Date) -> Vec<Date> {
    let mut days = Vec::new();
    let mut d = cal.working_day_on_or_after(from);
    while d <= to {
        days.push(d);
        d = cal.next_working_day(d);
    }
    days
}

/// Days from the nearest Tết (negative before it).
fn days_from_tet(date: Date) -> i64 {
    let jdn = lunar::jdn_from_date(date);
    [date.year() - 1, date.year(), date.year() + 1]
        .into_iter()
        .filter_map(|y| lunar::tet(i32::from(y)))
        .map(|t| jdn - lunar::jdn_from_date(t))
        .min_by_key(|d| d.abs())
        .unwrap_or(i64::MAX)
}

/// How busy a working day is, 1 = ordinary: busier in the three weeks before Tết, quiet in the
/// two after, busier in the last ten days of a quarter and on Mondays.
fn season(date: Date) -> f64 {
    let mut f = match days_from_tet(date) {
        -21..=-1 => 1.4,
        0..=14 => 0.55,
        15..=28 => 0.85,
        _ => 1.0,
    };
    if date.month() % 3 == 0 && date.day() >= 20 {
        f *= 1.2;
    }
    f * match date.weekday() {
        Weekday::Monday => 1.15,
        Weekday::Friday => 0.9,
        _ => 1.0,
    }
}

/// A unit's size: wards and large communes are busier than remote ones.
fn size(code: &str) -> f64 {
    match code {
        "DB-DBP" | "DB-MT" => 1.6,
        "DB-TL" | "DB-TG" | "DB-MA" | "DB-TN" => 1.2,
        "DB-MN" | "DB-TP" | "DB-NP" | "DB-SC" | "DB-PN" => 0.5,
        _ => 0.8,
    }
}

/// Units whose second desk officer serves worse (lower ratings, upheld complaints).
fn has_weak_officer(unit: usize) -> bool {
    unit % 5 == 2
}

// ---------------------------------------------------------------------------------------------
// The world: offices, counters, officers

struct Desk {
    counter_id: Uuid,
    group_id: Uuid,
    officer: Actor,
    /// The counter tablet's secret.
    tablet: String,
    /// Procedure codes handled at this counter.
    procedures: Vec<String>,
}

struct Unit {
    office_id: Uuid,
    /// Recalls the office requires before a no-show.
    recalls: u32,
    size: f64,
    head: Actor,
    reception: Actor,
    specialist: Actor,
    desks: Vec<Desk>,
}

async fn actor(app: &App, username: &str) -> Result<Actor> {
    let mut tx = app.db.read().await?;
    let user = staff_repo::get_by_username(&mut tx, username)
        .await?
        .ok_or(AppError::NotFound("user-not-found"))?;
    let principal = crate::auth::load_principal(&mut tx, user.id)
        .await?
        .ok_or(AppError::NotFound("user-not-found"))?;
    tx.commit().await?;
    Ok(Actor {
        principal,
        request_id: None,
        session_hash: None,
    })
}

/// Commune-level procedures in force over the whole history, by counter (the group's field).
fn procedures_for(counter: usize, from: Date, to: Date) -> Vec<String> {
    let all = congbo_domain::catalog::demo_procedures();
    let mut codes: Vec<String> = all
        .iter()
        .filter(|v| v.procedure.level == OfficeLevel::Commune)
        .filter(|v| {
            v.procedure.limit.unit == LimitUnit::WorkingDays && v.procedure.limit.amount <= 20
        })
        .map(|v| v.procedure.code.as_str().to_string())
        .collect();
    // The counter's own fields; a counter whose fields the demo catalogue lacks takes any.
    let own: Vec<String> = all
        .iter()
        .filter(|v| counter_of_field(&v.procedure.field) == counter)
        .map(|v| v.procedure.code.as_str().to_string())
        .filter(|c| codes.contains(c))
        .collect();
    if !own.is_empty() {
        codes = own;
    }
    codes.sort();
    codes.dedup();
    codes.retain(|c| {
        let vs: Vec<_> = all
            .iter()
            .filter(|v| v.procedure.code.as_str() == c)
            .cloned()
            .collect();
        version_in_force(&vs, from).is_some() && version_in_force(&vs, to).is_some()
    });
    codes
}

fn counter_of_field(field: &str) -> usize {
    let f = field.to_lowercase();
    if f.contains("hộ tịch") || f.contains("chứng thực") || f.contains("cư trú") {
        0
    } else if f.contains("đất") || f.contains("xây dựng") || f.contains("môi trường") {
        1
    } else {
        2
    }
}

/// Sign the desk officers in (counter 1 and 2: the two reception officers, counter 3: the
/// deputy) and pair a rating tablet with every counter.
async fn load_unit(app: &App, code: &str, short: &str, from: Date, to: Date) -> Result<Unit> {
    let head = actor(app, &format!("{short}.truong")).await?;
    let officers = [
        actor(app, &format!("{short}.motcua1")).await?,
        actor(app, &format!("{short}.motcua2")).await?,
        actor(app, &format!("{short}.pho")).await?,
    ];
    let office_id = queue::display::office_id(app, code).await?;
    let config = queue::config(app, &head, office_id).await?;
    let mut desks = Vec::new();
    for (i, (k, officer)) in config.counters.iter().zip(officers).enumerate() {
        queue::sign_in(app, &officer, k.id).await?;
        let pairing = rating::pair_start(app, &head, k.id).await?;
        let tablet = rating::pair_complete(app, k.id, &pairing.code).await?;
        let group_id = *k
            .groups
            .first()
            .ok_or(AppError::NotFound("group-not-found"))?;
        desks.push(Desk {
            counter_id: k.id,
            group_id,
            officer,
            tablet,
            procedures: procedures_for(i, from, to),
        });
    }
    Ok(Unit {
        office_id,
        recalls: config.settings.no_show_after_recalls,
        size: size(code),
        reception: actor(app, &format!("{short}.motcua1")).await?,
        specialist: actor(app, &format!("{short}.chuyenvien")).await?,
        head,
        desks,
    })
}

// ---------------------------------------------------------------------------------------------
// Steps and their order

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fate {
    Normal,
    Late { kept: bool },
    Refused,
    Withdrawn,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Issue {
        unit: usize,
        desk: usize,
    },
    Serve {
        unit: usize,
        desk: usize,
        no_show: bool,
    },
    Finish {
        unit: usize,
        desk: usize,
    },
    Dossier {
        unit: usize,
        id: Uuid,
        fate: Fate,
        act: Act,
    },
    Feedback {
        unit: usize,
    },
    FeedbackAct {
        unit: usize,
        id: Uuid,
        answer: Option<Option<bool>>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Act {
    SupplementBack,
    Transfer,
    Finish,
    Return,
    Refuse,
    Withdraw,
    Apologize,
}

/// Seconds of the local day; the sequence number keeps planning order among equal times.
type Planned = Reverse<(u32, u64, Step)>;

struct Sim<'a> {
    app: &'a App,
    clock: &'a AtomicI64,
    cal: Arc<WorkCalendar>,
    rng: StdRng,
    units: Vec<Unit>,
    /// Steps planned for later days.
    agenda: BTreeMap<Date, Vec<(u32, Step)>>,
    today: Date,
    now_sec: u32,
    heap: BinaryHeap<Planned>,
    seq: u64,
    /// The ticket at each counter (unit, desk).
    serving: BTreeMap<(usize, usize), Uuid>,
    totals: Totals,
}

const fn hm(h: u32, m: u32) -> u32 {
    h * 3600 + m * 60
}

impl Sim<'_> {
    fn push(&mut self, sec: u32, step: Step) {
        self.seq += 1;
        self.heap.push(Reverse((sec, self.seq, step)));
    }

    /// Plan `step` on `date` at `sec`, or later today when the date is today.
    fn plan(&mut self, date: Date, sec: u32, step: Step) {
        if date <= self.today {
            let sec = sec.max(self.now_sec + 60);
            self.push(sec, step);
        } else {
            self.agenda.entry(date).or_default().push((sec, step));
        }
    }

    /// Plan the dossier's next action.
    fn plan_dossier(&mut self, date: Date, sec: u32, unit: usize, id: Uuid, fate: Fate, act: Act) {
        let step = Step::Dossier {
            unit,
            id,
            fate,
            act,
        };
        self.plan(date, sec, step);
    }

    fn set_clock(&self, sec: u32) {
        let t = self.today.at(
            (sec / 3600) as i8,
            ((sec / 60) % 60) as i8,
            (sec % 60) as i8,
            0,
        );
        self.clock.store(micros(t), Ordering::SeqCst);
    }

    fn add_wd(&self, d: Date, n: u32) -> Date {
        self.cal.add_working_days(d, n)
    }

    /// `d` plus a number of working days drawn from `r`.
    fn add_wd_in(&mut self, d: Date, r: std::ops::Range<u32>) -> Date {
        let n = self.rng.random_range(r);
        self.add_wd(d, n)
    }

    fn office_time(&mut self) -> u32 {
        if self.rng.random_bool(0.6) {
            self.rng.random_range(hm(7, 45)..hm(11, 0))
        } else {
            self.rng.random_range(hm(13, 45)..hm(16, 30))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// One day

/// Kiosk arrivals of one counter through the day, in seconds (two thirds in the morning).
fn arrivals(rng: &mut StdRng, n: usize) -> Vec<u32> {
    let mut a: Vec<u32> = (0..n)
        .map(|_| {
            if rng.random_bool(0.65) {
                rng.random_range(hm(7, 20)..hm(11, 0))
            } else {
                rng.random_range(hm(13, 20)..hm(16, 15))
            }
        })
        .collect();
    a.sort_unstable();
    a
}

/// Plan one counter's day: one officer serves in arrival order; waits follow from the load.
fn plan_counter(sim: &mut Sim<'_>, unit: usize, desk: usize, n: usize) {
    let times = arrivals(&mut sim.rng, n);
    let mut free = hm(7, 30);
    for a in times {
        sim.push(a, Step::Issue { unit, desk });
        let mut call = a.max(free);
        if (hm(11, 30)..hm(13, 30)).contains(&call) {
            call = hm(13, 30);
        }
        let no_show = sim.rng.random_bool(0.04);
        sim.push(
            call,
            Step::Serve {
                unit,
                desk,
                no_show,
            },
        );
        let service = if no_show {
            90
        } else {
            sim.rng.random_range(240..1200) + sim.rng.random_range(0..600)
        };
        if !no_show {
            sim.push(call + service, Step::Finish { unit, desk });
        }
        free = call + service + 45;
    }
}

/// Plan the queue and the feedback of one unit for today.
fn plan_unit_day(sim: &mut Sim<'_>, unit: usize) {
    let base = BASE_TICKETS * sim.units[unit].size * season(sim.today);
    for desk in 0..sim.units[unit].desks.len() {
        // Civil status is the busiest counter.
        let weight = [1.4, 0.8, 0.8][desk.min(2)];
        let mean = base * weight;
        let n = (mean * sim.rng.random_range(0.6..1.4)).round() as usize;
        plan_counter(sim, unit, desk, n);
    }
    if sim.rng.random_bool((0.012 * sim.units[unit].size).min(1.0)) {
        let at = sim.office_time();
        sim.push(at, Step::Feedback { unit });
    }
}

async fn run_day(sim: &mut Sim<'_>) -> Result<()> {
    sim.now_sec = 0;
    for (sec, step) in sim.agenda.remove(&sim.today).unwrap_or_default() {
        sim.push(sec, step);
    }
    for unit in 0..sim.units.len() {
        plan_unit_day(sim, unit);
    }
    while let Some(Reverse((sec, _, step))) = sim.heap.pop() {
        sim.now_sec = sec;
        sim.set_clock(sec);
        match run_step(sim, step).await {
            Ok(()) => {}
            Err(AppError::Invalid(e)) => sim.totals.skip(e.code),
            Err(AppError::Conflict(c)) => sim.totals.skip(c),
            Err(e) => return Err(e),
        }
    }
    sim.totals.days += 1;
    Ok(())
}

async fn run_step(sim: &mut Sim<'_>, step: Step) -> Result<()> {
    match step {
        Step::Issue { unit, desk } => issue(sim, unit, desk).await,
        Step::Serve {
            unit,
            desk,
            no_show,
        } => serve(sim, unit, desk, no_show).await,
        Step::Finish { unit, desk } => finish_ticket(sim, unit, desk).await,
        Step::Dossier {
            unit,
            id,
            fate,
            act,
        } => dossier_step(sim, unit, id, fate, act).await,
        Step::Feedback { unit } => submit_feedback(sim, unit).await,
        Step::FeedbackAct { unit, id, answer } => feedback_step(sim, unit, id, answer).await,
    }
}

// ---------------------------------------------------------------------------------------------
// The queue

async fn issue(sim: &mut Sim<'_>, unit: usize, desk: usize) -> Result<()> {
    let u = &sim.units[unit];
    let input = IssueInput {
        group_id: u.desks[desk].group_id,
        channel: Some("kiosk".into()),
        priority: None,
        request_key: None,
    };
    queue::issue(sim.app, None, u.office_id, &input).await?;
    sim.totals.tickets += 1;
    Ok(())
}

/// Call the next citizen; a no-show is marked at once, otherwise service starts and most
/// citizens hand in a dossier.
async fn serve(sim: &mut Sim<'_>, unit: usize, desk: usize, no_show: bool) -> Result<()> {
    let d = &sim.units[unit].desks[desk];
    let t = queue::call_next(sim.app, &d.officer, Some(d.counter_id)).await?;
    let id = t.row.id;
    if no_show {
        for _ in 0..sim.units[unit].recalls {
            queue::act(sim.app, &d.officer, id, TicketAction::Recall, None).await?;
        }
        queue::act(sim.app, &d.officer, id, TicketAction::NoShow, None).await?;
        sim.totals.no_shows += 1;
        return Ok(());
    }
    queue::act(sim.app, &d.officer, id, TicketAction::Start, None).await?;
    sim.serving.insert((unit, desk), id);
    if !d.procedures.is_empty() && sim.rng.random_bool(DOSSIER_SHARE) {
        intake(sim, unit, desk, id).await?;
    }
    Ok(())
}

async fn finish_ticket(sim: &mut Sim<'_>, unit: usize, desk: usize) -> Result<()> {
    let Some(id) = sim.serving.remove(&(unit, desk)) else {
        return Ok(());
    };
    let d = &sim.units[unit].desks[desk];
    queue::act(sim.app, &d.officer, id, TicketAction::Finish, None).await?;
    if sim.rng.random_bool(RATED_SHARE) {
        rate(sim, unit, desk, id).await?;
    }
    Ok(())
}

/// A rating on the counter tablet: mostly satisfied, worse for the weak officers.
async fn rate(sim: &mut Sim<'_>, unit: usize, desk: usize, ticket: Uuid) -> Result<()> {
    let weak = desk == 1 && has_weak_officer(unit);
    let r: f64 = sim.rng.random_range(0.0..1.0);
    // Level 3: 1 very satisfied, 2 satisfied, 3 not satisfied.
    let value = match (weak, r) {
        (false, r) if r < 0.55 => 1,
        (false, r) if r < 0.965 => 2,
        (true, r) if r < 0.35 => 1,
        (true, r) if r < 0.77 => 2,
        _ => 3,
    };
    let reasons = if value == 3 {
        let all = ["cho-lau", "khong-chao-hoi", "huong-dan-khong-ro"];
        vec![all[sim.rng.random_range(0..all.len())].to_string()]
    } else {
        Vec::new()
    };
    let sub = Submission {
        values: vec![(Criterion::Overall, value)],
        reasons,
        comment: None,
        trips: None,
    };
    let d = &sim.units[unit].desks[desk];
    rating::rate_at_counter(
        sim.app,
        d.counter_id,
        Some(&d.tablet),
        ticket,
        &sub,
        None,
        None,
    )
    .await?;
    sim.totals.ratings += 1;
    if value == 3 {
        sim.totals.low_ratings += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Dossiers

const FAMILY: [&str; 12] = [
    "Lò", "Quàng", "Lường", "Cà", "Tòng", "Vì", "Nguyễn", "Trần", "Giàng", "Sùng", "Mùa", "Hoàng",
];
const MIDDLE: [&str; 4] = ["Văn", "Thị", "A", "Minh"];
const GIVEN: [&str; 12] = [
    "Thắng", "Mai", "Hoa", "Dũng", "Páo", "Dế", "Xuân", "Bình", "Chinh", "Sinh", "Hương", "Tú",
];

fn citizen_name(rng: &mut StdRng) -> String {
    format!(
        "{} {} {}",
        FAMILY[rng.random_range(0..FAMILY.len())],
        MIDDLE[rng.random_range(0..MIDDLE.len())],
        GIVEN[rng.random_range(0..GIVEN.len())]
    )
}

fn draw_fate(rng: &mut StdRng) -> Fate {
    let r: f64 = rng.random_range(0.0..1.0);
    if r < 0.025 {
        Fate::Refused
    } else if r < 0.04 {
        Fate::Withdrawn
    } else if r < 0.09 {
        Fate::Late {
            kept: rng.random_bool(0.8),
        }
    } else {
        Fate::Normal
    }
}

/// The desk receives a dossier for the ticket being served. Some lack a document (Form 02) and
/// come back later; the others go on to the specialist.
async fn intake(sim: &mut Sim<'_>, unit: usize, desk: usize, ticket: Uuid) -> Result<()> {
    let d = &sim.units[unit].desks[desk];
    let code = d.procedures[sim.rng.random_range(0..d.procedures.len())].clone();
    let missing = sim.rng.random_bool(0.07);
    let input = NewDossier {
        procedure_code: code,
        applicant_name: citizen_name(&mut sim.rng),
        // One document handed in: the rest is asked for on Form 02.
        provided_documents: missing.then(|| vec![0]),
        ticket_id: Some(ticket),
        // The simulation finishes the ticket itself, at its own time.
        keep_ticket: true,
        ..NewDossier::default()
    };
    let v = dossier::create(sim.app, &d.officer, &input).await?;
    sim.totals.dossiers += 1;
    let fate = draw_fate(&mut sim.rng);
    let id = v.row.id;
    let next = if v.effective_due.is_none() {
        sim.totals.supplements += 1;
        if !sim.rng.random_bool(0.85) {
            return Ok(()); // never came back
        }
        let back = sim.add_wd_in(sim.today, 1..5);
        (
            back,
            hm(8, 0) + sim.rng.random_range(0..3 * 3600),
            Act::SupplementBack,
        )
    } else {
        let later = sim.now_sec + sim.rng.random_range(1800..7200);
        (sim.today, later, Act::Transfer)
    };
    let (date, sec, act) = next;
    let date = if sec > hm(16, 30) {
        sim.add_wd(date, 1)
    } else {
        date
    };
    let sec = if sec > hm(16, 30) { hm(8, 0) } else { sec };
    sim.plan_dossier(date, sec, unit, id, fate, act);
    Ok(())
}

fn input_of(sim: &Sim<'_>, unit: usize, act: Act, new_due: Option<Date>) -> ActionInput {
    match act {
        Act::SupplementBack => ActionInput::SupplementReceived,
        Act::Transfer => ActionInput::Transfer {
            to_step: None,
            to_office_id: None,
            assignee_id: Some(sim.units[unit].specialist.principal.user_id),
            note: Some("Chuyển công chức chuyên môn".into()),
        },
        Act::Finish => ActionInput::Finish { note: None },
        Act::Return => ActionInput::Return,
        Act::Refuse => ActionInput::Refuse {
            reason: "Hồ sơ không đủ điều kiện theo quy định".into(),
        },
        Act::Withdraw => ActionInput::Withdraw,
        Act::Apologize => ActionInput::Apologize {
            reason: "Cần xác minh thêm với cơ quan liên quan".into(),
            new_due: new_due.unwrap_or(sim.today).to_string(),
        },
    }
}

fn actor_for(u: &Unit, act: Act) -> &Actor {
    match act {
        Act::SupplementBack | Act::Transfer | Act::Return | Act::Withdraw => &u.reception,
        Act::Finish | Act::Refuse => &u.specialist,
        Act::Apologize => &u.head,
    }
}

async fn dossier_step(
    sim: &mut Sim<'_>,
    unit: usize,
    id: Uuid,
    fate: Fate,
    act: Act,
) -> Result<()> {
    let new_due = match act {
        Act::Apologize => {
            let v = dossier::get(sim.app, &sim.units[unit].head, id, Via::Page).await?;
            let due = v.effective_due.unwrap_or(sim.today).max(sim.today);
            Some(sim.add_wd_in(due, 2..5))
        }
        _ => None,
    };
    let input = input_of(sim, unit, act, new_due);
    let actor = actor_for(&sim.units[unit], act);
    let mut v = dossier::act(sim.app, actor, id, &input).await?;
    if act == Act::SupplementBack {
        v = dossier::act(sim.app, actor, id, &ActionInput::Receive).await?;
    }
    count(&mut sim.totals, act, fate);
    let due = v.effective_due.unwrap_or(sim.today);
    plan_next(sim, unit, id, fate, act, due);
    Ok(())
}

fn count(t: &mut Totals, act: Act, fate: Fate) {
    match act {
        Act::Refuse => t.refused += 1,
        Act::Withdraw => t.withdrawn += 1,
        Act::Apologize => t.apologies += 1,
        Act::Return => t.returned += 1,
        Act::Finish if fate == (Fate::Late { kept: false }) => t.late_missed += 1,
        _ => {}
    }
}

/// A working day from `from` to `to` (both included), drawn with a bias to the early ones.
fn day_between(sim: &mut Sim<'_>, from: Date, to: Date) -> Date {
    let days = working_days(&sim.cal, from, to);
    if days.is_empty() {
        return from;
    }
    let a = sim.rng.random_range(0..days.len());
    let b = sim.rng.random_range(0..days.len());
    days[a.max(b)]
}

/// What follows an action, by the dossier's fate.
fn plan_next(sim: &mut Sim<'_>, unit: usize, id: Uuid, fate: Fate, done: Act, due: Date) {
    let today = sim.today;
    // Past its date already (a same-day procedure handed on the next morning): a late one.
    let fate = match fate {
        Fate::Normal if done == Act::Transfer && due < today => Fate::Late { kept: true },
        f => f,
    };
    let next = match (done, fate) {
        (Act::SupplementBack, _) => Some((today, sim.now_sec + 1800, Act::Transfer)),
        (Act::Transfer, Fate::Refused) => {
            let d = day_between(sim, today, due);
            Some((d, hm(14, 0), Act::Refuse))
        }
        (Act::Transfer, Fate::Withdrawn) => Some((sim.add_wd(today, 1), hm(9, 0), Act::Withdraw)),
        (Act::Transfer, Fate::Late { .. }) => Some((due, hm(8, 15), Act::Apologize)),
        (Act::Transfer, Fate::Normal) => {
            let d = day_between(sim, today, due);
            Some((d, hm(14, 30) + sim.rng.random_range(0..5400), Act::Finish))
        }
        (Act::Apologize, Fate::Late { kept: true }) => {
            let from = sim.add_wd(today, 1);
            Some((day_between(sim, from, due), hm(15, 0), Act::Finish))
        }
        (Act::Apologize, _) => {
            let d = sim.add_wd_in(due, 1..3);
            Some((d, hm(15, 0), Act::Finish))
        }
        (Act::Finish, _) => {
            let d = sim.add_wd_in(today, 0..4);
            Some((d, hm(8, 0) + sim.rng.random_range(0..7 * 3600), Act::Return))
        }
        _ => None,
    };
    if let Some((date, sec, act)) = next {
        sim.plan_dossier(date, sec, unit, id, fate, act);
    }
}

// ---------------------------------------------------------------------------------------------
// Feedback

/// A citizen's anonymous feedback: about a procedure, or a complaint naming a desk officer
/// (the weak ones more often).
async fn submit_feedback(sim: &mut Sim<'_>, unit: usize) -> Result<()> {
    let conduct = sim.rng.random_bool(0.45);
    let u = &sim.units[unit];
    let weak = has_weak_officer(unit);
    let named = if conduct {
        let desk = if weak && sim.rng.random_bool(0.7) {
            1
        } else {
            sim.rng.random_range(0..2)
        };
        Some((desk, u.desks[desk].officer.principal.user_id))
    } else {
        None
    };
    let input = NewFeedback {
        office_id: u.office_id,
        category: if conduct {
            Category::Conduct
        } else {
            Category::Procedure
        },
        channel: Channel::Web,
        privacy: Privacy::Anonymous,
        name: None,
        contact: None,
        address: None,
        title: None,
        reference: None,
        attachments: Vec::new(),
        content: if conduct {
            "Cán bộ tiếp nhận không chào hỏi, để người dân chờ lâu mà không giải thích.".into()
        } else {
            "Thủ tục yêu cầu nhiều giấy tờ, đề nghị hướng dẫn rõ hơn trên bảng niêm yết.".into()
        },
        officer_id: named.map(|n| n.1),
        clause: conduct.then(|| "10-nguyen-tac/chao-hoi".to_string()),
    };
    let r = feedback::submit(sim.app, None, &input).await?;
    sim.totals.feedback += 1;
    let upheld = named.map(|(desk, _)| {
        let p = if desk == 1 && weak { 0.75 } else { 0.25 };
        sim.rng.random_bool(p)
    });
    let accept = sim.add_wd(sim.today, 1);
    sim.plan(
        accept,
        hm(9, 0),
        Step::FeedbackAct {
            unit,
            id: r.id,
            answer: None,
        },
    );
    let answer = sim.add_wd_in(accept, 2..9);
    sim.plan(
        answer,
        hm(15, 0),
        Step::FeedbackAct {
            unit,
            id: r.id,
            answer: Some(upheld),
        },
    );
    Ok(())
}

/// The head accepts the case, and later answers it (a conduct complaint: upheld or not).
async fn feedback_step(
    sim: &mut Sim<'_>,
    unit: usize,
    id: Uuid,
    answer: Option<Option<bool>>,
) -> Result<()> {
    let head = &sim.units[unit].head;
    let Some(upheld) = answer else {
        feedback::act(
            sim.app,
            head,
            id,
            HandlerAction::Step(Action::Accept),
            &ActInput::default(),
        )
        .await?;
        return Ok(());
    };
    let text = match upheld {
        Some(true) => "Phản ánh đúng; cơ quan đã phê bình cán bộ và xin lỗi ông/bà.",
        Some(false) => "Đã xác minh: cán bộ thực hiện đúng quy trình; cảm ơn ông/bà đã phản ánh.",
        None => "Cơ quan đã tiếp thu và bổ sung hướng dẫn tại bộ phận một cửa.",
    };
    let input = ActInput {
        text: Some(text.into()),
        upheld,
        ..ActInput::default()
    };
    feedback::act(
        sim.app,
        head,
        id,
        HandlerAction::Step(Action::Answer),
        &input,
    )
    .await?;
    if upheld == Some(true) {
        sim.totals.upheld += 1;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The whole history

/// Fill the last `opts.months` months up to yesterday on the demo made by
/// [`super::fill_for_history`], with `app` and `clock` from [`app_at_start`].
pub async fn generate(
    app: &App,
    clock: &AtomicI64,
    opts: &HistoryOptions,
    progress: &mut dyn FnMut(&Progress<'_>),
) -> Result<HistoryReport> {
    check_months(opts.months)?;
    let cal = app.calendar().await?;
    let today = local_date(jiff::Timestamp::now().as_microsecond());
    let to = today.yesterday().unwrap_or(today);
    let from = first_day(today, opts.months);
    let mut units = Vec::new();
    for (code, _, _, short) in super::units(true) {
        units.push(load_unit(app, code, short, from, to).await?);
    }
    let days = working_days(&cal, from, to);
    let mut sim = Sim {
        app,
        clock,
        cal,
        rng: StdRng::seed_from_u64(opts.seed),
        units,
        agenda: BTreeMap::new(),
        today: from,
        now_sec: 0,
        heap: BinaryHeap::new(),
        seq: 0,
        serving: BTreeMap::new(),
        totals: Totals::default(),
    };
    for (i, &day) in days.iter().enumerate() {
        sim.today = day;
        run_day(&mut sim).await?;
        let month_done = days.get(i + 1).is_none_or(|n| n.month() != day.month());
        progress(&Progress {
            day: i + 1,
            days: days.len(),
            date: day,
            month_done,
            totals: &sim.totals,
        });
    }
    Ok(HistoryReport {
        months: opts.months,
        from,
        to,
        totals: sim.totals,
    })
}
