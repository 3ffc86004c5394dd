//! Percentiles (nearest rank over every sample; no histogram buckets) and formatting.

use std::time::Duration;

#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub p50: u64,
    pub p99: u64,
    pub max: u64,
}

impl Summary {
    /// Percentiles of samples in microseconds.
    pub fn of(samples_us: &[u64]) -> Summary {
        if samples_us.is_empty() {
            return Summary::default();
        }
        let mut s = samples_us.to_vec();
        s.sort_unstable();
        let rank = |p: f64| {
            let r = (p * s.len() as f64).ceil() as usize;
            s[r.clamp(1, s.len()) - 1]
        };
        Summary {
            p50: rank(0.50),
            p99: rank(0.99),
            max: s[s.len() - 1],
        }
    }

    pub fn p99_ms(&self) -> f64 {
        self.p99 as f64 / 1000.0
    }
}

pub fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// Microseconds as milliseconds with two or three significant digits.
pub fn ms(us: u64) -> String {
    let m = us as f64 / 1000.0;
    if m < 1.0 {
        format!("{m:.2} ms")
    } else if m < 10.0 {
        format!("{m:.1} ms")
    } else {
        format!("{m:.0} ms")
    }
}

/// The 1, 5 and 15 minute load averages (Linux), to show what else ran.
pub fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
}

/// CPU time of this process (client, server and SQLite threads; not the PostgreSQL server),
/// of its HTTP client threads alone, and of the whole machine, from `/proc` (Linux; zeros
/// elsewhere). Threads that exited in between are not counted in the client's share.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cpu {
    process_ticks: u64,
    client_ticks: u64,
    machine_busy: u64,
    machine_total: u64,
}

/// Clock ticks per second of `/proc` times (`getconf CLK_TCK`, 100 on Linux).
const TICKS: f64 = 100.0;

impl Cpu {
    pub fn now() -> Cpu {
        let process_ticks = std::fs::read_to_string("/proc/self/stat")
            .ok()
            .and_then(|s| stat_ticks(&s))
            .unwrap_or(0);
        let client_ticks = client_ticks();
        let (machine_busy, machine_total) = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| {
                let f: Vec<u64> = s
                    .lines()
                    .next()?
                    .split_whitespace()
                    .skip(1)
                    .map(|x| x.parse().unwrap_or(0))
                    .collect();
                let total: u64 = f.iter().take(8).sum();
                let idle = f.get(3)? + f.get(4)?;
                Some((total - idle, total))
            })
            .unwrap_or((0, 0));
        Cpu {
            process_ticks,
            client_ticks,
            machine_busy,
            machine_total,
        }
    }

    /// CPU seconds this process and its HTTP client threads used since `earlier`, and the
    /// machine's busy share (0–1).
    pub fn since(&self, earlier: &Cpu) -> (f64, f64, f64) {
        let process = self.process_ticks.saturating_sub(earlier.process_ticks) as f64 / TICKS;
        let client = self.client_ticks.saturating_sub(earlier.client_ticks) as f64 / TICKS;
        let total = self.machine_total.saturating_sub(earlier.machine_total);
        let busy = self.machine_busy.saturating_sub(earlier.machine_busy);
        let share = if total == 0 {
            0.0
        } else {
            busy as f64 / total as f64
        };
        (process, client, share)
    }
}

/// CPU seconds another process (a server) has used so far (Linux; zero elsewhere).
pub fn process_cpu_secs(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| stat_ticks(&s))
        .unwrap_or(0) as f64
        / TICKS
}

/// utime + stime of a `/proc/…/stat` line (the 14th and 15th fields).
fn stat_ticks(stat: &str) -> Option<u64> {
    // The fields after the command name, which is in parentheses: utime is the 12th.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<u64> = rest
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    Some(f.get(11)? + f.get(12)?)
}

/// CPU ticks of the threads of the HTTP client's runtime.
fn client_ticks() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|c| c.starts_with(super::http::CLIENT_THREAD))
        })
        .filter_map(|t| stat_ticks(&std::fs::read_to_string(t.path().join("stat")).ok()?))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<u64> = (1..=100).collect();
        let s = Summary::of(&v);
        assert_eq!((s.p50, s.p99, s.max), (50, 99, 100));
        assert_eq!(Summary::of(&[7]).p99, 7);
        assert_eq!(ms(950), "0.95 ms");
        assert_eq!(ms(9_140), "9.1 ms");
        assert_eq!(ms(31_200), "31 ms");
    }
}
