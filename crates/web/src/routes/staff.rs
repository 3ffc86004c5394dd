//! Staff pages: list, create, one member with roles; assign/revoke roles, unlock, (de)activate.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::staff::{self, NewStaff, StaffView};
use congbo_app::{Actor, office};
use congbo_domain::identity::Role;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam, QueryParam};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::routes::office::OfficeLine;
use crate::view::{Nav, page, role_label};
use congbo_domain::time::dmy_hm;

pub struct StaffLine {
    pub id: Uuid,
    pub username: String,
    pub full_name: String,
    pub office: String,
    pub roles: Vec<(Uuid, String, String)>,
    pub locked: bool,
    pub active: bool,
}

fn line(t: &Locale, now: i64, v: StaffView) -> StaffLine {
    StaffLine {
        id: v.user.id,
        username: v.user.username,
        full_name: v.user.full_name,
        office: v.home_office_code,
        roles: v
            .assignments
            .into_iter()
            .map(|a| {
                (
                    a.id,
                    role_label(t, &a.role),
                    format!("{} ({})", a.office_name, a.office_code),
                )
            })
            .collect(),
        locked: v.user.locked_until.is_some_and(|u| u > now),
        active: v.user.active,
    }
}

fn roles(t: &Locale) -> Vec<(&'static str, String)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str(), role_label(t, r.as_str())))
        .collect()
}

/// Offices where the actor may manage staff, for the forms.
async fn manageable_offices(state: &AppState, actor: &Actor) -> Result<Vec<OfficeLine>, Failure> {
    Ok(office::tree(&state.app, actor)
        .await?
        .into_iter()
        .filter(|i| i.manage_staff)
        .map(|i| i.row)
        .map(|o| OfficeLine {
            id: o.id,
            code: o.code,
            name: o.name,
            kind: String::new(),
            indent: 0,
            manage: true,
        })
        .collect())
}

#[derive(Template)]
#[template(path = "staff_list.html")]
struct StaffListPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    staff: Vec<StaffLine>,
    offices: Vec<OfficeLine>,
    roles: Vec<(&'static str, String)>,
    q: String,
}

#[derive(Deserialize)]
pub struct ListParams {
    /// Search: username, name or e-mail, accents ignored.
    #[serde(default)]
    q: String,
}

pub async fn list(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    QueryParam(p): QueryParam<ListParams>,
    form: FormState,
) -> Result<Response, Failure> {
    let now = state.app.now();
    let staff = staff::search(&state.app, &actor, &p.q)
        .await?
        .into_iter()
        .map(|v| line(&t, now, v))
        .collect();
    page(StaffListPage {
        offices: manageable_offices(&state, &actor).await?,
        roles: roles(&t),
        staff,
        q: p.q,
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

#[derive(Deserialize)]
pub struct CreateForm {
    username: String,
    full_name: String,
    email: Option<String>,
    home_office_id: Uuid,
    password: String,
    role: String,
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<CreateForm>,
) -> Result<Response, Failure> {
    let v = staff::create(
        &state.app,
        &actor,
        &NewStaff {
            username: f.username,
            full_name: f.full_name,
            email: f.email,
            home_office_id: f.home_office_id,
            password: f.password,
            roles: vec![(f.role, f.home_office_id)],
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/can-bo/{}", v.user.id)).into_response())
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    member: StaffLine,
    email: String,
    created: String,
    manage: bool,
    offices: Vec<OfficeLine>,
    roles: Vec<(&'static str, String)>,
}

pub async fn show(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let v = staff::get(&state.app, &actor, id).await?;
    let offices = manageable_offices(&state, &actor).await?;
    let manage = offices.iter().any(|o| o.id == v.user.home_office_id);
    let email = v.user.email.clone().unwrap_or_default();
    let created = dmy_hm(v.user.created_at);
    page(StaffPage {
        member: line(&t, state.app.now(), v),
        email,
        created,
        manage,
        offices,
        roles: roles(&t),
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

#[derive(Deserialize)]
pub struct AssignForm {
    role: String,
    office_id: Uuid,
}

pub async fn assign(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<AssignForm>,
) -> Result<Response, Failure> {
    staff::assign(&state.app, &actor, id, &f.role, f.office_id).await?;
    Ok(Redirect::to(&format!("/can-bo/{id}")).into_response())
}

pub async fn revoke(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam((id, assignment)): PathParam<(Uuid, Uuid)>,
) -> Result<Response, Failure> {
    staff::revoke(&state.app, &actor, id, assignment).await?;
    Ok(Redirect::to(&format!("/can-bo/{id}")).into_response())
}

pub async fn unlock(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    staff::unlock(&state.app, &actor, id).await?;
    Ok(Redirect::to(&format!("/can-bo/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct ActiveForm {
    active: bool,
}

pub async fn set_active(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<ActiveForm>,
) -> Result<Response, Failure> {
    staff::set_active(&state.app, &actor, id, f.active).await?;
    Ok(Redirect::to(&format!("/can-bo/{id}")).into_response())
}
