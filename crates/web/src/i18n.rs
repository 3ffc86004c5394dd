//! Translations. Vietnamese is the default; English is the second language. Messages live in
//! `locales/{vi,en}/main.ftl` and are compiled into the binary.

use std::borrow::Cow;
use std::collections::HashMap;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LanguageIdentifier = langid!("vi");
static EN: LanguageIdentifier = langid!("en");

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "congbo_lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().get(..2)?.to_ascii_lowercase().as_str() {
            "vi" => Some(Locale::Vi),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
    /// The message for `key`, or the key itself when missing (a test checks none are missing).
    /// A procedure's time limit in this language: "Trong ngày" / "Same day" for a same-day
    /// procedure, else as written on receipts ("05 ngày làm việc").
    pub fn limit(&self, l: &congbo_domain::calendar::TimeLimit) -> String {
        if l.is_same_day() {
            self.t("catalog-same-day")
        } else {
            l.to_string()
        }
    }

    pub fn t(&self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_string())
    }
    /// Whether a message exists (looked up with every placeholder our messages use filled in,
    /// since Fluent reports a message with an unfilled placeholder as failed).
    pub fn has(&self, key: &str) -> bool {
        let args: HashMap<Cow<'static, str>, FluentValue> = [
            (Cow::Borrowed("minutes"), FluentValue::from("0")),
            (Cow::Borrowed("seconds"), FluentValue::from("0")),
        ]
        .into_iter()
        .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .is_some()
    }
    pub fn t_args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }
    /// From the language cookie (the switch in every page's header); else Vietnamese for pages,
    /// whatever the browser's language (a counter PC often runs an English browser); API
    /// clients may ask for English with `Accept-Language`.
    pub fn from_parts(parts: &Parts) -> Locale {
        let jar = CookieJar::from_headers(&parts.headers);
        if let Some(l) = jar.get(LANG_COOKIE).and_then(|c| Locale::parse(c.value())) {
            return l;
        }
        if !parts.uri.path().starts_with("/api/") {
            return Locale::Vi;
        }
        parts
            .headers
            .get(axum::http::header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').find_map(Locale::parse))
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Locale {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Locale::from_parts(parts))
    }
}
