//! Learning networks and their gatherings: a competence centre or a national or regional
//! authority starts a network, coordinated by one or more such organisations, of member services
//! (municipal services, specialist health services …); a coordinator records its gatherings and
//! its end, and a coordinator or each member's contact records how many came from each member
//! service.

use crate::input::{check_plain_text, FreeText, LogLine, Name};
use crate::learning_network_views::RegionalNetworkView;
use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened_on;
use samhandling_domain::learning_network::{
    check_period, check_programme, may_be_member, EndReason, EvaluationSummary, Gathering,
    LearningNetwork, LearningNetworkScope, MemberService, NetworkEnd, ProgrammeItem,
    SteeringMember, COORDINATOR_KINDS,
};
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::venue::Venue;
use samhandling_domain::version::Precondition;
use samhandling_persistence::learning_networks::{self as store, MEMBER_KEY};
use samhandling_persistence::{courses, gatherings, meeting_statistics, PgConnection};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use utoipa::ToSchema;
use validator::Validate;

use samhandling_domain::ids::{GatheringId, LearningNetworkId, MemberServiceId};
pub use samhandling_persistence::meeting_statistics::{AttendanceCount, NetworkSums};
use uuid::Uuid;

fn period(starts_on: NaiveDate, ends_on: Option<NaiveDate>) -> Result<(), FieldRefusal> {
    check_period(starts_on, ends_on)
        .map_err(|message| FieldRefusal::new("ends_on", "range", message))
}

/// A seat in the steering group: held by an organisation in the directory (`organisation_id`)
/// or, for one that is not, named (`name`); one of the two (422).
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70"}))]
pub struct SteeringSeat {
    /// The organisation holding it (a regional health authority, ProLAR Nett, BAR, NUBS …); it
    /// must exist, and its kind says whether it is a user organisation.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub organisation_id: Option<Uuid>,
    /// The name of an organisation that is not in the directory.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub name: Option<Name>,
    /// Whether a seat held by `name` is a user organisation (brukerorganisasjon).
    #[serde(default)]
    pub user_organisation: bool,
}

impl From<SteeringSeat> for SteeringMember {
    fn from(seat: SteeringSeat) -> Self {
        SteeringMember {
            organisation_id: seat.organisation_id,
            name: seat.name.map(String::from),
            user_organisation: seat.user_organisation,
        }
    }
}

/// Why the network ended, with its end date. The date becomes the network's `ends_on`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"on": "2019-03-31", "reason": "funding_stopped",
    "note": "Helse Sør-Øst stopped its funding without explanation"}))]
pub struct RecordEnd {
    /// The last day; not before the start, and not in the future (422).
    pub on: NaiveDate,
    /// Why.
    pub reason: EndReason,
    /// What else to say.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub note: Option<FreeText>,
}

/// A member service to add: an organisation's service taking part.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70", "service": "Jordmortjenesten"}))]
pub struct AddMember {
    /// The organisation (it must exist).
    pub organisation_id: Uuid,
    /// Its service in the network.
    pub service: Name,
}

impl AddMember {
    /// The member service this adds, under a fresh id.
    fn service(&self) -> MemberService {
        MemberService {
            id: Uuid::now_v7(),
            organisation_id: self.organisation_id,
            service: self.service.to_string(),
        }
    }
}

/// A new learning network, coordinated by the caller's centre.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Familienettverket",
    "target_group": "Tjenester til gravide og familier med små barn der foreldrene har rusproblemer",
    "starts_on": "2026-01-15",
    "ends_on": "2028-12-31",
    "steering_group": [
        {"name": "ProLAR", "user_organisation": true},
        {"name": "BAR", "user_organisation": true},
        {"name": "NUBS", "user_organisation": true}
    ],
    "members": [{"organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70", "service": "Jordmortjenesten"}]
}))]
pub struct CreateLearningNetwork {
    /// What it is called.
    pub name: Name,
    /// The organisations that coordinate it beside the caller's, which is the lead: competence
    /// centres, national or regional authorities (422 for any other kind).
    #[serde(default)]
    #[validate(length(max = 19))]
    #[schema(max_items = 19)]
    pub coordinator_ids: Vec<Uuid>,
    /// Whom its services serve.
    #[validate(length(min = 1, max = 500), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    )]
    pub target_group: String,
    /// Whether it is a national programme, which regional networks may belong to.
    #[serde(default)]
    pub national_programme: bool,
    /// The national programme it belongs to, as a regional network: a network marked as one,
    /// itself under no programme (422 otherwise).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub national_programme_id: Option<Uuid>,
    /// When it starts.
    pub starts_on: NaiveDate,
    /// When it ends, if decided; not before `starts_on` (422).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub ends_on: Option<NaiveDate>,
    /// The steering group; mark the user organisations.
    #[serde(default)]
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30)]
    pub steering_group: Vec<SteeringSeat>,
    /// The member services; each organisation must exist, each service is a member once.
    #[serde(default)]
    #[validate(length(max = 200), nested)]
    #[schema(max_items = 200)]
    pub members: Vec<AddMember>,
}

/// Changes to a network; absent fields stay as they are. Send `If-Match` with its `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ends_on": "2029-06-30", "steering_group": [{"name": "ProLAR", "user_organisation": true}]}))]
pub struct UpdateLearningNetwork {
    /// What it is called.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub name: Option<Name>,
    /// Whom its services serve.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 500), custom(function = "check_plain_text"))]
    #[schema(
        min_length = 1,
        max_length = 500,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$",
        nullable = false
    )]
    pub target_group: Option<String>,
    /// When it ends; not before its start (422).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub ends_on: Option<NaiveDate>,
    /// The coordinating organisations, replaced whole; the first is the lead. A coordinator
    /// that leaves the list can no longer change the network.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 20))]
    #[schema(min_items = 1, max_items = 20, nullable = false)]
    pub coordinator_ids: Option<Vec<Uuid>>,
    /// Whether it is a national programme; one that regional networks belong to stays one (422).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub national_programme: Option<bool>,
    /// The national programme it belongs to, as a regional network (422 unless a network marked
    /// as one and under no programme itself).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub national_programme_id: Option<Uuid>,
    /// That the network has ended, and why; its date becomes `ends_on`.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub end: Option<RecordEnd>,
    /// The steering group, replaced whole.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(max = 30), nested)]
    #[schema(max_items = 30, nullable = false)]
    pub steering_group: Option<Vec<SteeringSeat>>,
}

/// The kinds of the organisations `ids` that exist, by id.
fn kinds_of(
    conn: &mut PgConnection,
    ids: &[Uuid],
) -> Result<BTreeMap<Uuid, OrganisationKind>, UseCaseError> {
    Ok(courses::organisation_kinds(conn, ids)?
        .into_iter()
        .collect())
}

/// Every refusal of `network`'s organisations, by field: each coordinator, member and
/// steering-group seat an organisation that exists, the coordinators of a kind that coordinates
/// and a member of a kind that takes part, each coordinator and each service once. The first
/// `unlisted` coordinators are not in the request's `coordinator_ids` (the caller's organisation
/// leading a new network), so the others are named by their place in it.
fn check_organisations(
    conn: &mut PgConnection,
    network: &LearningNetwork,
    unlisted: usize,
) -> Result<Vec<FieldRefusal>, UseCaseError> {
    let listed = |index: usize| match index.checked_sub(unlisted) {
        Some(place) => format!("coordinator_ids[{place}]"),
        None => "coordinator_ids".to_owned(),
    };
    let seats = network.steering_group.iter();
    let ids: Vec<Uuid> = (network.coordinators.iter().copied())
        .chain(network.members.iter().map(|m| m.organisation_id))
        .chain(seats.filter_map(|seat| seat.organisation_id))
        .collect();
    let kinds = kinds_of(conn, &ids)?;
    let mut refusals = Vec::new();
    let check =
        |field: String, id: Uuid, fits: &dyn Fn(OrganisationKind) -> bool| match kinds.get(&id) {
            None => Some(FieldRefusal::new(
                field,
                "not_found",
                "names no organisation",
            )),
            Some(kind) if !fits(*kind) => Some(FieldRefusal::new(
                field,
                "kind",
                format!("an organisation of kind {kind} cannot take this place in a network"),
            )),
            Some(_) => None,
        };
    for (index, id) in network.coordinators.iter().enumerate() {
        refusals.extend(check(listed(index), *id, &|kind| {
            COORDINATOR_KINDS.contains(&kind)
        }));
    }
    for (index, member) in network.members.iter().enumerate() {
        refusals.extend(check(
            format!("members[{index}].organisation_id"),
            member.organisation_id,
            &may_be_member,
        ));
    }
    for (index, seat) in network.steering_group.iter().enumerate() {
        match (seat.organisation_id, &seat.name) {
            (Some(id), None) => refusals.extend(check(
                format!("steering_group[{index}].organisation_id"),
                id,
                &|_| true,
            )),
            (None, Some(_)) => {}
            _ => refusals.push(FieldRefusal::new(
                format!("steering_group[{index}]"),
                "one_of",
                "a seat names either an organisation_id or a name",
            )),
        }
    }
    let mut coordinators = HashSet::new();
    for (index, id) in network.coordinators.iter().enumerate() {
        if !coordinators.insert(id) {
            refusals.push(FieldRefusal::new(
                listed(index),
                "duplicate",
                "this organisation already coordinates the network",
            ));
        }
    }
    let mut services = HashSet::new();
    for (index, member) in network.members.iter().enumerate() {
        if !services.insert((member.organisation_id, member.service.as_str())) {
            refusals.push(FieldRefusal::new(
                format!("members[{index}]"),
                "duplicate",
                "this organisation's service is already a member",
            ));
        }
    }
    Ok(refusals)
}

/// Every refusal of `network`'s place among national programmes ([`check_programme`]).
fn check_programmes(
    conn: &mut PgConnection,
    network: &LearningNetwork,
) -> Result<Vec<FieldRefusal>, UseCaseError> {
    let programme_is_one = match network.national_programme_id {
        Some(programme) => store::is_national_programme(conn, programme)?,
        None => false,
    };
    let has_regional =
        !network.national_programme && store::has_regional_networks(conn, network.id)?;
    Ok(check_programme(network, programme_is_one, has_regional))
}

/// A seat held by an organisation in the directory is a user organisation's when its kind says
/// so, whatever the request said.
fn mark_user_organisations(
    conn: &mut PgConnection,
    seats: &mut [SteeringMember],
) -> Result<(), UseCaseError> {
    let ids: Vec<Uuid> = seats
        .iter()
        .filter_map(|seat| seat.organisation_id)
        .collect();
    let kinds = kinds_of(conn, &ids)?;
    for seat in seats {
        if let Some(kind) = seat.organisation_id.and_then(|id| kinds.get(&id)) {
            seat.user_organisation = *kind == OrganisationKind::UserOrganisation;
        }
    }
    Ok(())
}

/// Starts the learning network `network`: a coherent period, one or more coordinators, every
/// organisation it names one that exists and fits its place, each service a member once
/// (every refusal by field).
pub fn start_network(
    ctx: &mut Context<'_>,
    network: &LearningNetwork,
) -> Result<LearningNetwork, UseCaseError> {
    start(ctx, network, 0)
}

/// [`start_network`], the first `unlisted` coordinators not named by the request.
fn start(
    ctx: &mut Context<'_>,
    network: &LearningNetwork,
    unlisted: usize,
) -> Result<LearningNetwork, UseCaseError> {
    let mut network = network.clone();
    let mut refusals: Vec<FieldRefusal> = period(network.starts_on, network.ends_on)
        .err()
        .into_iter()
        .collect();
    if network.coordinators.is_empty() {
        refusals.push(FieldRefusal::new(
            "coordinator_ids",
            "required",
            "a network has a coordinator",
        ));
    }
    refusals.extend(check_organisations(ctx.conn(), &network, unlisted)?);
    refusals.extend(check_programmes(ctx.conn(), &network)?);
    UseCaseError::unless_refused(refusals)?;
    mark_user_organisations(ctx.conn(), &mut network.steering_group)?;
    let stored = store::insert(ctx.conn(), &network)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::LearningNetwork,
        stored.id,
    )?;
    Ok(stored)
}

/// Starts the network `new` asks for, led by the caller's organisation `lead` with the other
/// coordinators it names: [`start_network`] with fresh ids for it and its member services.
pub fn create_network(
    ctx: &mut Context<'_>,
    lead: Uuid,
    new: &CreateLearningNetwork,
) -> Result<LearningNetwork, UseCaseError> {
    let now = ctx.now();
    let others = new.coordinator_ids.iter().filter(|id| **id != lead);
    let network = LearningNetwork {
        id: Uuid::now_v7(),
        name: new.name.to_string(),
        coordinators: std::iter::once(lead).chain(others.copied()).collect(),
        target_group: new.target_group.clone(),
        starts_on: new.starts_on,
        ends_on: new.ends_on,
        end: None,
        national_programme: new.national_programme,
        national_programme_id: new.national_programme_id,
        steering_group: new.steering_group.iter().cloned().map(Into::into).collect(),
        members: new.members.iter().map(AddMember::service).collect(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    start(ctx, &network, 1)
}

/// Changes the coordinated network `id` as of the version the caller read.
pub fn update_network(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    id: Uuid,
    read: Precondition,
    edit: UpdateLearningNetwork,
) -> Result<LearningNetwork, UseCaseError> {
    let mut network =
        store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    read.check(network.version)?;
    let mut refusals = Vec::new();
    if let Some(ends_on) = edit.ends_on {
        refusals.extend(period(network.starts_on, Some(ends_on)).err());
        network.ends_on = Some(ends_on);
    }
    if let Some(end) = edit.end {
        if let Err(refused) =
            check_happened_on(end.on, network.starts_on, "the network's start", ctx.now())
        {
            refusals.push(refused.at("end.on"));
        }
        network.ends_on = Some(end.on);
        network.end = Some(NetworkEnd {
            reason: end.reason,
            note: end.note.map(String::from),
        });
    }
    if let Some(coordinators) = edit.coordinator_ids {
        network.coordinators = coordinators;
    }
    if let Some(programme) = edit.national_programme {
        network.national_programme = programme;
    }
    if let Some(programme) = edit.national_programme_id {
        network.national_programme_id = Some(programme);
    }
    if let Some(name) = edit.name {
        network.name = name.into();
    }
    if let Some(target_group) = edit.target_group {
        network.target_group = target_group;
    }
    if let Some(steering_group) = edit.steering_group {
        network.steering_group = steering_group.into_iter().map(Into::into).collect();
    }
    refusals.extend(check_organisations(ctx.conn(), &network, 0)?);
    refusals.extend(check_programmes(ctx.conn(), &network)?);
    UseCaseError::unless_refused(refusals)?;
    mark_user_organisations(ctx.conn(), &mut network.steering_group)?;
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
    member: &AddMember,
) -> Result<LearningNetwork, UseCaseError> {
    let member = &member.service();
    store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    match kinds_of(ctx.conn(), &[member.organisation_id])?.get(&member.organisation_id) {
        None => {
            return Err(UseCaseError::invalid(
                "organisation_id",
                "not_found",
                "names no organisation",
            ))
        }
        Some(kind) if !may_be_member(*kind) => {
            return Err(UseCaseError::invalid(
                "organisation_id",
                "kind",
                format!("an organisation of kind {kind} cannot take part with a member service"),
            ))
        }
        Some(_) => {}
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

/// One item of the programme.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeEntry {
    /// The title; never a name of a person the services work with.
    pub title: LogLine,
    /// The presenter's organisation.
    pub presenter_organisation: Name,
    /// Whether a user representative presented it (the network's user involvement).
    #[serde(default)]
    pub by_user_representative: bool,
}

impl From<ProgrammeEntry> for ProgrammeItem {
    fn from(entry: ProgrammeEntry) -> Self {
        ProgrammeItem {
            title: String::from(entry.title),
            presenter_organisation: String::from(entry.presenter_organisation),
            by_user_representative: entry.by_user_representative,
        }
    }
}

impl From<ProgrammeItem> for ProgrammeEntry {
    fn from(item: ProgrammeItem) -> Self {
        ProgrammeEntry {
            title: LogLine::from_stored(item.title),
            presenter_organisation: Name::from_stored(item.presenter_organisation),
            by_user_representative: item.by_user_representative,
        }
    }
}

/// The evaluation of a gathering, summed up: how many answered and their average rating.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// How many answered.
    #[serde(deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 1, max = 10000))]
    #[schema(minimum = 1, maximum = 10000)]
    pub respondents: i32,
    /// Their average rating, 1 (poor) to 5 (very good).
    #[validate(range(min = 1.0, max = 5.0))]
    #[schema(minimum = 1.0, maximum = 5.0)]
    pub average_rating: f64,
}

impl From<Evaluation> for EvaluationSummary {
    fn from(evaluation: Evaluation) -> Self {
        EvaluationSummary {
            respondents: evaluation.respondents,
            average_rating: evaluation.average_rating,
        }
    }
}

impl From<EvaluationSummary> for Evaluation {
    fn from(summary: EvaluationSummary) -> Self {
        Evaluation {
            respondents: summary.respondents,
            average_rating: summary.average_rating,
        }
    }
}

/// A new gathering.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_on": "2026-11-12",
    "place": "Værnes",
    "digital": false,
    "programme": [
        {"title": "Hvordan vi samarbeider med barnevernet", "presenter_organisation": "Stjørdal kommune", "by_user_representative": false},
        {"title": "Erfaringer fra en forelder i LAR", "presenter_organisation": "ProLAR", "by_user_representative": true}
    ],
    "evaluation": {"respondents": 24, "average_rating": 4.4},
    "highlights": ["Nyttig å høre hvordan nabokommunene organiserer oppfølgingen"]
}))]
pub struct CreateGathering {
    /// The date: its first day.
    pub held_on: NaiveDate,
    /// The last day of a gathering over several days (at most 5 in all, not before `held_on`:
    /// 422); absent for one day.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub ends_on: Option<NaiveDate>,
    /// Where; required unless `digital`.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is held digitally.
    #[serde(default)]
    pub digital: bool,
    /// The programme, item by item.
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub programme: Vec<ProgrammeEntry>,
    /// The evaluation, once summed up.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub evaluation: Option<Evaluation>,
    /// Highlights from the evaluation: free text without names or national identity numbers.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20)]
    pub highlights: Vec<LogLine>,
}

/// Changes to a gathering; absent fields stay as they are. Send `If-Match` with its `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"evaluation": {"respondents": 31, "average_rating": 4.6}}))]
pub struct UpdateGathering {
    /// The date: its first day.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub held_on: Option<NaiveDate>,
    /// The last day of a gathering over several days.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub ends_on: Option<NaiveDate>,
    /// Where; a gathering that is not digital keeps a place (422).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub place: Option<Name>,
    /// Whether it is held digitally.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub digital: Option<bool>,
    /// The programme, replaced whole.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50, nullable = false)]
    pub programme: Option<Vec<ProgrammeEntry>>,
    /// The evaluation.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub evaluation: Option<Evaluation>,
    /// The highlights, replaced whole.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(max = 20))]
    #[schema(max_items = 20, nullable = false)]
    pub highlights: Option<Vec<LogLine>>,
}

/// How many came from one member service. Send `If-Match` with the gathering's `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"attendees": 4}))]
pub struct RecordAttendance {
    /// How many came, 0 to 1000.
    #[serde(deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub attendees: i32,
}

/// Records the gathering `id` of the coordinated network `network_id`, as `held` describes it.
pub fn record_gathering(
    ctx: &mut Context<'_>,
    scope: LearningNetworkScope,
    (network_id, id): (LearningNetworkId, GatheringId),
    held: &CreateGathering,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    let now = ctx.now();
    let gathering = &Gathering {
        id: id.uuid(),
        network_id: network_id.uuid(),
        held_on: held.held_on,
        ends_on: held.ends_on,
        place: held.place.clone().map(String::from),
        digital: held.digital,
        programme: held.programme.iter().cloned().map(Into::into).collect(),
        evaluation: held.evaluation.clone().map(Into::into),
        highlights: held.highlights.iter().cloned().map(String::from).collect(),
        attendance: Vec::new(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    Venue::new("a gathering", gathering.place.clone(), gathering.digital)?;
    refused(gathering.check_coherent(ctx.now()))?;
    let network = store::find_for_update(ctx.conn(), gathering.network_id, scope)?
        .ok_or(UseCaseError::NotFound)?;
    let stored = gatherings::insert(ctx.conn(), gathering)?;
    ctx.audit(AuditAction::Created, ResourceType::Gathering, stored.id)?;
    Ok((network, stored))
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
    edit: UpdateGathering,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    let (network, mut gathering) =
        locked(ctx.conn(), scope, network_id.uuid(), gathering_id.uuid())?;
    read.check(gathering.version)?;
    if let Some(held_on) = edit.held_on {
        gathering.held_on = held_on;
    }
    if let Some(ends_on) = edit.ends_on {
        gathering.ends_on = Some(ends_on);
    }
    if let Some(place) = edit.place {
        gathering.place = Some(place.into());
    }
    if let Some(digital) = edit.digital {
        gathering.digital = digital;
    }
    Venue::new("a gathering", gathering.place.clone(), gathering.digital)?;
    if let Some(programme) = edit.programme {
        gathering.programme = programme.into_iter().map(Into::into).collect();
    }
    if let Some(evaluation) = edit.evaluation {
        gathering.evaluation = Some(evaluation.into());
    }
    if let Some(highlights) = edit.highlights {
        gathering.highlights = highlights.into_iter().map(String::from).collect();
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
    came: &RecordAttendance,
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
        came.attendees,
    )?;
    ctx.audit(
        AuditAction::Updated,
        ResourceType::Gathering,
        gathering_id.uuid(),
    )?;
    Ok((network, changed))
}

// Reads.

/// The names of the organisations `networks` name: coordinators, members and seats.
pub fn names_of(
    conn: &mut PgConnection,
    networks: &[&LearningNetwork],
) -> Result<BTreeMap<Uuid, String>, UseCaseError> {
    let ids: Vec<Uuid> = networks
        .iter()
        .flat_map(|network| {
            let members = network.members.iter().map(|member| member.organisation_id);
            let seats = network
                .steering_group
                .iter()
                .filter_map(|seat| seat.organisation_id);
            network
                .coordinators
                .iter()
                .copied()
                .chain(members)
                .chain(seats)
        })
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

/// The regional networks of the national programme `id`, which `scope` (a coordinator's)
/// reaches, as its coordinators see them: with their coordinators' names and their counts.
pub fn regional_networks(
    conn: &mut PgConnection,
    scope: LearningNetworkScope,
    id: Uuid,
) -> Result<Vec<RegionalNetworkView>, UseCaseError> {
    let programme = store::find(conn, id, scope)?.ok_or(UseCaseError::NotFound)?;
    if !scope.coordinates(&programme) {
        return Err(UseCaseError::NotFound);
    }
    let regional = store::regional_networks(conn, programme.id)?;
    let names = names_of(conn, &regional.iter().map(|(n, _)| n).collect::<Vec<_>>())?;
    Ok(regional
        .iter()
        .map(|(network, gatherings)| RegionalNetworkView::of(network, *gatherings, &names))
        .collect())
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
    network_id: LearningNetworkId,
    id: GatheringId,
) -> Result<(LearningNetwork, Gathering), UseCaseError> {
    let (network_id, id) = (network_id.uuid(), id.uuid());
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
