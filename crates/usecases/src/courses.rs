//! Courses: a competence centre creates one (with other centres as co-organisers) and changes
//! it; a raised capacity moves the waiting line up.

use crate::enrolments::fill_seats;
use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::course::{check_co_organisers, Course, CourseScope};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::venue::Venue;
use samhandling_domain::version::Precondition;
use samhandling_persistence::courses as store;
use samhandling_persistence::PgConnection;
use uuid::Uuid;

/// A course to create.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseDraft {
    /// What it is called.
    pub title: String,
    /// Where.
    pub venue: Venue,
    /// Its dates.
    pub dates: Vec<NaiveDate>,
    /// Seats.
    pub capacity: i32,
    /// Other competence centres organising it.
    pub co_organisers: Vec<Uuid>,
}

/// Creates the course `id`, organised by the caller's `centre` and the co-organisers (each a
/// competence centre; every other is refused by field).
pub fn create_course(
    ctx: &mut Context<'_>,
    centre: Uuid,
    id: Uuid,
    draft: CourseDraft,
) -> Result<Course, UseCaseError> {
    if !draft.co_organisers.is_empty() {
        let known = store::organisation_kinds(ctx.conn(), &draft.co_organisers)?;
        let refusals = check_co_organisers(&draft.co_organisers, &known);
        if !refusals.is_empty() {
            return Err(UseCaseError::Invalid(refusals));
        }
    }
    let mut organisers = vec![centre];
    for co in draft.co_organisers {
        if !organisers.contains(&co) {
            organisers.push(co);
        }
    }
    let mut dates = draft.dates;
    dates.sort_unstable();
    let now = ctx.now();
    let (place, digital) = draft.venue.into_parts();
    let course = Course {
        id,
        title: draft.title,
        organisers,
        place,
        digital,
        dates,
        capacity: draft.capacity,
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

/// What may change on a course; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseEdit {
    /// A new title.
    pub title: Option<String>,
    /// A new place.
    pub place: Option<String>,
    /// Whether it is digital now.
    pub digital: Option<bool>,
    /// New dates.
    pub dates: Option<Vec<NaiveDate>>,
    /// A new capacity: not below the seats held.
    pub capacity: Option<i32>,
}

/// Changes the course `id` in `scope` as of the version the caller read. A raised capacity
/// gives the new seats to the first in line.
pub fn update_course(
    ctx: &mut Context<'_>,
    scope: CourseScope,
    id: Uuid,
    read: Precondition,
    edit: CourseEdit,
) -> Result<Course, UseCaseError> {
    let mut course =
        store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(course.version)?;
    if let Some(title) = edit.title {
        course.title = title;
    }
    if let Some(place) = edit.place {
        course.place = Some(place);
    }
    if let Some(digital) = edit.digital {
        course.digital = digital;
    }
    Venue::new("a course", course.place.clone(), course.digital)?;
    if let Some(mut dates) = edit.dates {
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
