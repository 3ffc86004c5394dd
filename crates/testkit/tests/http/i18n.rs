//! Every error code raised anywhere in the code has a Vietnamese and an English message, and the
//! two locale files have the same keys.

use std::collections::BTreeSet;
use std::path::Path;

use congbo_web::i18n::Locale;

fn rust_files(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(std::fs::read_to_string(&p).unwrap());
        }
    }
}

/// The string literals that follow each occurrence of `prefix`: (first, second) on the call.
fn literals_after(src: &str, prefix: &str) -> Vec<(String, Option<String>)> {
    let mut out = vec![];
    for (i, _) in src.match_indices(prefix) {
        let rest = &src[i + prefix.len()..];
        let call = &rest[..rest.find(')').unwrap_or(rest.len())];
        let lits: Vec<String> = call
            .split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect();
        if let Some(first) = lits.first() {
            out.push((first.clone(), lits.get(1).cloned()));
        }
    }
    out
}

fn codes_and_fields() -> (BTreeSet<String>, BTreeSet<String>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = vec![];
    for c in ["domain", "app", "web", "store"] {
        rust_files(&root.join(c).join("src"), &mut files);
    }
    let (mut codes, mut fields) = (BTreeSet::new(), BTreeSet::new());
    for f in &files {
        for p in [
            "DomainError::new(",
            "DomainError::field(",
            "NotFound(",
            "Conflict(",
            "Unauthorized(",
        ] {
            for (code, field) in literals_after(f, p) {
                codes.insert(code);
                fields.extend(field);
            }
        }
        // `StatusCode::X, "code"` (failures made at the web edge).
        for (i, _) in f.match_indices("StatusCode::") {
            let rest = &f[i..];
            if let Some(after) = rest.split_once(", \"") {
                let name_end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(0);
                if after.0.len() == name_end {
                    codes.insert(after.1.split('"').next().unwrap().to_string());
                }
            }
        }
        // `fn code()` of AppError and text::clean's codes.
        for c in ["forbidden", "sign-in-wait", "internal"] {
            codes.insert(c.into());
        }
    }
    (codes, fields)
}

#[test]
fn every_error_code_and_field_is_translated() {
    let (codes, fields) = codes_and_fields();
    assert!(codes.len() > 40, "scanner found too few codes: {codes:?}");
    assert!(
        codes.contains("office-code-format")
            && codes.contains("csrf")
            && codes.contains("too-long")
    );
    let mut missing = vec![];
    for l in [Locale::Vi, Locale::En] {
        missing.extend(
            codes
                .iter()
                .map(|c| format!("err-{c}"))
                .filter(|k| !l.has(k))
                .map(|k| format!("{l:?} {k}")),
        );
        missing.extend(
            fields
                .iter()
                .map(|f| format!("field-{f}"))
                .filter(|k| !l.has(k))
                .map(|k| format!("{l:?} {k}")),
        );
    }
    assert!(missing.is_empty(), "untranslated: {missing:?}");
}

fn keys(path: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../web/locales")
            .join(path),
    )
    .unwrap();
    text.lines()
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
        .filter(|k| !k.starts_with('#') && !k.is_empty())
        .collect()
}

#[test]
fn locales_have_the_same_keys() {
    assert_eq!(keys("vi/main.ftl"), keys("en/main.ftl"));
}

#[test]
fn vietnamese_is_the_default_and_has_diacritics() {
    assert_eq!(Locale::default(), Locale::Vi);
    assert_eq!(Locale::Vi.t("nav-staff"), "Cán bộ");
    assert_eq!(
        Locale::Vi.t_args("err-sign-in-wait", &[("seconds", "20".into())]),
        "Đăng nhập sai nhiều lần liên tiếp. Vui lòng chờ 20 giây rồi thử lại."
    );
}
