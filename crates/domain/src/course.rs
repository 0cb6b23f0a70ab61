//! Network-meeting courses: a competence centre (or several together) trains professionals to
//! lead network meetings. Seats are given in the order people enrol; past the capacity an
//! enrolment waits, and the first in line moves up when a seat is given back. A completed course
//! makes the professional a facilitator the organising centres follow up.

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    /// Identifier.
    pub id: Uuid,
    /// What it is called.
    pub title: String,
    /// The competence centres that organise it (organisation ids).
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
    pub taken: i64,
    /// Enrolments waiting for a seat.
    pub waiting: i64,
    /// Increases with every change.
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
}
