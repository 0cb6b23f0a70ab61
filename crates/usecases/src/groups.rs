//! Groups: moving one through its lifecycle (ending a group ends every place still held in it),
//! and its follow-ups: a request for a visit and the visit that answers it, each dated by its day
//! and checked against what it belongs to (`chronology::check_happened_on`).

use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened_on;
use samhandling_domain::group::{CentreAccess, FollowUp, Group, GroupStatus, LeaveReason};
use samhandling_persistence::{groups as store, memberships, referrals};
use uuid::Uuid;

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
    id: Uuid,
    group_id: Uuid,
    requested_on: NaiveDate,
) -> Result<FollowUp, UseCaseError> {
    let group = store::find_for_update(ctx.conn(), group_id, access.own_groups())?
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
    let stored = store::request_follow_up(ctx.conn(), id, group.id, requested_on, None)?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, group.id)?;
    Ok(stored)
}

/// A visit that answers a follow-up request.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    id: Uuid,
    visit: Visit,
) -> Result<FollowUp, UseCaseError> {
    let follow_up = store::find_follow_up_for_update(ctx.conn(), id, access.scope())?
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
    let visited = store::record_visit(ctx.conn(), id, visit.visited_on, &visit.visited_by)?;
    ctx.audit(AuditAction::Updated, ResourceType::Group, visited.group_id)?;
    Ok(visited)
}
