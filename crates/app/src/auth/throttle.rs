//! Failed sign-ins of names that are not accounts, counted in memory (per process) so that an
//! unknown name is answered exactly like a known one — the same progressive wait after the same
//! number of failures — without writing anything to the database (a flood of made-up names
//! must not queue behind the write lock, nor fill the audit log).

use std::collections::HashMap;
use std::sync::Mutex;

use congbo_domain::identity::sign_in_delay_secs;

/// Names remembered before the oldest are forgotten.
const MAX_NAMES: usize = 100_000;

#[derive(Default)]
pub struct UnknownNames {
    /// Name → (failures in a row, no try heard before this instant).
    names: Mutex<HashMap<String, (i64, i64)>>,
}

impl UnknownNames {
    /// Micros until a try of `name` is heard again, if it must wait.
    pub fn held_until(&self, name: &str, now: i64) -> Option<i64> {
        let names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        names
            .get(name)
            .map(|(_, until)| *until)
            .filter(|u| *u > now)
    }

    /// Count a failure of `name` at `now`; returns the failures in a row.
    pub fn fail(&self, name: &str, now: i64) -> i64 {
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        if names.len() >= MAX_NAMES && !names.contains_key(name) {
            // Forget the names whose wait ended longest ago.
            let mut untils: Vec<i64> = names.values().map(|(_, u)| *u).collect();
            untils.sort_unstable();
            let cut = untils[untils.len() / 2];
            names.retain(|_, (_, u)| *u > cut);
        }
        let (failures, until) = names.entry(name.to_string()).or_insert((0, 0));
        *failures += 1;
        *until = (*until).max(now + sign_in_delay_secs(*failures) * 1_000_000);
        *failures
    }
}

#[cfg(test)]
mod tests {
    use congbo_domain::identity::{SIGN_IN_FIRST_DELAY_SECS, SIGN_IN_FREE_FAILURES};

    use super::*;

    #[test]
    fn unknown_names_wait_like_known_ones() {
        let u = UnknownNames::default();
        let now = 1_000_000_000;
        for i in 1..SIGN_IN_FREE_FAILURES {
            assert_eq!(u.fail("ma", now), i);
            assert_eq!(u.held_until("ma", now), None);
        }
        u.fail("ma", now);
        let until = now + SIGN_IN_FIRST_DELAY_SECS * 1_000_000;
        assert_eq!(u.held_until("ma", now), Some(until));
        assert_eq!(u.held_until("ma", until), None);
        assert_eq!(u.held_until("khac", now), None);
    }
}
