//! Queue figures per office, service, counter, officer and hour: tickets issued, served,
//! no-shows, wait and service times (median, 90th percentile), apologies for waiting.

use std::collections::BTreeMap;

use congbo_domain::DomainError;
use congbo_domain::identity::Perm;
use congbo_domain::queue::{TicketState, percentile};
use congbo_domain::time::{Days, local, local_date, parse_day};
use congbo_store::Tx;
use congbo_store::repo::office as office_repo;
use congbo_store::repo::queue::{self as repo, TicketRow};
use jiff::civil::Date;
use uuid::Uuid;

use crate::access::{office, path};
use crate::settings::queue_settings;
use crate::staff::name_of;
use crate::{Actor, App, AppError, Result};

/// One line of figures. Times in minutes, `None` when there is no sample.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StatsLine {
    pub key: String,
    pub label: String,
    pub issued: u32,
    pub served: u32,
    pub no_show: u32,
    pub waiting: u32,
    pub priority: u32,
    pub apologies: u32,
    /// Waited past the office's threshold (whether or not an apology was made).
    pub waited_too_long: u32,
    pub wait_median: Option<f64>,
    pub wait_p90: Option<f64>,
    pub service_median: Option<f64>,
    pub service_p90: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QueueStats {
    pub office_id: Uuid,
    pub office_code: String,
    pub from: Date,
    pub to: Date,
    pub total: StatsLine,
    pub by_service: Vec<StatsLine>,
    pub by_counter: Vec<StatsLine>,
    pub by_officer: Vec<StatsLine>,
    /// Local hour of issue (`08`, `09`, …).
    pub by_hour: Vec<StatsLine>,
}

#[derive(Default)]
struct Acc {
    line: StatsLine,
    waits: Vec<f64>,
    services: Vec<f64>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl Acc {
    fn add(&mut self, t: &TicketRow, threshold_min: f64) {
        let l = &mut self.line;
        l.issued += 1;
        match TicketState::parse(&t.state) {
            Ok(TicketState::Done) => l.served += 1,
            Ok(TicketState::NoShow) => l.no_show += 1,
            Ok(TicketState::Waiting) => l.waiting += 1,
            _ => {}
        }
        if t.priority.is_some() {
            l.priority += 1;
        }
        if t.apologized_at.is_some() {
            l.apologies += 1;
        }
        if let Some(c) = t.first_called_at {
            let w = (c - t.issued_at) as f64 / 60e6;
            if w > threshold_min {
                l.waited_too_long += 1;
            }
            self.waits.push(w);
        }
        if let (Some(a), Some(b)) = (t.serve_start, t.serve_end) {
            self.services.push((b - a) as f64 / 60e6);
        }
    }
    fn finish(mut self, key: String, label: String) -> StatsLine {
        self.line.key = key;
        self.line.label = label;
        self.line.wait_median = percentile(&self.waits, 50.0).map(round1);
        self.line.wait_p90 = percentile(&self.waits, 90.0).map(round1);
        self.line.service_median = percentile(&self.services, 50.0).map(round1);
        self.line.service_p90 = percentile(&self.services, 90.0).map(round1);
        self.line
    }
}

/// The tickets' figures, one accumulator per breakdown.
#[derive(Default)]
struct Tally {
    total: Acc,
    by_group: BTreeMap<Uuid, Acc>,
    by_counter: BTreeMap<Uuid, Acc>,
    by_officer: BTreeMap<Uuid, Acc>,
    by_hour: BTreeMap<i8, Acc>,
}

impl Tally {
    fn of(tickets: &[TicketRow], threshold: f64) -> Self {
        let mut x = Tally::default();
        for t in tickets {
            x.total.add(t, threshold);
            x.by_group
                .entry(t.first_group_id)
                .or_default()
                .add(t, threshold);
            if let Some(k) = t.counter_id {
                x.by_counter.entry(k).or_default().add(t, threshold);
            }
            if let Some(u) = t.officer_id {
                x.by_officer.entry(u).or_default().add(t, threshold);
            }
            x.by_hour
                .entry(local(t.issued_at).hour())
                .or_default()
                .add(t, threshold);
        }
        x
    }
}

/// One line per key, with the key and label `name` gives it.
fn lines<K>(m: BTreeMap<K, Acc>, name: impl Fn(K) -> (String, String)) -> Vec<StatsLine> {
    m.into_iter()
        .map(|(k, a)| {
            let (key, label) = name(k);
            a.finish(key, label)
        })
        .collect()
}

/// The names of the officers who served the tickets.
async fn officer_names(tx: &mut Tx, tickets: &[TicketRow]) -> Result<BTreeMap<Uuid, String>> {
    let mut officers: BTreeMap<Uuid, String> = BTreeMap::new();
    for id in tickets.iter().filter_map(|t| t.officer_id) {
        if let std::collections::btree_map::Entry::Vacant(e) = officers.entry(id) {
            let name = name_of(tx, Some(id)).await?.unwrap_or_default();
            e.insert(name);
        }
    }
    Ok(officers)
}

/// The days a statistics request covers: `from` (default today) to `to` (default `from`), as
/// `YYYY-MM-DD` local days. Error: `invalid-date` (`from` / `to`).
pub fn period(now: i64, from: Option<&str>, to: Option<&str>) -> Result<Days> {
    let from = parse_day(from, "from")?.unwrap_or_else(|| local_date(now));
    let to = parse_day(to, "to")?.unwrap_or(from);
    Ok(Days { from, to })
}

/// Figures for the office between two local days (inclusive, at most 366 days).
/// Errors: `queue-stats-range` (`to`).
pub async fn stats(app: &App, actor: &Actor, office_id: Uuid, days: Days) -> Result<QueueStats> {
    let Days { from, to } = days;
    if to < from || from.until(to).map(|s| s.get_days()).unwrap_or(i32::MAX) > 366 {
        return Err(DomainError::field("queue-stats-range", "to").into());
    }
    let mut tx = app.db.read().await?;
    let o = office(&mut tx, office_id).await?;
    if !actor.principal.can(Perm::OfficeRead, &path(&o)) {
        return Err(AppError::NotFound("office-not-found"));
    }
    let s = queue_settings(&mut tx, office_id).await?;
    let tickets =
        repo::tickets_between(&mut tx, office_id, &from.to_string(), &to.to_string()).await?;
    let groups = repo::groups(&mut tx, office_id).await?;
    let counters = office_repo::list_counters(&mut tx, office_id).await?;
    let officers = officer_names(&mut tx, &tickets).await?;
    tx.commit().await?;
    let x = Tally::of(&tickets, f64::from(s.apology_after_minutes));
    Ok(QueueStats {
        office_id,
        office_code: o.code.clone(),
        from,
        to,
        total: x.total.finish("total".into(), o.name.clone()),
        by_service: lines(x.by_group, |id| {
            let g = groups.iter().find(|g| g.id == id);
            (
                g.map(|g| g.letter.clone()).unwrap_or_default(),
                g.map(|g| g.name.clone()).unwrap_or_default(),
            )
        }),
        by_counter: lines(x.by_counter, |id| {
            let c = counters.iter().find(|c| c.id == id);
            (
                c.map(|c| c.number.to_string()).unwrap_or_default(),
                c.map(|c| c.name.clone()).unwrap_or_default(),
            )
        }),
        by_officer: lines(x.by_officer, |id| {
            (
                id.to_string(),
                officers.get(&id).cloned().unwrap_or_default(),
            )
        }),
        by_hour: lines(x.by_hour, |h| {
            (format!("{h:02}"), format!("{h:02}:00–{h:02}:59"))
        }),
    })
}
