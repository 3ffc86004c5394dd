//! The signed-in user's own account: password change and API tokens.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::{Actor, AppError, auth, token};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, page_with};
use congbo_domain::time::dmy_hm;

pub struct TokenLine {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    t: Locale,
    nav: Option<Nav>,
    tokens: Vec<TokenLine>,
    new_secret: Option<String>,
    password_done: bool,
    must_change: bool,
    form: FormState,
}

async fn render(
    state: &AppState,
    t: Locale,
    actor: &Actor,
    status: StatusCode,
    new_secret: Option<String>,
    form: FormState,
    password_done: bool,
) -> Result<Response, Failure> {
    let tokens = token::list(&state.app, actor)
        .await?
        .into_iter()
        .map(|r| TokenLine {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            created: dmy_hm(r.created_at),
            last_used: r.last_used_at.map(dmy_hm).unwrap_or_else(|| "—".into()),
            revoked: r.revoked_at.is_some(),
        })
        .collect();
    let must_change = auth::must_change_password(&state.app, actor).await?;
    page_with(
        status,
        AccountPage {
            t,
            nav: Some(Nav::of(actor)),
            tokens,
            new_secret,
            password_done,
            must_change,
            form,
        },
    )
}

pub async fn page(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
) -> Result<Response, Failure> {
    render(&state, t, &actor, StatusCode::OK, None, form, false).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<PasswordForm>,
) -> Result<Response, Failure> {
    let result = if f.new_password != f.confirm_password {
        Err(AppError::Invalid(congbo_domain::DomainError::field(
            "password-mismatch",
            "confirm_password",
        )))
    } else {
        auth::change_password(&state.app, &actor, &f.current_password, &f.new_password).await
    };
    match result {
        Ok(()) => {
            let none = FormState::default();
            render(&state, t, &actor, StatusCode::OK, None, none, true).await
        }
        // Shown again here rather than by the shared layer: a wrong current password can also
        // be a 429, and nothing typed is sent back.
        Err(e @ (AppError::Invalid(_) | AppError::RetryLater(_))) => {
            let failure = Failure::from(e);
            let form = FormState::refused("/tai-khoan/mat-khau", Vec::new(), &failure, &t);
            let mut res = render(&state, t, &actor, failure.status, None, form, false).await?;
            failure.set_retry_after(&mut res);
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<TokenForm>,
) -> Result<Response, Failure> {
    let created = token::create(&state.app, &actor, &f.name).await?;
    render(
        &state,
        t,
        &actor,
        StatusCode::OK,
        Some(created.secret),
        FormState::default(),
        false,
    )
    .await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    token::revoke(&state.app, &actor, id).await?;
    Ok(Redirect::to("/tai-khoan").into_response())
}
