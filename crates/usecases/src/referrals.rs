//! Referrals: every way one moves, is erased, or loses its feedback consent. The transitions
//! endpoint, intakes, placements, the retention sweep and the demo all move referrals here, so
//! each step is checked by the lifecycle, kept in the history, told to the referrer's webhooks
//! when its view changes, and audited.

use crate::references::{with_free_reference, References};
use crate::referral_input::{Prepared, SelfRegistration};
use crate::{Context, UseCaseError};
use samhandling_domain::agreement::FeedbackLevel;
use samhandling_domain::audit::Creation;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::audit::{AuditEvent, AuditFilter};
use samhandling_domain::lifecycle::IllegalTransition;
use samhandling_domain::organisation::OrganisationKind;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::referral::{
    Consent, ConsentMethod, ReasonCode, Referral, ReferralAccess, ReferralScope, ReferralStatus,
    Source,
};
use samhandling_domain::webhook::WebhookEvent;
use samhandling_persistence::audit;
use samhandling_persistence::idempotency::NewKey;
use samhandling_persistence::referrals::EXTERNAL_REFERENCE_KEY;
pub use samhandling_persistence::referrals::{Inserted, NewReferral};
use samhandling_persistence::{organisations, referrals as store, PgConnection, StoreError};
use uuid::Uuid;

/// Every referral: for the system's own work (the retention sweep), never for a caller.
const EVERY_REFERRAL: ReferralScope = ReferralScope {
    centre: None,
    referrer: None,
    everything: true,
};

/// Stores the referral `new` (or self-registration), submitted, with its first history step,
/// its creation event and, when given, the idempotency key's claim with its response: one
/// statement, so a taken reference stores nothing and the caller draws another. A referral the
/// target does not admit is refused, saying why; a referrer's external reference is its own once.
pub fn refer(
    ctx: &mut Context<'_>,
    new: &NewReferral<'_>,
    claim: Option<&NewKey<'_>>,
) -> Result<Inserted<Referral>, UseCaseError> {
    let actor = ctx.actor();
    let created = Creation {
        actor: actor.actor.clone(),
        actor_organisation_id: actor.actor_organisation_id,
        resource_type: ResourceType::Referral,
        request_id: actor.request_id.clone(),
        provenance: actor.provenance.clone(),
    };
    let actor = actor.actor.clone();
    let stored =
        store::insert(ctx.conn(), new, &actor, &created, claim).map_err(UseCaseError::unique(
            EXTERNAL_REFERENCE_KEY,
            "a referral of yours already has this external_reference",
        ))?;
    Ok(stored)
}

/// Stores a person's own registration, as the public: under a free reference, with the consent
/// to contact the form gave and none to feedback (there is no referrer). Answers the reference
/// to quote when the centre calls; a target that is no self-help centre is refused.
pub fn register_self(
    ctx: &mut Context<'_>,
    references: &References,
    request: &SelfRegistration,
) -> Result<String, UseCaseError> {
    let prepared = Prepared::from_request(request);
    let consent = Consent {
        contact: true,
        feedback_to_referrer: false,
        method: ConsentMethod::Digital,
        obtained_at: ctx.now(),
        feedback_withdrawn_at: None,
    };
    let stored = with_free_reference(references, |reference| {
        let source = Source::SelfRegistration;
        let no_referrer = FeedbackLevel::None;
        let new = prepared.new_referral(reference, source, None, None, &consent, no_referrer);
        refer(ctx, &new, None)
    })?;
    match stored {
        Some(stored) => Ok(stored.reference),
        None => Err(why_not_admitted(ctx.conn(), prepared.target_centre_id)),
    }
}

/// Why the organisation `id` refused a referral: it does not exist, or it is no self-help
/// centre. Asked only after an insert stored nothing, so the common path pays for no extra
/// query.
pub fn why_not_admitted(conn: &mut PgConnection, id: Uuid) -> UseCaseError {
    match organisations::find(conn, id) {
        Err(error) => error.into(),
        Ok(None) => UseCaseError::MissingReference("target_centre_id"),
        // Never expected: a centre admits every referral addressed to it.
        Ok(Some(organisation)) if organisation.kind == OrganisationKind::SelfHelpCentre => {
            StoreError::Corrupt("a self-help centre refused a referral".into()).into()
        }
        Ok(Some(_)) => UseCaseError::invalid(
            "target_centre_id",
            "kind",
            "must name a self-help centre (kind self_help_centre)",
        ),
    }
}

/// Moves the referral `id` to `to` for the caller `access`: locked within the caller's scope,
/// checked against the lifecycle and the caller's part (a referrer is told the rule, never a
/// status it may not see), stored with its history step, told to the referrer's webhooks when
/// its view changes, and audited.
pub fn move_referral(
    ctx: &mut Context<'_>,
    access: ReferralAccess,
    id: Uuid,
    to: ReferralStatus,
    reason: Option<ReasonCode>,
) -> Result<Referral, UseCaseError> {
    let current =
        store::find_for_update(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    access.check_move(&current, to)?;
    step(ctx, &current, to, reason, Some(access.organisation_id()))
}

/// Moves the referral `id` through `steps`, each through [`move_referral`]: intakes and
/// placements walk a referral this way.
pub fn walk_referral(
    ctx: &mut Context<'_>,
    access: ReferralAccess,
    id: Uuid,
    steps: &[(ReferralStatus, Option<ReasonCode>)],
) -> Result<Option<Referral>, UseCaseError> {
    let mut moved = None;
    for &(to, reason) in steps {
        moved = Some(move_referral(ctx, access, id, to, reason)?);
    }
    Ok(moved)
}

/// Ends an open referral nobody worked on as `expired`: the retention sweep's move, which no
/// party may make. Its referrer is told as of any move.
pub fn expire(ctx: &mut Context<'_>, id: Uuid) -> Result<Referral, UseCaseError> {
    let current =
        store::find_for_update(ctx.conn(), id, EVERY_REFERRAL)?.ok_or(UseCaseError::NotFound)?;
    if current.status.is_terminal() {
        return Err(IllegalTransition::told_as::<ReferralStatus>(
            format!(
                "a referral that has ended ({}) cannot expire",
                current.status
            ),
            &[],
        )
        .into());
    }
    step(ctx, &current, ReferralStatus::Expired, None, None)
}

/// Erases the person of the referral `id` within `scope` (the centre's, or an administrator's
/// stewardship): the tombstone keeps only what the referrer's view shows. Erasing twice keeps
/// the first time, and is audited again.
pub fn erase(
    ctx: &mut Context<'_>,
    scope: ReferralScope,
    id: Uuid,
) -> Result<Referral, UseCaseError> {
    store::find_for_update(ctx.conn(), id, scope)?.ok_or(UseCaseError::NotFound)?;
    let erased = store::erase(ctx.conn(), id)?;
    ctx.audit(AuditAction::Erased, ResourceType::Referral, id)?;
    Ok(erased)
}

/// Erases the person of the referral `id` as the retention sweep does.
pub fn erase_as_due(ctx: &mut Context<'_>, id: Uuid) -> Result<Referral, UseCaseError> {
    erase(ctx, EVERY_REFERRAL, id)
}

/// Records, for the target centre, that the person withdrew consent to feedback: from now on the
/// referrer sees only the coarse status. Withdrawing twice keeps the first time.
pub fn withdraw_feedback_consent(
    ctx: &mut Context<'_>,
    access: ReferralAccess,
    id: Uuid,
) -> Result<Referral, UseCaseError> {
    store::find_for_update(ctx.conn(), id, access.centre_scope())?.ok_or(UseCaseError::NotFound)?;
    let withdrawn = store::withdraw_feedback_consent(ctx.conn(), id)?;
    ctx.audit(AuditAction::ConsentWithdrawn, ResourceType::Referral, id)?;
    Ok(withdrawn)
}

/// Stores a checked move of the locked referral `current`, queues the referrer's event when its
/// view changed, and audits it.
fn step(
    ctx: &mut Context<'_>,
    current: &Referral,
    to: ReferralStatus,
    reason: Option<ReasonCode>,
    organisation: Option<Uuid>,
) -> Result<Referral, UseCaseError> {
    let actor = ctx.actor().actor.clone();
    let moved = store::transition(ctx.conn(), current, to, reason, &actor, organisation)?;
    if let Some((referrer, event)) = WebhookEvent::of_referral_move(current, &moved) {
        ctx.enqueue(referrer, &event)?;
    }
    ctx.audit(
        AuditAction::Transitioned,
        ResourceType::Referral,
        current.id,
    )?;
    Ok(moved)
}

pub use samhandling_persistence::referrals::{FullReferral, ReferralFilter};

/// One page of the referrals in `scope` that pass `filter`.
pub fn list(
    conn: &mut PgConnection,
    scope: ReferralScope,
    filter: &ReferralFilter,
    page: PageRequest,
) -> Result<Page<Referral>, UseCaseError> {
    Ok(store::list(conn, scope, filter, page)?)
}

/// The referral `id` in `scope`, with its person and history.
pub fn read(
    conn: &mut PgConnection,
    scope: ReferralScope,
    id: Uuid,
) -> Result<Option<FullReferral>, UseCaseError> {
    Ok(store::read(conn, id, scope)?)
}

/// Who read or changed the referral `id` (in the steward's `scope`), oldest first: the basis
/// for answering a person's request to know who has seen their data.
pub fn access_log(
    conn: &mut PgConnection,
    scope: ReferralScope,
    id: Uuid,
    page: PageRequest,
) -> Result<Option<Page<AuditEvent>>, UseCaseError> {
    if store::find(conn, id, scope)?.is_none() {
        return Ok(None);
    }
    let filter = AuditFilter {
        resource_type: Some(ResourceType::Referral),
        resource_id: Some(id),
        ..AuditFilter::default()
    };
    Ok(Some(audit::list(conn, &filter, page)?))
}
