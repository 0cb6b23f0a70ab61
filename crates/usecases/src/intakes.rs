//! Intakes: booking one walks its referral to `intake_scheduled`, step by step from where it is,
//! and completing it moves the referral to `intake_completed` and on to where the outcome leads.

use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened;
use samhandling_domain::group::CentreAccess;
use samhandling_domain::group::CentreScope;
use samhandling_domain::intake::{steps_to_scheduled, Completion, Intake, Preferences};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::referral::{ReferralAccess, ReferralStatus};
use samhandling_domain::Caller;
use samhandling_persistence::intakes::{self as store, ONE_PER_REFERRAL_KEY};
use samhandling_persistence::referrals;
use samhandling_persistence::{matching, PgConnection};
use uuid::Uuid;

/// Books `intake` for a referral addressed to the caller's centre (one naming another
/// referral names `referral_id`). An erased person, a referral past booking and a second
/// intake are conflicts.
pub fn book_intake(
    ctx: &mut Context<'_>,
    access: ReferralAccess,
    intake: &Intake,
) -> Result<Intake, UseCaseError> {
    let referral =
        referrals::find_for_update(ctx.conn(), intake.referral_id, access.centre_scope())?
            .ok_or(UseCaseError::MissingReference("referral_id"))?;
    if referral.erased_at.is_some() {
        return Err(UseCaseError::Conflict(
            "the person's data is erased: there is no one to hold an intake with".into(),
        ));
    }
    let steps = steps_to_scheduled(referral.status).ok_or_else(|| {
        UseCaseError::Conflict(format!(
            "a {} referral is past booking an intake",
            referral.status
        ))
    })?;
    let stored = store::insert(ctx.conn(), intake).map_err(UseCaseError::unique(
        ONE_PER_REFERRAL_KEY,
        "this referral already has an intake",
    ))?;
    for to in steps {
        crate::referrals::move_referral(ctx, access, stored.referral_id, to, None)?;
    }
    ctx.audit(AuditAction::Created, ResourceType::Intake, stored.id)?;
    Ok(stored)
}

/// What a held intake concluded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntakeResult {
    /// The outcome, checked by [`Completion::check`] before the call.
    pub completion: Completion,
    /// What the person would like, when it changed since booking.
    pub preferences: Option<Preferences>,
    /// The centre's notes, when they changed.
    pub notes: Option<String>,
}

/// Records the outcome of the caller's centre's intake `id`: held not before its referral was
/// made and not in the future; completed once. The referral moves on as the outcome says.
pub fn complete_intake(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    result: IntakeResult,
) -> Result<Intake, UseCaseError> {
    let access = CentreAccess::of(caller);
    let referral_access = ReferralAccess::of(caller);
    let intake =
        store::find_for_update(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    if intake.completion.is_some() {
        return Err(UseCaseError::Conflict(
            "the intake is already completed".into(),
        ));
    }
    let referral = referrals::find(
        ctx.conn(),
        intake.referral_id,
        referral_access.centre_scope(),
    )?
    .ok_or(UseCaseError::NotFound)?;
    let now = ctx.now();
    check_happened(
        result.completion.held_at,
        referral.created_at,
        "its referral was made",
        now,
    )
    .map_err(|refusal| UseCaseError::invalid("held_at", refusal.code(), refusal.to_string()))?;
    let preferences = result.preferences.unwrap_or(intake.preferences);
    let notes = result.notes.or(intake.notes);
    let completed = store::complete(
        ctx.conn(),
        id,
        &result.completion,
        &preferences,
        notes.as_deref(),
    )?;
    let mut steps = vec![(ReferralStatus::IntakeCompleted, None)];
    steps.extend(result.completion.outcome.referral_next());
    crate::referrals::walk_referral(ctx, referral_access, intake.referral_id, &steps)?;
    ctx.audit(AuditAction::Completed, ResourceType::Intake, id)?;
    Ok(completed)
}

pub use samhandling_persistence::intakes::IntakeFilter;
pub use samhandling_persistence::matching::{Demand, Suggestion};

/// One page of the intakes in `scope` that pass `filter`.
pub fn list(
    conn: &mut PgConnection,
    scope: CentreScope,
    filter: &IntakeFilter,
    page: PageRequest,
) -> Result<Page<Intake>, UseCaseError> {
    Ok(store::list(conn, scope, filter, page)?)
}

/// The intake `id` in `scope`.
pub fn find(
    conn: &mut PgConnection,
    scope: CentreScope,
    id: Uuid,
) -> Result<Option<Intake>, UseCaseError> {
    Ok(store::find(conn, id, scope)?)
}

/// The caller's centre's groups ranked for the person of its intake `id`, at most `limit`;
/// `None` when the intake is not the centre's.
pub fn suggested_groups(
    conn: &mut PgConnection,
    access: CentreAccess,
    id: Uuid,
    limit: u16,
) -> Result<Option<Vec<Suggestion>>, UseCaseError> {
    let Some(centre) = access.scope().centre else {
        return Ok(None);
    };
    let found = matching::suggested_groups(conn, id, centre, limit)?;
    // No suggestion and no intake look alike to the ranking: tell them apart.
    if found.is_empty() && store::find(conn, id, access.scope())?.is_none() {
        return Ok(None);
    }
    Ok(Some(found))
}

/// What the people waiting at `centre` ask for, that no group of it offers yet.
pub fn waiting_demand(conn: &mut PgConnection, centre: Uuid) -> Result<Vec<Demand>, UseCaseError> {
    Ok(matching::waiting_demand(conn, centre)?)
}
