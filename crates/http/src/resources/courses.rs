//! `/api/v1/courses`: the network-meeting courses competence centres (KoRus, NAPHA, KBT, NK TSB)
//! run to train professionals as facilitators. A course is organised by the centre that creates
//! it and the co-organisers it names; each of them reaches it alike, and every other
//! organisation gets 404. Every read is audited: the enrolments on a course are personal data.

use crate::auth::{Authorized, CompetenceAdvisers};
use crate::error::ApiError;
use crate::etag::{IfMatch, IfMatchHeader, Tagged, Versioned};
use crate::idempotency::{self, Created, IdempotencyKey, IdempotencyKeyHeader};
use crate::input::ValidJson;
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::state::AppState;
use crate::text::Name;
use actix_web::{get, patch, post, web, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::audit::ResourceType;
use samhandling_domain::course::{Course, CourseScope};
use samhandling_domain::venue::Venue;
use samhandling_usecases::courses::{self as usecases, CourseDraft, CourseEdit};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_course)
        .service(list_courses)
        .service(get_course)
        .service(update_course);
}

/// The course days: each date once (they are stored in order).
fn check_dates(dates: &[NaiveDate]) -> Result<(), ValidationError> {
    let mut sorted = dates.to_vec();
    sorted.sort_unstable();
    if sorted.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(ValidationError::new("duplicate")
            .with_message(Cow::Borrowed("each course day is given once")));
    }
    Ok(())
}

/// A new course. The caller's centre organises it, with the co-organisers it names.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Nettverksmøter i praksis, Trøndelag vår 2027",
    "co_organisers": [],
    "place": "Scandic Nidelven, Trondheim",
    "digital": false,
    "dates": ["2027-02-09", "2027-02-10", "2027-03-16"],
    "capacity": 40
}))]
pub struct CreateCourse {
    /// What it is called.
    pub title: Name,
    /// Other competence centres that organise it too (organisation ids of kind
    /// `competence_centre`); they reach the course as the caller does.
    #[serde(default)]
    #[validate(length(max = 5))]
    #[schema(max_items = 5)]
    pub co_organisers: Vec<Uuid>,
    /// Where it is held; required unless `digital`.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is given digitally.
    #[serde(default)]
    pub digital: bool,
    /// The course days, each once (stored in order).
    #[validate(length(min = 1, max = 20), custom(function = "check_dates"))]
    #[schema(min_items = 1, max_items = 20)]
    pub dates: Vec<NaiveDate>,
    /// Seats; past them, enrolments wait in line.
    #[serde(deserialize_with = "crate::text::integral_required")]
    #[validate(range(min = 1, max = 500))]
    #[schema(minimum = 1, maximum = 500)]
    pub capacity: i32,
}

/// Changes to a course; absent fields stay as they are. Send `If-Match` with the course's `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"capacity": 45}))]
pub struct UpdateCourse {
    /// What it is called.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub title: Option<Name>,
    /// Where it is held (a course that is not digital keeps one).
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is given digitally.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub digital: Option<bool>,
    /// The course days, each once; replaces them all.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[validate(length(min = 1, max = 20), custom(function = "check_dates"))]
    #[schema(min_items = 1, max_items = 20, nullable = false)]
    pub dates: Option<Vec<NaiveDate>>,
    /// Seats: never below the seats held (409 says how many). Raising it moves the first in
    /// line up.
    #[serde(default, deserialize_with = "crate::text::integral")]
    #[validate(range(min = 1, max = 500))]
    #[schema(minimum = 1, maximum = 500, nullable = false)]
    pub capacity: Option<i32>,
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

/// A course, as its organisers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseView {
    /// Identifier.
    pub id: Uuid,
    /// What it is called.
    pub title: String,
    /// The competence centres that organise it (organisation ids); each reaches it.
    pub organisers: Vec<Uuid>,
    /// Where, unless digital.
    pub place: Option<String>,
    /// Whether it is given digitally.
    pub digital: bool,
    /// The course days, in order.
    pub dates: Vec<NaiveDate>,
    /// Seats.
    pub capacity: i32,
    /// Seats held (enrolled or completed).
    pub seats_taken: i64,
    /// Enrolments waiting for a seat.
    pub waiting: i64,
    /// Version, also the `ETag`: of the course's own fields, so enrolments (which change
    /// `seats_taken` and `waiting`) never make an organiser's change fail with 412.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<Course> for CourseView {
    fn from(course: Course) -> Self {
        CourseView {
            id: course.id,
            title: course.title,
            organisers: course.organisers,
            place: course.place,
            digital: course.digital,
            dates: course.dates,
            capacity: course.capacity,
            seats_taken: course.taken,
            waiting: course.waiting,
            version: course.version,
            created_at: course.created_at,
            updated_at: course.updated_at,
        }
    }
}

impl Versioned for CourseView {
    fn version(&self) -> i32 {
        self.version
    }
}

/// The path of one course.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct CoursePath {
    /// The course's id.
    pub(crate) id: Uuid,
}

fn location(id: Uuid) -> String {
    format!("/api/v1/courses/{id}")
}

/// Create a course.
///
/// For a competence centre's `competence_adviser`. The caller's centre organises it, with the
/// `co_organisers` named (other competence centres: anything else is 422 naming the entry).
/// Enrolments take seats in the order they come; past `capacity` they wait in line. A
/// professional who completes the course becomes a facilitator of every organising centre.
#[utoipa::path(
    tag = "courses",
    params(IdempotencyKeyHeader),
    request_body = CreateCourse,
    responses(
        (status = 201, description = "Created", body = CourseView,
            headers(("Location" = String, description = "The course"), ("ETag" = String, description = "Its version"))),
        (status = 422, description = "Invalid fields: a co-organiser that is not a competence centre, a repeated date, no place for a course that is not digital", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/courses")]
async fn create_course(
    caller: Authorized<CompetenceAdvisers>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<CreateCourse>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let draft = CourseDraft {
        title: request.title.to_string(),
        venue: Venue::new(
            "a course",
            request.place.clone().map(String::from),
            request.digital,
        )?,
        dates: request.dates.clone(),
        capacity: request.capacity,
        co_organisers: request.co_organisers.clone(),
    };
    let centre = caller.caller.organisation_id.uuid();
    idempotency::create_by(
        &state,
        &caller,
        key,
        "/api/v1/courses",
        &request,
        move |ctx| {
            let stored = usecases::create_course(ctx, centre, Uuid::now_v7(), draft)?;
            let (id, version) = (stored.id, stored.version);
            Created::new(&CourseView::from(stored), location(id), Some(version))
        },
    )
    .await
}

/// List the caller's courses.
///
/// The courses the caller's centre organises, alone or with others, in the order created.
#[utoipa::path(
    tag = "courses",
    params(PageQuery),
    responses((status = 200, description = "One page", body = Paginated<CourseView>)),
    security(("bearer" = []))
)]
#[get("/courses")]
async fn list_courses(
    caller: Authorized<CompetenceAdvisers>,
    state: web::Data<AppState>,
    page: Pagination,
) -> Result<web::Json<Paginated<CourseView>>, ApiError> {
    let scope = CourseScope::of(&caller.caller);
    let found = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list_courses(conn, scope, page.0)?)
    })
    .await?;
    record::note_list_read(
        &state,
        &caller,
        ResourceType::Course,
        found.items.iter().map(|course| course.id),
    )
    .await?;
    Ok(web::Json(pagination::to_wire(
        &state,
        found,
        CourseView::from,
    )?))
}

/// Read a course.
///
/// For its organisers (404 for anyone else), with its seats taken, the line's length and an
/// `ETag`.
#[utoipa::path(
    tag = "courses",
    params(CoursePath),
    responses((status = 200, description = "The course", body = CourseView,
        headers(("ETag" = String, description = "Its version")))),
    security(("bearer" = []))
)]
#[get("/courses/{id}")]
async fn get_course(
    caller: Authorized<CompetenceAdvisers>,
    state: web::Data<AppState>,
    path: web::Path<CoursePath>,
) -> Result<Tagged<CourseView>, ApiError> {
    let id = path.id;
    let scope = CourseScope::of(&caller.caller);
    let course = record::read_audited(&state, &caller, ResourceType::Course, id, move |conn| {
        Ok(Some(usecases::read_course(conn, scope, id)?))
    })
    .await?;
    Ok(Tagged::new(CourseView::from(course)))
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
        (status = 200, description = "Changed", body = CourseView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "The capacity would be below the seats held", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/courses/{id}")]
async fn update_course(
    caller: Authorized<CompetenceAdvisers>,
    state: web::Data<AppState>,
    path: web::Path<CoursePath>,
    if_match: IfMatch,
    body: ValidJson<UpdateCourse>,
) -> Result<Tagged<CourseView>, ApiError> {
    let id = path.id;
    let edit = body.into_inner();
    let precondition = if_match.precondition()?;
    let scope = CourseScope::of(&caller.caller);
    let edit = CourseEdit {
        title: edit.title.map(String::from),
        place: edit.place.map(String::from),
        digital: edit.digital,
        dates: edit.dates,
        capacity: edit.capacity,
    };
    let changed = record::operate(&state, &caller, ResourceType::Course, id, move |ctx| {
        usecases::update_course(ctx, scope, id, precondition, edit)
    })
    .await?;
    Ok(Tagged::new(CourseView::from(changed)))
}
