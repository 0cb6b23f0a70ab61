//! Groups: moving one through its lifecycle (ending a group ends every place still held in it),
//! and its follow-ups: a request for a visit and the visit that answers it, each dated by its day
//! and checked against what it belongs to (`chronology::check_happened_on`).

use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened_on;
use samhandling_domain::group::GroupScope;
use samhandling_domain::group::{
    CentreAccess, FollowUp, Group, GroupFormat, GroupStatus, LeaveReason, Schedule, Size, Starter,
};
use samhandling_domain::ids::{FollowUpId, GroupId};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::version::Precondition;
use samhandling_persistence::groups::{self as store, STARTER_KEY};
use samhandling_persistence::{matching, PgConnection};
use samhandling_persistence::{memberships, referrals};
use uuid::Uuid;

/// Creates `group` (planned) for its centre.
pub fn create_group(ctx: &mut Context<'_>, group: &Group) -> Result<Group, UseCaseError> {
    let stored = store::insert(ctx.conn(), group)?;
    ctx.audit(AuditAction::Created, ResourceType::Group, stored.id)?;
    Ok(stored)
}

/// What may change on a group; absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupEdit {
    /// A new title.
    pub title: Option<String>,
    /// New languages.
    pub languages: Option<Vec<String>>,
    /// A new format.
    pub format: Option<GroupFormat>,
    /// A new schedule.
    pub schedule: Option<Schedule>,
    /// A new address.
    pub address: Option<String>,
    /// Whether the location is confidential.
    pub confidential_location: Option<bool>,
    /// A new minimum.
    pub min_members: Option<i16>,
    /// A new maximum: never below the members placed.
    pub max_members: Option<i16>,
}

/// Changes the caller's centre's group `id` as of the version the caller read.
pub fn update_group(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: Uuid,
    read: Precondition,
    edit: GroupEdit,
) -> Result<Group, UseCaseError> {
    let mut group = store::find_for_update(ctx.conn(), id, access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    read.check(group.version)?;
    let size = Size {
        minimum: edit.min_members.unwrap_or(group.size.minimum),
        maximum: edit.max_members.unwrap_or(group.size.maximum),
    }
    .check()
    .map_err(|message| UseCaseError::invalid("max_members", "range", message))?;
    group.check_resize(size).map_err(UseCaseError::Conflict)?;
    group.size = size;
    if let Some(title) = edit.title {
        group.title = title;
    }
    if let Some(languages) = edit.languages {
        group.languages = languages;
    }
    if let Some(format) = edit.format {
        group.format = format;
    }
    if let Some(schedule) = edit.schedule {
        group.schedule = schedule;
    }
    if let Some(address) = edit.address {
        group.address = Some(address);
    }
    if let Some(confidential) = edit.confidential_location {
        group.confidential_location = confidential;
    }
    let updated = store::update(ctx.conn(), &group)?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, id)?;
    Ok(updated)
}

/// Assigns `starter` (a staff member of the centre) to the caller's centre's group it names;
/// a staff member starts a group once.
pub fn assign_starter(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    starter: &Starter,
) -> Result<Starter, UseCaseError> {
    store::find_for_update(ctx.conn(), starter.group_id, access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    let stored = store::insert_starter(ctx.conn(), starter).map_err(UseCaseError::unique(
        STARTER_KEY,
        "this staff member is already a starter of the group",
    ))?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, starter.group_id)?;
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

/// Records that the caller's centre's group `group_id` (locked) asks for a follow-up visit, as
/// the follow-up `id`: `requested_on` lies between the day the group was created and tomorrow
/// (422 naming `requested_on`). Audited as an update of the group.
pub fn request_follow_up(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: FollowUpId,
    group_id: GroupId,
    requested_on: NaiveDate,
) -> Result<FollowUp, UseCaseError> {
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
    let stored = store::request_follow_up(ctx.conn(), id.uuid(), group.id, requested_on, None)?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, group.id)?;
    Ok(stored)
}

/// A visit that answers a follow-up request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Visit {
    /// The day of the visit.
    pub visited_on: NaiveDate,
    /// Who visited (a token subject).
    pub visited_by: String,
}

/// Records the visit that answers the follow-up `id` of one of the caller's centre's groups
/// (locked): once only (409 again), and `visited_on` lies between the day the follow-up was
/// requested and tomorrow (422 naming `visited_on`). Audited as an update of the group.
pub fn record_visit(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: FollowUpId,
    visit: Visit,
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
    let visited = store::record_visit(ctx.conn(), id.uuid(), visit.visited_on, &visit.visited_by)?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, visited.group_id)?;
    Ok(visited)
}

pub use samhandling_persistence::groups::GroupFilter;
pub use samhandling_persistence::matching::Candidate;

/// One page of the groups in `scope` (the centre's own, or the catalogue) that pass `filter`.
pub fn list(
    conn: &mut PgConnection,
    scope: GroupScope,
    filter: &GroupFilter,
    page: PageRequest,
) -> Result<Page<Group>, UseCaseError> {
    Ok(store::list(conn, scope, filter, page)?)
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
) -> Result<Option<(Group, Option<GroupDetails>)>, UseCaseError> {
    let Some(group) = store::find(conn, id, access.group_scope())? else {
        return Ok(None);
    };
    let details = if access.runs(group.centre_id) {
        Some(GroupDetails {
            starters: store::starters(conn, id)?,
            follow_ups: store::follow_ups(conn, id)?,
        })
    } else {
        None
    };
    Ok(Some((group, details)))
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

pub use samhandling_persistence::group_statistics::{Count, CountQuery};

/// The counts behind the published group statistics, before disclosure control.
pub fn counts(conn: &mut PgConnection, query: &CountQuery) -> Result<Vec<Count>, UseCaseError> {
    Ok(samhandling_persistence::group_statistics::counts(
        conn, query,
    )?)
}
