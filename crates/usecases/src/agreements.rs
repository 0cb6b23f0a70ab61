//! Collaboration agreements: a self-help centre's `centre_coordinator` proposes one to a
//! municipality or NAV office ([`propose_agreement`]); the partner's `referrer`s or
//! `municipal_contact`s accept or decline it, the centre withdraws its proposal, and either ends
//! one in force ([`move_agreement`]). The agreement in force decides the feedback on the
//! partner's referrals to the centre: every move that changes it reaches the pair's referrals in
//! the same transaction, and the agreement sweep ([`apply_periods`]) does the same on the day a
//! period starts or runs out. An agreement the caller's organisation is no party to is
//! [`UseCaseError::NotFound`].

use crate::input::{FreeText, Name};
use crate::{Context, UseCaseError};
use chrono::{DateTime, NaiveDate, Utc};
use samhandling_domain::agreement::{
    check_move, check_partner, check_period, AgreementStatus, CollaborationAgreement, FeedbackLevel,
};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::ids::OrganisationId;
use samhandling_domain::lifecycle::{check_among, open_to_parties};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::version::Precondition;
use samhandling_domain::Caller;
use samhandling_persistence::agreements::{self as store, ONE_IN_FORCE};
use samhandling_persistence::{referrals, PgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub use samhandling_persistence::agreements::AgreementFilter;

/// A centre's proposal of an agreement.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "partner_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a73",
    "refers": "Personer som mottar arbeidsavklaringspenger og ønsker en selvhjelpsgruppe",
    "feedback": "coarse",
    "centre_contact_role": "Koordinator",
    "partner_contact_role": "Veileder, oppfølgingsavdelingen",
    "valid_from": "2027-01-01",
    "valid_until": "2027-12-31"
}))]
pub struct ProposeAgreement {
    /// The municipality or NAV office.
    pub partner_organisation_id: Uuid,
    /// What the partner refers.
    pub refers: FreeText,
    /// The feedback the partner wants on its referrals.
    pub feedback: FeedbackLevel,
    /// The centre's contact, as a role (no names).
    pub centre_contact_role: Name,
    /// The partner's contact, as a role (no names).
    pub partner_contact_role: Name,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// Last day it applies; open-ended when absent.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub valid_until: Option<NaiveDate>,
}

/// A move of an agreement.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "in_force"}))]
pub struct MoveAgreement {
    /// The new status; see `allowed_transitions`.
    pub to: AgreementStatus,
    /// Why: required to decline or end, refused otherwise.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub reason: Option<FreeText>,
}

/// An agreement as its parties see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgreementView {
    /// Identifier.
    pub id: Uuid,
    /// The self-help centre.
    pub centre_id: Uuid,
    /// The municipality or NAV office.
    pub partner_organisation_id: Uuid,
    /// What the partner refers.
    pub refers: String,
    /// The feedback the partner gets on its referrals while the agreement is in force.
    pub feedback: FeedbackLevel,
    /// The feedback it gives today: its own while in force and within its period, `none`
    /// otherwise.
    pub feedback_today: FeedbackLevel,
    /// The centre's contact role.
    pub centre_contact_role: String,
    /// The partner's contact role.
    pub partner_contact_role: String,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// Last day it applies.
    pub valid_until: Option<NaiveDate>,
    /// Where it stands.
    pub status: AgreementStatus,
    /// Where you may move it.
    pub allowed_transitions: Vec<AgreementStatus>,
    /// Why it was declined or ended.
    pub end_reason: Option<String>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Proposed.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

samhandling_domain::versioned!(AgreementView);

impl AgreementView {
    /// `agreement` as the organisation `viewer` is shown it on `today`.
    pub fn of(viewer: Uuid, today: NaiveDate, agreement: CollaborationAgreement) -> AgreementView {
        AgreementView {
            allowed_transitions: allowed_for(viewer, &agreement),
            feedback_today: agreement.feedback_on(today),
            id: agreement.id,
            centre_id: agreement.centre_id,
            partner_organisation_id: agreement.partner_organisation_id,
            refers: agreement.refers,
            feedback: agreement.feedback,
            centre_contact_role: agreement.centre_contact_role,
            partner_contact_role: agreement.partner_contact_role,
            valid_from: agreement.valid_from,
            valid_until: agreement.valid_until,
            status: agreement.status,
            end_reason: agreement.end_reason,
            version: agreement.version,
            created_at: agreement.created_at,
            updated_at: agreement.updated_at,
        }
    }
}

/// The moves of every party `organisation` is to `agreement`.
fn allowed_for(organisation: Uuid, agreement: &CollaborationAgreement) -> Vec<AgreementStatus> {
    open_to_parties(agreement.parties_of(organisation), |party| {
        agreement.status.allowed_for(party)
    })
}

/// The caller's centre proposes an agreement to a municipality or NAV office. Every fault of
/// the proposal is listed in one refusal.
pub fn propose_agreement(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    proposal: &ProposeAgreement,
) -> Result<CollaborationAgreement, UseCaseError> {
    let partner_kind = store::kind_of(ctx.conn(), proposal.partner_organisation_id)?;
    let refusals: Vec<_> = [
        check_partner(partner_kind),
        check_period(proposal.valid_from, proposal.valid_until),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    UseCaseError::unless_refused(refusals)?;
    let now = ctx.now();
    let agreement = CollaborationAgreement {
        id,
        centre_id: caller.organisation_id.uuid(),
        partner_organisation_id: proposal.partner_organisation_id,
        refers: proposal.refers.to_string(),
        feedback: proposal.feedback,
        centre_contact_role: proposal.centre_contact_role.to_string(),
        partner_contact_role: proposal.partner_contact_role.to_string(),
        valid_from: proposal.valid_from,
        valid_until: proposal.valid_until,
        status: AgreementStatus::Proposed,
        end_reason: None,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let stored = store::insert(ctx.conn(), &agreement, &caller.subject)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::CollaborationAgreement,
        id,
    )?;
    Ok(stored)
}

/// Moves the agreement `id` the caller's organisation is a party to, as of the version it read.
/// An agreement coming into force or ending gives the pair's referrals its feedback at once.
pub fn move_agreement(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    read: Precondition,
    step: &MoveAgreement,
) -> Result<CollaborationAgreement, UseCaseError> {
    let organisation = caller.organisation_id.uuid();
    let agreement =
        store::find_for_update(ctx.conn(), id, organisation)?.ok_or(UseCaseError::NotFound)?;
    read.check(agreement.version)?;
    check_among(
        agreement.status,
        step.to,
        &allowed_for(organisation, &agreement),
    )?;
    check_move(step.to, step.reason.is_some())?;
    let moved =
        store::set_status(ctx.conn(), id, step.to, step.reason.as_deref())
            .map_err(UseCaseError::unique(
            ONE_IN_FORCE,
            "an agreement between the centre and this partner is in force already: end it first",
        ))?;
    ctx.audit(
        AuditAction::Transitioned,
        ResourceType::CollaborationAgreement,
        id,
    )?;
    if matches!(step.to, AgreementStatus::InForce | AgreementStatus::Ended) {
        let today = ctx.now().date_naive();
        apply(ctx.conn(), &moved, moved.feedback_on(today))?;
    }
    Ok(moved)
}

/// Gives the referrals of `agreement`'s pair the feedback `level`, and remembers it.
fn apply(
    conn: &mut PgConnection,
    agreement: &CollaborationAgreement,
    level: FeedbackLevel,
) -> Result<(), UseCaseError> {
    referrals::apply_agreed_feedback(
        conn,
        agreement.centre_id,
        agreement.partner_organisation_id,
        level,
    )?;
    store::mark_applied(conn, agreement.id, level)?;
    Ok(())
}

/// The agreement sweep: every agreement whose period started or ran out since its feedback was
/// last applied gives the pair's referrals what it gives today. Answers how many agreements
/// changed their referrals' feedback.
pub fn apply_periods(ctx: &mut Context<'_>) -> Result<usize, UseCaseError> {
    let today = ctx.now().date_naive();
    let mut changed = 0;
    for (agreement, applied) in store::giving_feedback(ctx.conn())? {
        let level = agreement.feedback_on(today);
        if level != applied {
            apply(ctx.conn(), &agreement, level)?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// The feedback a referral from `referrer` to `centre` gets now: what the agreement in force
/// between them gives today, none without one (and none for a self-registration, which has no
/// referrer). The agreement stays locked against a move until the referral is stored, so that
/// an end reaches it.
pub fn feedback_for_referral(
    ctx: &mut Context<'_>,
    centre: OrganisationId,
    referrer: Option<OrganisationId>,
) -> Result<FeedbackLevel, UseCaseError> {
    let Some(referrer) = referrer else {
        return Ok(FeedbackLevel::None);
    };
    let today = ctx.now().date_naive();
    Ok(
        store::in_force_for_share(ctx.conn(), centre.uuid(), referrer.uuid())?
            .map_or(FeedbackLevel::None, |agreement| {
                agreement.feedback_on(today)
            }),
    )
}

/// The agreement `id`, if the caller's organisation is a party to it.
pub fn read_agreement(
    conn: &mut PgConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<CollaborationAgreement>, UseCaseError> {
    Ok(store::find(conn, id, caller.organisation_id.uuid())?)
}

/// One page of the agreements the caller's organisation is a party to.
pub fn list_agreements(
    conn: &mut PgConnection,
    caller: &Caller,
    filter: &AgreementFilter,
    page: PageRequest,
) -> Result<Page<CollaborationAgreement>, UseCaseError> {
    Ok(store::list(
        conn,
        caller.organisation_id.uuid(),
        filter,
        page,
    )?)
}
