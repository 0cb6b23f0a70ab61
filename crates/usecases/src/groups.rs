//! Groups: moving one through its lifecycle. Ending a group ends every place still held in it.

use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::group::{CentreAccess, Group, GroupStatus, LeaveReason};
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
