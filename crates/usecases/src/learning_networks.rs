//! Learning networks and their gatherings: a competence centre starts and coordinates a
//! network of member services, records its gatherings, and the coordinator or each member's
//! contact records how many came from each member service.

use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::learning_network::{
    check_period, EvaluationSummary, Gathering, LearningNetwork, LearningNetworkScope,
    MemberService, ProgrammeItem, SteeringMember,
};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::venue::Venue;
use samhandling_domain::version::Precondition;
use samhandling_persistence::learning_networks::{self as store, MEMBER_KEY};
use samhandling_persistence::{gatherings, meeting_statistics, PgConnection};
use std::collections::{BTreeMap, HashSet};

use samhandling_domain::ids::{GatheringId, LearningNetworkId, MemberServiceId};
pub use samhandling_persistence::meeting_statistics::{AttendanceCount, NetworkSums};
use uuid::Uuid;

fn period(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Result<(), FieldRefusal> {
    check_period(starts_on, ends_on)
        .map_err(|message| FieldRefusal::new("ends_on", "range", message))
}

/// Starts the learning network `network`: a coherent period, every member organisation one
/// that exists, each service a member once (every refusal by field).
pub fn start_network(
    ctx: &mut Context<'_>,
    network: &LearningNetwork,
) -> Result<LearningNetwork, UseCaseError> {
    period(network.starts_on, network.ends_on)?;
    let ids: Vec<Uuid> = network.members.iter().map(|m| m.organisation_id).collect();
    let known = store::organisation_names(ctx.conn(), &ids)?;
    let mut seen = HashSet::new();
    let mut refusals = Vec::new();
    for (index, member) in network.members.iter().enumerate() {
        if !known.contains_key(&member.organisation_id) {
            refusals.push(FieldRefusal::new(
                format!("members[{index}].organisation_id"),
                "not_found",
                "names no organisation",
            ));
        }
        if !seen.insert((member.organisation_id, member.service.as_str())) {
            refusals.push(FieldRefusal::new(
                format!("members[{index}]"),
                "duplicate",
                "this organisation's service is already a member",
            ));
        }
    }
    if !refusals.is_empty() {
        return Err(UseCaseError::Invalid(refusals));
    }
    let stored = store::insert(ctx.conn(), network)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::LearningNetwork,
        stored.id,
    )?;
    Ok(stored)
}

/// What may change on a network; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkEdit {
    /// A new name.
    pub name: Option<String>,
    /// A new target group.
    pub target_group: Option<String>,
    /// A new end: not before the start.
    pub ends_on: Option<NaiveDate>,
    /// A new steering group.
    pub steering_group: Option<Vec<SteeringMember>>,
}

/// Changes the coordinated network `id` as of the version the caller read.
pub fn update_network(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    id: Uuid,
    read: Precondition,
    edit: NetworkEdit,
) -> Result<LearningNetwork, UseCaseError> {
    let mut network =
        store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(network.version)?;
    if let Some(ends_on) = edit.ends_on {
        period(network.starts_on, Some(ends_on))?;
        network.ends_on = Some(ends_on);
    }
    if let Some(name) = edit.name {
        network.name = name;
    }
    if let Some(target_group) = edit.target_group {
        network.target_group = target_group;
    }
    if let Some(steering_group) = edit.steering_group {
        network.steering_group = steering_group;
    }
    let changed = store::update(ctx.conn(), &network)?;
    ctx.audit(AuditAction::Updated, ResourceType::LearningNetwork, id)?;
    Ok(changed)
}

/// Adds the member service `member` to the coordinated network `id`: its organisation exists,
/// and a service is a member once.
pub fn add_member(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    id: Uuid,
    member: &MemberService,
) -> Result<LearningNetwork, UseCaseError> {
    store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    if store::organisation_names(ctx.conn(), &[member.organisation_id])?.is_empty() {
        return Err(UseCaseError::invalid(
            "organisation_id",
            "not_found",
            "names no organisation",
        ));
    }
    let changed = store::add_member(ctx.conn(), id, member).map_err(UseCaseError::unique(
        MEMBER_KEY,
        "this organisation's service is already a member of the network",
    ))?;
    ctx.audit(AuditAction::Updated, ResourceType::LearningNetwork, id)?;
    Ok(changed)
}

fn refused(refusals: Vec<FieldRefusal>) -> Result<(), UseCaseError> {
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(UseCaseError::Invalid(refusals))
    }
}

/// Records `gathering` of the coordinated network it names.
pub fn record_gathering(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    gathering: &Gathering,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    Venue::new("a gathering", gathering.place.clone(), gathering.digital)?;
    refused(gathering.check_coherent(ctx.now()))?;
    let network = store::find_for_update(ctx.conn(), gathering.network_id, scope)?
        .ok_or(UseCaseError::NotFound)?;
    let stored = gatherings::insert(ctx.conn(), gathering)?;
    ctx.audit(AuditAction::Created, ResourceType::Gathering, stored.id)?;
    Ok((network, stored))
}

/// What may change on a gathering; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GatheringEdit {
    /// A new date.
    pub held_on: Option<NaiveDate>,
    /// A new place.
    pub place: Option<String>,
    /// Whether it is digital now.
    pub digital: Option<bool>,
    /// A new programme.
    pub programme: Option<Vec<ProgrammeItem>>,
    /// The participants' evaluation.
    pub evaluation: Option<EvaluationSummary>,
    /// New highlights.
    pub highlights: Option<Vec<String>>,
}

/// The gathering `gathering_id` of the network `network_id` in `scope`, both locked.
fn locked(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    network_id: Uuid,
    gathering_id: Uuid,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    let network = store::find_for_update(conn, network_id, scope)?.ok_or(UseCaseError::NotFound)?;
    let gathering = gatherings::find_for_update(conn, network_id, gathering_id)?
        .ok_or(UseCaseError::NotFound)?;
    Ok((network, gathering))
}

/// Changes the gathering `gathering_id` of the coordinated network `network_id` as of the
/// version the caller read.
pub fn update_gathering(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    (network_id, gathering_id): (LearningNetworkId, GatheringId),
    read: Precondition,
    edit: GatheringEdit,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    let (network, mut gathering) =
        locked(ctx.conn(), scope, network_id.uuid(), gathering_id.uuid())?;
    read.check(gathering.version)?;
    if let Some(held_on) = edit.held_on {
        gathering.held_on = held_on;
    }
    if let Some(place) = edit.place {
        gathering.place = Some(place);
    }
    if let Some(digital) = edit.digital {
        gathering.digital = digital;
    }
    Venue::new("a gathering", gathering.place.clone(), gathering.digital)?;
    if let Some(programme) = edit.programme {
        gathering.programme = programme;
    }
    if let Some(evaluation) = edit.evaluation {
        gathering.evaluation = Some(evaluation);
    }
    if let Some(highlights) = edit.highlights {
        gathering.highlights = highlights;
    }
    refused(gathering.check_coherent(ctx.now()))?;
    let changed = gatherings::update(ctx.conn(), &gathering)?;
    ctx.audit(
        AuditAction::Updated,
        ResourceType::Gathering,
        gathering_id.uuid(),
    )?;
    Ok((network, changed))
}

/// Records how many came to the gathering from the member service `member_id`, replacing an
/// earlier count: the coordinator for any member, a member's contact for its own services
/// only (another member's service is forbidden; a member not in the network is not found).
pub fn record_attendance(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    (network_id, gathering_id, member_id): (LearningNetworkId, GatheringId, MemberServiceId),
    read: Precondition,
    attendees: i32,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    let (network, gathering) = locked(ctx.conn(), scope, network_id.uuid(), gathering_id.uuid())?;
    let member = network
        .members
        .iter()
        .find(|member| member.id == member_id.uuid())
        .ok_or(UseCaseError::NotFound)?;
    if !scope.records_attendance_of(&network, member) {
        return Err(UseCaseError::Forbidden(
            "only your own services' attendance: this member service belongs to another \
             organisation"
                .into(),
        ));
    }
    read.check(gathering.version)?;
    gathering
        .check_attendance(ctx.now())
        .map_err(|refusal| UseCaseError::Invalid(vec![refusal]))?;
    let changed = gatherings::record_attendance(
        ctx.conn(),
        gathering_id.uuid(),
        member_id.uuid(),
        attendees,
    )?;
    ctx.audit(
        AuditAction::Updated,
        ResourceType::Gathering,
        gathering_id.uuid(),
    )?;
    Ok((network, changed))
}

// Reads.

/// The names of the organisations of every member service of `networks`.
pub fn names_of(
    conn: &mut PgConnection,
    networks: &[&LearningNetwork],
) -> Result<BTreeMap<Uuid, String>, UseCaseError> {
    let ids: Vec<Uuid> = networks
        .iter()
        .flat_map(|network| network.members.iter().map(|member| member.organisation_id))
        .collect();
    Ok(store::organisation_names(conn, &ids)?)
}

/// The networks in `scope`, in the order started, with their members' names.
pub fn list_networks(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    page: PageRequest,
) -> Result<(Page<LearningNetwork>, BTreeMap<Uuid, String>), UseCaseError> {
    let found = store::list(conn, scope, page)?;
    let names = names_of(conn, &found.items.iter().collect::<Vec<_>>())?;
    Ok((found, names))
}

/// The network `id` in `scope`, with its members' names.
pub fn read_network(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    id: Uuid,
) -> Result<(LearningNetwork, BTreeMap<Uuid, String>), UseCaseError> {
    let network = store::find(conn, id, scope)?.ok_or(UseCaseError::NotFound)?;
    let names = names_of(conn, &[&network])?;
    Ok((network, names))
}

/// The gatherings of the network `network_id` in `scope`, in the order recorded.
pub fn list_gatherings(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    network_id: Uuid,
    page: PageRequest,
) -> Result<(LearningNetwork, Page<Gathering>), UseCaseError> {
    let network = store::find(conn, network_id, scope)?.ok_or(UseCaseError::NotFound)?;
    let found = gatherings::list(conn, network_id, page)?;
    Ok((network, found))
}

/// The gathering `id` of the network `network_id` in `scope`.
pub fn read_gathering(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    network_id: Uuid,
    id: Uuid,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    let network = store::find(conn, network_id, scope)?.ok_or(UseCaseError::NotFound)?;
    let gathering = gatherings::find(conn, network_id, id)?.ok_or(UseCaseError::NotFound)?;
    Ok((network, gathering))
}

/// The sums and attendance of the networks in `scope` (or of the one `network_id`).
pub fn statistics(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    network_id: Option<Uuid>,
) -> Result<(Vec<NetworkSums>, Vec<AttendanceCount>), UseCaseError> {
    Ok((
        meeting_statistics::network_sums(conn, network_id, scope)?,
        meeting_statistics::attendance(conn, network_id, scope)?,
    ))
}
