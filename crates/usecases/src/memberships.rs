//! Places in groups: placing a person whose intake concluded with a group, and recording that a
//! member left. Placing moves the referral to `placed` in the same transaction; leaving starts
//! the referral's inactivity clock over.

use crate::{Context, UseCaseError};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened;
use samhandling_domain::group::{CentreAccess, LeaveReason, Membership};
use samhandling_domain::ids::{GroupId, MembershipId};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::referral::{ReferralAccess, ReferralStatus};
use samhandling_domain::Caller;
use samhandling_persistence::memberships::{self as store, NewMembership, ONE_PLACE_KEY};
use samhandling_persistence::PgConnection;
use samhandling_persistence::{groups, intakes, referrals};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// A person to place.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"intake_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a80"}))]
pub struct PlaceMember {
    /// The person's completed intake (with a group outcome and a pseudonym).
    pub intake_id: Uuid,
    /// For a group that has started (and is therefore closed): the group agreed to take a new
    /// member.
    #[serde(default)]
    pub group_agreed: bool,
    /// The member signed the confidentiality declaration (taushetserklæring) at placement.
    #[serde(default)]
    pub confidentiality_signed: bool,
}

/// Why and when a member left.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "completed"}))]
pub struct RecordDeparture {
    /// Why.
    pub reason: LeaveReason,
    /// When the member told the group (meldeplikt); now when absent.
    #[serde(default, deserialize_with = "crate::input::optional_timestamp")]
    #[schema(nullable = false)]
    pub left_at: Option<DateTime<Utc>>,
}

const PLACED_ALREADY: &str = "this person already has a place in a group";

/// Places the person of a completed intake in the caller's centre's group `group_id`, as the
/// membership `id`. The group is
/// locked first, then the intake; the intake must have concluded with a group and a pseudonym,
/// the person may hold one place only, and the group must take members. The referral walks to
/// `placed`. A group outside the caller's centre is [`UseCaseError::NotFound`]; an intake
/// outside it names `intake_id`.
pub fn place_member(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: MembershipId,
    group_id: GroupId,
    placement: &PlaceMember,
) -> Result<Membership, UseCaseError> {
    let access = CentreAccess::of(caller);
    let group = groups::find_for_update(ctx.conn(), group_id.uuid(), access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    let intake = intakes::find_for_update(ctx.conn(), placement.intake_id, access.scope())?
        .ok_or(UseCaseError::MissingReference("intake_id"))?;
    let pseudonym = intake
        .completion
        .as_ref()
        .filter(|completion| completion.outcome.wants_a_group())
        .and_then(|completion| completion.pseudonym.clone())
        .ok_or_else(|| {
            UseCaseError::Conflict(
                "the intake has not concluded with a group: complete it with a group outcome first"
                    .into(),
            )
        })?;
    if store::has_place(ctx.conn(), intake.referral_id)? {
        return Err(UseCaseError::Conflict(PLACED_ALREADY.into()));
    }
    group.check_placement(placement.group_agreed)?;
    let referral = crate::referrals::move_referral(
        ctx,
        ReferralAccess::of(caller),
        intake.referral_id,
        ReferralStatus::Placed,
        None,
    )
    .map_err(|error| match error {
        UseCaseError::NotFound => UseCaseError::MissingReference("intake_id"),
        other => other,
    })?;
    let signed_at = placement.confidentiality_signed.then(|| ctx.now());
    let membership = store::insert(
        ctx.conn(),
        &NewMembership {
            id: id.uuid(),
            group_id: group_id.uuid(),
            referral_id: referral.id,
            intake_id: intake.id,
            pseudonym: &pseudonym,
            referred_at: referral.created_at,
            confidentiality_signed_at: signed_at,
        },
    )
    .map_err(UseCaseError::unique(ONE_PLACE_KEY, PLACED_ALREADY))?;
    ctx.audit(AuditAction::Created, ResourceType::Membership, id.uuid())?;
    Ok(membership)
}

/// Records that the member `id` left, for its `reason`, at its `left_at` (now when absent): not before joining, not
/// in the future. The group is locked before the place, the order every placement takes too.
/// Leaving twice is a conflict. The referral keeps its status, and its inactivity clock starts
/// over: while the person held a place, the retention sweep did not count it as inactive.
pub fn record_departure(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: Uuid,
    departure: &RecordDeparture,
) -> Result<Membership, UseCaseError> {
    let found = store::find(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    groups::find_for_update(ctx.conn(), found.group_id, access.own_groups())?
        .ok_or(UseCaseError::NotFound)?;
    let membership =
        store::find_for_update(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    if membership.left_at.is_some() {
        return Err(UseCaseError::Conflict("the member has left already".into()));
    }
    let now = ctx.now();
    let left_at = departure.left_at.unwrap_or(now);
    check_happened(left_at, membership.joined_at, "the member joined", now)
        .map_err(|refusal| UseCaseError::invalid("left_at", refusal.code(), refusal.to_string()))?;
    let left = store::depart(ctx.conn(), &membership, departure.reason, left_at)?;
    if let Some(referral) = left.referral_id {
        referrals::touch(ctx.conn(), referral)?;
    }
    ctx.audit(AuditAction::Updated, ResourceType::Membership, id)?;
    Ok(left)
}

/// Records that the member `id` of the caller's centre signed the confidentiality declaration
/// (taushetserklæring); signing again keeps the first time.
pub fn sign_declaration(
    ctx: &mut Context<'_>,
    access: CentreAccess,
    id: Uuid,
) -> Result<Membership, UseCaseError> {
    store::find_for_update(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    let signed = store::sign_declaration(ctx.conn(), id)?;
    ctx.audit(AuditAction::Updated, ResourceType::Membership, id)?;
    Ok(signed)
}

/// One page of the members of the caller's centre's own group `group_id`, those who left too.
pub fn list_for_group(
    conn: &mut PgConnection,
    access: CentreAccess,
    group_id: Uuid,
    page: PageRequest,
) -> Result<Option<Page<Membership>>, UseCaseError> {
    if crate::groups::own_group(conn, access, group_id)?.is_none() {
        return Ok(None);
    }
    Ok(Some(store::list_for_group(conn, group_id, page)?))
}

/// The membership `id` of one of the caller's centre's groups.
pub fn find(
    conn: &mut PgConnection,
    access: CentreAccess,
    id: Uuid,
) -> Result<Option<Membership>, UseCaseError> {
    Ok(store::find(conn, id, access.scope())?)
}
