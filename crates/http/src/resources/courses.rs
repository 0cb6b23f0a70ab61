//! `/api/v1/courses`: the network-meeting courses competence centres (KoRus, NAPHA, KBT, NK TSB)
//! run to train professionals as facilitators. A course is organised by the centre that creates
//! it and the co-organisers it names (competence centres, and the county governor that
//! co-organises and funds it); each of them reaches it alike (a centre's `competence_adviser`,
//! the governor's `governor_adviser`), and every other organisation gets 404. Every read is audited: the enrolments on a course are personal data.

use crate::auth::{Authorized, CompetenceAdvisers, Policy};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged};
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{PageQuery, Paginated, Pagination};
use crate::record;
use actix_web::{get, patch, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::course::{Course, CourseScope, ORGANISER_ROLES};
use samhandling_domain::Role;
use samhandling_usecases::courses::{self as usecases, CreateCourse, UpdateCourse};
use samhandling_usecases::grants::{self, Fundable, Funded};
use serde::Deserialize;
use std::convert::identity;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// The collection new records are posted to.
const ROUTE: &str = "/api/v1/courses";

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_course)
        .service(list_courses)
        .service(get_course)
        .service(update_course);
}

/// The rules across fields of a course, as JSON Schema: a course that is not digital needs its
/// place, and each course day is given once.
pub(crate) fn schema_rules() -> Vec<(&'static str, serde_json::Value)> {
    vec![
        (
            "CreateCourse",
            serde_json::json!({
                "properties": { "dates": { "uniqueItems": true } },
                "if": { "properties": { "digital": { "const": true } }, "required": ["digital"] },
                "else": { "required": ["place"] }
            }),
        ),
        (
            "UpdateCourse",
            serde_json::json!({ "properties": { "dates": { "uniqueItems": true } } }),
        ),
    ]
}

/// Who reaches a course and its enrolments: the advisers of its organisers (which courses,
/// [`CourseScope`] decides).
#[derive(Debug)]
pub struct CourseOrganisers;
impl Policy for CourseOrganisers {
    const ROLES: &'static [Role] = &ORGANISER_ROLES;
}

/// The path of one course.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CoursePath {
    /// The course's id.
    pub(crate) id: Uuid,
}

fn location(id: Uuid) -> String {
    format!("{ROUTE}/{id}")
}

/// Create a course.
///
/// For a competence centre's `competence_adviser`. The caller's centre organises it, with the
/// `co_organisers` named (other competence centres, or the county governor that co-organises
/// and funds it: anything else is 422 naming the entry).
/// Enrolments take seats in the order they come; past `capacity` they wait in line. A
/// professional who completes the course becomes a facilitator of every organising centre.
#[utoipa::path(
    tag = "courses",
    params(IdempotencyKeyHeader),
    request_body = CreateCourse,
    responses(
        (status = 201, description = "Created", body = Course,
            headers(("Location" = String, description = "The course"), ("ETag" = String, description = "Its version"))),
        (status = 422, description = "Invalid fields: a co-organiser that is neither a competence centre nor a county governor, a repeated date, no place for a course that is not digital", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/courses")]
async fn create_course(
    caller: Authorized<CompetenceAdvisers>,
    key: IdempotencyKey,
    body: ValidJson<CreateCourse>,
) -> Result<HttpResponse, ApiError> {
    let centre = caller.caller.organisation_id;
    let request = body.into_inner();
    key.create_by(&caller, ROUTE, request, move |ctx, request| {
        let stored = usecases::create_course(ctx, centre, Uuid::now_v7().into(), &request)?;
        Created::new(&stored, location(stored.id), Some(stored.version))
    })
    .await
}

/// List the caller's courses.
///
/// The courses the caller's centre organises, alone or with others, in the order created.
#[utoipa::path(
    tag = "courses",
    params(PageQuery),
    responses((status = 200, description = "One page", body = Paginated<Course>))
)]
#[get("/courses")]
async fn list_courses(
    caller: Authorized<CourseOrganisers>,
    page: Pagination,
) -> Result<web::Json<Paginated<Course>>, ApiError> {
    let scope = CourseScope::of(&caller.caller);
    record::list_audited(
        &caller,
        ResourceType::Course,
        move |conn| usecases::list_courses(conn, scope, page.0),
        identity,
    )
    .await
}

/// Read a course.
///
/// For its organisers (404 for anyone else), with its seats taken, the line's length, the
/// grants that fund it (`funding`: the amount only to the grant's funder and recipient) and an
/// `ETag`.
#[utoipa::path(
    tag = "courses",
    params(CoursePath),
    responses((status = 200, description = "The course", body = Funded<Course>,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/courses/{id}")]
async fn get_course(
    caller: Authorized<CourseOrganisers>,
    path: web::Path<CoursePath>,
) -> Result<Tagged<Funded<Course>>, ApiError> {
    let id = path.id;
    let scope = CourseScope::of(&caller.caller);
    let viewer = caller.caller.organisation_id;
    record::read_audited(&caller, ResourceType::Course, id, move |conn| {
        let course = usecases::read_course(conn, scope, id)?;
        let funding = grants::funding_of(conn, viewer, Fundable::Course(course.id.into()))?;
        Ok(Some(Funded {
            record: course,
            funding,
        }))
    })
    .await
    .map(|funded| Tagged {
        version: funded.record.version,
        body: funded,
    })
}

/// Change a course.
///
/// For its organisers, with `If-Match`. The capacity cannot go below the seats held (409 says
/// how many); raising it gives the new seats to the first in line, in order, each move audited
/// on its enrolment.
#[utoipa::path(
    tag = "courses",
    params(CoursePath, IfMatchHeader),
    request_body = UpdateCourse,
    responses(
        (status = 200, description = "Changed", body = Course, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The capacity would be below the seats held", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/courses/{id}")]
async fn update_course(
    caller: Authorized<CourseOrganisers>,
    path: web::Path<CoursePath>,
    if_match: IfMatch,
    body: ValidJson<UpdateCourse>,
) -> Result<Tagged<Course>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = CourseScope::of(&caller.caller);
    record::operate(&caller, ResourceType::Course, id, move |ctx| {
        usecases::update_course(ctx, scope, id, precondition, &edit)
    })
    .await
    .map(Tagged::new)
}
