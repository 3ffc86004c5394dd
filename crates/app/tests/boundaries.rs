//! The areas of the app crate (`dossier`, `feedback`, `rating`, `queue`) do not reach into each
//! other: what two areas share lives in a shared module (`access`, `audit`, `conduct`, `links`,
//! `password`, `settings`) or a layer down (`congbo_domain::time`). The one use of another
//! area that remains is a deliberate call, listed here with its reason; anything else fails,
//! and so would a circle.

use std::path::{Path, PathBuf};

const AREAS: [&str; 4] = ["dossier", "feedback", "rating", "queue"];

/// (from, to, item, why)
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    (
        "dossier",
        "queue",
        "attach_dossier",
        "a dossier received at the counter is linked to the ticket being served (and finishes it), in the intake's transaction",
    ),
    ("dossier", "queue", "Attach", "the input of attach_dossier"),
];

fn files_of(area: &str) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    let file = src.join(format!("{area}.rs"));
    if file.exists() {
        out.push(file);
    }
    let dir = src.join(area);
    if dir.is_dir() {
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    out.push(p);
                }
            }
        }
    }
    assert!(!out.is_empty(), "area {area} has no source files");
    out
}

/// Every `crate::<other area>::<item>` reference in the area's files (in `use` lines and paths).
fn references(area: &str) -> Vec<(String, String, PathBuf)> {
    let mut found = Vec::new();
    for f in files_of(area) {
        let text = std::fs::read_to_string(&f).unwrap();
        for other in AREAS.iter().filter(|a| **a != area) {
            let needle = format!("crate::{other}");
            let mut rest = text.as_str();
            while let Some(i) = rest.find(&needle) {
                let after = &rest[i + needle.len()..];
                let boundary = after
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '_');
                if boundary {
                    let item: String = after
                        .trim_start_matches("::")
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '{')
                        .collect();
                    found.push((other.to_string(), item, f.clone()));
                }
                rest = after;
            }
        }
    }
    found
}

#[test]
fn areas_reach_each_other_only_through_the_listed_calls() {
    let mut bad = Vec::new();
    for area in AREAS {
        for (to, item, file) in references(area) {
            let ok = ALLOWED
                .iter()
                .any(|(f, t, i, _)| *f == area && *t == to && *i == item);
            if !ok {
                bad.push(format!("{} uses crate::{to}::{item}", file.display()));
            }
        }
    }
    assert!(bad.is_empty(), "cross-area references:\n{}", bad.join("\n"));
}

#[test]
fn no_two_areas_depend_on_each_other() {
    for (from, to, _, why) in ALLOWED {
        assert!(!why.is_empty());
        assert!(
            !ALLOWED.iter().any(|(f, t, _, _)| f == to && t == from),
            "{from} and {to} depend on each other"
        );
        // The allowance is still needed: otherwise it must go.
        assert!(
            references(from).iter().any(|(t, _, _)| t == to),
            "{from} no longer uses {to}: remove the allowance"
        );
    }
}
