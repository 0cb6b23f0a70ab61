//! Learning networks (læringsnettverk): services with the same target group meet in recurring
//! gatherings (samlinger), coordinated by one or more organisations (competence centres, and
//! national or regional authorities running a programme), to share experience. Attendance is
//! counted per member service, and an evaluation is summed up without names.

use crate::organisation::OrganisationKind;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

/// One seat in a network's steering group, held by an organisation in the directory (a
/// regional health authority, ProLAR Nett, BAR, NUBS …) or, for one that is not, by its name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SteeringMember {
    /// The organisation holding the seat, when it is in the directory.
    #[serde(default)]
    pub organisation_id: Option<Uuid>,
    /// The name of an organisation not in the directory (kept from before seats named one).
    #[serde(default)]
    pub name: Option<String>,
    /// Whether it is a user organisation (brukerorganisasjon).
    #[serde(default)]
    pub user_organisation: bool,
}

crate::wire::wire_enum! {
    /// Why a learning network ended.
    EndReason {
        /// It ran its planned course.
        Completed => "completed",
        /// Its funder stopped funding it (Familienettverket, 2019).
        FundingStopped => "funding_stopped",
        /// Anything else; say what in the note.
        Other => "other",
    }
}

/// Why a network ended; its end date is the network's `ends_on`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkEnd {
    /// The kind of reason.
    pub reason: EndReason,
    /// What else to say about it.
    #[serde(default)]
    pub note: Option<String>,
}

/// The kinds of organisation that may coordinate a network: those whose advisers
/// (`competence_adviser`, `programme_adviser`) write networks.
pub const COORDINATOR_KINDS: [OrganisationKind; 3] = [
    OrganisationKind::CompetenceCentre,
    OrganisationKind::NationalAuthority,
    OrganisationKind::RegionalHealthAuthority,
];

/// Whether an organisation of `kind` may take part with a member service: the services that
/// work with the target group (municipal services, NAV, self-help centres, user organisations,
/// specialist health services such as TSB units and family ambulatories), not those that
/// coordinate, fund or oversee networks.
pub fn may_be_member(kind: OrganisationKind) -> bool {
    !matches!(
        kind,
        OrganisationKind::CompetenceCentre
            | OrganisationKind::CountyGovernor
            | OrganisationKind::NationalAuthority
            | OrganisationKind::RegionalHealthAuthority
    )
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
    /// The organisations that coordinate it, the lead first; never empty.
    pub coordinators: Vec<Uuid>,
    /// Whom its services serve.
    pub target_group: String,
    /// Its period.
    pub starts_on: NaiveDate,
    /// The end, if decided.
    pub ends_on: Option<NaiveDate>,
    /// Why it ended, once it has (its end date is `ends_on`).
    #[serde(default)]
    pub end: Option<NetworkEnd>,
    /// Whether it is a national programme that regional networks belong to.
    #[serde(default)]
    pub national_programme: bool,
    /// The national programme this regional network belongs to.
    #[serde(default)]
    pub national_programme_id: Option<Uuid>,
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
    /// The (first) day.
    pub held_on: NaiveDate,
    /// The last day of a gathering over several days; `None` for one day.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
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
        let mut refusals: Vec<_> = self.check_days().err().into_iter().collect();
        if crate::chronology::check_past_on(self.held_on, now).is_ok() {
            return refusals;
        }
        let not_yet = |field: &str| {
            crate::refusal::FieldRefusal::new(
                field,
                "not_yet_held",
                "the gathering is not held yet: record this once it has been",
            )
        };
        if self.evaluation.is_some() {
            refusals.push(not_yet("evaluation"));
        }
        if !self.highlights.is_empty() {
            refusals.push(not_yet("highlights"));
        }
        refusals
    }

    /// A gathering over several days ends on or after its first day, and lasts at most
    /// [`Gathering::MAX_DAYS`]; it is still one gathering in every count.
    pub fn check_days(&self) -> Result<(), crate::refusal::FieldRefusal> {
        let Some(ends_on) = self.ends_on else {
            return Ok(());
        };
        let days = (ends_on - self.held_on).num_days() + 1;
        if (1..=Self::MAX_DAYS).contains(&days) {
            Ok(())
        } else {
            Err(crate::refusal::FieldRefusal::new(
                "ends_on",
                "range",
                format!(
                    "a gathering ends on or after held_on, its first day, and lasts at most {} days",
                    Self::MAX_DAYS
                ),
            ))
        }
    }

    /// The longest a gathering lasts, in days (the database holds it to the same).
    pub const MAX_DAYS: i64 = 5;

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
    /// A coordinating organisation's adviser: the networks it coordinates.
    pub coordinator: Option<Uuid>,
    /// A member organisation's contact: the networks it is a member of.
    pub member: Option<Uuid>,
}

/// The roles that write networks for the organisations that coordinate them.
pub const COORDINATOR_ROLES: [crate::Role; 2] = [
    crate::Role::CompetenceAdviser,
    crate::Role::ProgrammeAdviser,
];

/// The roles that read a network, and record their own services' attendance, for a member
/// organisation: a municipality's contact, and the facilitators a member service employs (a
/// specialist health service holds no other role).
pub const MEMBER_ROLES: [crate::Role; 2] =
    [crate::Role::MunicipalContact, crate::Role::Facilitator];

crate::page::keyed_by!(LearningNetwork, created_at);
crate::page::keyed_by!(Gathering, created_at);

impl LearningNetworkScope {
    /// The networks `caller` reaches: a competence or programme adviser those its organisation
    /// coordinates; a municipal contact, or a facilitator (a specialist health service's staff,
    /// a municipal service's), those its organisation has a member service in.
    pub fn of(caller: &crate::Caller) -> LearningNetworkScope {
        use crate::Role;
        let organisation = caller.organisation_id.uuid();
        let any = |roles: &[Role]| roles.iter().any(|role| caller.has_role(*role));
        LearningNetworkScope {
            coordinator: any(&COORDINATOR_ROLES).then_some(organisation),
            member: any(&MEMBER_ROLES).then_some(organisation),
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
        self.coordinator
            .is_some_and(|organisation| network.coordinators.contains(&organisation))
    }

    /// Whether the caller may record attendance for `member`: the coordinator for any member
    /// service, a member contact for its own organisation's services only.
    pub fn records_attendance_of(&self, network: &LearningNetwork, member: &MemberService) -> bool {
        self.coordinates(network) || self.member == Some(member.organisation_id)
    }
}

crate::wire::wire_enum! {
    /// Where an improvement task stands, as its member service reports it.
    ImprovementStatus {
        /// Taken home, not begun.
        Planned => "planned",
        /// Under way.
        InProgress => "in_progress",
        /// Done.
        Done => "done",
    }
}

crate::lifecycle::lifecycle!(ImprovementStatus, "an improvement task");

impl ImprovementStatus {
    /// Where a task may go from here: on, never back; done is final.
    pub fn allowed_transitions(self) -> Vec<ImprovementStatus> {
        use ImprovementStatus as S;
        match self {
            S::Planned => vec![S::InProgress, S::Done],
            S::InProgress => vec![S::Done],
            S::Done => Vec::new(),
        }
    }
}

/// An improvement task (forbedringsoppgave): what a member service took home from a gathering
/// to try out in its own service, and what it reports of it before a later gathering.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ImprovementTaskView)]
pub struct ImprovementTask {
    /// Identifier.
    pub id: Uuid,
    /// The network.
    pub network_id: Uuid,
    /// The gathering it was taken home from.
    pub gathering_id: Uuid,
    /// The member service that took it home.
    pub member_id: Uuid,
    /// What it is.
    pub title: String,
    /// What it involves.
    pub description: Option<String>,
    /// Where it stands.
    pub status: ImprovementStatus,
    /// The member service's report, once it has given one.
    pub report: Option<String>,
    /// When it last reported.
    pub reported_at: Option<DateTime<Utc>>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

crate::versioned!(ImprovementTask);
crate::page::keyed_by!(ImprovementTask, created_at);

impl LearningNetworkScope {
    /// Whether the caller reports on `task` for its member service: only the organisation
    /// whose service took it home does, not the coordinators who recorded it.
    pub fn reports_on(&self, network: &LearningNetwork, task: &ImprovementTask) -> bool {
        network.members.iter().any(|member| {
            member.id == task.member_id && self.member == Some(member.organisation_id)
        })
    }
}

/// Why a network's place among national programmes is refused, given whether the programme it
/// names is one (`programme_is_one`) and whether regional networks belong to it already
/// (`has_regional`): a programme is a network marked as one, a programme belongs to no other
/// (so no chain, and no cycle, can form), and a programme with regional networks stays one.
pub fn check_programme(
    network: &LearningNetwork,
    programme_is_one: bool,
    has_regional: bool,
) -> Vec<crate::refusal::FieldRefusal> {
    use crate::refusal::FieldRefusal;
    let mut refusals = Vec::new();
    if let Some(programme) = network.national_programme_id {
        if programme == network.id || !programme_is_one {
            refusals.push(FieldRefusal::new(
                "national_programme_id",
                "not_a_national_programme",
                "names no other network that is a national programme",
            ));
        }
        if network.national_programme {
            refusals.push(FieldRefusal::new(
                "national_programme_id",
                "programme_in_programme",
                "a national programme belongs to no other programme",
            ));
        }
    }
    if !network.national_programme && has_regional {
        refusals.push(FieldRefusal::new(
            "national_programme",
            "has_regional_networks",
            "regional networks belong to this programme: it stays a national programme",
        ));
    }
    refusals
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
    fn an_improvement_task_moves_on_and_is_done_for_good() {
        use crate::lifecycle::Lifecycle;
        assert!(ImprovementStatus::Planned
            .check_transition(ImprovementStatus::Done)
            .is_ok());
        assert!(ImprovementStatus::InProgress
            .check_transition(ImprovementStatus::Planned)
            .is_err());
        assert!(ImprovementStatus::Done.allowed_transitions().is_empty());
    }

    #[test]
    fn specialist_health_services_are_members_and_authorities_coordinate() {
        assert!(may_be_member(OrganisationKind::SpecialistHealthService));
        assert!(may_be_member(OrganisationKind::Municipality));
        assert!(!may_be_member(OrganisationKind::RegionalHealthAuthority));
        for kind in COORDINATOR_KINDS {
            assert!(!may_be_member(kind));
        }
    }
}
