//! Old page paths. Page paths are Vietnamese (staff and public alike: `/ho-so`, `/can-bo`,
//! `/dang-nhap`); the JSON API stays English under `/api/v1`; technical endpoints
//! (`/healthz`, `/readyz`, `/metrics`, `/static/…`, `/open311/v2/…`) keep their standard names.
//! Pages that once had English paths answer at the old path with a permanent redirect
//! (`308`, so a form's POST is repeated at the new path with its body), query kept. A paired
//! rating tablet arriving at its old path also gets its device cookie again under the new path.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;

use crate::AppState;
use crate::error::Failure;
use crate::routes::rating::{DEVICE_COOKIE, device_cookie};

/// Old first segments of page paths and their Vietnamese replacements.
const ROOTS: &[(&str, &str)] = &[
    ("login", "dang-nhap"),
    ("logout", "dang-xuat"),
    ("setup", "kich-hoat"),
    ("lang", "ngon-ngu"),
    ("account", "tai-khoan"),
    ("offices", "don-vi"),
    ("staff", "can-bo"),
    ("audit", "nhat-ky"),
    ("catalog", "danh-muc"),
    ("display", "man-hinh"),
    ("kiosk", "ki-ot"),
    ("rate", "may-danh-gia"),
    ("calendar", "lich"),
];

/// Old later segments of those paths (ids and Vietnamese segments pass unchanged).
const SEGMENTS: &[(&str, &str)] = &[
    ("password", "mat-khau"),
    ("tokens", "khoa-truy-cap"),
    ("revoke", "thu-hoi"),
    ("rename", "doi-ten"),
    ("move", "chuyen"),
    ("counters", "quay"),
    ("roles", "vai-tro"),
    ("unlock", "mo-khoa"),
    ("active", "trang-thai"),
    ("import", "nhap"),
    ("export", "xuat"),
    ("pair", "ghep"),
    ("days", "ngay"),
    ("delete", "xoa"),
];

fn lookup(table: &[(&str, &'static str)], s: &str) -> Option<&'static str> {
    table.iter().find(|(old, _)| *old == s).map(|(_, new)| *new)
}

/// The Vietnamese path of an old English page path, or `None` if it was never one.
pub fn new_path(old: &str) -> Option<String> {
    let rest = old.strip_prefix('/')?;
    let mut parts = rest.split('/');
    let root = lookup(ROOTS, parts.next()?)?;
    let mut out = format!("/{root}");
    for p in parts {
        out.push('/');
        out.push_str(lookup(SEGMENTS, p).unwrap_or(p));
    }
    Some(out)
}

/// The router's fallback: an old page path is redirected, anything else is not found.
pub async fn fallback(State(s): State<AppState>, jar: CookieJar, req: Request) -> Response {
    let Some(path) = new_path(req.uri().path()) else {
        return Failure::new(StatusCode::NOT_FOUND, "not-found").into_response();
    };
    let target = match req.uri().query() {
        Some(q) => format!("{path}?{q}"),
        None => path,
    };
    let Ok(location) = HeaderValue::from_str(&target) else {
        return Failure::new(StatusCode::NOT_FOUND, "not-found").into_response();
    };
    let moved = [(header::LOCATION, location)];
    let device = jar
        .get(DEVICE_COOKIE)
        .filter(|_| target.starts_with("/may-danh-gia/"))
        .map(|c| c.value().to_string());
    match device {
        Some(secret) => {
            let jar = jar.add(device_cookie(secret, s.config.secure_cookies));
            (StatusCode::PERMANENT_REDIRECT, jar, moved).into_response()
        }
        None => (StatusCode::PERMANENT_REDIRECT, moved).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::new_path;

    #[test]
    fn old_page_paths_map_to_vietnamese_ones() {
        assert_eq!(new_path("/login").as_deref(), Some("/dang-nhap"));
        assert_eq!(
            new_path("/staff/0190-ab/roles/7/revoke").as_deref(),
            Some("/can-bo/0190-ab/vai-tro/7/thu-hoi")
        );
        assert_eq!(
            new_path("/offices/x/xep-hang/cai-dat").as_deref(),
            Some("/don-vi/x/xep-hang/cai-dat")
        );
        assert_eq!(
            new_path("/rate/c1/pair").as_deref(),
            Some("/may-danh-gia/c1/ghep")
        );
        assert_eq!(new_path("/ho-so"), None);
        assert_eq!(new_path("/api/v1/offices"), None);
        assert_eq!(new_path("/no-such-page"), None);
    }
}
