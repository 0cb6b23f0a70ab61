//! `/api/v1/referrals`: referrals from municipalities and NAV to self-help centres, worked by the
//! centre through an explicit lifecycle, followed by the referrer as far as the person allows.
//!
//! Who sees what is decided in SQL ([`ReferralScope`]): the target centre's coordinators see
//! referrals addressed to their centre, with contact details (every such read audited); the
//! referrer sees its own referrals, with the detailed status only under the person's feedback
//! consent; anyone else gets 404 for every id.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::etag::{Tagged, Versioned};
use crate::idempotency::{self, Attempt, Created, IdempotencyKey, IdempotencyKeyHeader, KeyClaim};
use crate::input::{ValidJson, ValidQuery};
use crate::pagination::{self, PageQuery, Paginated, Pagination};
use crate::record;
use crate::resources::referral_input::{referral_request, ConsentInput, Prepared};
use crate::state::AppState;
use crate::text::{check_municipality_number, check_plain_text, Label, MunicipalityNumberText};
use actix_web::{get, post, web, HttpResponse};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::{AuditAction, AuditEvent, ResourceType};
use samhandling_domain::referral::{
    CoarseStatus, ConsentMethod, Offer, Person, PreferredFormat, ReasonCode, Referral,
    ReferralAccess, ReferralStatus, RetentionPolicy, Source, TargetGroup, Transition,
};
use samhandling_domain::Role;
use samhandling_usecases::references::with_free_reference;
use samhandling_usecases::referrals::{self as usecases, ReferralFilter};
use samhandling_usecases::{Context, SystemClock};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;
use validator::Validate;

/// Registers the routes.
pub fn configure(config: &mut ServiceConfig) {
    config
        .service(create_referral)
        .service(list_referrals)
        .service(get_referral)
        .service(transition_referral)
        .service(withdraw_feedback_consent)
        .service(erase_referral)
        .service(referral_access_log);
}

/// Referrers create referrals.
#[derive(Debug)]
pub struct Referrers;
impl Policy for Referrers {
    const ROLES: &'static [Role] = &[Role::Referrer];
}

/// Centre coordinators and referrers work and follow referrals.
#[derive(Debug)]
pub struct ReferralParties;
impl Policy for ReferralParties {
    const ROLES: &'static [Role] = &[Role::CentreCoordinator, Role::Referrer];
}

/// Centre coordinators record what the person says.
#[derive(Debug)]
pub struct Coordinators;
impl Policy for Coordinators {
    const ROLES: &'static [Role] = &[Role::CentreCoordinator];
}

/// Centre coordinators and administrators answer for the person's rights (erasure, access log).
#[derive(Debug)]
pub struct DataStewards;
impl Policy for DataStewards {
    const ROLES: &'static [Role] = &[Role::CentreCoordinator, Role::Admin];
}

referral_request! {
    /// A new referral. The referring organisation is the caller's; no diagnosis is asked for.
    #[schema(example = json!({
        "target_centre_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70",
        "offer": "self_help_group",
        "person": {
            "given_name": "Kari", "family_name": "Nordmann", "phone": "+4791234567",
            "preferred_language": "nb", "birth_year": 1990, "municipality_number": "5035"
        },
        "target_groups": ["work_assessment_allowance"],
        "wishes": "Ønsker en gruppe på dagtid, gjerne digitalt.",
        "preferred_format": "digital",
        "external_reference": "SAK-2026-00412",
        "consent": {"contact": true, "feedback_to_referrer": true, "obtained_via": "in_person", "obtained_at": "2026-11-20T10:15:00Z"}
    }))]
    pub struct CreateReferral {
        /// The referrer's own case reference, unique among its referrals; find it again with
        /// `GET /api/v1/referrals?external_reference=…`.
        #[serde(default, deserialize_with = "crate::text::present")]
        #[schema(nullable = false)]
        pub external_reference: (Option<Label>),
        /// The person's consent.
        #[validate(nested)]
        pub consent: (ConsentInput),
    }
}

/// The consent as recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    /// The centre may contact the person.
    pub contact: bool,
    /// The referrer may be told how it goes.
    pub feedback_to_referrer: bool,
    /// How consent was obtained.
    pub obtained_via: ConsentMethod,
    /// When.
    pub obtained_at: DateTime<Utc>,
    /// When the person withdrew consent to feedback.
    pub feedback_withdrawn_at: Option<DateTime<Utc>>,
}

/// A referral as the target centre sees it. Lists leave out `person` and `history`; reading one
/// referral shows them, and that read is audited.
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreReferral {
    /// Identifier.
    pub id: Uuid,
    /// Short reference to quote on the phone.
    pub reference: String,
    /// Referred or self-registered.
    pub source: Source,
    /// The centre.
    pub target_centre_id: Uuid,
    /// The referring organisation, for referrals.
    pub referring_organisation_id: Option<Uuid>,
    /// The referrer's case reference.
    pub external_reference: Option<String>,
    /// What the person is referred to.
    pub offer: Offer,
    /// Where it is.
    pub status: ReferralStatus,
    /// What the caller may move it to.
    pub allowed_transitions: Vec<ReferralStatus>,
    /// Target groups.
    pub target_groups: Vec<TargetGroup>,
    /// How the person would like to meet.
    pub preferred_format: PreferredFormat,
    /// Kommunenummer of residence.
    pub municipality_number: Option<String>,
    /// The consent.
    pub consent: ConsentView,
    /// The person; absent in lists, `null` once erased.
    #[allow(clippy::option_option)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<Option<Person>>,
    /// Every step so far; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Transition>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// When the retention sweep will erase the person unless the referral changes first
    /// (`RETENTION_DAYS` after the end, or `RETENTION_INACTIVE_DAYS` after the last change of an
    /// open one, which it then ends as `expired`); you are told `RETENTION_NOTICE_DAYS` before
    /// by a `referral_erasure_due` webhook event. `null` once erased. A person who holds a place
    /// in a group is not inactive: the sweep waits until they leave, and their clock starts then.
    pub erasure_due_at: Option<DateTime<Utc>>,
    /// When the person's data was erased.
    pub erased_at: Option<DateTime<Utc>>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A referral as its referrer sees it: never the person, and the detailed status and history only
/// while the person consents to feedback.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReferrerReferral {
    /// Identifier.
    pub id: Uuid,
    /// Short reference.
    pub reference: String,
    /// The centre.
    pub target_centre_id: Uuid,
    /// The referrer's case reference.
    pub external_reference: Option<String>,
    /// What the person is referred to.
    pub offer: Offer,
    /// The status as far as the referrer may know it.
    pub coarse_status: CoarseStatus,
    /// The detailed status; `null` without the person's consent to feedback.
    pub status: Option<ReferralStatus>,
    /// Whether the person consents to feedback now.
    pub feedback_consent: bool,
    /// What the caller may move it to.
    pub allowed_transitions: Vec<ReferralStatus>,
    /// Every step so far, with feedback consent; absent otherwise and in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Transition>>,
    /// The version of this view, also the `ETag`: it moves only when something shown here
    /// changes, never with the centre's steps the view does not show.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// When this view last changed (not when the centre last worked the referral).
    pub updated_at: DateTime<Utc>,
}

/// A referral as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum ReferralView {
    /// The target centre's view.
    Centre(Box<CentreReferral>),
    /// The referrer's view.
    Referrer(ReferrerReferral),
}

impl Versioned for ReferralView {
    fn version(&self) -> i32 {
        match self {
            ReferralView::Centre(centre) => centre.version,
            ReferralView::Referrer(referrer) => referrer.version,
        }
    }
}

/// A status change.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to": "received"}))]
pub struct TransitionRequest {
    /// The status to move to; see `allowed_transitions`.
    pub to: ReferralStatus,
    /// Why, as a code.
    #[serde(default, deserialize_with = "crate::text::present")]
    #[schema(nullable = false)]
    pub reason: Option<ReasonCode>,
}

/// Filters for the list; they combine with AND.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralQuery {
    /// Only this status. A referrer finds by it only the referrals whose detailed status it may
    /// see (with the person's consent to feedback); `coarse_status` works for all of its own.
    status: Option<ReferralStatus>,
    /// Only this coarse status.
    coarse_status: Option<CoarseStatus>,
    /// Only this offer.
    offer: Option<Offer>,
    /// Only referrals tagged with this target group.
    target_group: Option<TargetGroup>,
    /// Only people living in this municipality (kommunenummer).
    #[validate(custom(function = "check_municipality_number"))]
    #[param(value_type = Option<MunicipalityNumberText>)]
    municipality: Option<String>,
    /// Only referrals created at or after this time.
    created_after: Option<DateTime<Utc>>,
    /// Only referrals created before this time.
    created_before: Option<DateTime<Utc>>,
    /// Only referrals changed after this time: for syncing deltas. For a referrer, changed in
    /// its view (`updated_at` of its view).
    updated_after: Option<DateTime<Utc>>,
    /// Only referrals whose person is due for erasure before this time (for the centre: what
    /// the retention sweep will erase unless someone acts).
    erasure_due_before: Option<DateTime<Utc>>,
    /// Only the referral with this external reference (yours, as referrer).
    #[validate(length(min = 1, max = 100), custom(function = "check_plain_text"))]
    #[param(value_type = Option<Label>)]
    external_reference: Option<String>,
}

/// The path of one referral.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ReferralPath {
    /// The referral's id.
    id: Uuid,
}

/// What a read adds to the bare referral. `person` is absent (lists, referrers), erased, or shown.
#[allow(clippy::option_option)]
struct Details {
    person: Option<Option<Person>>,
    history: Option<Vec<Transition>>,
}

impl Details {
    const NONE: Details = Details {
        person: None,
        history: None,
    };
}

fn consent_view(referral: &Referral) -> ConsentView {
    ConsentView {
        contact: referral.consent.contact,
        feedback_to_referrer: referral.consent.feedback_to_referrer,
        obtained_via: referral.consent.method,
        obtained_at: referral.consent.obtained_at,
        feedback_withdrawn_at: referral.consent.feedback_withdrawn_at,
    }
}

fn view(
    access: ReferralAccess,
    retention: &RetentionPolicy,
    referral: Referral,
    details: Details,
) -> ReferralView {
    let allowed_transitions = access.allowed(&referral);
    if access.is_centre_of(&referral) {
        let erasure_due_at = retention.erasure_due_at(&referral);
        return ReferralView::Centre(Box::new(CentreReferral {
            consent: consent_view(&referral),
            id: referral.id,
            reference: referral.reference,
            source: referral.source,
            target_centre_id: referral.target_centre_id,
            referring_organisation_id: referral.referring_organisation_id,
            external_reference: referral.external_reference,
            offer: referral.offer,
            status: referral.status,
            allowed_transitions,
            target_groups: referral.target_groups,
            preferred_format: referral.preferred_format,
            municipality_number: referral.residence_municipality,
            person: details.person,
            history: details.history,
            ended_at: referral.ended_at,
            erasure_due_at,
            erased_at: referral.erased_at,
            version: referral.version,
            created_at: referral.created_at,
            updated_at: referral.updated_at,
        }));
    }
    let (coarse_status, status) = referral.status_for_referrer();
    let feedback_consent = referral.consent.allows_feedback();
    ReferralView::Referrer(ReferrerReferral {
        id: referral.id,
        reference: referral.reference,
        target_centre_id: referral.target_centre_id,
        external_reference: referral.external_reference,
        offer: referral.offer,
        coarse_status,
        status,
        feedback_consent,
        allowed_transitions,
        history: details.history.filter(|_| feedback_consent),
        version: referral.referrer_version,
        created_at: referral.created_at,
        updated_at: referral.referrer_updated_at,
    })
}

fn location(id: Uuid) -> String {
    format!("/api/v1/referrals/{id}")
}

/// Refer a person to a self-help centre.
///
/// For referrers (kommunal saksbehandler, NAV-veileder, or their case-management system). The
/// referring organisation is the caller's. `consent.contact` must be true. Send an
/// `Idempotency-Key` so that a retry cannot refer the person twice.
#[utoipa::path(
    tag = "referrals",
    params(IdempotencyKeyHeader),
    request_body = CreateReferral,
    responses(
        (status = 201, description = "Referred; the referrer's view", body = ReferralView,
            headers(("Location" = String, description = "The referral"), ("ETag" = String, description = "Its version"))),
        (status = 404, description = "`target_centre_id` names no organisation", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A referral of yours already has this `external_reference`", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/referrals")]
async fn create_referral(
    caller: Authorized<Referrers>,
    key: IdempotencyKey,
    state: web::Data<AppState>,
    body: ValidJson<CreateReferral>,
) -> Result<HttpResponse, ApiError> {
    let request = body.into_inner();
    let consent = request.consent.to_consent()?;
    let prepared = Prepared::from_request(&request);
    let access = ReferralAccess::of(&caller.caller);
    let subject = caller.caller.subject.clone();
    let actor = caller.actor();
    let external_reference = request.external_reference.clone();
    let target_centre_id = request.target_centre_id;
    let references = state.references.clone();
    let retention = state.policies.retention;
    idempotency::create_claiming(
        &state,
        &caller.caller,
        key,
        "/api/v1/referrals",
        &request,
        move |conn, claim| {
            let stored = with_free_reference::<_, ApiError>(&references, |reference| {
                let new = prepared.new_referral(
                    reference,
                    Source::Referral,
                    Some((access.organisation_id(), &subject)),
                    external_reference.as_deref(),
                    &consent,
                );
                let referral = new.to_referral();
                // The creator sees the referrer's view, whatever other roles it holds.
                let shown = view(access.as_referrer(), &retention, referral, Details::NONE);
                let created = Created::new(&shown, location(new.id), Some(shown.version()))?;
                let response = KeyClaim::response(&created);
                let ctx = &mut Context::new(conn, &actor, &SystemClock);
                let stored = usecases::refer(ctx, &new, claim.key(&response).as_ref())?;
                Ok(stored.map(|_| created))
            })?;
            Ok(match stored {
                Some(created) => Attempt::Created(created),
                None => {
                    Attempt::NotCreated(usecases::why_not_admitted(conn, target_centre_id).into())
                }
            })
        },
    )
    .await
}

/// List referrals.
///
/// Centre coordinators see the referrals and self-registrations addressed to their centre;
/// referrers see their own referrals. Items leave out the person and the history: read one
/// referral for those. Use `updated_after` to sync changes.
#[utoipa::path(
    tag = "referrals",
    params(ReferralQuery, PageQuery),
    responses((status = 200, description = "One page", body = Paginated<ReferralView>)),
    security(("bearer" = []))
)]
#[get("/referrals")]
async fn list_referrals(
    caller: Authorized<ReferralParties>,
    state: web::Data<AppState>,
    query: ValidQuery<ReferralQuery>,
    page: Pagination,
) -> Result<web::Json<Paginated<ReferralView>>, ApiError> {
    let access = ReferralAccess::of(&caller.caller);
    let query = query.0;
    if query.erasure_due_before.is_some() && access.scope().is_referrer_only() {
        // Due dates count from the centre's last change, which a referrer's view hides.
        return Err(ApiError::invalid_field(
            "erasure_due_before",
            "not_for_role",
            "erasure_due_before is for the centre",
        ));
    }
    let filter = ReferralFilter {
        status: query.status,
        coarse_status: query.coarse_status,
        offer: query.offer,
        target_group: query.target_group,
        municipality: query.municipality,
        created_after: query.created_after,
        created_before: query.created_before,
        updated_after: query.updated_after,
        external_reference: query.external_reference,
        erasure_due_before: query
            .erasure_due_before
            .map(|before| (before, state.policies.retention)),
    };
    let found = crate::db::run(&state.database, move |conn| {
        Ok(usecases::list(conn, access.scope(), &filter, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(&state, found, |referral| {
        view(access, &state.policies.retention, referral, Details::NONE)
    })?))
}

/// Read a referral.
///
/// The target centre sees the person and the history, and this read is recorded in the access
/// log. The referrer sees the coarse status, or with the person's feedback consent the detailed
/// status and history. Anyone else: 404.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    responses((status = 200, description = "The referral, as the caller may see it", body = ReferralView,
        headers(("ETag" = String, description = "Its version")))),
    security(("bearer" = []))
)]
#[get("/referrals/{id}")]
async fn get_referral(
    caller: Authorized<ReferralParties>,
    state: web::Data<AppState>,
    path: web::Path<ReferralPath>,
) -> Result<Tagged<ReferralView>, ApiError> {
    let id = path.id;
    let access = ReferralAccess::of(&caller.caller);
    let found = record::read(&state, &caller, ResourceType::Referral, id, move |conn| {
        Ok(usecases::read(conn, access.scope(), id)?)
    })
    .await?;
    let referral = found.referral;
    // Only the target centre is shown the person, and only once the read is on record.
    let person = if access.is_centre_of(&referral) {
        let event = caller.audit(AuditAction::Read, ResourceType::Referral, id);
        state.read_audit.record(event).await?;
        Some(found.person)
    } else {
        None
    };
    let details = Details {
        person,
        history: Some(found.history),
    };
    Ok(Tagged::new(view(
        access,
        &state.policies.retention,
        referral,
        details,
    )))
}

/// Move a referral to another status.
///
/// The centre moves it along `submitted → received → contacted → intake_scheduled →
/// intake_completed → waiting_for_group → placed → closed`, or to an exit (`declined_by_person`,
/// `not_reachable`, `redirected`); only the referrer withdraws (`withdrawn`). A move that is not
/// allowed is 409 with `allowed_transitions`. The referrer's webhooks are told of changes it may
/// see.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "Moved", body = ReferralView, headers(("ETag" = String, description = "The new version"))),
        (status = 409, description = "Not allowed from the current status; `allowed_transitions` names what is", body = crate::error::Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/referrals/{id}/transitions")]
async fn transition_referral(
    caller: Authorized<ReferralParties>,
    state: web::Data<AppState>,
    path: web::Path<ReferralPath>,
    body: ValidJson<TransitionRequest>,
) -> Result<Tagged<ReferralView>, ApiError> {
    let id = path.id;
    let request = body.into_inner();
    let access = ReferralAccess::of(&caller.caller);
    let moved = record::operate(&state, &caller, ResourceType::Referral, id, move |ctx| {
        usecases::move_referral(ctx, access, id, request.to, request.reason)
    })
    .await?;
    Ok(Tagged::new(view(
        access,
        &state.policies.retention,
        moved,
        Details::NONE,
    )))
}

/// Record that the person withdrew consent to feedback.
///
/// For the target centre's coordinators. From now on the referrer sees only the coarse status.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    responses((status = 204, description = "Recorded (again, if already withdrawn)")),
    security(("bearer" = []))
)]
#[post("/referrals/{id}/feedback-consent/withdrawal")]
async fn withdraw_feedback_consent(
    caller: Authorized<Coordinators>,
    state: web::Data<AppState>,
    path: web::Path<ReferralPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let access = ReferralAccess::of(&caller.caller);
    record::operate(&state, &caller, ResourceType::Referral, id, move |ctx| {
        usecases::withdraw_feedback_consent(ctx, access, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Erase the person's data.
///
/// For the target centre's coordinators and administrators, to honour a request for erasure.
/// Removes the name, contact details, birth year and wishes, the history, target groups and
/// municipality, and the referral's webhook delivery log. The tombstone keeps what the referrer's
/// view shows (its status and dates); statistics keep counts by month under no id you or the
/// referrer hold. Erasing twice is harmless.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath),
    responses((status = 204, description = "Erased")),
    security(("bearer" = []))
)]
#[post("/referrals/{id}/erase")]
async fn erase_referral(
    caller: Authorized<DataStewards>,
    state: web::Data<AppState>,
    path: web::Path<ReferralPath>,
) -> Result<HttpResponse, ApiError> {
    let id = path.id;
    let scope = ReferralAccess::of(&caller.caller).stewardship_scope();
    record::operate(&state, &caller, ResourceType::Referral, id, move |ctx| {
        usecases::erase(ctx, scope, id)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Who read or changed a referral.
///
/// For the target centre's coordinators and administrators: the basis for answering a person's
/// request to know who has seen their data. Oldest first.
#[utoipa::path(
    tag = "referrals",
    params(ReferralPath, PageQuery),
    responses((status = 200, description = "One page of audit events", body = Paginated<AuditEvent>)),
    security(("bearer" = []))
)]
#[get("/referrals/{id}/access-log")]
async fn referral_access_log(
    caller: Authorized<DataStewards>,
    state: web::Data<AppState>,
    path: web::Path<ReferralPath>,
    page: Pagination,
) -> Result<web::Json<Paginated<AuditEvent>>, ApiError> {
    let id = path.id;
    let scope = ReferralAccess::of(&caller.caller).stewardship_scope();
    let found = record::read(&state, &caller, ResourceType::Referral, id, move |conn| {
        Ok(usecases::access_log(conn, scope, id, page.0)?)
    })
    .await?;
    Ok(web::Json(pagination::to_wire(&state, found, |event| {
        event
    })?))
}
