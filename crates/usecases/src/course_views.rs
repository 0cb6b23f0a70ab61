//! What the course family shows: the facilitators a competence centre follows up, a
//! facilitator's own side of those links, and the enrolments on a course, computed from the
//! stored records (the course a facilitator was trained on, where an enrolment may move).

use crate::facilitators::TrainedOn;
use chrono::{DateTime, Utc};
use samhandling_domain::course::{Enrolment, EnrolmentStatus, Facilitator};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A facilitator the caller's centre follows up.
#[derive(Debug, Serialize, ToSchema)]
pub struct FacilitatorView {
    /// Identifier of the link.
    pub id: Uuid,
    /// The employer the facilitator signs in for (the token's organisation).
    pub employer_organisation_id: Uuid,
    /// The token subject (`sub`) the facilitator signs in with.
    pub subject: String,
    /// The facilitator's name.
    pub name: String,
    /// The course completed with the centre; `null` for an affiliation.
    pub trained_on_course: Option<Uuid>,
    /// Linked since.
    pub since: DateTime<Utc>,
    /// When the facilitator confirmed the link (`POST /api/v1/facilitator-links/{id}/confirmation`);
    /// `null` while pending, and until then the centre sees none of its logs.
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl FacilitatorView {
    /// The view of `facilitator`, with the course it was trained on among `trained`.
    pub fn of(facilitator: Facilitator, trained: &TrainedOn) -> Self {
        FacilitatorView {
            trained_on_course: trained.course_of(&facilitator),
            id: facilitator.id,
            employer_organisation_id: facilitator.employer_organisation_id,
            subject: facilitator.subject,
            name: facilitator.name,
            since: facilitator.created_at,
            confirmed_at: facilitator.confirmed_at,
        }
    }
}

/// A competence centre's link to the caller, as the facilitator sees it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a71",
    "competence_centre_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a72",
    "trained": true,
    "since": "2026-11-23T10:00:00Z",
    "confirmed_at": null
}))]
pub struct FacilitatorLinkView {
    /// Identifier of the link.
    pub id: Uuid,
    /// The competence centre that follows the facilitator up.
    pub competence_centre_id: Uuid,
    /// Whether the link comes from a course the facilitator completed with the centre (else an
    /// affiliation).
    pub trained: bool,
    /// Linked since.
    pub since: DateTime<Utc>,
    /// When the facilitator confirmed it; `null` while pending: until then the centre sees none
    /// of the facilitator's logs.
    pub confirmed_at: Option<DateTime<Utc>>,
}

impl From<Facilitator> for FacilitatorLinkView {
    fn from(link: Facilitator) -> Self {
        FacilitatorLinkView {
            id: link.id,
            competence_centre_id: link.competence_centre_id,
            trained: link.enrolment_id.is_some(),
            since: link.created_at,
            confirmed_at: link.confirmed_at,
        }
    }
}

/// An enrolment, as the course's organisers see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EnrolmentView {
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
    /// Place in line (1 is next), while waiting; `null` otherwise.
    pub waiting_position: Option<i64>,
    /// Where it may be moved.
    pub allowed_transitions: Vec<EnrolmentStatus>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Enrolled (the line's order).
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

samhandling_domain::versioned!(EnrolmentView);

impl From<Enrolment> for EnrolmentView {
    fn from(enrolment: Enrolment) -> Self {
        EnrolmentView {
            allowed_transitions: enrolment.status.allowed_transitions(),
            id: enrolment.id,
            course_id: enrolment.course_id,
            name: enrolment.name,
            work_email: enrolment.work_email,
            employer_organisation_id: enrolment.employer_organisation_id,
            service: enrolment.service,
            subject: enrolment.subject,
            status: enrolment.status,
            waiting_position: enrolment.waiting_position,
            version: enrolment.version,
            created_at: enrolment.created_at,
            updated_at: enrolment.updated_at,
        }
    }
}
