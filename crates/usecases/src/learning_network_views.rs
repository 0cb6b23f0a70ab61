//! A learning network as its coordinating centre and its members are shown it, and its
//! gatherings with the attendance of every member service: computed from the stored records and
//! the names of the member organisations.

use crate::learning_networks::{Evaluation, ProgrammeEntry};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::learning_network::{
    EndReason, Gathering, LearningNetwork, LearningNetworkScope, SteeringMember,
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// A member service, as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    /// Identifier: attendance is recorded per member service.
    pub id: Uuid,
    /// The organisation.
    pub organisation_id: Uuid,
    /// The organisation's name.
    pub organisation_name: String,
    /// The service.
    pub service: String,
}

/// An organisation a network names, with its name from the directory.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NamedOrganisation {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
}

/// A seat in the steering group, as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SteeringSeatView {
    /// The organisation holding it; `null` for a seat named only (not in the directory).
    pub organisation_id: Option<Uuid>,
    /// The organisation's name: the directory's, or the seat's own.
    pub name: String,
    /// Whether it is a user organisation (brukerorganisasjon).
    pub user_organisation: bool,
}

/// Why a network ended.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NetworkEndView {
    /// The last day (the network's `ends_on`).
    pub on: NaiveDate,
    /// Why.
    pub reason: EndReason,
    /// What else was said.
    pub note: Option<String>,
}

fn name_in(names: &BTreeMap<Uuid, String>, id: Uuid) -> String {
    names.get(&id).cloned().unwrap_or_default()
}

fn seat_view(seat: SteeringMember, names: &BTreeMap<Uuid, String>) -> SteeringSeatView {
    SteeringSeatView {
        organisation_id: seat.organisation_id,
        name: seat
            .organisation_id
            .map(|id| name_in(names, id))
            .or(seat.name)
            .unwrap_or_default(),
        user_organisation: seat.user_organisation,
    }
}

/// The network, as both views show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct NetworkFacts {
    /// Identifier.
    pub id: Uuid,
    /// What it is called.
    pub name: String,
    /// The lead coordinating organisation: the first of `coordinators`.
    pub coordinating_centre_id: Uuid,
    /// The organisations that coordinate it (competence centres, national or regional
    /// authorities), the lead first.
    pub coordinators: Vec<NamedOrganisation>,
    /// Whom its services serve.
    pub target_group: String,
    /// Whether it is a national programme that regional networks belong to.
    pub national_programme: bool,
    /// The national programme it belongs to, as a regional network.
    pub national_programme_id: Option<Uuid>,
    /// When it starts.
    pub starts_on: NaiveDate,
    /// When it ends, if decided.
    pub ends_on: Option<NaiveDate>,
    /// Why it ended, once it has.
    pub end: Option<NetworkEndView>,
    /// The steering group.
    pub steering_group: Vec<SteeringSeatView>,
    /// The member services, in the order they joined.
    pub members: Vec<MemberView>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// The coordinating centre's view: the network with its version, which changes need.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatorNetwork {
    /// The network.
    #[serde(flatten)]
    pub network: NetworkFacts,
    /// Version, also the `ETag`.
    pub version: i32,
}

/// A member organisation's view: the network, without a version (members do not change it).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberNetwork {
    /// The network.
    #[serde(flatten)]
    pub network: NetworkFacts,
}

/// A learning network as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum LearningNetworkView {
    /// The coordinating centre's.
    Coordinator(Box<CoordinatorNetwork>),
    /// A member organisation's.
    Member(Box<MemberNetwork>),
}

/// The member services of `network`, labelled with their organisations' names.
fn member_views(network: &LearningNetwork, names: &BTreeMap<Uuid, String>) -> Vec<MemberView> {
    network
        .members
        .iter()
        .map(|member| MemberView {
            id: member.id,
            organisation_id: member.organisation_id,
            organisation_name: name_in(names, member.organisation_id),
            service: member.service.clone(),
        })
        .collect()
}

impl LearningNetworkView {
    /// `network` as the caller with `scope` may see it: the coordinator's view (with the
    /// version) or a member's, its member services labelled with `names`.
    pub fn of(
        scope: LearningNetworkScope,
        network: LearningNetwork,
        names: &BTreeMap<Uuid, String>,
    ) -> Self {
        let coordinates = scope.coordinates(&network);
        let version = network.version;
        let facts = NetworkFacts {
            members: member_views(&network, names),
            coordinators: coordinator_views(&network, names),
            steering_group: network
                .steering_group
                .into_iter()
                .map(|seat| seat_view(seat, names))
                .collect(),
            coordinating_centre_id: network.coordinators.first().copied().unwrap_or_default(),
            national_programme: network.national_programme,
            national_programme_id: network.national_programme_id,
            end: network
                .end
                .zip(network.ends_on)
                .map(|(end, on)| NetworkEndView {
                    on,
                    reason: end.reason,
                    note: end.note,
                }),
            id: network.id,
            name: network.name,
            target_group: network.target_group,
            starts_on: network.starts_on,
            ends_on: network.ends_on,
            created_at: network.created_at,
            updated_at: network.updated_at,
        };
        if coordinates {
            LearningNetworkView::Coordinator(Box::new(CoordinatorNetwork {
                network: facts,
                version,
            }))
        } else {
            LearningNetworkView::Member(Box::new(MemberNetwork { network: facts }))
        }
    }
}

/// The coordinators of `network`, labelled with their names.
fn coordinator_views(
    network: &LearningNetwork,
    names: &BTreeMap<Uuid, String>,
) -> Vec<NamedOrganisation> {
    network
        .coordinators
        .iter()
        .map(|id| NamedOrganisation {
            organisation_id: *id,
            organisation_name: name_in(names, *id),
        })
        .collect()
}

/// A regional network as its national programme's coordinators see it: who runs it and how
/// much, not its member services (for its own coordinators and members only).
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionalNetworkView {
    /// Identifier.
    pub id: Uuid,
    /// What it is called.
    pub name: String,
    /// The organisations that coordinate it, the lead first.
    pub coordinators: Vec<NamedOrganisation>,
    /// When it starts.
    pub starts_on: NaiveDate,
    /// When it ends, if decided.
    pub ends_on: Option<NaiveDate>,
    /// Why it ended, once it has.
    pub end_reason: Option<EndReason>,
    /// How many member services take part.
    pub member_services: i64,
    /// How many gatherings it has had or planned.
    pub gatherings: i64,
}

impl RegionalNetworkView {
    /// `network`, with its `gatherings` counted, its coordinators labelled with `names`.
    pub fn of(network: &LearningNetwork, gatherings: i64, names: &BTreeMap<Uuid, String>) -> Self {
        RegionalNetworkView {
            id: network.id,
            name: network.name.clone(),
            coordinators: coordinator_views(network, names),
            starts_on: network.starts_on,
            ends_on: network.ends_on,
            end_reason: network.end.as_ref().map(|end| end.reason),
            member_services: i64::try_from(network.members.len()).unwrap_or(i64::MAX),
            gatherings,
        }
    }
}

/// One member service's attendance.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceView {
    /// The member service.
    pub member_id: Uuid,
    /// Its organisation.
    pub organisation_id: Uuid,
    /// The service.
    pub service: String,
    /// How many came; `null` until recorded.
    pub attendees: Option<i32>,
}

/// A gathering, as the coordinator and the members see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct GatheringView {
    /// Identifier.
    pub id: Uuid,
    /// The network.
    pub network_id: Uuid,
    /// The (first) day.
    pub held_on: NaiveDate,
    /// The last day of a gathering over several days; `null` for one day.
    pub ends_on: Option<NaiveDate>,
    /// Where, unless digital.
    pub place: Option<String>,
    /// Whether digital.
    pub digital: bool,
    /// The programme.
    pub programme: Vec<ProgrammeEntry>,
    /// Whether a user representative presented anything.
    pub user_involvement: bool,
    /// The evaluation, once summed up.
    pub evaluation: Option<Evaluation>,
    /// Highlights from the evaluation.
    pub highlights: Vec<String>,
    /// Attendance, per member service of the network.
    pub attendance: Vec<AttendanceView>,
    /// Version, also the `ETag`: attendance is recorded against it.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

samhandling_domain::versioned!(GatheringView);

impl GatheringView {
    /// `gathering` of `network`, with the attendance of each of the network's member services.
    pub fn of(network: &LearningNetwork, gathering: Gathering) -> Self {
        let user_involvement = gathering.has_user_involvement();
        GatheringView {
            attendance: network
                .members
                .iter()
                .map(|member| AttendanceView {
                    member_id: member.id,
                    organisation_id: member.organisation_id,
                    service: member.service.clone(),
                    attendees: gathering
                        .attendance
                        .iter()
                        .find(|(id, _)| *id == member.id)
                        .map(|(_, attendees)| *attendees),
                })
                .collect(),
            user_involvement,
            id: gathering.id,
            network_id: gathering.network_id,
            held_on: gathering.held_on,
            ends_on: gathering.ends_on,
            place: gathering.place,
            digital: gathering.digital,
            programme: gathering
                .programme
                .into_iter()
                .map(ProgrammeEntry::from)
                .collect(),
            evaluation: gathering.evaluation.map(Evaluation::from),
            highlights: gathering.highlights,
            version: gathering.version,
            created_at: gathering.created_at,
            updated_at: gathering.updated_at,
        }
    }
}
