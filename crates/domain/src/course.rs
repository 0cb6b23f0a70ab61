//! Network-meeting courses: a competence centre (or several together) trains professionals to
//! lead network meetings. Seats are given in the order people enrol; past the capacity an
//! enrolment waits, and the first in line moves up when a seat is given back. A completed course
//! makes the professional a facilitator the organising centres follow up.

use crate::access::Caller;
use crate::organisation::OrganisationKind;
use crate::refusal::FieldRefusal;
use crate::role::Role;
use crate::wire::wire_enum;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

wire_enum! {
    /// Where a professional is on a course.
    EnrolmentStatus {
        /// Has a seat.
        Enrolled => "enrolled",
        /// On the waiting list, in the order enrolled.
        Waiting => "waiting",
        /// Gave the seat (or the place in line) back.
        Cancelled => "cancelled",
        /// Took the whole course: now a facilitator.
        Completed => "completed",
    }
}

crate::lifecycle::lifecycle!(EnrolmentStatus, "an enrolment");

impl EnrolmentStatus {
    /// Where an enrolment may go from here. Only a seated professional completes; a waiting
    /// one moves up by itself when a seat frees.
    pub fn allowed_transitions(self) -> Vec<EnrolmentStatus> {
        use EnrolmentStatus as S;
        match self {
            S::Enrolled => vec![S::Cancelled, S::Completed],
            S::Waiting => vec![S::Cancelled],
            S::Cancelled | S::Completed => Vec::new(),
        }
    }

    /// Whether the enrolment holds one of the course's seats.
    pub const fn holds_seat(self) -> bool {
        matches!(self, EnrolmentStatus::Enrolled | EnrolmentStatus::Completed)
    }

    /// Where a new enrolment goes when `taken` of `capacity` seats are held.
    pub fn on_enrolment(taken: i64, capacity: i32) -> EnrolmentStatus {
        if taken < i64::from(capacity) {
            EnrolmentStatus::Enrolled
        } else {
            EnrolmentStatus::Waiting
        }
    }
}

/// A course.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CourseView, description = "A course, as its organisers see it.")]
pub struct Course {
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
    #[serde(rename = "seats_taken")]
    pub taken: i64,
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

/// A professional's enrolment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// Identifier.
    pub id: Uuid,
    /// The course.
    pub course_id: Uuid,
    /// The professional's name.
    pub name: String,
    /// Work e-mail.
    pub work_email: String,
    /// The employer (organisation id).
    pub employer_organisation_id: Uuid,
    /// The service the professional works in.
    pub service: String,
    /// The token subject the professional signs in with as a facilitator.
    pub subject: String,
    /// Where it is.
    pub status: EnrolmentStatus,
    /// Place on the waiting list (1 is next), while waiting.
    pub waiting_position: Option<i64>,
    /// Increases with every change.
    pub version: i32,
    /// Enrolled (the waiting list's order).
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A facilitator a competence centre follows up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facilitator {
    /// Identifier of the link.
    pub id: Uuid,
    /// The competence centre.
    pub competence_centre_id: Uuid,
    /// The employer the facilitator signs in for.
    pub employer_organisation_id: Uuid,
    /// The facilitator's token subject.
    pub subject: String,
    /// The facilitator's name.
    pub name: String,
    /// The completed enrolment it comes from; `None` for an affiliation.
    pub enrolment_id: Option<Uuid>,
    /// Since.
    pub created_at: DateTime<Utc>,
    /// When the facilitator confirmed the link; until then the centre sees none of its logs.
    pub confirmed_at: Option<DateTime<Utc>>,
}

crate::page::keyed_by!(Course, created_at);
crate::versioned!(Course);
crate::page::keyed_by!(Enrolment, created_at);
crate::page::keyed_by!(Facilitator, created_at);

/// The courses (and their enrolments and facilitators) a caller reaches: those its competence
/// centre organises, alone or with others. Anyone else reaches none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CourseScope {
    /// The caller's organisation, when the caller is one of a competence centre's advisers or,
    /// for the courses it co-organises, the county governor's.
    pub centre: Option<Uuid>,
}

/// The roles that reach the courses their organisation organises.
pub const ORGANISER_ROLES: [Role; 2] = [Role::CompetenceAdviser, Role::GovernorAdviser];

impl CourseScope {
    /// The scope of `caller`.
    pub fn of(caller: &Caller) -> CourseScope {
        CourseScope {
            centre: ORGANISER_ROLES
                .iter()
                .any(|role| caller.has_role(*role))
                .then(|| caller.organisation_id.uuid()),
        }
    }
}

impl Course {
    /// How many waiting enrolments move up now: the free seats, as far as the line reaches.
    pub fn seats_to_fill(&self) -> i64 {
        (i64::from(self.capacity) - self.taken)
            .max(0)
            .min(self.waiting)
    }

    /// Whether the course may have `capacity` seats: never fewer than the seats held. The error
    /// says how many hold one.
    pub fn check_capacity(&self, capacity: i32) -> Result<(), String> {
        if i64::from(capacity) < self.taken {
            return Err(format!(
                "{} enrolments hold seats on this course: the capacity cannot go below that",
                self.taken
            ));
        }
        Ok(())
    }
}

/// The kinds of organisation that organise courses: competence centres, and county governors
/// as co-organisers.
pub const ORGANISER_KINDS: [OrganisationKind; 2] = [
    OrganisationKind::CompetenceCentre,
    OrganisationKind::CountyGovernor,
];

/// Checks that every co-organiser exists and is a competence centre or a county governor (who
/// co-organises and funds network-meeting courses in its county; `known`: the named
/// organisations that exist, with their kind); every refusal, by field.
pub fn check_co_organisers(
    co_organisers: &[Uuid],
    known: &[(Uuid, OrganisationKind)],
) -> Vec<FieldRefusal> {
    co_organisers
        .iter()
        .enumerate()
        .filter_map(|(index, id)| {
            let field = format!("co_organisers[{index}]");
            match known.iter().find(|(found, _)| found == id) {
                None => Some(FieldRefusal::new(
                    field,
                    "not_found",
                    "names no organisation",
                )),
                Some((_, kind)) if ORGANISER_KINDS.contains(kind) => None,
                Some((_, kind)) => Some(FieldRefusal::new(
                    field,
                    "not_an_organiser",
                    format!(
                        "names an organisation of kind {kind}: only competence centres and county \
                         governors organise courses"
                    ),
                )),
            }
        })
        .collect()
}

/// Checks that a facilitator's employer (the input's `field`; `kind` when it exists) is an
/// organisation whose staff can hold the `facilitator` role.
pub fn check_employer(field: &str, kind: Option<OrganisationKind>) -> Result<(), FieldRefusal> {
    match kind {
        None => Err(FieldRefusal::new(
            field,
            "not_found",
            "names no organisation",
        )),
        Some(kind) if !Role::Facilitator.fits(kind) => Err(FieldRefusal::new(
            field,
            "cannot_have_facilitators",
            format!("an organisation of kind {kind} cannot have facilitators"),
        )),
        Some(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_then_the_waiting_list() {
        assert_eq!(
            EnrolmentStatus::on_enrolment(0, 2),
            EnrolmentStatus::Enrolled
        );
        assert_eq!(
            EnrolmentStatus::on_enrolment(1, 2),
            EnrolmentStatus::Enrolled
        );
        assert_eq!(
            EnrolmentStatus::on_enrolment(2, 2),
            EnrolmentStatus::Waiting
        );
    }

    #[test]
    fn only_a_seated_professional_completes_and_final_is_final() {
        use EnrolmentStatus as S;
        assert!(S::Enrolled.allowed_transitions().contains(&S::Completed));
        assert!(!S::Waiting.allowed_transitions().contains(&S::Completed));
        assert!(S::Completed.allowed_transitions().is_empty());
        assert!(S::Cancelled.allowed_transitions().is_empty());
        assert!(S::Completed.holds_seat() && !S::Waiting.holds_seat());
    }

    fn course(capacity: i32, taken: i64, waiting: i64) -> Course {
        Course {
            id: Uuid::nil(),
            title: "Nettverksmøter".into(),
            organisers: Vec::new(),
            place: None,
            digital: true,
            dates: Vec::new(),
            capacity,
            taken,
            waiting,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn free_seats_go_to_the_line_and_capacity_keeps_the_seats_held() {
        assert_eq!(course(4, 2, 5).seats_to_fill(), 2);
        assert_eq!(course(4, 2, 1).seats_to_fill(), 1);
        assert_eq!(course(2, 2, 3).seats_to_fill(), 0);
        assert!(course(4, 3, 0).check_capacity(2).is_err());
        assert!(course(4, 3, 0).check_capacity(3).is_ok());
    }
}
