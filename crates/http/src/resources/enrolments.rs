//! `/api/v1/courses/{id}/enrolments`: the professionals signed up for a course. Seats go in the
//! order people enrol, under the course's row lock; past the capacity an enrolment waits in
//! line, and the first in line moves up when a seat is given back or added. Completing makes the
//! professional a facilitator of every organising centre. Names and e-mails are personal data:
//! every read is audited, and only the course's organisers reach them (404 for anyone else).

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::etag::Tagged;
use crate::idempotency::{Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::courses::{CourseOrganisers, CoursePath};
use actix_web::{get, post, web, HttpResponse};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::course::{CourseScope, EnrolmentStatus};
use samhandling_usecases::course_views::EnrolmentView;
use samhandling_usecases::enrolments::{self as usecases, Enrol, EnrolmentTransition};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(enrol)
        .service(list_enrolments)
        .service(get_enrolment)
        .service(move_enrolment);
}

/// The path of one enrolment.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EnrolmentPath {
    /// The course's id.
    id: Uuid,
    /// The enrolment's id.
    enrolment_id: Uuid,
}

fn location(course_id: Uuid, id: Uuid) -> String {
    format!("/api/v1/courses/{course_id}/enrolments/{id}")
}

/// Enrol a professional on a course.
///
/// For the course's organisers. The enrolment takes a seat (`enrolled`) while seats are free,
/// else waits in line (`waiting`, with `waiting_position`, 1 being next). A second live
/// enrolment of the same work e-mail on the course is 409.
///
/// `subject` is the link to the facilitator this professional becomes on completing: they sign
/// in with a token whose `sub` is this subject, whose organisation is the employer, and with
/// role `facilitator`.
#[utoipa::path(
    tag = "courses",
    params(CoursePath, IdempotencyKeyHeader),
    request_body = Enrol,
    responses(
        (status = 201, description = "Enrolled, or waiting in line", body = EnrolmentView,
            headers(("Location" = String, description = "The enrolment"), ("ETag" = String, description = "Its version"))),
        (status = 409, description = "This e-mail is already enrolled on the course", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or an employer whose staff cannot be facilitators", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/courses/{id}/enrolments")]
async fn enrol(
    caller: Authorized<CourseOrganisers>,
    key: IdempotencyKey,
    path: web::Path<CoursePath>,
    body: ValidJson<Enrol>,
) -> Result<HttpResponse, ApiError> {
    let course_id = path.id;
    let scope = CourseScope::of(&caller.caller);
    let route = format!("/api/v1/courses/{course_id}/enrolments");
    let under = (ResourceType::Course, course_id, route);
    let request = body.into_inner();
    key.create_under(&caller, under, request, move |ctx, request| {
        let id = Uuid::now_v7().into();
        let stored = usecases::enrol(ctx, scope, course_id.into(), id, &request)?;
        let (id, version) = (stored.id, stored.version);
        Created::new(
            &EnrolmentView::from(stored),
            location(course_id, id),
            Some(version),
        )
    })
    .await
}

/// List a course's enrolments.
///
/// For the course's organisers, in the order enrolled (the line's order), each with its
/// `status` and, while waiting, its `waiting_position`. Every enrolment shown is audited as read.
#[utoipa::path(
    tag = "courses",
    params(CoursePath, PageQuery),
    responses((status = 200, description = "One page, in the order enrolled", body = Paginated<EnrolmentView>))
)]
#[get("/courses/{id}/enrolments")]
async fn list_enrolments(
    caller: Authorized<CourseOrganisers>,
    path: web::Path<CoursePath>,
    page: Pagination,
) -> Result<web::Json<Paginated<EnrolmentView>>, ApiError> {
    let course_id = path.id;
    let scope = CourseScope::of(&caller.caller);
    let found = record::read(&caller, ResourceType::Course, course_id, move |conn| {
        usecases::list_enrolments(conn, scope, course_id, page.0).map(Some)
    })
    .await?;
    record::note_page_read(&caller, ResourceType::Enrolment, &found).await?;
    pagination::to_wire(caller.state(), found, EnrolmentView::from)
}

/// Read an enrolment.
///
/// For the course's organisers (404 for anyone else), with an `ETag`; audited as read.
#[utoipa::path(
    tag = "courses",
    params(EnrolmentPath),
    responses((status = 200, description = "The enrolment", body = EnrolmentView,
        headers(("ETag" = String, description = "Its version"))))
)]
#[get("/courses/{id}/enrolments/{enrolment_id}")]
async fn get_enrolment(
    caller: Authorized<CourseOrganisers>,
    path: web::Path<EnrolmentPath>,
) -> Result<Tagged<EnrolmentView>, ApiError> {
    let (course_id, id) = (path.id, path.enrolment_id);
    let scope = CourseScope::of(&caller.caller);
    let enrolment = record::read_audited(&caller, ResourceType::Enrolment, id, move |conn| {
        usecases::read_enrolment(conn, scope, course_id.into(), id.into()).map(Some)
    })
    .await?;
    Ok(Tagged::new(EnrolmentView::from(enrolment)))
}

/// Cancel or complete an enrolment.
///
/// For the course's organisers. `enrolled → cancelled | completed`, `waiting → cancelled`;
/// anything else is 409 naming `allowed_transitions`. A cancelled seat goes to the first in line
/// (moved to `enrolled`, audited on that enrolment).
///
/// Completing makes the professional a facilitator of every centre that organises the course
/// (see `GET /facilitators`): they sign in with a token whose `sub` is the enrolment's
/// `subject`, whose organisation is the enrolment's employer, with role `facilitator`, and those
/// centres are the ones that see their network-meeting logs.
#[utoipa::path(
    tag = "courses",
    params(EnrolmentPath),
    request_body = EnrolmentTransition,
    responses(
        (status = 200, description = "Moved", body = EnrolmentView, headers(("ETag" = String, description = "Its version"))),
        (status = 409, description = "Not allowed from the current status (`allowed_transitions`)", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[post("/courses/{id}/enrolments/{enrolment_id}/transitions")]
async fn move_enrolment(
    caller: Authorized<CourseOrganisers>,
    path: web::Path<EnrolmentPath>,
    body: ValidJson<EnrolmentTransition>,
) -> Result<Tagged<EnrolmentView>, ApiError> {
    let (course_id, id) = (path.id, path.enrolment_id);
    let to = EnrolmentStatus::from(body.into_inner().to);
    let scope = CourseScope::of(&caller.caller);
    let moved = record::operate(&caller, ResourceType::Enrolment, id, move |ctx| {
        usecases::move_enrolment(ctx, scope, course_id.into(), id.into(), to)
    })
    .await?
    .enrolment;
    Ok(Tagged::new(EnrolmentView::from(moved)))
}
