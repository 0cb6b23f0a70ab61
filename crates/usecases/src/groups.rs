//! Groups: moving one through its lifecycle (ending a group ends every place still held in it),
//! and its follow-ups: a request for a visit and the visit that answers it, each dated by its day
//! and checked against what it belongs to (`chronology::check_happened_on`).

use crate::input::{
    check_language, check_languages, check_municipality_number, Label, LanguageTag, LogLine,
    MunicipalityNumberText, Name, Subject,
};
use crate::{Context, UseCaseError};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened_on;
use samhandling_domain::group::{
    AgeBand, CentreAccess, FollowUp, Group, GroupFormat, GroupStatus, GroupTheme, LeaveReason,
    Schedule, SeatBand, Size, Starter, Weekday,
};
use samhandling_domain::ids::{FollowUpId, GroupId, OrganisationId, StarterId};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::Precondition;
use samhandling_persistence::groups::{self as store, STARTER_KEY};
use samhandling_persistence::{matching, PgConnection};
use samhandling_persistence::{memberships, referrals};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// When a group meets.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleInput {
    /// The day of the week.
    pub weekday: Weekday,
    /// The local time a meeting starts, `HH:MM`.
    #[validate(custom(function = "check_start_time"))]
    #[schema(
        pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$",
        max_length = 5,
        example = "18:00"
    )]
    pub start_time: String,
    /// Every how many weeks it meets (1, weekly, is usual).
    #[serde(
        default = "weekly",
        deserialize_with = "crate::input::integral_required"
    )]
    #[validate(range(min = 1, max = 4))]
    #[schema(minimum = 1, maximum = 4, default = 1)]
    pub interval_weeks: i16,
}

fn check_start_time(value: &str) -> Result<(), ValidationError> {
    parse_start_time(value).map(|_| ()).ok_or_else(|| {
        ValidationError::new("start_time")
            .with_message(Cow::Borrowed("a local time as HH:MM, e.g. 18:00"))
    })
}

fn parse_start_time(value: &str) -> Option<NaiveTime> {
    if value.len() != 5 {
        return None;
    }
    NaiveTime::parse_from_str(value, "%H:%M").ok()
}

fn weekly() -> i16 {
    1
}

fn usual_minimum() -> i16 {
    Size::DEFAULT_MINIMUM
}

fn usual_maximum() -> i16 {
    Size::HIGHEST_MAXIMUM
}

impl ScheduleInput {
    /// The schedule, its start time read (refused naming `schedule.start_time`).
    fn to_schedule(&self) -> Result<Schedule, FieldRefusal> {
        let start_time = parse_start_time(&self.start_time)
            .ok_or_else(|| FieldRefusal::new("schedule.start_time", "start_time", "HH:MM"))?;
        Ok(Schedule {
            weekday: self.weekday,
            start_time,
            interval_weeks: self.interval_weeks,
        })
    }
}

/// A new group. It starts `planned`; move it to `recruiting` to open it for members.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Samtalegruppe for pårørende, tirsdager",
    "theme": "relatives",
    "languages": ["nb"],
    "format": "centre_premises",
    "municipality_number": "5001",
    "schedule": {"weekday": "tuesday", "start_time": "18:00", "interval_weeks": 1},
    "min_members": 5,
    "max_members": 8,
    "age_from": 18,
    "address": "Kongens gate 30, Trondheim",
    "confidential_location": false
}))]
pub struct CreateGroup {
    /// What it is called in the catalogue: describe the theme and time, never a member.
    pub title: Name,
    /// What it is about.
    pub theme: GroupTheme,
    /// The languages it talks in, as BCP 47 tags.
    #[validate(length(min = 1, max = 5), custom(function = "check_languages"))]
    #[schema(value_type = Vec<LanguageTag>, min_items = 1, max_items = 5)]
    pub languages: Vec<String>,
    /// Where it meets.
    pub format: GroupFormat,
    /// The municipality it meets in (kommunenummer).
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = MunicipalityNumberText)]
    pub municipality_number: String,
    /// When it meets.
    #[validate(nested)]
    pub schedule: ScheduleInput,
    /// The fewest it starts with: 5 is usual, 4 can be enough.
    #[serde(
        default = "usual_minimum",
        deserialize_with = "crate::input::integral_required"
    )]
    #[validate(range(min = 4, max = 8))]
    #[schema(minimum = 4, maximum = 8, default = 5)]
    pub min_members: i16,
    /// The most it takes.
    #[serde(
        default = "usual_maximum",
        deserialize_with = "crate::input::integral_required"
    )]
    #[validate(range(min = 4, max = 8))]
    #[schema(minimum = 4, maximum = 8, default = 8)]
    pub max_members: i16,
    /// The youngest it is for (adults only: 18 or more).
    #[serde(default, deserialize_with = "crate::input::integral")]
    #[validate(range(min = 18, max = 120))]
    #[schema(minimum = 18, maximum = 120, nullable = false)]
    pub age_from: Option<i16>,
    /// The oldest it is for.
    #[serde(default, deserialize_with = "crate::input::integral")]
    #[validate(range(min = 18, max = 120))]
    #[schema(minimum = 18, maximum = 120, nullable = false)]
    pub age_to: Option<i16>,
    /// Where it meets.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub address: Option<Name>,
    /// Whether the address is for the centre and the members only (hidden from the catalogue).
    #[serde(default)]
    pub confidential_location: bool,
    /// Whether the catalogue shows the group to every signed-in organisation while it recruits
    /// or starts. Off unless the centre turns it on: the intake conversation decides the group,
    /// and an unpublished group is 404 to everyone outside the centre.
    #[serde(default)]
    pub published: bool,
}

/// Creates the group `id` (planned) for the centre `centre` as `input` describes it; a size, an
/// age band or a start time that does not hold is refused, every one at once (422).
pub fn create_group(
    ctx: &mut Context<'_>,
    centre: OrganisationId,
    id: GroupId,
    input: &CreateGroup,
) -> Result<Group, UseCaseError> {
    let (centre, id) = (centre.uuid(), id.uuid());
    let age_band = match (input.age_from, input.age_to) {
        (Some(from), Some(to)) if to < from => Err(FieldRefusal::new(
            "age_to",
            "range",
            "age_to cannot be below age_from",
        )),
        (from, to) => Ok(AgeBand { from, to }),
    };
    let checked = (
        check_size(input.min_members, input.max_members),
        age_band,
        input.schedule.to_schedule(),
    );
    let (Ok(size), Ok(age_band), Ok(schedule)) = checked else {
        let refusals = [checked.0.err(), checked.1.err(), checked.2.err()];
        return Err(UseCaseError::Invalid(
            refusals.into_iter().flatten().collect(),
        ));
    };
    let now = ctx.now();
    let group = Group {
        id,
        centre_id: centre,
        title: input.title.to_string(),
        theme: input.theme,
        languages: input.languages.clone(),
        format: input.format,
        municipality: input.municipality_number.clone(),
        schedule,
        size,
        age_band,
        address: input.address.as_ref().map(ToString::to_string),
        confidential_location: input.confidential_location,
        published: input.published,
        status: GroupStatus::Planned,
        member_count: 0,
        started_at: None,
        ended_at: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let stored = store::insert(ctx.conn(), &group)?;
    ctx.audit(AuditAction::Created, ResourceType::Group, stored.id)?;
    Ok(stored)
}

/// A size between its bounds, refused naming `max_members`.
fn check_size(minimum: i16, maximum: i16) -> Result<Size, FieldRefusal> {
    Size { minimum, maximum }
        .check()
        .map_err(|message| FieldRefusal::new("max_members", "range", message))
}

/// Changes to a group; absent fields stay as they are. Send `If-Match` with the group's `ETag`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"schedule": {"weekday": "wednesday", "start_time": "17:30", "interval_weeks": 1}}))]
pub struct UpdateGroup {
    /// What it is called.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub title: Option<Name>,
    /// The languages it talks in.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 5), custom(function = "check_languages"))]
    #[schema(value_type = Option<Vec<LanguageTag>>, min_items = 1, max_items = 5, nullable = false)]
    pub languages: Option<Vec<String>>,
    /// Where it meets.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub format: Option<GroupFormat>,
    /// When it meets.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub schedule: Option<ScheduleInput>,
    /// The fewest it starts with.
    #[serde(default, deserialize_with = "crate::input::integral")]
    #[validate(range(min = 4, max = 8))]
    #[schema(minimum = 4, maximum = 8, nullable = false)]
    pub min_members: Option<i16>,
    /// The most it takes (never below the members it has).
    #[serde(default, deserialize_with = "crate::input::integral")]
    #[validate(range(min = 4, max = 8))]
    #[schema(minimum = 4, maximum = 8, nullable = false)]
    pub max_members: Option<i16>,
    /// Where it meets.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub address: Option<Name>,
    /// Whether the address is for the centre and the members only.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub confidential_location: Option<bool>,
    /// Whether the catalogue shows the group while it recruits or starts.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub published: Option<bool>,
}

/// Changes the caller's centre's group `id` as of the version the caller read.
pub fn update_group(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: Uuid,
    read: Precondition,
    edit: &UpdateGroup,
) -> Result<Group, UseCaseError> {
    let schedule = edit.schedule.as_ref().map(ScheduleInput::to_schedule);
    let schedule = schedule.transpose()?;
    let mut group = store::find_for_update(ctx.conn(), id, access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    read.check(group.version)?;
    let size = check_size(
        edit.min_members.unwrap_or(group.size.minimum),
        edit.max_members.unwrap_or(group.size.maximum),
    )?;
    group.check_resize(size).map_err(UseCaseError::Conflict)?;
    group.size = size;
    if let Some(title) = &edit.title {
        group.title = title.to_string();
    }
    if let Some(languages) = &edit.languages {
        group.languages.clone_from(languages);
    }
    if let Some(format) = edit.format {
        group.format = format;
    }
    if let Some(schedule) = schedule {
        group.schedule = schedule;
    }
    if let Some(address) = &edit.address {
        group.address = Some(address.to_string());
    }
    if let Some(confidential) = edit.confidential_location {
        group.confidential_location = confidential;
    }
    if let Some(published) = edit.published {
        group.published = published;
    }
    let updated = store::update(ctx.conn(), &group)?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, id)?;
    Ok(updated)
}

/// A starter to assign.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"subject": "ansatt-17@link-trondheim.example", "display_name": "Ingrid", "planned_meetings": 3}))]
pub struct AssignStarter {
    /// The staff member's token subject.
    pub subject: Subject,
    /// The name the group will know the starter by.
    pub display_name: Label,
    /// How many of the first meetings the starter plans to attend (typically 2 to 5).
    #[serde(deserialize_with = "crate::input::integral_required")]
    #[validate(range(min = 1, max = 10))]
    #[schema(minimum = 1, maximum = 10)]
    pub planned_meetings: i16,
}

/// Assigns a staff member of the centre, as the starter `id`, to the caller's centre's group
/// `group_id`; a staff member starts a group once.
pub fn assign_starter(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    group_id: GroupId,
    id: StarterId,
    input: &AssignStarter,
) -> Result<Starter, UseCaseError> {
    let (group_id, id) = (group_id.uuid(), id.uuid());
    store::find_for_update(ctx.conn(), group_id, access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    let starter = Starter {
        id,
        group_id,
        subject: input.subject.to_string(),
        display_name: input.display_name.to_string(),
        planned_meetings: input.planned_meetings,
        created_at: ctx.now(),
    };
    let stored = store::insert_starter(ctx.conn(), &starter).map_err(UseCaseError::unique(
        STARTER_KEY,
        "this staff member is already a starter of the group",
    ))?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, group_id)?;
    Ok(stored)
}

/// Moves the caller's centre's group `id` to `to`, checked by the lifecycle (a group starts with
/// its minimum). Ending it closes every open place as a departure with `group_ended`, so the
/// counts follow.
pub fn move_group(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: Uuid,
    to: GroupStatus,
) -> Result<Group, UseCaseError> {
    let group = store::find_for_update(ctx.conn(), id, access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    group.check_transition(to)?;
    if to == GroupStatus::Ended {
        end_places(ctx, group.id)?;
    }
    let moved = store::transition(ctx.conn(), &group, to)?;
    ctx.audit(AuditAction::Transitioned, ResourceType::Group, id)?;
    Ok(moved)
}

/// Ends every place still held in a group that ends (the group locked first, as for a
/// departure): each is a departure with `group_ended`, audited as `updated` on the membership as
/// a departure is, and its referral's inactivity clock starts over.
fn end_places(ctx: &mut Context<'_>, group_id: Uuid) -> Result<(), UseCaseError> {
    let left_at = ctx.now();
    for place in memberships::open_in_group_for_update(ctx.conn(), group_id)? {
        let left = memberships::depart(ctx.conn(), &place, LeaveReason::GroupEnded, left_at)?;
        if let Some(referral) = left.referral_id {
            referrals::touch(ctx.conn(), referral)?;
        }
        ctx.audit(AuditAction::Updated, ResourceType::Membership, left.id)?;
    }
    Ok(())
}

/// A group's request for a follow-up visit.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"requested_on": "2026-12-01", "reason": "Én person tar mye plass i gruppa"}))]
pub struct RequestFollowUp {
    /// When the group asked.
    pub requested_on: NaiveDate,
    /// Why the group asked, for the centre; never a name or a national identity number (422).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub reason: Option<LogLine>,
}

/// Records that the caller's centre's group `group_id` (locked) asks for a follow-up visit, as
/// the follow-up `id`: `requested_on` lies between the day the group was created and tomorrow
/// (422 naming `requested_on`). Audited as an update of the group.
pub fn request_follow_up(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: FollowUpId,
    group_id: GroupId,
    request: &RequestFollowUp,
) -> Result<FollowUp, UseCaseError> {
    let requested_on = request.requested_on;
    let group = store::find_for_update(ctx.conn(), group_id.uuid(), access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    check_happened_on(
        requested_on,
        group.created_at.date_naive(),
        "the group was created",
        ctx.now(),
    )
    .map_err(|refusal| {
        UseCaseError::invalid("requested_on", refusal.code(), refusal.to_string())
    })?;
    let reason = request.reason.as_ref().map(LogLine::as_str);
    let stored = store::request_follow_up(
        ctx.conn(),
        id.uuid(),
        group.id,
        requested_on,
        (None, reason),
    )?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, group.id)?;
    Ok(stored)
}

/// A follow-up visit made.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"visited_on": "2026-12-08", "visited_by": "ansatt-17@link-trondheim.example"}))]
pub struct RecordVisit {
    /// When.
    pub visited_on: NaiveDate,
    /// Who (a token subject); the caller when absent.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub visited_by: Option<Subject>,
}

/// Records the visit that answers the follow-up `id` of one of the caller's centre's groups
/// (locked): once only (409 again), and `visited_on` lies between the day the follow-up was
/// requested and tomorrow (422 naming `visited_on`); made by the actor unless it says who.
/// Audited as an update of the group.
pub fn record_visit(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: FollowUpId,
    visit: &RecordVisit,
) -> Result<FollowUp, UseCaseError> {
    let follow_up = store::find_follow_up_for_update(ctx.conn(), id.uuid(), access.scope())?
        .ok_or(UseCaseError::NotFound)?;
    if follow_up.visited_on.is_some() {
        return Err(UseCaseError::Conflict(
            "the visit for this request is already recorded".into(),
        ));
    }
    check_happened_on(
        visit.visited_on,
        follow_up.requested_on,
        "the follow-up was requested",
        ctx.now(),
    )
    .map_err(|refusal| UseCaseError::invalid("visited_on", refusal.code(), refusal.to_string()))?;
    let visited_by = visit
        .visited_by
        .as_ref()
        .map_or_else(|| ctx.actor().actor.clone(), ToString::to_string);
    let visited = store::record_visit(ctx.conn(), id.uuid(), visit.visited_on, &visited_by)?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, visited.group_id)?;
    Ok(visited)
}

pub use samhandling_persistence::groups::GroupFilter;

/// Filters for the list; they combine with AND.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// Only the catalogue: the published open (recruiting or starting) groups, full or not (what
    /// everyone but the running centre sees anyway).
    pub catalogue: Option<bool>,
    /// Only the centre's own groups in this status. The catalogue does not show a group's status,
    /// so this filter never reaches another centre's groups.
    pub status: Option<GroupStatus>,
    /// Only this theme.
    pub theme: Option<GroupTheme>,
    /// Only this format.
    pub format: Option<GroupFormat>,
    /// Only groups meeting in this municipality.
    #[validate(custom(function = "check_municipality_number"))]
    #[param(value_type = Option<MunicipalityNumberText>)]
    pub municipality: Option<String>,
    /// Only groups talking this language (BCP 47).
    #[validate(custom(function = "check_language"))]
    #[param(value_type = Option<LanguageTag>)]
    pub language: Option<String>,
}

impl From<GroupQuery> for GroupFilter {
    fn from(query: GroupQuery) -> Self {
        GroupFilter {
            status: query.status,
            theme: query.theme,
            format: query.format,
            municipality: query.municipality,
            language: query.language,
            catalogue_only: query.catalogue.unwrap_or(false),
        }
    }
}
pub use samhandling_persistence::matching::Candidate;

/// A group as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeenGroup {
    /// The caller's centre runs it: all of it, with its details when one group is read.
    Own(Group, Option<GroupDetails>),
    /// Another centre's published group, in the catalogue: its seats only as a band.
    Catalogue(Group, SeatBand),
}

/// One page of the groups the caller sees (its centre's own, and the catalogue) that pass
/// `filter`.
pub fn list(
    conn: &mut PgConnection,
    access: CentreAccess,
    filter: &GroupFilter,
    page: PageRequest,
    now: DateTime<Utc>,
) -> Result<Page<SeenGroup>, UseCaseError> {
    // The catalogue does not show a group's status, so a status filter must not reach it either:
    // `starting` would tell which of another centre's groups has its minimum.
    let scope = if filter.status.is_some() {
        access.own_groups()
    } else {
        access.group_scope()
    };
    let found = store::list(conn, scope, filter, page)?;
    let bands = seat_bands(conn, access, &found.items, now)?;
    Ok(found.map(|group| seen(access, group, None, &bands)))
}

/// The running centre's own parts of a group: its starters and follow-ups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetails {
    /// Who starts it.
    pub starters: Vec<Starter>,
    /// The visits asked for and made.
    pub follow_ups: Vec<FollowUp>,
}

/// The group `id` as the caller may see it: in the catalogue, or its own centre's, with its
/// starters and follow-ups for the centre that runs it.
pub fn read(
    conn: &mut PgConnection,
    access: CentreAccess,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<SeenGroup>, UseCaseError> {
    let Some(group) = store::find(conn, id, access.group_scope())? else {
        return Ok(None);
    };
    if !access.runs(group.centre_id) {
        let bands = seat_bands(conn, access, std::slice::from_ref(&group), now)?;
        return Ok(Some(seen(access, group, None, &bands)));
    }
    let details = GroupDetails {
        starters: store::starters(conn, id)?,
        follow_ups: store::follow_ups(conn, id)?,
    };
    Ok(Some(SeenGroup::Own(group, Some(details))))
}

/// The seat bands of the catalogue groups among `groups`, as they stood at the start of the day
/// (UTC): a placement shows only the next day, among the day's other placements, and only where
/// it moves a group to another band, so that the moment a referrer learns its person was placed
/// does not point at a group.
fn seat_bands(
    conn: &mut PgConnection,
    access: CentreAccess,
    groups: &[Group],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, SeatBand>, UseCaseError> {
    let others: Vec<Uuid> = groups
        .iter()
        .filter(|group| !access.runs(group.centre_id))
        .map(|group| group.id)
        .collect();
    if others.is_empty() {
        return Ok(HashMap::new());
    }
    let day_start = now.date_naive().and_time(NaiveTime::MIN).and_utc();
    let members = memberships::members_at(conn, &others, day_start)?;
    Ok(groups
        .iter()
        .filter(|group| others.contains(&group.id))
        .map(|group| {
            let held = members.get(&group.id).copied().unwrap_or(0);
            let band = SeatBand::of(i64::from(group.size.maximum) - held);
            (group.id, band)
        })
        .collect())
}

/// `group` as `access` sees it, with the band `bands` holds for a catalogue group.
fn seen(
    access: CentreAccess,
    group: Group,
    details: Option<GroupDetails>,
    bands: &HashMap<Uuid, SeatBand>,
) -> SeenGroup {
    if access.runs(group.centre_id) {
        return SeenGroup::Own(group, details);
    }
    let band = bands.get(&group.id).copied().unwrap_or(SeatBand::Full);
    SeenGroup::Catalogue(group, band)
}

/// The caller's centre's own group `id`; `None` for anyone else's.
pub fn own_group(
    conn: &mut PgConnection,
    access: CentreAccess,
    id: Uuid,
) -> Result<Option<Group>, UseCaseError> {
    Ok(store::find(conn, id, access.own_groups())?)
}

/// The people waiting at the caller's centre ranked for its own group `id`, at most `limit`.
pub fn candidates(
    conn: &mut PgConnection,
    access: CentreAccess,
    id: Uuid,
    limit: u16,
) -> Result<Option<Vec<Candidate>>, UseCaseError> {
    let Some(group) = own_group(conn, access, id)? else {
        return Ok(None);
    };
    Ok(Some(matching::candidates(
        conn,
        group.id,
        group.centre_id,
        limit,
    )?))
}
