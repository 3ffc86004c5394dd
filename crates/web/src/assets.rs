//! Static files compiled into the binary (htmx, CSS, the small script). No CDN, no build step.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::extract::PathParam;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/htmx.min.js"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/app.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/app.css"),
    ),
    (
        "queue.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/queue.css"),
    ),
    (
        "queue.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/queue.js"),
    ),
    (
        "rating.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/rating.css"),
    ),
    (
        "rating.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/rating.js"),
    ),
    (
        "forms.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/forms.css"),
    ),
    (
        "print.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../static/print.js"),
    ),
    (
        "report.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/report.css"),
    ),
];

pub async fn serve(PathParam(name): PathParam<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == name) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(mime)),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
