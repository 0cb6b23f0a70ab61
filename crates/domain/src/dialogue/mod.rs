//! The county governor's dialogue meetings (dialogmøter) with groups of municipalities about
//! their work on substance abuse, mental health and violence: the IS-24/8 figures the meeting
//! starts from, what the governor finds per municipality (with an internal risk judgement), the
//! municipalities' evaluations, and the follow-up actions that come after.

pub mod access;

pub use access::{DialogueAccess, DialogueScope, DialogueView};

use crate::wire::wire_enum;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

wire_enum! {
    /// Where a dialogue meeting is.
    DialogueStatus {
        /// Being prepared.
        Planned => "planned",
        /// Held: findings and evaluations are recorded now.
        Held => "held",
        /// Followed up (often in digital meetings).
        FollowedUp => "followed_up",
        /// Done.
        Closed => "closed",
    }
}

wire_enum! {
    /// What a meeting is about.
    FocusArea {
        /// Rus.
        SubstanceAbuse => "substance_abuse",
        /// Psykisk helse.
        MentalHealth => "mental_health",
        /// Vold.
        Violence => "violence",
    }
}

wire_enum! {
    /// What an attendee does in the municipality.
    AttendeeRole {
        /// Leader of a service unit.
        UnitLeader => "unit_leader",
        /// Folkehelsekoordinator.
        PublicHealthCoordinator => "public_health_coordinator",
        /// Brukerrepresentant.
        UserRepresentative => "user_representative",
        /// NAV.
        Nav => "nav",
        /// Koordinerende enhet.
        CoordinatingUnit => "coordinating_unit",
        /// Kommuneoverlege.
        ChiefMunicipalPhysician => "chief_municipal_physician",
        /// Anyone else.
        Other => "other",
    }
}

wire_enum! {
    /// The governor's internal judgement of a municipality's risk of falling short of its goals.
    RiskLevel {
        /// Low.
        Low => "low",
        /// Moderate.
        Moderate => "moderate",
        /// High.
        High => "high",
    }
}

wire_enum! {
    /// The kind of partner a municipality needs help from.
    PartnerKind {
        /// A competence centre (KoRus, NAPHA, KBT).
        CompetenceCentre => "competence_centre",
        /// A user organisation (Mental Helse, RIO).
        UserOrganisation => "user_organisation",
        /// The county governor.
        CountyGovernor => "county_governor",
    }
}

wire_enum! {
    /// Where a follow-up action is.
    ActionStatus {
        /// Not started.
        Open => "open",
        /// Under way.
        InProgress => "in_progress",
        /// Done.
        Done => "done",
        /// Dropped.
        Cancelled => "cancelled",
    }
}

impl DialogueStatus {
    /// The one status a meeting moves on to, if any: the lifecycle is a line.
    pub const fn next(self) -> Option<DialogueStatus> {
        match self {
            DialogueStatus::Planned => Some(DialogueStatus::Held),
            DialogueStatus::Held => Some(DialogueStatus::FollowedUp),
            DialogueStatus::FollowedUp => Some(DialogueStatus::Closed),
            DialogueStatus::Closed => None,
        }
    }

    /// Where a meeting may go from here: only to the next status on its line.
    pub fn allowed_transitions(self) -> Vec<DialogueStatus> {
        self.next().into_iter().collect()
    }

    /// Whether the meeting has taken place, so that findings and evaluations belong to it.
    pub const fn has_been_held(self) -> bool {
        !matches!(self, DialogueStatus::Planned)
    }
}

crate::lifecycle::lifecycle!(DialogueStatus, "a dialogue meeting");
crate::lifecycle::lifecycle!(ActionStatus, "an action");

impl ActionStatus {
    /// Where an action may go from here: done and cancelled are final.
    pub fn allowed_transitions(self) -> Vec<ActionStatus> {
        use ActionStatus as S;
        match self {
            S::Open => vec![S::InProgress, S::Done, S::Cancelled],
            S::InProgress => vec![S::Open, S::Done, S::Cancelled],
            S::Done | S::Cancelled => Vec::new(),
        }
    }

    /// Whether the action still counts as to be done.
    pub const fn is_pending(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

/// A fylkesnummer, e.g. `50` for Trøndelag.
pub type CountyNumber = String;

/// The county a kommunenummer belongs to: its first two digits.
pub fn county_of(municipality_number: &str) -> &str {
    municipality_number.get(..2).unwrap_or_default()
}

/// A dialogue meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogueMeeting {
    /// Identifier.
    pub id: Uuid,
    /// The county governor's organisation that holds it.
    pub county_governor_id: Uuid,
    /// The county all its municipalities belong to.
    pub county_number: String,
    /// What it is called.
    pub title: String,
    /// The date.
    pub held_on: NaiveDate,
    /// Where, unless digital.
    pub place: Option<String>,
    /// Whether it is held digitally.
    pub digital: bool,
    /// Where it is.
    pub status: DialogueStatus,
    /// What it is about.
    pub focus_areas: Vec<FocusArea>,
    /// The programme, item by item.
    pub programme: Vec<String>,
    /// The participating municipalities (organisation ids).
    pub municipalities: Vec<Uuid>,
    /// The partner organisations (Mental Helse, RIO, KoRus, NAPHA, KBT …).
    pub partners: Vec<Uuid>,
    /// Increases with every change.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// What the governor found for one municipality in one meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Identifier.
    pub id: Uuid,
    /// The meeting.
    pub meeting_id: Uuid,
    /// The municipality (organisation id).
    pub municipality_id: Uuid,
    /// The work presented, and good practice.
    pub presented_work: Option<String>,
    /// Strengths.
    pub strengths: Option<String>,
    /// Challenges.
    pub challenges: Option<String>,
    /// Improvement areas.
    pub improvement_areas: Option<String>,
    /// What help it needs, and from whom.
    pub collaboration_needs: Vec<CollaborationNeed>,
    /// The governor's internal judgement: seen by the county governor alone.
    pub risk: Option<RiskAssessment>,
    /// Increases with every change.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A need for collaboration, naming the kind of partner.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CollaborationNeed {
    /// From whom.
    pub partner_kind: PartnerKind,
    /// What.
    pub description: String,
}

/// The governor's risk judgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskAssessment {
    /// The level.
    pub level: RiskLevel,
    /// Why.
    pub rationale: String,
}

/// A follow-up action after a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpAction {
    /// Identifier.
    pub id: Uuid,
    /// The meeting it follows up.
    pub meeting_id: Uuid,
    /// Whose action it is (a municipality, the governor or a partner).
    pub owner_organisation_id: Uuid,
    /// What to do.
    pub description: String,
    /// By when.
    pub due_on: NaiveDate,
    /// A follow-up meeting, if one is planned.
    pub follow_up_meeting_on: Option<NaiveDate>,
    /// Whether that meeting is digital.
    pub follow_up_digital: bool,
    /// Where it is.
    pub status: ActionStatus,
    /// Increases with every change.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl FollowUpAction {
    /// Whether it is late on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.is_pending() && self.due_on < today
    }
}

crate::page::keyed_by!(DialogueMeeting, created_at);
crate::page::keyed_by!(FollowUpAction, created_at);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_moves_along_a_line_and_actions_end_for_good() {
        assert_eq!(DialogueStatus::Planned.next(), Some(DialogueStatus::Held));
        assert_eq!(DialogueStatus::Closed.next(), None);
        assert!(!DialogueStatus::Planned.has_been_held());
        assert!(ActionStatus::Done.allowed_transitions().is_empty());
        assert!(ActionStatus::Open
            .allowed_transitions()
            .contains(&ActionStatus::Done));
    }

    #[test]
    fn a_municipality_belongs_to_the_county_of_its_first_two_digits() {
        assert_eq!(county_of("5037"), "50");
        assert_eq!(county_of("4601"), "46");
        assert_eq!(county_of(""), "");
    }
}
