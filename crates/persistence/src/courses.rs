//! Network-meeting courses, their organisers and the enrolments on them. A course is reached
//! through [`CourseScope`]: the centres in `course_organisers` reach it, and its enrolments with
//! it; anyone else reaches nothing. Seats are counted from the enrolments themselves, under the
//! course's row lock, so two sign-ups can never take the last seat both.

use crate::error::{parse_stored, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{assemble_one, completed, find_and_lock, one_version_up};
use crate::schema::{course_organisers, courses, enrolments, organisations};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use samhandling_domain::course::{Course, CourseScope, Enrolment, EnrolmentStatus};
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The partial unique index that keeps one live enrolment per e-mail and course.
pub const ENROLMENT_ONCE_KEY: &str = "enrolments_once";

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = courses, check_for_backend(diesel::pg::Pg))]
struct CourseRow {
    id: Uuid,
    title: String,
    place: Option<String>,
    digital: bool,
    dates: Vec<Option<NaiveDate>>,
    capacity: i32,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// A course as stored, before its organisers and counts are added by [`complete`].
impl TryFrom<CourseRow> for Course {
    type Error = StoreError;

    fn try_from(row: CourseRow) -> Result<Self, Self::Error> {
        Ok(Course {
            id: row.id,
            title: row.title,
            organisers: Vec::new(),
            place: row.place,
            digital: row.digital,
            dates: row.dates.into_iter().flatten().collect(),
            capacity: row.capacity,
            taken: 0,
            waiting: 0,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = enrolments, check_for_backend(diesel::pg::Pg))]
struct EnrolmentRow {
    id: Uuid,
    course_id: Uuid,
    name: String,
    work_email: String,
    employer_organisation_id: Uuid,
    service: String,
    subject: String,
    status: String,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// An enrolment as stored; its waiting position is added by [`place_in_line`].
impl TryFrom<EnrolmentRow> for Enrolment {
    type Error = StoreError;

    fn try_from(row: EnrolmentRow) -> Result<Self, Self::Error> {
        Ok(Enrolment {
            id: row.id,
            course_id: row.course_id,
            name: row.name,
            work_email: row.work_email,
            employer_organisation_id: row.employer_organisation_id,
            service: row.service,
            subject: row.subject,
            status: parse_stored(&row.status)?,
            waiting_position: None,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

type OrganisedBy = diesel::dsl::Select<
    diesel::dsl::Filter<
        course_organisers::table,
        diesel::dsl::Eq<course_organisers::organisation_id, Uuid>,
    >,
    course_organisers::course_id,
>;

/// The ids of the courses `scope` reaches, as a subquery; none without a centre.
fn organised(scope: CourseScope) -> OrganisedBy {
    // Uuid::nil() is no organisation: a scope without a centre reaches no course.
    course_organisers::table
        .filter(course_organisers::organisation_id.eq(scope.centre.unwrap_or_else(Uuid::nil)))
        .select(course_organisers::course_id)
}

/// The kinds of the organisations `ids` that exist.
pub fn organisation_kinds(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> Result<Vec<(Uuid, OrganisationKind)>, StoreError> {
    let rows: Vec<(Uuid, String)> = organisations::table
        .filter(organisations::id.eq_any(ids))
        .select((organisations::id, organisations::kind))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, kind)| Ok((id, parse_stored(&kind)?)))
        .collect()
}

/// Stores a course (its dates sorted already) with its organisers.
pub fn insert(conn: &mut PgConnection, course: &Course) -> Result<Course, StoreError> {
    let row: CourseRow = diesel::insert_into(courses::table)
        .values((
            courses::id.eq(course.id),
            courses::title.eq(&course.title),
            courses::place.eq(&course.place),
            courses::digital.eq(course.digital),
            courses::dates.eq(&course.dates),
            courses::capacity.eq(course.capacity),
            courses::created_at.eq(course.created_at),
            courses::updated_at.eq(course.updated_at),
        ))
        .returning(CourseRow::as_returning())
        .get_result(conn)?;
    let organisers: Vec<_> = course
        .organisers
        .iter()
        .map(|organiser| {
            (
                course_organisers::course_id.eq(course.id),
                course_organisers::organisation_id.eq(*organiser),
            )
        })
        .collect();
    diesel::insert_into(course_organisers::table)
        .values(&organisers)
        .execute(conn)?;
    assemble_one(conn, row, courses_of, "a stored course went missing")
}

/// Adds to each course its organisers and its counts of seats taken and enrolments waiting.
fn complete(conn: &mut PgConnection, found: &mut [Course]) -> Result<(), StoreError> {
    let ids: Vec<Uuid> = found.iter().map(|course| course.id).collect();
    let organisers: Vec<(Uuid, Uuid)> = course_organisers::table
        .filter(course_organisers::course_id.eq_any(&ids))
        .select((
            course_organisers::course_id,
            course_organisers::organisation_id,
        ))
        .order((
            course_organisers::course_id,
            course_organisers::organisation_id,
        ))
        .load(conn)?;
    let counts: Vec<(Uuid, String, i64)> = enrolments::table
        .filter(enrolments::course_id.eq_any(&ids))
        .group_by((enrolments::course_id, enrolments::status))
        .select((
            enrolments::course_id,
            enrolments::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    for course in found.iter_mut() {
        course.organisers = organisers
            .iter()
            .filter(|(id, _)| *id == course.id)
            .map(|(_, organiser)| *organiser)
            .collect();
        for (_, status, count) in counts.iter().filter(|(id, _, _)| *id == course.id) {
            let status: EnrolmentStatus = parse_stored(status)?;
            if status.holds_seat() {
                course.taken += count;
            } else if status == EnrolmentStatus::Waiting {
                course.waiting += count;
            }
        }
    }
    Ok(())
}

/// The courses of `rows`, with their organisers and counts.
fn courses_of(conn: &mut PgConnection, rows: Vec<CourseRow>) -> Result<Vec<Course>, StoreError> {
    completed(conn, rows, complete)
}

find_and_lock! {
    /// The course `id`, if `scope` reaches it.
    fn find / find_for_update(id: Uuid, scope: CourseScope) -> Course {
        courses::table
            .filter(courses::id.eq(id))
            .filter(courses::id.eq_any(organised(scope)))
            .select(CourseRow::as_select())
    } assembled by courses_of;
    /// Every change of its seats (enrolling, cancelling, completing, a new capacity) takes this
    /// lock first.
}

/// One page of the courses `scope` reaches, in the order created.
pub fn list(
    conn: &mut PgConnection,
    scope: CourseScope,
    page: PageRequest,
) -> Result<Page<Course>, StoreError> {
    let query = created_order!(courses, CourseRow).filter(courses::id.eq_any(organised(scope)));
    let mut found = pagination::load_created_page::<_, CourseRow, Course>(conn, query, page)?;
    complete(conn, &mut found.items)?;
    Ok(found)
}

/// Stores a changed course (locked and checked), one version up.
pub fn update(conn: &mut PgConnection, course: &Course) -> Result<Course, StoreError> {
    let row: CourseRow = diesel::update(courses::table.find(course.id))
        .set((
            courses::title.eq(&course.title),
            courses::place.eq(&course.place),
            courses::digital.eq(course.digital),
            courses::dates.eq(&course.dates),
            courses::capacity.eq(course.capacity),
            one_version_up!(courses),
        ))
        .returning(CourseRow::as_returning())
        .get_result(conn)?;
    assemble_one(conn, row, courses_of, "an updated course went missing")
}

/// Stores an enrolment on a course locked by the caller's transaction.
pub fn insert_enrolment(
    conn: &mut PgConnection,
    enrolment: &Enrolment,
) -> Result<Enrolment, StoreError> {
    let row: EnrolmentRow = diesel::insert_into(enrolments::table)
        .values((
            enrolments::id.eq(enrolment.id),
            enrolments::course_id.eq(enrolment.course_id),
            enrolments::name.eq(&enrolment.name),
            enrolments::work_email.eq(&enrolment.work_email),
            enrolments::employer_organisation_id.eq(enrolment.employer_organisation_id),
            enrolments::service.eq(&enrolment.service),
            enrolments::subject.eq(&enrolment.subject),
            enrolments::status.eq(enrolment.status.as_str()),
            enrolments::created_at.eq(enrolment.created_at),
            enrolments::updated_at.eq(enrolment.updated_at),
        ))
        .returning(EnrolmentRow::as_returning())
        .get_result(conn)?;
    assemble_one(conn, row, enrolments_of, "a stored enrolment went missing")
}

/// Adds each waiting enrolment's place in its course's line (1 is next).
fn place_in_line(conn: &mut PgConnection, found: &mut [Enrolment]) -> Result<(), StoreError> {
    let mut courses: Vec<Uuid> = found
        .iter()
        .filter(|enrolment| enrolment.status == EnrolmentStatus::Waiting)
        .map(|enrolment| enrolment.course_id)
        .collect();
    courses.sort_unstable();
    courses.dedup();
    if courses.is_empty() {
        return Ok(());
    }
    let line: Vec<(Uuid, Uuid)> = enrolments::table
        .filter(enrolments::course_id.eq_any(&courses))
        .filter(enrolments::status.eq(EnrolmentStatus::Waiting.as_str()))
        .select((enrolments::course_id, enrolments::id))
        .order((
            enrolments::course_id,
            enrolments::created_at,
            enrolments::id,
        ))
        .load(conn)?;
    for enrolment in found
        .iter_mut()
        .filter(|enrolment| enrolment.status == EnrolmentStatus::Waiting)
    {
        enrolment.waiting_position = line
            .iter()
            .filter(|(course, _)| *course == enrolment.course_id)
            .position(|(_, id)| *id == enrolment.id)
            .and_then(|index| i64::try_from(index + 1).ok());
    }
    Ok(())
}

/// The enrolments of `rows`, each with its place in line.
fn enrolments_of(
    conn: &mut PgConnection,
    rows: Vec<EnrolmentRow>,
) -> Result<Vec<Enrolment>, StoreError> {
    completed(conn, rows, place_in_line)
}

find_and_lock! {
    /// The enrolment `id` on the course `course_id`, if `scope` reaches the course.
    fn find_enrolment / find_enrolment_for_update(course_id: Uuid, id: Uuid, scope: CourseScope)
        -> Enrolment {
        enrolments::table
            .filter(enrolments::id.eq(id))
            .filter(enrolments::course_id.eq(course_id))
            .filter(enrolments::course_id.eq_any(organised(scope)))
            .select(EnrolmentRow::as_select())
    } assembled by enrolments_of;
    /// Take the course's lock first.
}

/// One page of the enrolments on the course `course_id` (which `scope` must reach), in the
/// order enrolled.
pub fn list_enrolments(
    conn: &mut PgConnection,
    course_id: Uuid,
    scope: CourseScope,
    page: PageRequest,
) -> Result<Page<Enrolment>, StoreError> {
    let query = created_order!(enrolments, EnrolmentRow)
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::course_id.eq_any(organised(scope)));
    let mut found = pagination::load_created_page::<_, EnrolmentRow, Enrolment>(conn, query, page)?;
    place_in_line(conn, &mut found.items)?;
    Ok(found)
}

/// The first `count` waiting enrolments of a course, in line, locked.
pub fn first_waiting_for_update(
    conn: &mut PgConnection,
    course_id: Uuid,
    count: i64,
) -> Result<Vec<Enrolment>, StoreError> {
    enrolments::table
        .filter(enrolments::course_id.eq(course_id))
        .filter(enrolments::status.eq(EnrolmentStatus::Waiting.as_str()))
        .select(EnrolmentRow::as_select())
        .order((enrolments::created_at, enrolments::id))
        .limit(count)
        .for_update()
        .load(conn)?
        .into_iter()
        .map(Enrolment::try_from)
        .collect()
}

/// Moves an enrolment (locked and checked) to `to`, one version up.
pub fn set_enrolment_status(
    conn: &mut PgConnection,
    id: Uuid,
    to: EnrolmentStatus,
) -> Result<Enrolment, StoreError> {
    let row: EnrolmentRow = diesel::update(enrolments::table.find(id))
        .set((
            enrolments::status.eq(to.as_str()),
            one_version_up!(enrolments),
        ))
        .returning(EnrolmentRow::as_returning())
        .get_result(conn)?;
    assemble_one(conn, row, enrolments_of, "a moved enrolment went missing")
}
