//! Sign-in, sign-out and the one-time first-administrator setup page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use congbo_app::{AppError, auth};
use congbo_domain::office::OfficeKind;
use serde::Deserialize;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{
    CurrentUser, MaybeUser, PASSWORD_CHANGE_PAGE, PageForm, PathParam, QueryParam, RequestId,
    SESSION_COOKIE,
};
use crate::i18n::Locale;
use crate::ratelimit::ClientIp;
use crate::view::{Nav, page, page_with};

/// Where to go after signing in: a same-origin absolute path, else `/`. The value is judged
/// as a browser reads a `Location`: browsers drop tabs and newlines and read `\` as `/`, so
/// `/\t/evil.example` means `//evil.example`, another site. So a control character, any
/// whitespace, a backslash or a second leading slash refuses the value outright; the rest is
/// resolved against a dummy origin by the URL standard's rules (as a browser would) and must
/// stay on it; non-ASCII is percent-encoded so the header can always be written.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    const BASE: &str = "http://congbo.invalid/";
    let Some(n) = next else {
        return "/".into();
    };
    let refused = n.len() > 2048
        || !n.starts_with('/')
        || n[1..].starts_with('/')
        || n.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if refused {
        return "/".into();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let same_origin = url::Url::parse(BASE)
        .and_then(|b| b.join(&out))
        .is_ok_and(|u| u.origin() == url::Url::parse(BASE).expect("a URL").origin());
    if same_origin { out } else { "/".into() }
}

/// The session cookie: HttpOnly, SameSite=Lax, Secure behind TLS; it lives as long as the
/// browser session, and the server ends it after `SESSION_IDLE_MICROS` without use.
pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .build()
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Locale,
    nav: Option<Nav>,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(
    t: Locale,
    MaybeUser(user): MaybeUser,
    QueryParam(q): QueryParam<NextQuery>,
) -> Result<Response, Failure> {
    let next = safe_next(q.next.as_deref());
    if user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    page(LoginPage {
        t,
        nav: None,
        next,
        username: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// Sign in. Before any password work, one try is taken from the address's and the name's
/// allowances of failures (a successful sign-in gives it back); past either, or during the
/// account's wait after repeated failures, the answer is 429 with `Retry-After`, the same for
/// known and unknown names.
pub async fn login(
    State(state): State<AppState>,
    t: Locale,
    RequestId(rid): RequestId,
    ClientIp(ip): ClientIp,
    jar: CookieJar,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, Failure> {
    let next = safe_next(f.next.as_deref());
    let name: String = f.username.trim().to_lowercase().chars().take(64).collect();
    let limits = &state.sign_in_limits;
    let result = match limits.take(ip, &name, std::time::Instant::now()) {
        Err(seconds) => Err(AppError::RetryLater(seconds)),
        Ok(()) => auth::login(&state.app, &f.username, &f.password, rid).await,
    };
    match result {
        Ok(signed_in) => {
            limits.succeeded(ip, &name);
            let jar = jar.add(session_cookie(&state, signed_in.token));
            let to = if signed_in.must_change_password {
                PASSWORD_CHANGE_PAGE.to_string()
            } else {
                next
            };
            Ok((jar, Redirect::to(&to)).into_response())
        }
        Err(e @ (AppError::Unauthorized(_) | AppError::RetryLater(_))) => {
            let failure = Failure::from(e);
            let mut res = page_with(
                failure.status,
                LoginPage {
                    t,
                    nav: None,
                    next,
                    username: f.username,
                    error: Some(failure.message(&t)),
                },
            )?;
            failure.set_retry_after(&mut res);
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    jar: CookieJar,
) -> Result<Response, Failure> {
    auth::logout(&state.app, &actor).await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/dang-nhap")).into_response())
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    t: Locale,
    nav: Option<Nav>,
    token: String,
    kinds: Vec<(&'static str, String)>,
    form: SetupForm,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SetupForm {
    office_code: String,
    office_name: String,
    office_kind: String,
    username: String,
    full_name: String,
    #[serde(default)]
    password: String,
}

fn kinds(t: &Locale) -> Vec<(&'static str, String)> {
    OfficeKind::ALL
        .iter()
        .map(|k| (k.as_str(), t.t(&format!("kind-{}", k.as_str()))))
        .collect()
}

pub async fn setup_page(
    State(state): State<AppState>,
    t: Locale,
    PathParam(token): PathParam<String>,
) -> Result<Response, Failure> {
    if !auth::setup_link_is_live(&state.app, &token).await? {
        return Err(Failure::new(StatusCode::NOT_FOUND, "setup-link-invalid"));
    }
    page(SetupPage {
        kinds: kinds(&t),
        t,
        nav: None,
        token,
        form: SetupForm {
            office_kind: "province".into(),
            ..Default::default()
        },
        error: None,
    })
}

pub async fn setup(
    State(state): State<AppState>,
    t: Locale,
    RequestId(rid): RequestId,
    jar: CookieJar,
    PathParam(token): PathParam<String>,
    PageForm(f): PageForm<SetupForm>,
) -> Result<Response, Failure> {
    let input = auth::SetupInput {
        office_code: f.office_code.clone(),
        office_name: f.office_name.clone(),
        office_kind: f.office_kind.clone(),
        username: f.username.clone(),
        full_name: f.full_name.clone(),
        password: f.password.clone(),
    };
    match auth::complete_setup(&state.app, &token, &input, rid.clone()).await {
        Ok(_) => {
            let signed_in = auth::login(&state.app, &f.username, &f.password, rid).await?;
            let jar = jar.add(session_cookie(&state, signed_in.token));
            Ok((jar, Redirect::to("/")).into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let failure = Failure::from(e);
            page_with(
                failure.status,
                SetupPage {
                    kinds: kinds(&t),
                    error: Some(failure.message(&t)),
                    t,
                    nav: None,
                    token,
                    form: SetupForm {
                        password: String::new(),
                        ..f
                    },
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_same_origin_path_or_home() {
        let home = "/";
        for (input, want) in [
            (None, home),
            (Some(""), home),
            (Some("/"), "/"),
            (Some("/can-bo"), "/can-bo"),
            (Some("/ho-so?trang=2&q=a%20b#x"), "/ho-so?trang=2&q=a%20b#x"),
            (Some("/%09/evil.example/x"), "/%09/evil.example/x"),
            (Some("/thủ-tục"), "/th%E1%BB%A7-t%E1%BB%A5c"),
            (Some("/./evil.example"), "/./evil.example"),
            (Some("/\u{202e}txt"), "/%E2%80%AEtxt"),
            // Off-site, as a browser would read them.
            (Some("//evil.example"), home),
            (Some("///evil.example"), home),
            (Some("/\\evil.example"), home),
            (Some("\\\\evil.example"), home),
            (Some("/\t/evil.example/x"), home),
            (Some("/\n/evil.example"), home),
            (Some("/\r\n/evil.example"), home),
            (Some("/\t\\evil.example"), home),
            (Some("/ /evil.example"), home),
            (Some("/\u{3000}/evil.example"), home),
            (Some("/\u{0}"), home),
            (Some("/x\u{7f}"), home),
            (Some("https://evil.example"), home),
            (Some("http:/evil.example"), home),
            (Some("javascript:alert(1)"), home),
            (Some(" /can-bo"), home),
            (Some("evil.example"), home),
        ] {
            assert_eq!(safe_next(input), want, "{input:?}");
        }
        assert_eq!(safe_next(Some(&format!("/{}", "a".repeat(3000)))), home);
        // Whatever is accepted can be written as a header.
        assert!(axum::http::HeaderValue::from_str(&safe_next(Some("/thủ-tục"))).is_ok());
    }
}
