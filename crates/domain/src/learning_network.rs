//! Learning networks (læringsnettverk): services with the same target group meet in recurring
//! gatherings (samlinger), coordinated by a competence centre, to share experience. Attendance is
//! counted per member service, and an evaluation is summed up without names.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One seat in a network's steering group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SteeringMember {
    /// The organisation (ProLAR, BAR, NUBS, a municipality …).
    pub name: String,
    /// Whether it is a user organisation (brukerorganisasjon).
    pub user_organisation: bool,
}

/// A member service: an organisation's service taking part.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberService {
    /// Identifier.
    pub id: Uuid,
    /// The organisation.
    pub organisation_id: Uuid,
    /// The service.
    pub service: String,
}

/// A learning network.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearningNetwork {
    /// Identifier.
    pub id: Uuid,
    /// What it is called.
    pub name: String,
    /// The competence centre that coordinates it.
    pub coordinating_centre_id: Uuid,
    /// Whom its services serve.
    pub target_group: String,
    /// Its period.
    pub starts_on: NaiveDate,
    /// The end, if decided.
    pub ends_on: Option<NaiveDate>,
    /// The steering group.
    pub steering_group: Vec<SteeringMember>,
    /// The member services.
    pub members: Vec<MemberService>,
    /// Increases with every change.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// One item of a gathering's programme.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProgrammeItem {
    /// The title.
    pub title: String,
    /// The presenter's organisation.
    pub presenter_organisation: String,
    /// Whether a user representative presented it.
    pub by_user_representative: bool,
}

/// The evaluation of a gathering, summed up.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluationSummary {
    /// How many answered.
    pub respondents: i32,
    /// Their average rating, 1 to 5.
    pub average_rating: f64,
}

/// A gathering.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gathering {
    /// Identifier.
    pub id: Uuid,
    /// The network.
    pub network_id: Uuid,
    /// The date.
    pub held_on: NaiveDate,
    /// Where, unless digital.
    pub place: Option<String>,
    /// Whether it is held digitally.
    pub digital: bool,
    /// The programme.
    pub programme: Vec<ProgrammeItem>,
    /// The evaluation, once summed up.
    pub evaluation: Option<EvaluationSummary>,
    /// Highlights from the evaluation, without names.
    pub highlights: Vec<String>,
    /// Attendance: member service id and how many came.
    pub attendance: Vec<(Uuid, i32)>,
    /// Increases with every change.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Gathering {
    /// What a gathering may hold before it is held: its date, place and programme. Its
    /// evaluation and highlights come once held (`held_on` not past tomorrow), and so does its
    /// attendance ([`Gathering::check_attendance`]).
    pub fn check_coherent(&self, now: DateTime<Utc>) -> Vec<crate::refusal::FieldRefusal> {
        if crate::chronology::check_past_on(self.held_on, now).is_ok() {
            return Vec::new();
        }
        let not_yet = |field: &str| {
            crate::refusal::FieldRefusal::new(
                field,
                "not_yet_held",
                "the gathering is not held yet: record this once it has been",
            )
        };
        let mut refusals = Vec::new();
        if self.evaluation.is_some() {
            refusals.push(not_yet("evaluation"));
        }
        if !self.highlights.is_empty() {
            refusals.push(not_yet("highlights"));
        }
        refusals
    }

    /// Attendance is counted once the gathering is held.
    pub fn check_attendance(&self, now: DateTime<Utc>) -> Result<(), crate::refusal::FieldRefusal> {
        crate::chronology::check_past_on(self.held_on, now).map_err(|_| {
            crate::refusal::FieldRefusal::new(
                "attendees",
                "not_yet_held",
                "the gathering is not held yet: count who came once it has been",
            )
        })
    }

    /// Whether a user representative presented anything: the network's user involvement.
    pub fn has_user_involvement(&self) -> bool {
        self.programme
            .iter()
            .any(|item| item.by_user_representative)
    }
}

/// Which networks a caller reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LearningNetworkScope {
    /// A competence centre's adviser: the networks it coordinates.
    pub coordinator: Option<Uuid>,
    /// A member organisation's contact: the networks it is a member of.
    pub member: Option<Uuid>,
}

crate::page::keyed_by!(LearningNetwork, created_at);
crate::page::keyed_by!(Gathering, created_at);

impl LearningNetworkScope {
    /// The networks `caller` reaches: a competence adviser those its centre coordinates, a
    /// municipal contact those its organisation has a member service in.
    pub fn of(caller: &crate::Caller) -> LearningNetworkScope {
        let organisation = caller.organisation_id.uuid();
        LearningNetworkScope {
            coordinator: caller
                .has_role(crate::Role::CompetenceAdviser)
                .then_some(organisation),
            member: caller
                .has_role(crate::Role::MunicipalContact)
                .then_some(organisation),
        }
    }

    /// The networks `caller` reaches as a coordinator only: for the changes only the
    /// coordinating centre makes.
    pub fn coordinator_of(caller: &crate::Caller) -> LearningNetworkScope {
        LearningNetworkScope {
            member: None,
            ..LearningNetworkScope::of(caller)
        }
    }

    /// Whether the caller coordinates `network` (and so may change it).
    pub fn coordinates(&self, network: &LearningNetwork) -> bool {
        self.coordinator == Some(network.coordinating_centre_id)
    }

    /// Whether the caller may record attendance for `member`: the coordinator for any member
    /// service, a member contact for its own organisation's services only.
    pub fn records_attendance_of(&self, network: &LearningNetwork, member: &MemberService) -> bool {
        self.coordinates(network) || self.member == Some(member.organisation_id)
    }
}

/// Why a network's dates are refused.
pub fn check_period(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Result<(), &'static str> {
    match ends_on {
        Some(end) if end < starts_on => Err("ends_on cannot be before starts_on"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_network_cannot_end_before_it_starts() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        assert!(check_period(start, start.pred_opt()).is_err());
        assert!(check_period(start, Some(start)).is_ok());
        assert!(check_period(start, None).is_ok());
    }

    #[test]
    fn a_gathering_on_site_needs_a_place() {}
}
