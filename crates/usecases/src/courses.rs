//! Courses: a competence centre creates one (with other centres as co-organisers) and changes
//! it; a raised capacity moves the waiting line up.

use crate::enrolments::fill_seats;
use crate::input::Name;
use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::course::{check_co_organisers, Course, CourseScope};
use samhandling_domain::ids::{CourseId, OrganisationId};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::venue::Venue;
use samhandling_domain::version::Precondition;
use samhandling_persistence::courses as store;
use samhandling_persistence::PgConnection;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::ToSchema;
use uuid::Uuid;
use validator::{Validate, ValidationError};

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
    #[serde(default, deserialize_with = "crate::input::present")]
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
    #[serde(deserialize_with = "crate::input::integral_required")]
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
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub title: Option<Name>,
    /// Where it is held (a course that is not digital keeps one).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is given digitally.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub digital: Option<bool>,
    /// The course days, each once; replaces them all.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 20), custom(function = "check_dates"))]
    #[schema(min_items = 1, max_items = 20, nullable = false)]
    pub dates: Option<Vec<NaiveDate>>,
    /// Seats: never below the seats held (409 says how many). Raising it moves the first in
    /// line up.
    #[serde(default, deserialize_with = "crate::input::integral")]
    #[validate(range(min = 1, max = 500))]
    #[schema(minimum = 1, maximum = 500, nullable = false)]
    pub capacity: Option<i32>,
}

/// Creates the course `id`, organised by the caller's `centre` and the co-organisers (each a
/// competence centre; every other is refused by field, with a missing place, all at once).
pub fn create_course(
    ctx: &mut Context<'_>,
    centre: OrganisationId,
    id: CourseId,
    input: &CreateCourse,
) -> Result<Course, UseCaseError> {
    let (centre, id) = (centre.uuid(), id.uuid());
    let place = input.place.as_ref().map(ToString::to_string);
    let venue = Venue::new("a course", place, input.digital);
    let mut refusals: Vec<_> = venue.as_ref().err().cloned().into_iter().collect();
    if !input.co_organisers.is_empty() {
        let known = store::organisation_kinds(ctx.conn(), &input.co_organisers)?;
        refusals.extend(check_co_organisers(&input.co_organisers, &known));
    }
    let venue = match venue {
        Ok(venue) if refusals.is_empty() => venue,
        _ => return Err(UseCaseError::Invalid(refusals)),
    };
    let mut organisers = vec![centre];
    for co in &input.co_organisers {
        if !organisers.contains(co) {
            organisers.push(*co);
        }
    }
    let mut dates = input.dates.clone();
    dates.sort_unstable();
    let now = ctx.now();
    let (place, digital) = venue.into_parts();
    let course = Course {
        id,
        title: input.title.to_string(),
        organisers,
        place,
        digital,
        dates,
        capacity: input.capacity,
        taken: 0,
        waiting: 0,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let stored = store::insert(ctx.conn(), &course)?;
    ctx.audit(AuditAction::Created, ResourceType::Course, id)?;
    Ok(stored)
}

/// Changes the course `id` in `scope` as of the version the caller read. A raised capacity
/// gives the new seats to the first in line.
pub fn update_course(
    ctx: &mut Context<'_>,
    scope: CourseScope,
    id: Uuid,
    read: Precondition,
    edit: &UpdateCourse,
) -> Result<Course, UseCaseError> {
    let mut course =
        store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(course.version)?;
    if let Some(title) = &edit.title {
        course.title = title.to_string();
    }
    if let Some(place) = &edit.place {
        course.place = Some(place.to_string());
    }
    if let Some(digital) = edit.digital {
        course.digital = digital;
    }
    Venue::new("a course", course.place.clone(), course.digital)?;
    if let Some(mut dates) = edit.dates.clone() {
        dates.sort_unstable();
        course.dates = dates;
    }
    if let Some(capacity) = edit.capacity {
        course
            .check_capacity(capacity)
            .map_err(UseCaseError::Conflict)?;
        course.capacity = capacity;
    }
    let updated = store::update(ctx.conn(), &course)?;
    ctx.audit(AuditAction::Updated, ResourceType::Course, id)?;
    if fill_seats(ctx, &updated)? == 0 {
        return Ok(updated);
    }
    store::find(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)
}

/// The courses the caller's centre organises, alone or with others, in the order created.
pub fn list_courses(
    conn: &mut PgConnection,
    scope: CourseScope,
    page: PageRequest,
) -> Result<Page<Course>, UseCaseError> {
    Ok(store::list(conn, scope, page)?)
}

/// The course `id`, if the caller's centre organises it.
pub fn read_course(
    conn: &mut PgConnection,
    scope: CourseScope,
    id: Uuid,
) -> Result<Course, UseCaseError> {
    store::find(conn, id, scope)?.ok_or(UseCaseError::NotFound)
}
