//! Office pages: the tree, one office with its counters and history, create/rename/move.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use congbo_app::office::{self, NewOffice, OfficeItem};
use congbo_domain::office::{OfficeKind, OfficePath};
use congbo_store::repo::office::{CounterRow, OfficeRow};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::error::Failure;
use crate::extract::{CurrentUser, PageForm, PathParam};
use crate::form_state::FormState;
use crate::i18n::Locale;
use crate::view::{Nav, kind_label, page};
use congbo_domain::time::dmy_hm;

/// An office row as the tree shows it.
pub struct OfficeLine {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub indent: usize,
    pub manage: bool,
}

fn lines(t: &Locale, items: &[OfficeItem]) -> Vec<OfficeLine> {
    let min_depth = items
        .iter()
        .map(|o| OfficePath::from_stored(o.row.path.clone()).depth())
        .min()
        .unwrap_or(1);
    items
        .iter()
        .map(|item| {
            let o = &item.row;
            let path = OfficePath::from_stored(o.path.clone());
            OfficeLine {
                id: o.id,
                code: o.code.clone(),
                name: o.name.clone(),
                kind: kind_label(t, &o.kind),
                indent: path.depth() - min_depth,
                manage: item.manage,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "offices.html")]
struct OfficesPage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    offices: Vec<OfficeLine>,
    kinds: Vec<(&'static str, String)>,
    can_create: bool,
}

/// The kinds a new office may take today (no district after the two-level reform).
fn kinds(t: &Locale, now: i64) -> Vec<(&'static str, String)> {
    OfficeKind::offered_on(congbo_domain::time::local_date(now))
        .iter()
        .map(|k| (k.as_str(), kind_label(t, k.as_str())))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
) -> Result<Response, Failure> {
    let items = office::tree(&state.app, &actor).await?;
    let offices = lines(&t, &items);
    page(OfficesPage {
        can_create: offices.iter().any(|o| o.manage),
        kinds: kinds(&t, state.app.now()),
        offices,
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

#[derive(Deserialize)]
pub struct CreateForm {
    code: String,
    name: String,
    kind: String,
    parent_id: Uuid,
}

pub async fn create(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PageForm(f): PageForm<CreateForm>,
) -> Result<Response, Failure> {
    let o = office::create(
        &state.app,
        &actor,
        &NewOffice {
            code: f.code,
            name: f.name,
            kind: f.kind,
            parent_id: f.parent_id,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/don-vi/{}", o.id)).into_response())
}

pub struct HistoryLine {
    pub at: String,
    pub change: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "office.html")]
struct OfficePage {
    t: Locale,
    nav: Option<Nav>,
    form: FormState,
    office: OfficeRow,
    kind: String,
    parent: Option<String>,
    manage: bool,
    parents: Vec<OfficeLine>,
    current_parent: String,
    counters: Vec<CounterRow>,
    history: Vec<HistoryLine>,
}

pub async fn show(
    State(state): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    form: FormState,
    PathParam(id): PathParam<Uuid>,
) -> Result<Response, Failure> {
    let o = office::get(&state.app, &actor, id).await?;
    let all = office::tree(&state.app, &actor).await?;
    let name_of = |id: Option<Uuid>| {
        id.and_then(|id| all.iter().map(|i| &i.row).find(|o| o.id == id))
            .map(|o| format!("{} ({})", o.name, o.code))
    };
    let history = office::history(&state.app, &actor, id)
        .await?
        .into_iter()
        .map(|h| HistoryLine {
            at: dmy_hm(h.at),
            change: t.t(&format!("history-{}", h.change)),
            detail: match h.change.as_str() {
                "rename" => format!(
                    "{} → {}",
                    h.old_name.unwrap_or_default(),
                    h.new_name.unwrap_or_default()
                ),
                "move" => format!(
                    "{} → {}",
                    name_of(h.old_parent_id).unwrap_or_else(|| "—".into()),
                    name_of(h.new_parent_id).unwrap_or_else(|| "—".into())
                ),
                _ => h.new_name.unwrap_or_default(),
            },
        })
        .collect();
    let path = OfficePath::from_stored(o.path.clone());
    let manage = all.iter().any(|i| i.row.id == o.id && i.manage);
    // Possible new parents: offices the actor manages outside this office's own subtree.
    let parents = lines(&t, &all)
        .into_iter()
        .filter(|l| l.manage)
        .filter(|l| {
            all.iter()
                .map(|i| &i.row)
                .find(|o| o.id == l.id)
                .is_some_and(|p| !path.contains(&OfficePath::from_stored(p.path.clone())))
        })
        .collect();
    page(OfficePage {
        kind: kind_label(&t, &o.kind),
        parent: name_of(o.parent_id),
        counters: office::counters(&state.app, &actor, id).await?,
        current_parent: o.parent_id.map(|p| p.to_string()).unwrap_or_default(),
        office: o,
        manage,
        parents,
        history,
        t,
        nav: Some(Nav::of(&actor)),
        form,
    })
}

#[derive(Deserialize)]
pub struct RenameForm {
    name: String,
}

pub async fn rename(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<RenameForm>,
) -> Result<Response, Failure> {
    office::rename(&state.app, &actor, id, &f.name).await?;
    Ok(Redirect::to(&format!("/don-vi/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct MoveForm {
    parent_id: Uuid,
}

pub async fn move_to(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<MoveForm>,
) -> Result<Response, Failure> {
    office::move_to(&state.app, &actor, id, f.parent_id).await?;
    Ok(Redirect::to(&format!("/don-vi/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct CounterForm {
    number: i64,
    name: String,
}

pub async fn create_counter(
    State(state): State<AppState>,
    CurrentUser(actor): CurrentUser,
    PathParam(id): PathParam<Uuid>,
    PageForm(f): PageForm<CounterForm>,
) -> Result<Response, Failure> {
    office::create_counter(&state.app, &actor, id, f.number, &f.name).await?;
    Ok(Redirect::to(&format!("/don-vi/{id}")).into_response())
}
