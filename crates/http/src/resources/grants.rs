//! `/api/v1/grants`: funding (tilskudd, driftsmidler, prosjektmidler) from a funder (county
//! governor, municipality, national or regional health authority) to a recipient (self-help
//! centre, competence centre, user organisation), and the funder's report of what it bought.
//! The funder and the recipient see a grant; anyone else gets 404. Every read and write is
//! audited.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::statistics::{Published, Table, Tables};
use actix_web::{get, post, web, HttpResponse};
use chrono::Utc;
use samhandling_domain::audit::ResourceType;
use samhandling_domain::grant::{GrantScope, GrantStatus};
use samhandling_domain::Role;
use samhandling_usecases::grants::{
    self as usecases, GrantFilter, GrantView, MoveGrant, RecordGrant, Side,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// The collection new grants are posted to.
const ROUTE: &str = "/api/v1/grants";

/// What every route here names.
const GRANT: ResourceType = ResourceType::Grant;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(record_grant)
        .service(list_grants)
        .service(get_grant)
        .service(move_grant)
        .service(grant_report);
}

/// Who reaches grants: the roles that act for a funder or a recipient. Which grants, the
/// parties decide.
#[derive(Debug)]
pub struct GrantParties;
impl Policy for GrantParties {
    const ROLES: &'static [Role] = &[
        Role::GovernorAdviser,
        Role::MunicipalContact,
        Role::ProgrammeAdviser,
        Role::CentreCoordinator,
        Role::CompetenceAdviser,
        Role::Facilitator,
    ];
}

/// The path of one grant.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct GrantPath {
    /// The grant's id.
    id: Uuid,
}

/// The side of its grants a list shows.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantRole {
    /// Those your organisation gives.
    Funder,
    /// Those it receives.
    Recipient,
}

/// Filters for the list.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GrantQuery {
    /// Only the grants your organisation gives (`funder`) or receives (`recipient`).
    #[param(inline)]
    role: Option<GrantRole>,
    /// Only this status.
    status: Option<GrantStatus>,
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Record a grant, or apply for one.
///
/// A funder's `governor_adviser`, `municipal_contact` or `programme_adviser` records a grant its
/// organisation gives (`funder_organisation_id` is the caller's organisation): it starts
/// `granted`. A recipient's `centre_coordinator`, `competence_adviser` or (a user organisation)
/// `facilitator` applies (`recipient_organisation_id` is the caller's): it starts `applied`.
/// `amount_nok` is whole Norwegian kroner, an integer (a fraction is refused). Each activity
/// names one course the recipient organises, one learning network it coordinates, the
/// recipient self-help centre's operation, or a project; 422 names every fault at once
/// (`activities[i].course_id` and the like).
#[utoipa::path(
    tag = "grants",
    params(IdempotencyKeyHeader),
    request_body = RecordGrant,
    responses((status = 201, description = "Recorded", body = GrantView,
        headers(("Location" = String, description = "The grant"), ("ETag" = String, description = "Its version"))))
)]
#[post("/grants")]
async fn record_grant(
    caller: Authorized<GrantParties>,
    key: IdempotencyKey,
    body: ValidJson<RecordGrant>,
) -> Result<HttpResponse, ApiError> {
    let who = caller.caller.clone();
    let scope = GrantScope::of(&who);
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::record_grant(ctx, scope, &who, Uuid::now_v7(), &request)?;
        let shown = GrantView::of(scope, stored);
        Created::new(&shown, location(shown.id), Some(shown.version))
    })
    .await
}

/// List grants.
///
/// The grants your organisation gives or receives, in the order recorded; `role` keeps one
/// side, `status` one status. Each item read is audited.
#[utoipa::path(
    tag = "grants",
    params(GrantQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<GrantView>))
)]
#[get("/grants")]
async fn list_grants(
    caller: Authorized<GrantParties>,
    query: ValidQuery<GrantQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<GrantView>>, ApiError> {
    let scope = GrantScope::of(&caller.caller);
    let filter = GrantFilter {
        side: query.0.role.map(|role| match role {
            GrantRole::Funder => Side::Funder,
            GrantRole::Recipient => Side::Recipient,
        }),
        status: query.0.status,
    };
    let found = record::load(caller.state(), move |conn| {
        usecases::list_grants(conn, scope, &filter, page.0)
    })
    .await?;
    record::note_page_read(&caller, GRANT, &found).await?;
    pagination::to_wire(caller.state(), found, |grant| GrantView::of(scope, grant))
}

/// Read a grant.
///
/// For its funder and its recipient (404 for anyone else, which leaves a trace), with the
/// amount, the activities, where you may move it and an `ETag`.
#[utoipa::path(
    tag = "grants",
    params(GrantPath),
    responses((status = 200, description = "The grant", body = GrantView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/grants/{id}")]
async fn get_grant(
    caller: Authorized<GrantParties>,
    path: web::Path<GrantPath>,
) -> Result<Tagged<GrantView>, ApiError> {
    let id = path.id;
    let scope = GrantScope::of(&caller.caller);
    record::read_audited(&caller, GRANT, id, move |conn| {
        Ok(usecases::read_grant(conn, scope, id)?.map(|grant| GrantView::of(scope, grant)))
    })
    .await
    .map(Tagged::new)
}

/// Grant, pay, end or stop a grant.
///
/// With `If-Match`. The funder decides an application (`applied → granted | stopped`), pays a
/// grant (`granted → paid`), ends a paid one (`paid → ended`) and may stop it at any point
/// before its end; the recipient withdraws its application (`applied → stopped`) and reports a
/// paid grant ended. A stop needs a `reason`; an end or a stop is dated by `on` (today when
/// absent, never in the future). Ended and stopped are final (409 with
/// `allowed_transitions`).
#[utoipa::path(
    tag = "grants",
    params(GrantPath, IfMatchHeader),
    request_body = MoveGrant,
    responses(
        (status = 200, description = "Moved", body = GrantView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not a move open to you from the current status", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/grants/{id}/transitions")]
async fn move_grant(
    caller: Authorized<GrantParties>,
    path: web::Path<GrantPath>,
    if_match: IfMatch,
    body: ValidJson<MoveGrant>,
) -> Result<Tagged<GrantView>, ApiError> {
    let id = path.id;
    let step = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = GrantScope::of(&caller.caller);
    let moved = record::operate(&caller, GRANT, id, move |ctx| {
        usecases::move_grant(ctx, scope, id, precondition, &step)
    })
    .await?;
    Ok(Tagged::new(GrantView::of(scope, moved)))
}

/// What a grant bought, by ended quarter of its period.
#[derive(Debug, Serialize, ToSchema)]
pub struct GrantReport {
    /// The grant.
    pub grant_id: Uuid,
    /// The quarters counted (`2027-Q1`): every whole calendar quarter that overlaps the grant's
    /// period (up to the day it ended or stopped) and has ended, oldest first.
    pub quarters_counted: Vec<String>,
    /// Courses held (on their last day): a row per course of the grant.
    pub courses_held: Option<Table>,
    /// People trained: enrolments completed on each course of the grant.
    pub people_trained: Option<Table>,
    /// Network meetings logged by facilitators trained on each course of the grant.
    pub network_meetings: Option<Table>,
    /// Gatherings of each learning network of the grant.
    pub gatherings_held: Option<Table>,
    /// Attendance recorded at those gatherings.
    pub attendances: Option<Table>,
    /// Groups the recipient centre started (for its operation; one row, `centre_operation`).
    pub groups_started: Option<Table>,
    /// People the recipient centre placed in its groups (for its operation).
    pub people_placed: Option<Table>,
    /// The projects it pays for, described rather than counted.
    pub projects: Vec<String>,
}

impl Tables for GrantReport {
    fn tables(&self) -> Vec<(String, &Table)> {
        [
            ("courses_held", &self.courses_held),
            ("people_trained", &self.people_trained),
            ("network_meetings", &self.network_meetings),
            ("gatherings_held", &self.gatherings_held),
            ("attendances", &self.attendances),
            ("groups_started", &self.groups_started),
            ("people_placed", &self.people_placed),
        ]
        .into_iter()
        .filter_map(|(name, table)| table.as_ref().map(|table| (name.to_owned(), table)))
        .collect()
    }
}

impl From<usecases::GrantReport> for GrantReport {
    fn from(report: usecases::GrantReport) -> GrantReport {
        let mut tables: std::collections::BTreeMap<&str, Table> = report
            .tables
            .into_iter()
            .map(|(name, table)| (name, Table::from(table)))
            .collect();
        GrantReport {
            grant_id: report.grant_id,
            quarters_counted: report.quarters,
            courses_held: tables.remove("courses_held"),
            people_trained: tables.remove("people_trained"),
            network_meetings: tables.remove("network_meetings"),
            gatherings_held: tables.remove("gatherings_held"),
            attendances: tables.remove("attendances"),
            groups_started: tables.remove("groups_started"),
            people_placed: tables.remove("people_placed"),
            projects: report.projects,
        }
    }
}

/// Read a grant's report.
///
/// For its funder and its recipient (404 for anyone else, which leaves a trace): what each of
/// its activities did in each whole calendar quarter of its period that has ended. Each measure
/// is one table (a row per activity, a column per quarter). Every count goes through the
/// disclosure control on its own, alike in every report that shows it: a count of 1 to 4 is
/// `<5`; a total is the sum of shown counts, `..` where one of them is hidden, so that no
/// figure, nor any difference of figures from several reports, pins a small count. The quarters
/// are the grant's, never a span the reader picks. A measure the grant's activities do not have
/// is `null`. Also as CSV (`Accept: text/csv`).
#[utoipa::path(
    tag = "grants",
    params(GrantPath),
    responses((status = 200, description = "The report", content((GrantReport = "application/json"), (String = "text/csv"))))
)]
#[get("/grants/{id}/report")]
async fn grant_report(
    caller: Authorized<GrantParties>,
    path: web::Path<GrantPath>,
) -> Result<Published<GrantReport>, ApiError> {
    let id = path.id;
    let scope = GrantScope::of(&caller.caller);
    let today = Utc::now().date_naive();
    let report = record::read_audited(&caller, GRANT, id, move |conn| {
        usecases::grant_report(conn, scope, id, today)
    })
    .await?;
    Ok(Published(GrantReport::from(report)))
}
