//! Enrolments on courses: moving one through its lifecycle, and the waiting line that moves up
//! when a seat frees. Completing an enrolment makes the professional a facilitator of every
//! organising competence centre (not of a county governor that co-organises it).

use crate::input::{Name, Subject};
use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::course::{Course, CourseScope, Enrolment, EnrolmentStatus, Facilitator};
use samhandling_domain::ids::{CourseId, EnrolmentId};
use samhandling_domain::lifecycle::Lifecycle;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_persistence::courses::{self as store, ENROLMENT_ONCE_KEY};
use samhandling_persistence::facilitators;
use samhandling_persistence::PgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// An enrolment after a move, with the facilitator links a completion created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedEnrolment {
    /// The enrolment as it is now.
    pub enrolment: Enrolment,
    /// One link per organising centre, when the move completed the course.
    pub links: Vec<Facilitator>,
}

/// Where an enrolment can be moved by hand; a waiting one moves up by itself.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentMove {
    /// Give the seat (or the place in line) back.
    Cancelled,
    /// The professional took the whole course.
    Completed,
}

impl From<EnrolmentMove> for EnrolmentStatus {
    fn from(to: EnrolmentMove) -> Self {
        match to {
            EnrolmentMove::Cancelled => EnrolmentStatus::Cancelled,
            EnrolmentMove::Completed => EnrolmentStatus::Completed,
        }
    }
}

/// A status change.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "completed"}))]
pub struct EnrolmentTransition {
    /// The new status; see `allowed_transitions`.
    pub to: EnrolmentMove,
}

/// Moves the enrolment `id` of the course `course_id` (both within `scope`, the course locked
/// first) to `to`, checked by the lifecycle. A cancelled seat goes to the first in line; a
/// completion links the professional as a facilitator to every organiser, each link audited.
pub fn move_enrolment(
    ctx: &mut Context<'_>,
    scope: CourseScope,
    course_id: CourseId,
    id: EnrolmentId,
    to: EnrolmentStatus,
) -> Result<MovedEnrolment, UseCaseError> {
    let mut course = store::find_for_update(ctx.conn(), course_id.uuid(), scope)?
        .ok_or(UseCaseError::NotFound)?;
    let enrolment =
        store::find_enrolment_for_update(ctx.conn(), course_id.uuid(), id.uuid(), scope)?
            .ok_or(UseCaseError::NotFound)?;
    enrolment.status.check_transition(to)?;
    let moved = store::set_enrolment_status(ctx.conn(), id.uuid(), to)?;
    ctx.audit(
        AuditAction::Transitioned,
        ResourceType::Enrolment,
        id.uuid(),
    )?;
    let mut links = Vec::new();
    match to {
        EnrolmentStatus::Cancelled if enrolment.status.holds_seat() => {
            course.taken -= 1;
            fill_seats(ctx, &course)?;
        }
        EnrolmentStatus::Completed => {
            // The facilitator follows the competence centres among the organisers: a county
            // governor co-organises and funds, but does not follow facilitators up.
            let kinds = store::organisation_kinds(ctx.conn(), &course.organisers)?;
            let centres: Vec<Uuid> = kinds
                .into_iter()
                .filter(|(_, kind)| *kind == OrganisationKind::CompetenceCentre)
                .map(|(id, _)| id)
                .collect();
            links = facilitators::link_trained(ctx.conn(), &moved, &centres)?;
            for link in &links {
                ctx.audit(AuditAction::Created, ResourceType::Facilitator, link.id)?;
            }
        }
        _ => {}
    }
    Ok(MovedEnrolment {
        enrolment: moved,
        links,
    })
}

/// A professional to enrol.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Kari Nordmann",
    "work_email": "kari.nordmann@levanger.kommune.no",
    "employer_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70",
    "service": "oppfølgingstjenesten psykisk helse og rus"
}))]
pub struct Enrol {
    /// The professional's name.
    pub name: Name,
    /// Work e-mail: one live enrolment per e-mail and course (409 again).
    #[validate(email, length(min = 3, max = 254))]
    #[schema(format = Email, min_length = 3, max_length = 254)]
    pub work_email: String,
    /// The employer: an organisation whose staff can be facilitators (municipality, NAV office,
    /// self-help centre, user organisation or other; 422 otherwise).
    pub employer_organisation_id: Uuid,
    /// The service the professional works in.
    #[schema(example = "oppfølgingstjenesten psykisk helse og rus")]
    pub service: Name,
    /// The token subject (`sub`) the professional will sign in with as a facilitator; the
    /// lower-cased work e-mail when absent.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub subject: Option<Subject>,
}

/// Enrols `professional` as `id` on the course `course_id` in `scope`: a seat while seats are
/// free, else a place in line. Their employer must be able to have facilitators; an e-mail
/// enrols once; their subject is the lower-cased work e-mail unless they give one.
pub fn enrol(
    ctx: &mut Context<'_>,
    scope: CourseScope,
    course_id: CourseId,
    id: EnrolmentId,
    professional: &Enrol,
) -> Result<Enrolment, UseCaseError> {
    let course = store::find_for_update(ctx.conn(), course_id.uuid(), scope)?
        .ok_or(UseCaseError::NotFound)?;
    crate::facilitators::check_employer_of(
        ctx.conn(),
        "employer_organisation_id",
        professional.employer_organisation_id,
    )?;
    let now = ctx.now();
    let enrolment = Enrolment {
        id: id.uuid(),
        course_id: course_id.uuid(),
        name: professional.name.to_string(),
        work_email: professional.work_email.clone(),
        employer_organisation_id: professional.employer_organisation_id,
        service: professional.service.to_string(),
        subject: professional.subject.as_ref().map_or_else(
            || professional.work_email.to_lowercase(),
            ToString::to_string,
        ),
        status: EnrolmentStatus::on_enrolment(course.taken, course.capacity),
        waiting_position: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let stored = store::insert_enrolment(ctx.conn(), &enrolment).map_err(UseCaseError::unique(
        ENROLMENT_ONCE_KEY,
        "this work e-mail is already enrolled on the course",
    ))?;
    ctx.audit(AuditAction::Created, ResourceType::Enrolment, id.uuid())?;
    Ok(stored)
}

/// Gives the free seats of `course` (locked, with its counts) to the first in line, in order,
/// each move audited as `transitioned` on its enrolment; returns how many moved up.
pub fn fill_seats(ctx: &mut Context<'_>, course: &Course) -> Result<usize, UseCaseError> {
    let count = course.seats_to_fill();
    if count == 0 {
        return Ok(0);
    }
    let moving = store::first_waiting_for_update(ctx.conn(), course.id, count)?;
    for enrolment in &moving {
        store::set_enrolment_status(ctx.conn(), enrolment.id, EnrolmentStatus::Enrolled)?;
        ctx.audit(
            AuditAction::Transitioned,
            ResourceType::Enrolment,
            enrolment.id,
        )?;
    }
    Ok(moving.len())
}

/// The enrolments of the course `course_id` in the order enrolled, if the caller's centre
/// organises it (a course outside the scope is not found, not an empty list).
pub fn list_enrolments(
    conn: &mut PgConnection,
    scope: CourseScope,
    course_id: Uuid,
    page: PageRequest,
) -> Result<Page<Enrolment>, UseCaseError> {
    if store::find(conn, course_id, scope)?.is_none() {
        return Err(UseCaseError::NotFound);
    }
    Ok(store::list_enrolments(conn, course_id, scope, page)?)
}

/// The enrolment `id` on the course `course_id`, if the caller's centre organises it.
pub fn read_enrolment(
    conn: &mut PgConnection,
    scope: CourseScope,
    course_id: CourseId,
    id: EnrolmentId,
) -> Result<Enrolment, UseCaseError> {
    store::find_enrolment(conn, course_id.uuid(), id.uuid(), scope)?.ok_or(UseCaseError::NotFound)
}
