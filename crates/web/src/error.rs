//! One error type at the web edge. A handler returns `Failure`; the response carries it as an
//! extension, and `render_failures` (a middleware) writes the body in the caller's language:
//! JSON `{"error":{"code","message"}}` under `/api`, an HTML page elsewhere. Pages that show a
//! refusal inline, and Open311, take the text from the same [`Failure::message`].

use axum::extract::rejection::{FormRejection, JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use congbo_app::AppError;

use crate::i18n::Locale;

#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<&'static str>,
    /// Seconds before a refused try may be repeated: the `Retry-After` header and the
    /// message's `$seconds`.
    pub retry_after: Option<i64>,
    /// Parser detail for malformed input (English, from serde), shown after the message.
    pub detail: Option<String>,
}

impl Failure {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        Self {
            status,
            code,
            field: None,
            retry_after: None,
            detail: None,
        }
    }
    pub fn with_detail(mut self, d: impl Into<String>) -> Self {
        self.detail = Some(d.into());
        self
    }

    /// The refusal in words, in the caller's language: the Fluent message `err-<code>` (an
    /// unknown code reads as an internal error), after the field's label when the refusal
    /// concerns one field. The only place a code becomes a message.
    pub fn message(&self, t: &Locale) -> String {
        let key = format!("err-{}", self.code);
        let msg = if t.has(&key) {
            t.t_args(
                &key,
                &[("seconds", self.retry_after.unwrap_or_default().to_string())],
            )
        } else {
            t.t("err-internal")
        };
        match self.field {
            Some(field) => format!("{}: {msg}", t.t(&format!("field-{field}"))),
            None => msg,
        }
    }
}

impl From<AppError> for Failure {
    fn from(e: AppError) -> Self {
        let status = match &e {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::RetryLater(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Store(_) | AppError::Internal(_) => {
                tracing::error!(error = %e, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut f = Failure::new(status, e.code());
        if let AppError::Invalid(d) = &e {
            f.field = d.field;
        }
        if let AppError::RetryLater(s) = e {
            f.retry_after = Some(s);
        }
        f
    }
}

impl From<JsonRejection> for Failure {
    fn from(r: JsonRejection) -> Self {
        let (status, code) = match &r {
            JsonRejection::JsonDataError(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid-json-data")
            }
            JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "malformed-json"),
            JsonRejection::MissingJsonContentType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "json-content-type")
            }
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                (StatusCode::PAYLOAD_TOO_LARGE, "body-too-large")
            }
            _ => (StatusCode::BAD_REQUEST, "bad-request"),
        };
        Failure::new(status, code).with_detail(r.body_text())
    }
}

impl From<FormRejection> for Failure {
    fn from(r: FormRejection) -> Self {
        let (status, code) = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            (StatusCode::PAYLOAD_TOO_LARGE, "body-too-large")
        } else if r.status() == StatusCode::UNSUPPORTED_MEDIA_TYPE {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "form-content-type")
        } else {
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid-form")
        };
        Failure::new(status, code).with_detail(r.body_text())
    }
}

impl From<PathRejection> for Failure {
    fn from(r: PathRejection) -> Self {
        // A malformed id can name nothing.
        Failure::new(StatusCode::NOT_FOUND, "not-found").with_detail(r.body_text())
    }
}

impl From<QueryRejection> for Failure {
    fn from(r: QueryRejection) -> Self {
        Failure::new(StatusCode::BAD_REQUEST, "invalid-query").with_detail(r.body_text())
    }
}

impl Failure {
    /// Put this refusal's `Retry-After` (if any) on a response rendered in its place.
    pub fn set_retry_after(&self, res: &mut Response) {
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, s.into());
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let mut res = self.status.into_response();
        self.set_retry_after(&mut res);
        res.extensions_mut().insert(self);
        res
    }
}
