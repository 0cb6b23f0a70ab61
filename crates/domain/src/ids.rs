//! Typed identifiers, for the places where two ids travel side by side: a subscription's id and
//! its organisation's, say. Swapping them would compile with bare UUIDs; with these it does not.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// Declares a typed id: a UUID that only fits where its kind of record is expected.
macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// The record with this UUID.
            pub const fn new(id: Uuid) -> $name {
                $name(id)
            }

            /// The UUID, for storage and the wire.
            pub const fn uuid(self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                $name(id)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(
    /// The id of an organisation (kommune, NAV-kontor, senter, …): what every caller acts for.
    OrganisationId
);
typed_id!(
    /// The id of a self-help group.
    GroupId
);
typed_id!(
    /// The id of a group's request for a follow-up visit.
    FollowUpId
);
typed_id!(
    /// The id of an intake conversation.
    IntakeId
);
typed_id!(
    /// The id of a place in a group.
    MembershipId
);
typed_id!(
    /// The id of a group's session log.
    SessionId
);
typed_id!(
    /// The id of a network-meeting course.
    CourseId
);
typed_id!(
    /// The id of an enrolment on a course.
    EnrolmentId
);
typed_id!(
    /// The id of a learning network.
    LearningNetworkId
);
typed_id!(
    /// The id of a learning network's gathering.
    GatheringId
);
typed_id!(
    /// The id of a member service of a learning network.
    MemberServiceId
);
typed_id!(
    /// The id of a county governor's dialogue meeting.
    DialogueMeetingId
);
typed_id!(
    /// The id of the governor's finding for one municipality at a meeting.
    FindingId
);
typed_id!(
    /// The id of a facilitator's link to a competence centre, which follows the facilitator up.
    FacilitatorId
);
typed_id!(
    /// The id of a starter assigned to a group.
    StarterId
);
typed_id!(
    /// The id of a learning network's improvement task.
    ImprovementTaskId
);
typed_id!(
    /// The id of a competence centre's supervision session.
    SupervisionSessionId
);
typed_id!(
    /// The id of an outreach meeting.
    OutreachMeetingId
);
