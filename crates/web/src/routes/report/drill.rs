//! `/bao-cao/{id}/chi-tiet/{figure}`: the list behind a figure, with the dashboard's filters.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use congbo_app::report::dashboard;
use congbo_app::report::drill::{self, Drill, DrillQuery, Figure};
use congbo_store::repo::office::OfficeRow;
use uuid::Uuid;

use super::{Filters, refused};
use crate::AppState;
use crate::api::report::{FigureParams, PageParams};
use crate::error::Failure;
use crate::extract::{CurrentUser, PathParam, QueryParam};
use crate::i18n::Locale;
use crate::view::{Nav, page_with};

#[derive(Template)]
#[template(path = "report_drill.html")]
struct DrillPage {
    t: Locale,
    nav: Option<Nav>,
    office: OfficeRow,
    slug: &'static str,
    groups: Vec<(Uuid, String)>,
    f: Filters,
    d: Option<Drill>,
}

impl DrillPage {
    fn title(&self) -> String {
        self.t.t(&format!("report-drill-{}", self.slug))
    }
    fn action(&self) -> String {
        format!("/bao-cao/{}/chi-tiet/{}", self.office.id, self.slug)
    }
    fn back(&self) -> String {
        format!("/bao-cao/{}?{}", self.office.id, self.f.qs())
    }
    /// Dates as pages write them (dd/mm/yyyy).
    fn dmy(&self, d: &str) -> String {
        congbo_domain::time::dmy_text(d)
    }
    fn hidden_note(&self, n: &usize) -> String {
        self.t
            .t_args("report-drill-hidden", &[("n", n.to_string())])
    }
    fn page_link(&self, page: &usize) -> String {
        format!(
            "/bao-cao/{}/chi-tiet/{}?{}&page={page}",
            self.office.id,
            self.slug,
            self.f.qs()
        )
    }
}

/// `GET /bao-cao/{id}/chi-tiet/{figure}`.
pub async fn drill(
    State(s): State<AppState>,
    t: Locale,
    CurrentUser(actor): CurrentUser,
    PathParam((id, figure)): PathParam<(Uuid, String)>,
    QueryParam(p): QueryParam<FigureParams>,
    QueryParam(g): QueryParam<PageParams>,
) -> Result<Response, Failure> {
    let (office, groups) = dashboard::office(&s.app, &actor, id).await?;
    let figure = Figure::parse(&figure)?;
    let mut f = Filters::of(&p, None);
    let result = match p.query(s.app.now(), id) {
        Ok((_, q)) => {
            let dq = DrillQuery {
                figures: q,
                figure,
                page: g.page.unwrap_or(1),
            };
            drill::drill(&s.app, &actor, &dq).await
        }
        Err(e) => Err(e),
    };
    let (status, d) = match result {
        Ok(d) => (StatusCode::OK, Some(d)),
        Err(e) => {
            let (status, err) = refused(&t, e)?;
            f.error = Some(err);
            (status, None)
        }
    };
    page_with(
        status,
        DrillPage {
            t,
            nav: Some(Nav::of(&actor)),
            office,
            slug: figure.slug(),
            groups,
            f,
            d,
        },
    )
}
