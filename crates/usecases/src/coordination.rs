//! Coordination: a municipality's needs for help reach the partner who can give it. A need comes
//! from a finding the governor records at a dialogue meeting ([`raise_from_finding`], called by
//! `dialogue::record_finding`) or is the municipality's own request ([`request_help`]); the
//! partner answers it and the raiser may withdraw it ([`move_need`]). A need outside the
//! caller's scope is [`UseCaseError::NotFound`].
//!
//! Who acts for whom: a municipality by its `municipal_contact`s (the roles that speak for it in
//! the governor's dialogue); a partner by the roles its kind holds (a competence centre's
//! `competence_adviser`s, a user organisation's `facilitator`s, a governor's
//! `governor_adviser`s).

use crate::dialogue::access_of;
use crate::input::{FreeText, Name};
use crate::{Context, UseCaseError};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::coordination::{
    check_addressee, check_answer, CollaborationNeed, NeedOrigin, NeedParty, NeedStatus, NewNeed,
    Offer, OfferKind,
};
use samhandling_domain::dialogue::{county_of, PartnerKind};
use samhandling_domain::lifecycle::check_among;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::refusal::FieldRefusal;
use samhandling_domain::version::Precondition;
use samhandling_domain::webhook::WebhookEvent;
use samhandling_domain::{Caller, Role};
use samhandling_persistence::coordination::{self as store, NeedMove, NeedScope};
use samhandling_persistence::PgConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

pub use samhandling_persistence::coordination::NeedFilter;

/// The roles that answer for a partner organisation of some kind.
const PARTNER_ROLES: &[Role] = &[
    Role::CompetenceAdviser,
    Role::Facilitator,
    Role::GovernorAdviser,
];

/// What a caller reaches of the needs, and in which capacities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedAccess {
    organisation_id: Uuid,
    scope: NeedScope,
}

impl NeedAccess {
    /// The needs the caller reaches.
    pub fn scope(&self) -> &NeedScope {
        &self.scope
    }

    /// The parties the caller is to `need`: none when it is outside its scope.
    pub fn parties(&self, need: &CollaborationNeed) -> Vec<NeedParty> {
        let addressee =
            self.scope.addressee.is_some() && need.is_addressed_to(self.organisation_id);
        let municipality = self.scope.municipality == Some(need.municipality_id);
        let governor = self.scope.county.as_deref() == Some(need.county_number.as_str());
        let raiser = match need.origin {
            NeedOrigin::Request => municipality,
            NeedOrigin::DialogueFinding => governor,
        };
        let mut parties = Vec::new();
        if addressee {
            parties.push(NeedParty::Addressee);
        }
        if raiser {
            parties.push(NeedParty::Raiser);
        }
        if parties.is_empty() && (municipality || governor) {
            parties.push(NeedParty::Follower);
        }
        parties
    }

    /// Where the caller may move `need`: the moves of every capacity it holds.
    pub fn allowed_transitions(&self, need: &CollaborationNeed) -> Vec<NeedStatus> {
        let mut allowed: Vec<NeedStatus> = self
            .parties(need)
            .into_iter()
            .flat_map(|party| need.status.allowed_for(party))
            .collect();
        allowed.sort_unstable();
        allowed.dedup();
        allowed
    }

    /// Whether the caller sees what `need` says, or only that it exists and where it stands:
    /// a governor following a municipality's request to another partner sees the latter.
    pub fn sees_texts(&self, need: &CollaborationNeed) -> bool {
        need.origin == NeedOrigin::DialogueFinding
            || self.scope.municipality == Some(need.municipality_id)
            || need.is_addressed_to(self.organisation_id)
    }
}

/// The caller's access to needs.
pub fn access_of_needs(
    conn: &mut PgConnection,
    caller: &Caller,
) -> Result<NeedAccess, UseCaseError> {
    let dialogue = access_of(conn, caller)?;
    let organisation_id = caller.organisation_id.uuid();
    let scope = NeedScope {
        addressee: caller
            .has_any_role(PARTNER_ROLES)
            .then_some(organisation_id),
        municipality: caller
            .has_role(Role::MunicipalContact)
            .then_some(organisation_id),
        county: dialogue.governs().map(str::to_owned),
    };
    Ok(NeedAccess {
        organisation_id,
        scope,
    })
}

/// A municipality's request for help.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "partner_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a71",
    "topic": "Ettervern etter døgnbehandling",
    "description": "Vi ønsker råd om hvordan andre kommuner organiserer ettervern for unge voksne."
}))]
pub struct RequestHelp {
    /// Whom you ask: a competence centre, a user organisation, or your county governor.
    pub partner_organisation_id: Uuid,
    /// What it is about, in a line.
    pub topic: Name,
    /// What you need.
    pub description: FreeText,
}

/// What a partner offers with an answer.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "course", "course_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a72"}))]
pub struct OfferInput {
    /// What kind of help.
    pub kind: OfferKind,
    /// For a course: one your organisation organises.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub course_id: Option<Uuid>,
    /// For a place in a learning network: one your organisation coordinates.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub learning_network_id: Option<Uuid>,
    /// What is offered, in words; required for a visit or advice.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub text: Option<FreeText>,
}

impl From<OfferInput> for Offer {
    fn from(input: OfferInput) -> Self {
        Offer {
            kind: input.kind,
            course_id: input.course_id,
            learning_network_id: input.learning_network_id,
            text: input.text.map(String::from),
        }
    }
}

/// A move of a need: an answer by its partner, or a withdrawal by whoever raised it.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "accepted", "offer": {"kind": "course", "course_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a72"}}))]
pub struct MoveNeed {
    /// The new status; see `allowed_transitions`.
    pub to: NeedStatus,
    /// Why you decline: required with `declined`, refused otherwise.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub reason: Option<FreeText>,
    /// What you offer, with `accepted` or `done`.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub offer: Option<OfferInput>,
}

/// A need voiced in a finding, to be raised with it.
#[derive(Debug, Clone)]
pub struct FindingNeedDraft {
    /// The kind of partner asked, when named.
    pub partner_kind: Option<PartnerKind>,
    /// The partner asked, when named.
    pub partner_organisation_id: Option<Uuid>,
    /// What is needed.
    pub description: String,
}

/// Where a finding's needs belong.
#[derive(Debug, Clone, Copy)]
pub struct FindingOfNeeds<'a> {
    /// The meeting.
    pub meeting_id: Uuid,
    /// The finding.
    pub finding_id: Uuid,
    /// Its municipality.
    pub municipality_id: Uuid,
    /// The meeting's county.
    pub county: &'a str,
}

/// Checks the needs of a finding before anything is written: each names a partner that a
/// municipality of `county` can ask (and of its kind, when both are named), or a kind at least.
/// Every refusal is listed, under `collaboration_needs[i]`.
pub fn check_finding_needs(
    conn: &mut PgConnection,
    county: &str,
    drafts: &[FindingNeedDraft],
) -> Result<Vec<PartnerKind>, UseCaseError> {
    let named: Vec<Uuid> = drafts
        .iter()
        .filter_map(|draft| draft.partner_organisation_id)
        .collect();
    let found = store::addressees(conn, &named)?;
    let mut kinds = Vec::new();
    let mut refusals = Vec::new();
    for (index, draft) in drafts.iter().enumerate() {
        let checked = match (draft.partner_organisation_id, draft.partner_kind) {
            (Some(partner), kind) => check_addressee(
                &format!("collaboration_needs[{index}].partner_organisation_id"),
                found.iter().find(|addressee| addressee.id == partner),
                kind,
                county,
            ),
            (None, Some(kind)) => Ok(kind),
            (None, None) => Err(FieldRefusal::new(
                format!("collaboration_needs[{index}]"),
                "required",
                "name the partner asked (partner_organisation_id), or at least its kind",
            )),
        };
        match checked {
            Ok(kind) => kinds.push(kind),
            Err(refusal) => refusals.push(refusal),
        }
    }
    UseCaseError::unless_refused(refusals)?;
    Ok(kinds)
}

/// Raises the needs of a recorded finding, checked by [`check_finding_needs`] into `kinds`: each
/// audited, and each addressed partner told.
pub fn raise_from_finding(
    ctx: &mut Context<'_>,
    of: FindingOfNeeds<'_>,
    drafts: Vec<FindingNeedDraft>,
    kinds: Vec<PartnerKind>,
) -> Result<Vec<CollaborationNeed>, UseCaseError> {
    let mut raised = Vec::new();
    for (position, (draft, partner_kind)) in (0_i16..).zip(drafts.into_iter().zip(kinds)) {
        let need = NewNeed {
            id: Uuid::now_v7(),
            origin: NeedOrigin::DialogueFinding,
            municipality_id: of.municipality_id,
            county_number: of.county.to_owned(),
            finding: Some((of.meeting_id, of.finding_id)),
            partner_kind,
            partner_organisation_id: draft.partner_organisation_id,
            topic: None,
            description: draft.description,
        }
        .open(ctx.now());
        raised.push(raise(ctx, &need, position)?);
    }
    Ok(raised)
}

/// Stores a new need, audits it and tells its partner.
fn raise(
    ctx: &mut Context<'_>,
    need: &CollaborationNeed,
    position: i16,
) -> Result<CollaborationNeed, UseCaseError> {
    let subject = ctx.actor().actor.clone();
    let stored = store::insert(ctx.conn(), need, position, &subject)?;
    ctx.audit(
        AuditAction::Created,
        ResourceType::CollaborationNeed,
        stored.id,
    )?;
    tell_addressee(ctx, &stored)?;
    Ok(stored)
}

/// Tells the partner a new need is addressed to, through the webhook outbox.
fn tell_addressee(ctx: &mut Context<'_>, need: &CollaborationNeed) -> Result<(), UseCaseError> {
    if let Some((partner, event)) = WebhookEvent::of_need_addressed(need) {
        ctx.enqueue(partner, &event)?;
    }
    Ok(())
}

/// Tells the municipality its need was answered, through the webhook outbox.
fn tell_municipality(ctx: &mut Context<'_>, need: &CollaborationNeed) -> Result<(), UseCaseError> {
    if let Some((municipality, event)) = WebhookEvent::of_need_answered(need) {
        ctx.enqueue(municipality, &event)?;
    }
    Ok(())
}

/// The caller's municipality asks a partner for help: a competence centre, a user organisation
/// or its own county's governor.
pub fn request_help(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    request: &RequestHelp,
) -> Result<(NeedAccess, CollaborationNeed), UseCaseError> {
    let access = access_of_needs(ctx.conn(), caller)?;
    let municipality = access.scope.municipality.ok_or_else(|| {
        UseCaseError::Forbidden("only a municipality's municipal_contact asks for help".into())
    })?;
    let number = store::municipality_number(ctx.conn(), municipality)?.ok_or_else(|| {
        UseCaseError::Forbidden(
            "only a municipality asks for help: your organisation is not one".into(),
        )
    })?;
    let county = county_of(&number).to_owned();
    let found = store::addressees(ctx.conn(), &[request.partner_organisation_id])?;
    let partner_kind = check_addressee(
        "partner_organisation_id",
        found
            .iter()
            .find(|addressee| addressee.id == request.partner_organisation_id),
        None,
        &county,
    )?;
    let need = NewNeed {
        id,
        origin: NeedOrigin::Request,
        municipality_id: municipality,
        county_number: county,
        finding: None,
        partner_kind,
        partner_organisation_id: Some(request.partner_organisation_id),
        topic: Some(request.topic.to_string()),
        description: request.description.to_string(),
    }
    .open(ctx.now());
    let stored = raise(ctx, &need, 0)?;
    Ok((access, stored))
}

/// Moves the need `id` in the caller's reach, as of the version it read: its partner answers
/// (accepted, declined with a reason, done; an offer with an acceptance or done, naming only a
/// course or network the partner runs), whoever raised it withdraws it. The municipality is
/// told of an answer.
pub fn move_need(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    read: Precondition,
    step: &MoveNeed,
) -> Result<(NeedAccess, CollaborationNeed), UseCaseError> {
    let access = access_of_needs(ctx.conn(), caller)?;
    let need =
        store::find_for_update(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    read.check(need.version)?;
    check_among(need.status, step.to, &access.allowed_transitions(&need))?;
    let offer: Option<Offer> = step.offer.clone().map(Offer::from);
    UseCaseError::unless_refused(check_answer(step.to, step.reason.is_some(), offer.as_ref()))?;
    if let Some(offer) = &offer {
        if !store::can_offer(ctx.conn(), access.organisation_id, offer)? {
            let field = match offer.kind {
                OfferKind::Course => "offer.course_id",
                _ => "offer.learning_network_id",
            };
            return Err(UseCaseError::invalid(
                field,
                "not_yours",
                "names nothing your organisation runs: offer a course it organises or a learning network it coordinates",
            ));
        }
    }
    let answer = step.to.is_answer();
    let answered_at = if answer {
        Some(ctx.now())
    } else {
        need.answered_at
    };
    let moved = store::set_status(
        ctx.conn(),
        id,
        NeedMove {
            to: step.to,
            reason: step.reason.as_deref(),
            offer: offer.as_ref(),
            answered_at,
        },
    )?;
    ctx.audit(
        AuditAction::Transitioned,
        ResourceType::CollaborationNeed,
        id,
    )?;
    tell_municipality(ctx, &moved)?;
    Ok((access, moved))
}

/// The need `id` in the caller's scope.
pub fn read_need(
    conn: &mut PgConnection,
    caller: &Caller,
    id: Uuid,
) -> Result<Option<(NeedAccess, CollaborationNeed)>, UseCaseError> {
    let access = access_of_needs(conn, caller)?;
    Ok(store::find(conn, id, access.scope())?.map(|need| (access, need)))
}

/// One page of the needs in the caller's scope that pass `filter`.
pub fn list_needs(
    conn: &mut PgConnection,
    caller: &Caller,
    filter: &NeedFilter,
    page: PageRequest,
) -> Result<(NeedAccess, Page<CollaborationNeed>), UseCaseError> {
    let access = access_of_needs(conn, caller)?;
    let found = store::list(conn, access.scope(), filter, page)?;
    Ok((access, found))
}
