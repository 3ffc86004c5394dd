//! A generated year of one province (or one commune): dossiers with their timelines, queue
//! tickets, ratings and feedback cases, day by day, as rows of the real tables; and what they
//! contribute to the rollups, computed by the functions `congbo rollup rebuild` uses
//! (`congbo_app::report::rollup::*_deltas`).
//!
//! Shape, from one seed:
//! - the year [`YEAR`], working days only (Monday–Friday without the public holidays), with
//!   seasonality: more before Tết and at the end of the year, a dip in the Tết month;
//! - communes of different sizes (0.4–2.4 × the mean);
//! - per dossier: 40 procedures (a few common, many rare), limits of 1–20 working days,
//!   counter 70 % / online 27 % / postal 3 %; outcomes: refused 1.5 %, withdrawn 1 %, late 4 %
//!   (half of them with an apology and a new date), on time 33.5 %, early the rest; 5 % had a
//!   supplement request;
//! - per commune and day: tickets ≈ 1.4 × dossiers (4 services, waits and service times
//!   roughly exponential, 5 % no-shows), ratings ≈ 0.5 × dossiers (one per rated ticket, level
//!   5 scale, 84 % satisfied), feedback ≈ 0.005 × dossiers (20 % conduct complaints).
//!
//! Every contribution of a row lands on its own day or later, so when the generator moves to
//! day D every counter of the days before D is final: [`Generator::day`] hands them over to be
//! written, and memory stays bounded by the few weeks a dossier stays open.

use std::collections::BTreeMap;

use anyhow::anyhow;
use congbo_domain::dossier::{DossierFacts, DossierState, OnTime, Reappointment, Supplement};
use congbo_domain::identity::Role;
use congbo_domain::report::rollup::{Delta, Metric};
use congbo_domain::time::micros;
use congbo_store::repo::rollup::{DossierSource, FeedbackSource, RatingSource, TicketSource};
use jiff::ToSpan;
use jiff::civil::{Date, DateTime, Weekday, date};
use uuid::Uuid;

use super::rows::{Rows, V};

/// The year generated: the last whole year before these benchmarks were written.
pub const YEAR: i16 = 2025;

/// Public holidays (days off) of 2025 and early 2026: New Year, Tết, Hùng Kings, 30/4–1/5,
/// National Day.
const HOLIDAYS: &[(i16, i8, i8, i8)] = &[
    // (year, month, first day, last day)
    (2025, 1, 1, 1),
    (2025, 1, 25, 31),
    (2025, 2, 1, 2),
    (2025, 4, 7, 7),
    (2025, 4, 30, 30),
    (2025, 5, 1, 2),
    (2025, 9, 1, 2),
    (2026, 1, 1, 1),
    (2026, 2, 14, 22),
];

/// Relative volume per month (January … December).
const MONTH_WEIGHT: [f64; 12] = [
    1.05, 0.75, 1.1, 1.0, 0.95, 1.0, 1.05, 1.1, 1.0, 1.0, 1.0, 1.15,
];

/// Limits (working days) of the procedures, in turn.
const LIMITS: [usize; 8] = [1, 3, 5, 5, 7, 10, 15, 20];
const PROCEDURES: usize = 40;
const OFFICERS: usize = 5;
const GROUPS: usize = 4;
const GROUP_WEIGHT: [f64; GROUPS] = [0.4, 0.3, 0.2, 0.1];
const LETTERS: [&str; GROUPS] = ["A", "B", "C", "D"];

/// SplitMix64: small, fast, reproducible.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Exponential with the given mean, capped.
    fn exp(&mut self, mean: f64, cap: f64) -> f64 {
        (-(1.0 - self.unit()).ln() * mean).min(cap)
    }
    /// An index drawn by cumulative weights (the last entry is the sum).
    fn pick(&mut self, cumulative: &[f64]) -> usize {
        let x = self.unit() * cumulative.last().copied().unwrap_or(0.0);
        cumulative
            .partition_point(|&c| c <= x)
            .min(cumulative.len() - 1)
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.next() % 10) as u8))
            .collect()
    }
}

fn cumulative(w: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    w.into_iter()
        .map(|x| {
            sum += x;
            sum
        })
        .collect()
}

fn is_holiday(d: Date) -> bool {
    HOLIDAYS
        .iter()
        .any(|&(y, m, a, b)| d.year() == y && d.month() == m && (a..=b).contains(&d.day()))
}

/// Working days from 1 January of [`YEAR`] to 31 March of the year after (due dates of
/// December's dossiers fall there).
pub fn working_days() -> Vec<Date> {
    let mut out = Vec::new();
    let mut d = date(YEAR, 1, 1);
    let end = date(YEAR + 1, 3, 31);
    while d <= end {
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(d) {
            out.push(d);
        }
        d = d.tomorrow().expect("date in range");
    }
    out
}

/// The relative volume of a working day: the month's weight, more in the week before Tết.
pub fn day_weight(d: Date) -> f64 {
    let m = MONTH_WEIGHT[(d.month() - 1) as usize];
    if d.year() == 2025 && d.month() == 1 && (20..=24).contains(&d.day()) {
        m * 1.3
    } else {
        m
    }
}

/// How many dossiers each working day of [`YEAR`] receives: `total` spread by [`day_weight`],
/// summing exactly to `total`.
pub fn daily_volume(days: &[Date], total: u64) -> Vec<u64> {
    let year: Vec<Date> = days.iter().copied().filter(|d| d.year() == YEAR).collect();
    let cum = cumulative(year.iter().map(|&d| day_weight(d)));
    let sum = cum.last().copied().unwrap_or(1.0);
    let mut prev = 0u64;
    cum.iter()
        .map(|c| {
            let upto = (total as f64 * c / sum).round() as u64;
            let n = upto - prev;
            prev = upto;
            n
        })
        .collect()
}

/// A commune made for the benchmark.
#[derive(Debug, Clone)]
pub struct Commune {
    pub id: Uuid,
    pub code: String,
    pub path: String,
    pub officers: [Uuid; OFFICERS],
    pub groups: [Uuid; GROUPS],
    /// Relative size (0.4–2.4).
    pub size: f64,
}

/// Deterministic ids that never meet the application's UUIDv7s: a 48-bit millisecond time,
/// version 7, a 12-bit `tag` per kind of row and a 62-bit counter.
pub fn make_id(ms: i64, tag: u16, counter: u64) -> Uuid {
    let ms = (ms.max(0) as u128) & 0xFFFF_FFFF_FFFF;
    Uuid::from_u128(
        (ms << 80)
            | (0x7 << 76)
            | (u128::from(tag & 0xFFF) << 64)
            | (0b10 << 62)
            | u128::from(counter & ((1 << 62) - 1)),
    )
}

/// The communes of the benchmark under `province_path`: codes `DB-B001`….
pub fn communes(province_path: &str, n: usize, seed: u64) -> Vec<Commune> {
    let mut rng = Rng::new(seed ^ 0xC0);
    (0..n)
        .map(|c| {
            let id = make_id(1_700_000_000_000, 0xB01, c as u64);
            Commune {
                id,
                code: format!("DB-B{:03}", c + 1),
                path: format!("{province_path}{}/", id.simple()),
                officers: std::array::from_fn(|k| id_of(0xB02, (c * OFFICERS + k) as u64)),
                groups: std::array::from_fn(|g| id_of(0xB03, (c * GROUPS + g) as u64)),
                size: 0.4 + 2.0 * rng.unit(),
            }
        })
        .collect()
}

fn id_of(tag: u16, counter: u64) -> Uuid {
    make_id(1_700_000_000_000, tag, counter)
}

pub fn procedure_code(k: usize) -> String {
    format!("1.00{:04}", 4000 + k)
}

/// What one working day produced, ready to write.
pub struct DayBatch {
    pub day: Date,
    /// `dossiers`, then `dossier_events`.
    pub dossiers: Vec<Rows>,
    /// `tickets`, `ratings`, `feedback_cases`.
    pub queue: Vec<Rows>,
    /// Final counters of the days before `day` (merged: no key twice).
    pub rollups: Vec<Delta>,
    pub counts: Counts,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub dossiers: u64,
    pub events: u64,
    pub tickets: u64,
    pub ratings: u64,
    pub feedback: u64,
    pub counters: u64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.dossiers += o.dossiers;
        self.events += o.events;
        self.tickets += o.tickets;
        self.ratings += o.ratings;
        self.feedback += o.feedback;
        self.counters += o.counters;
    }
}

type Key = (Date, Uuid, Metric, String);

pub struct Generator {
    communes: Vec<Commune>,
    commune_cum: Vec<f64>,
    proc_cum: Vec<f64>,
    group_cum: Vec<f64>,
    days: Vec<Date>,
    rng: Rng,
    acc: BTreeMap<Key, (i64, i64)>,
    serial: u64,
}

const DOSSIER_COLS: &[&str] = &[
    "id",
    "code",
    "secret",
    "office_id",
    "office_path",
    "handler_office_id",
    "handler_path",
    "procedure_code",
    "procedure_version",
    "procedure_name",
    "channel",
    "state",
    "applicant_name",
    "notify",
    "documents",
    "facts",
    "submitted_at",
    "received_at",
    "due_date",
    "current_due",
    "on_time",
    "closed_at",
    "apologies",
    "received_by",
    "version",
    "created_at",
    "updated_at",
];

const EVENT_COLS: &[&str] = &[
    "dossier_id",
    "seq",
    "at",
    "action",
    "from_state",
    "to_state",
    "actor_id",
    "actor_name",
    "actor_role",
    "office_id",
    "form",
    "detail",
];

const TICKET_COLS: &[&str] = &[
    "id",
    "office_id",
    "group_id",
    "first_group_id",
    "number",
    "serial",
    "day",
    "channel",
    "state",
    "issued_at",
    "enqueued_at",
    "first_called_at",
    "called_at",
    "officer_id",
    "serve_start",
    "serve_end",
    "closed_at",
    "follow_secret",
    "version",
];

const RATING_COLS: &[&str] = &[
    "id",
    "office_id",
    "subject_id",
    "ticket_id",
    "officer_id",
    "procedure_code",
    "group_id",
    "criterion",
    "channel",
    "scale",
    "value",
    "satisfied",
    "low",
    "reasons",
    "submission_id",
    "at",
    "day",
];

const FEEDBACK_COLS: &[&str] = &[
    "id",
    "code",
    "secret",
    "office_id",
    "office_path",
    "handler_office_id",
    "handler_path",
    "category",
    "channel",
    "privacy",
    "title",
    "content",
    "officer_id",
    "state",
    "reopened",
    "received_at",
    "day",
    "classify_due",
    "answer_due",
    "answer",
    "answered_at",
    "answered_on_time",
    "upheld",
    "disclosed",
    "version",
    "updated_at",
];

fn at(d: Date, minute: i64) -> DateTime {
    let m = minute.clamp(0, 24 * 60 - 1);
    d.at((m / 60) as i8, (m % 60) as i8, 0, 0)
}

fn app_err(e: congbo_app::AppError) -> anyhow::Error {
    anyhow!("{e}")
}

impl Generator {
    pub fn new(communes: Vec<Commune>, seed: u64) -> Generator {
        let commune_cum = cumulative(communes.iter().map(|c| c.size));
        Generator {
            communes,
            commune_cum,
            proc_cum: cumulative((0..PROCEDURES).map(|k| 1.0 / (k as f64 + 1.0))),
            group_cum: cumulative(GROUP_WEIGHT),
            days: working_days(),
            rng: Rng::new(seed),
            acc: BTreeMap::new(),
            serial: 0,
        }
    }

    pub fn days(&self) -> &[Date] {
        &self.days
    }

    fn add(&mut self, deltas: Vec<Delta>) {
        for d in deltas {
            let e = self
                .acc
                .entry((d.day, d.office_id, d.metric, d.dim))
                .or_default();
            e.0 += d.n;
            e.1 += d.total;
        }
    }

    /// The counters of days before `day` (all when `None`), removed from the accumulator.
    fn take_before(&mut self, day: Option<Date>) -> Vec<Delta> {
        let done = match day {
            Some(day) => {
                let later = self
                    .acc
                    .split_off(&(day, Uuid::nil(), Metric::ALL[0], String::new()));
                std::mem::replace(&mut self.acc, later)
            }
            None => std::mem::take(&mut self.acc),
        };
        done.into_iter()
            .filter(|(_, (n, t))| *n != 0 || *t != 0)
            .map(|((day, office_id, metric, dim), (n, total))| Delta {
                office_id,
                day,
                metric,
                dim,
                n,
                total,
            })
            .collect()
    }

    /// The counters not handed over yet (after the last day).
    pub fn finish(&mut self) -> Vec<Delta> {
        self.take_before(None)
    }

    /// Generate working day number `idx` of [`Generator::days`] with `n` dossiers.
    pub fn day(&mut self, idx: usize, n: u64) -> anyhow::Result<DayBatch> {
        let day = self.days[idx];
        let rollups = self.take_before(Some(day));
        let mut counts = Counts {
            counters: rollups.len() as u64,
            ..Counts::default()
        };
        let mut per_commune = vec![0u64; self.communes.len()];
        for _ in 0..n {
            per_commune[self.rng.pick(&self.commune_cum)] += 1;
        }
        let mut dossiers = Rows::new("dossiers", DOSSIER_COLS);
        let mut events = Rows::new("dossier_events", EVENT_COLS);
        let mut tickets = Rows::new("tickets", TICKET_COLS);
        let mut ratings = Rows::new("ratings", RATING_COLS);
        let mut feedback = Rows::new("feedback_cases", FEEDBACK_COLS);
        for c in 0..self.communes.len() {
            let k = per_commune[c];
            for j in 0..k {
                self.dossier(idx, c, j, k, &mut dossiers, &mut events)?;
            }
            let t = (k * 14 + 5) / 10;
            let served = (t as f64 * 0.95).max(1.0);
            let rate = (k as f64 * 0.5 / served).min(1.0);
            for j in 0..t {
                self.ticket(day, c, j, t, rate, &mut tickets, &mut ratings)?;
            }
            let expected = k as f64 * 0.005;
            let cases = (expected + self.rng.unit()).floor() as u64;
            for j in 0..cases {
                self.feedback(idx, c, j, &mut feedback)?;
            }
        }
        counts.dossiers = dossiers.len() as u64;
        counts.events = events.len() as u64;
        counts.tickets = tickets.len() as u64;
        counts.ratings = ratings.len() as u64;
        counts.feedback = feedback.len() as u64;
        Ok(DayBatch {
            day,
            dossiers: vec![dossiers, events],
            queue: vec![tickets, ratings, feedback],
            rollups,
            counts,
        })
    }

    fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    fn dossier(
        &mut self,
        idx: usize,
        c: usize,
        j: u64,
        k: u64,
        dossiers: &mut Rows,
        events: &mut Rows,
    ) -> anyhow::Result<()> {
        let days = &self.days;
        let day = days[idx];
        let cm = &self.communes[c];
        let rng = &mut self.rng;
        let received = at(day, 450 + (j * 540 / k.max(1)) as i64);
        let p = rng.pick(&self.proc_cum);
        let code_p = procedure_code(p);
        let limit = LIMITS[p % LIMITS.len()];
        let due_idx = idx + limit;
        let due = days[due_idx];
        let u = rng.unit();
        let channel = if u < 0.70 {
            "counter"
        } else if u < 0.97 {
            "online"
        } else {
            "postal"
        };
        let officer = cm.officers[rng.below(OFFICERS)];
        let received_by = (channel == "counter").then_some(officer);
        let mut facts = DossierFacts::received(received, due).map_err(|e| anyhow!("{e}"))?;
        let o = rng.unit();
        let mut evs: Vec<(&str, &str, &str, DateTime, Option<&str>)> = vec![(
            "receive",
            "submitted",
            "received",
            received,
            Some("receipt"),
        )];
        if rng.unit() < 0.05 && limit >= 3 {
            let asked = at(days[idx + 1], 600);
            let back = at(days[idx + 2], 600);
            facts.supplements.push(Supplement {
                requested_at: asked,
                completed_at: Some(back),
                reason: "Thiếu bản sao giấy tờ".into(),
                approved_by_head: false,
            });
            evs.push((
                "request_supplement",
                "received",
                "awaiting-supplement",
                asked,
                Some("supplement_request"),
            ));
            evs.push(("supplement", "awaiting-supplement", "received", back, None));
        }
        let (state, end) = if o < 0.025 {
            let refused = o < 0.015;
            let closed = at(days[idx + 1], 600);
            facts.state = if refused {
                DossierState::Refused
            } else {
                DossierState::Withdrawn
            };
            facts.closed_at = Some(closed);
            facts.on_time = Some(OnTime::Early);
            let (action, form) = if refused {
                ("refuse", Some("refusal"))
            } else {
                ("withdraw", None)
            };
            evs.push((action, "received", facts.state.as_str(), closed, form));
            (facts.state, closed)
        } else {
            let done_idx = if o < 0.065 {
                due_idx + 1 + rng.below(5)
            } else if o < 0.40 {
                due_idx
            } else {
                idx + rng.below(limit)
            };
            let soon = received.checked_add(30.minutes())?;
            let done = at(days[done_idx], 900).max(soon);
            if o < 0.045 {
                let apology = at(days[due_idx - 1], 900).max(soon);
                let new_due = days[due_idx + 3];
                facts.reappointments.push(Reappointment {
                    at: apology,
                    reason: "Cần xác minh thêm".into(),
                    new_due,
                    signer_role: Role::Head,
                });
                facts.on_time_reappointed = Some(if done.date() <= new_due {
                    OnTime::OnTime
                } else {
                    OnTime::Late
                });
                evs.push((
                    "apologize",
                    "received",
                    "received",
                    apology,
                    Some("apology"),
                ));
            }
            facts.on_time = Some(if done.date() > due {
                OnTime::Late
            } else if done.date() == due {
                OnTime::OnTime
            } else {
                OnTime::Early
            });
            facts.done_at = Some(done);
            let returned = at(days[done_idx + rng.below(3)], 570).max(done);
            facts.closed_at = Some(returned);
            facts.state = DossierState::Returned;
            evs.push(("finish", "received", "done", done, None));
            evs.push(("return", "done", "returned", returned, None));
            (DossierState::Returned, returned)
        };
        let id = make_id(micros(received) / 1000, 0xD05, self.serial.wrapping_add(1));
        self.serial += 1;
        let code = format!("{}-{}-{:04}", cm.code, day.strftime("%y%m%d"), j + 1);
        let facts_json = serde_json::to_string(&facts)?;
        let current_due = facts.current_due().map(|d| d.to_string());
        let src = DossierSource {
            id,
            office_id: cm.id,
            procedure_code: code_p.clone(),
            channel: channel.to_string(),
            received_by,
            facts: facts_json.clone(),
        };
        let deltas = congbo_app::report::rollup::dossier_deltas(&src).map_err(app_err)?;
        let received_us = micros(received);
        let end_us = micros(end);
        let secret = self.rng.digits(8);
        dossiers.push(vec![
            V::U(id),
            V::T(code),
            V::T(secret),
            V::U(cm.id),
            V::T(cm.path.clone()),
            V::U(cm.id),
            V::T(cm.path.clone()),
            V::T(code_p.clone()),
            V::I(1),
            V::T(format!("Thủ tục {code_p}")),
            V::T(channel.into()),
            V::T(state.as_str().into()),
            V::T("Nguyễn Văn An".into()),
            V::T(String::new()),
            V::T("[]".into()),
            V::T(facts_json),
            V::I(received_us),
            V::OI(Some(received_us)),
            V::OT(Some(due.to_string())),
            V::OT(current_due),
            V::OT(facts.on_time.map(|x| x.as_str().to_string())),
            V::OI(Some(end_us)),
            V::I(facts.reappointments.len() as i64),
            V::OU(received_by),
            V::I(evs.len() as i64),
            V::I(received_us),
            V::I(end_us),
        ]);
        for (seq, (action, from, to, t, form)) in evs.into_iter().enumerate() {
            events.push(vec![
                V::U(id),
                V::I(seq as i64 + 1),
                V::I(micros(t)),
                V::T(action.into()),
                V::OT(Some(from.into())),
                V::T(to.into()),
                V::OU(Some(officer)),
                V::T("Cán bộ một cửa".into()),
                V::OT(Some("officer".into())),
                V::U(cm.id),
                V::OT(form.map(str::to_string)),
                V::T("{}".into()),
            ]);
        }
        self.add(deltas);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn ticket(
        &mut self,
        day: Date,
        c: usize,
        j: u64,
        t: u64,
        rate: f64,
        tickets: &mut Rows,
        ratings: &mut Rows,
    ) -> anyhow::Result<()> {
        let cm = self.communes[c].clone();
        let g = self.rng.pick(&self.group_cum);
        let issued = micros(at(day, 450 + (j * 540 / t.max(1)) as i64));
        let wait = self.rng.exp(600.0, 7200.0) as i64;
        let called = issued + wait * 1_000_000;
        let no_show = self.rng.unit() < 0.05;
        let officer = cm.officers[self.rng.below(OFFICERS)];
        let u = self.rng.unit();
        let channel = if u < 0.85 {
            "kiosk"
        } else if u < 0.97 {
            "web"
        } else {
            "staff"
        };
        let (state, start, end) = if no_show {
            ("no-show", None, None)
        } else {
            let s = called + 20_000_000;
            let secs = 60 + self.rng.exp(420.0, 3600.0) as i64;
            ("done", Some(s), Some(s + secs * 1_000_000))
        };
        let serial = self.next_serial();
        let id = make_id(issued / 1000, 0x71C, serial);
        let src = TicketSource {
            id,
            office_id: cm.id,
            day: day.to_string(),
            first_group_id: cm.groups[g],
            group_id: cm.groups[g],
            channel: channel.into(),
            state: state.into(),
            issued_at: issued,
            first_called_at: Some(called),
            serve_start: start,
            serve_end: end,
            officer_id: Some(officer),
        };
        let deltas = congbo_app::report::rollup::ticket_deltas(&src).map_err(app_err)?;
        self.add(deltas);
        let follow = self.rng.digits(10);
        tickets.push(vec![
            V::U(id),
            V::U(cm.id),
            V::U(cm.groups[g]),
            V::U(cm.groups[g]),
            V::T(format!("{}{:03}", LETTERS[g], j + 1)),
            // Unique per office, day and service: the ticket's index in the day.
            V::I(j as i64 + 1),
            V::T(day.to_string()),
            V::T(channel.into()),
            V::T(state.into()),
            V::I(issued),
            V::I(issued),
            V::OI(Some(called)),
            V::OI(Some(called)),
            V::OU(Some(officer)),
            V::OI(start),
            V::OI(end),
            V::OI(Some(end.unwrap_or(called + 60_000_000))),
            V::T(follow),
            V::I(3),
        ]);
        if let Some(end) = end
            && self.rng.unit() < rate
        {
            let u = self.rng.unit();
            let value = if u < 0.58 {
                5
            } else if u < 0.84 {
                4
            } else if u < 0.93 {
                3
            } else if u < 0.97 {
                2
            } else {
                1
            };
            let p = procedure_code(self.rng.pick(&self.proc_cum));
            let rid = make_id(end / 1000, 0x8A7, serial);
            let src = RatingSource {
                id: rid,
                office_id: cm.id,
                day: day.to_string(),
                criterion: "overall".into(),
                scale: "level5".into(),
                value,
                satisfied: value >= 4,
                low: value <= 2,
                officer_id: Some(officer),
                procedure_code: Some(p.clone()),
                group_id: Some(cm.groups[g]),
                set_aside: false,
            };
            let deltas = congbo_app::report::rollup::rating_deltas(&src).map_err(app_err)?;
            self.add(deltas);
            ratings.push(vec![
                V::U(rid),
                V::U(cm.id),
                V::U(id),
                V::OU(Some(id)),
                V::OU(Some(officer)),
                V::OT(Some(p)),
                V::OU(Some(cm.groups[g])),
                V::T("overall".into()),
                V::T("counter-device".into()),
                V::T("level5".into()),
                V::I(value),
                V::B(value >= 4),
                V::B(value <= 2),
                V::T("[]".into()),
                V::U(id_of(0x5B1, serial)),
                V::I(end + 30_000_000),
                V::T(day.to_string()),
            ]);
        }
        Ok(())
    }

    fn feedback(&mut self, idx: usize, c: usize, j: u64, rows: &mut Rows) -> anyhow::Result<()> {
        let day = self.days[idx];
        let cm = self.communes[c].clone();
        let received = micros(at(day, 480 + self.rng.below(480) as i64));
        let conduct = self.rng.unit() < 0.2;
        let answer_due = self.days[idx + 10];
        let answered_day = self.days[idx + 2 + self.rng.below(11)];
        let answered = micros(at(answered_day, 900));
        let on_time = answered_day <= answer_due;
        let upheld = conduct && self.rng.unit() < 0.3;
        let officer = conduct.then(|| cm.officers[self.rng.below(OFFICERS)]);
        let serial = self.next_serial();
        let id = make_id(received / 1000, 0xFB0, serial);
        let category = if conduct { "conduct" } else { "procedure" };
        let src = FeedbackSource {
            id,
            office_id: cm.id,
            day: day.to_string(),
            category: category.into(),
            channel: "web".into(),
            answered_at: Some(answered),
            answered_on_time: Some(on_time),
            upheld: Some(upheld),
            officer_id: officer,
        };
        let deltas = congbo_app::report::rollup::feedback_deltas(&src).map_err(app_err)?;
        self.add(deltas);
        let secret = self.rng.digits(8);
        rows.push(vec![
            V::U(id),
            V::T(format!(
                "{}-PA-{}-{:04}",
                cm.code,
                day.strftime("%y%m%d"),
                j + 1
            )),
            V::T(secret),
            V::U(cm.id),
            V::T(cm.path.clone()),
            V::U(cm.id),
            V::T(cm.path.clone()),
            V::T(category.into()),
            V::T("web".into()),
            V::T("anonymous".into()),
            V::T("Phản ánh".into()),
            V::T("Nội dung phản ánh".into()),
            V::OU(officer),
            V::T("answered".into()),
            V::I(0),
            V::I(received),
            V::T(day.to_string()),
            V::T(self.days[idx + 2].to_string()),
            V::T(answer_due.to_string()),
            V::OT(Some("Trả lời".into())),
            V::OI(Some(answered)),
            V::OB(Some(on_time)),
            V::OB(Some(upheld)),
            V::B(false),
            V::I(4),
            V::I(answered),
        ]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_sums_exactly_and_follows_the_seasons() {
        let days = working_days();
        let v = daily_volume(&days, 1_000_003);
        assert_eq!(v.iter().sum::<u64>(), 1_000_003);
        let in_year: Vec<Date> = days.iter().copied().filter(|d| d.year() == YEAR).collect();
        assert_eq!(v.len(), in_year.len());
        let month = |m: i8| -> u64 {
            in_year
                .iter()
                .zip(&v)
                .filter(|(d, _)| d.month() == m)
                .map(|(_, n)| n)
                .sum()
        };
        // The Tết month (holidays and a lower weight) is the quietest; December the busiest.
        assert!((1..=12).filter(|&m| m != 2).all(|m| month(2) < month(m)));
        assert!(month(11) < month(12));
        // No dossier on a weekend or a holiday.
        assert!(!days.contains(&date(2025, 4, 30)) && !days.contains(&date(2025, 1, 28)));
        assert!(!days.iter().any(|d| d.weekday() == Weekday::Sunday));
    }

    #[test]
    fn ids_are_distinct_per_kind_and_ordered_by_time() {
        let a = make_id(1_735_700_000_000, 0xD05, 1);
        let b = make_id(1_735_700_000_001, 0xD05, 0);
        assert!(a < b);
        assert_ne!(make_id(5, 0xD05, 1), make_id(5, 0x71C, 1));
        assert_eq!(a.get_version_num(), 7);
    }
}
