//! The county governor's dialogue meetings (dialogmøter) with groups of municipalities about
//! their work on substance abuse, mental health and violence: the IS-24/8 figures the meeting
//! starts from, what the governor finds per municipality (with an internal risk judgement), the
//! municipalities' evaluations, and the follow-up actions that come after.

pub mod access;

pub use access::{DialogueAccess, DialogueScope, DialogueView};

use crate::organisation::OrganisationKind;
use crate::refusal::FieldRefusal;
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
    /// Where the governor's risk judgement of a municipality went at its latest meeting.
    RiskTrend {
        /// Judged once only.
        First => "first",
        /// Higher than at the meeting before.
        Rising => "rising",
        /// As at the meeting before.
        Steady => "steady",
        /// Lower than at the meeting before.
        Falling => "falling",
    }
}

impl RiskTrend {
    /// The trend of judgements `levels`, oldest first; `None` when there are none.
    pub fn of(levels: &[RiskLevel]) -> Option<RiskTrend> {
        match levels {
            [] => None,
            [_] => Some(RiskTrend::First),
            [.., before, latest] => Some(match latest.cmp(before) {
                std::cmp::Ordering::Greater => RiskTrend::Rising,
                std::cmp::Ordering::Equal => RiskTrend::Steady,
                std::cmp::Ordering::Less => RiskTrend::Falling,
            }),
        }
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

/// The meeting itself, as every view shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MeetingFacts)]
pub struct DialogueMeeting {
    /// Identifier.
    pub id: Uuid,
    /// The county governor holding it.
    pub county_governor_id: Uuid,
    /// The county (fylkesnummer).
    pub county_number: String,
    /// What it is called.
    pub title: String,
    /// The date.
    pub held_on: NaiveDate,
    /// Where, unless digital.
    pub place: Option<String>,
    /// Whether digital.
    pub digital: bool,
    /// Where it is.
    pub status: DialogueStatus,
    /// What it is about.
    pub focus_areas: Vec<FocusArea>,
    /// The programme.
    pub programme: Vec<String>,
    /// The participating municipalities.
    pub municipalities: Vec<Uuid>,
    /// The partners.
    pub partners: Vec<Uuid>,
    /// Version.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed; not shown.
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
}

/// A finding as the governor sees it: with the risk assessment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = GovernorFinding)]
pub struct Finding {
    /// Identifier.
    pub id: Uuid,
    /// The meeting; not shown (the finding is read with it).
    #[serde(skip)]
    pub meeting_id: Uuid,
    /// The municipality.
    pub municipality_id: Uuid,
    /// The work presented.
    pub presented_work: Option<String>,
    /// Strengths.
    pub strengths: Option<String>,
    /// Challenges.
    pub challenges: Option<String>,
    /// Improvement areas.
    pub improvement_areas: Option<String>,
    /// What help it needs, and from whom.
    pub collaboration_needs: Vec<FindingNeed>,
    /// The internal risk judgement.
    pub risk: Option<RiskAssessment>,
    /// Whether the partners who took part in the meeting see it (without the risk).
    pub shared_with_partners: bool,
    /// Increases with every change (its sharing with partners); the `ETag` of a change.
    pub version: i32,
    /// Recorded.
    pub created_at: DateTime<Utc>,
}

crate::versioned!(Finding);

/// A need for collaboration, as its finding shows it: to whom, what, and where it stands (the
/// need itself is `/collaboration-needs/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = CollaborationNeedView)]
pub struct FindingNeed {
    /// The need.
    pub id: Uuid,
    /// The kind of partner asked.
    pub partner_kind: PartnerKind,
    /// The partner asked; absent when the need names a kind only.
    pub partner_organisation_id: Option<Uuid>,
    /// What.
    pub description: String,
    /// Where it stands.
    pub status: crate::coordination::NeedStatus,
}

impl From<crate::coordination::CollaborationNeed> for FindingNeed {
    fn from(need: crate::coordination::CollaborationNeed) -> Self {
        FindingNeed {
            id: need.id,
            partner_kind: need.partner_kind,
            partner_organisation_id: need.partner_organisation_id,
            description: need.description,
            status: need.status,
        }
    }
}

/// The risk judgement, in the governor's view only.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = RiskView)]
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

/// An organisation named to take part in a meeting, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Its id.
    pub id: Uuid,
    /// Its kind.
    pub kind: OrganisationKind,
    /// Its kommunenummer, for a municipality.
    pub municipality_number: Option<String>,
}

/// Checks who may take part in a meeting of the governor of `county`: every municipality must
/// exist, be a municipality and belong to the county; every partner must exist and not be a
/// municipality; nobody takes part twice. `known` are the named organisations that exist.
/// Returns every refusal, by field.
pub fn check_participants(
    county: &str,
    municipalities: &[Uuid],
    partners: &[Uuid],
    known: &[Candidate],
) -> Vec<FieldRefusal> {
    let find = |id: &Uuid| known.iter().find(|candidate| candidate.id == *id);
    let mut refusals = Vec::new();
    for (index, id) in municipalities.iter().enumerate() {
        let field = format!("municipalities[{index}]");
        match find(id) {
            None => refusals.push(FieldRefusal::new(
                field,
                "not_found",
                "names no organisation",
            )),
            Some(candidate) if candidate.kind != OrganisationKind::Municipality => {
                refusals.push(FieldRefusal::new(
                    field,
                    "not_a_municipality",
                    format!("names an organisation of kind {}", candidate.kind),
                ));
            }
            Some(Candidate {
                municipality_number: Some(number),
                ..
            }) if county_of(number) != county => refusals.push(FieldRefusal::new(
                field,
                "outside_county",
                format!(
                    "kommunenummer {number} belongs to county {}, not to your county {county}",
                    county_of(number)
                ),
            )),
            Some(_) => {}
        }
    }
    for (index, id) in partners.iter().enumerate() {
        let field = format!("partners[{index}]");
        match find(id) {
            None => refusals.push(FieldRefusal::new(
                field,
                "not_found",
                "names no organisation",
            )),
            Some(candidate) if candidate.kind == OrganisationKind::Municipality => {
                refusals.push(FieldRefusal::new(
                    field,
                    "municipality",
                    "a municipality takes part under municipalities",
                ));
            }
            Some(_) => {}
        }
    }
    if municipalities.iter().any(|m| partners.contains(m)) {
        refusals.push(FieldRefusal::new(
            "partners",
            "duplicate",
            "an organisation takes part once",
        ));
    }
    refusals
}

impl DialogueMeeting {
    /// Checks that `municipality` takes part in the meeting.
    pub fn check_municipality(&self, municipality: Uuid) -> Result<(), FieldRefusal> {
        if self.municipalities.contains(&municipality) {
            Ok(())
        } else {
            Err(FieldRefusal::new(
                "municipality_id",
                "not_a_participant",
                "the municipality does not take part in this meeting",
            ))
        }
    }

    /// Checks that `owner` may own a follow-up action of the meeting: a participant, or the
    /// governor that holds it.
    pub fn check_action_owner(&self, owner: Uuid) -> Result<(), FieldRefusal> {
        if owner == self.county_governor_id
            || self.municipalities.contains(&owner)
            || self.partners.contains(&owner)
        {
            Ok(())
        } else {
            Err(FieldRefusal::new(
                "owner_organisation_id",
                "not_a_participant",
                "the owner must take part in the meeting, or be your own organisation",
            ))
        }
    }
}

/// Checks the IS-24/8 figures of `year` against the questionnaire's variable codes `known`:
/// every code must be a variable and every value a number (`None` when the input was not one).
/// Returns the figures, or every refusal, by field.
pub fn check_figures(
    year: i16,
    known: &[&str],
    figures: &[(String, Option<f64>)],
) -> Result<Vec<(String, f64)>, Vec<FieldRefusal>> {
    if known.is_empty() {
        return Err(vec![FieldRefusal::new(
            "report_year",
            "no_questionnaire",
            format!("no IS-24/8 questionnaire is loaded for {year}"),
        )]);
    }
    let mut refusals = Vec::new();
    let mut checked = Vec::new();
    for (code, value) in figures {
        let field = format!("figures.{code}");
        if !known.contains(&code.as_str()) {
            refusals.push(FieldRefusal::new(
                field,
                "unknown_variable",
                format!("{code} is no variable of the {year} questionnaire"),
            ));
        } else if let Some(number) = value.filter(|n| n.is_finite()) {
            checked.push((code.clone(), number));
        } else {
            refusals.push(FieldRefusal::new(field, "not_a_number", "must be a number"));
        }
    }
    if refusals.is_empty() {
        Ok(checked)
    } else {
        Err(refusals)
    }
}

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

    #[test]
    fn the_risk_trend_compares_the_latest_judgement_with_the_one_before() {
        use RiskLevel::{High, Low, Moderate};
        assert_eq!(RiskTrend::of(&[]), None);
        assert_eq!(RiskTrend::of(&[High]), Some(RiskTrend::First));
        assert_eq!(
            RiskTrend::of(&[High, Low, Moderate]),
            Some(RiskTrend::Rising)
        );
        assert_eq!(RiskTrend::of(&[Low, High, High]), Some(RiskTrend::Steady));
        assert_eq!(RiskTrend::of(&[Low, High, Low]), Some(RiskTrend::Falling));
    }
}
