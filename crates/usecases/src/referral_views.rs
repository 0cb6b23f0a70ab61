//! A referral as each party is shown it: the target centre's view and the referrer's, told apart
//! by `view`. Computed from the stored referral by the rules of the domain (what a referrer may
//! know, when the person is due for erasure).

use chrono::{DateTime, Utc};
use samhandling_domain::agreement::FeedbackLevel;
use samhandling_domain::referral::{
    CoarseStatus, ConsentMethod, Offer, Person, PreferredFormat, Referral, ReferralAccess,
    ReferralStatus, RetentionPolicy, Source, TargetGroup, Transition,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

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

/// A referral as its referrer sees it: never the person; the coarse status only under a
/// collaboration agreement that gives feedback, and the detailed status and history only under
/// one that gives detailed feedback, while the person consents to it.
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
    /// The feedback the collaboration agreement between your organisation and the centre gives:
    /// `none` (the receipt only), `coarse` or `detailed`.
    pub feedback: FeedbackLevel,
    /// The status as far as the referrer may know it; `null` when the agreement gives no
    /// feedback (or there is none).
    pub coarse_status: Option<CoarseStatus>,
    /// The detailed status; `null` unless the agreement gives detailed feedback and the person
    /// consents to it.
    pub status: Option<ReferralStatus>,
    /// Whether the person consents to feedback now.
    pub feedback_consent: bool,
    /// What the caller may move it to; empty when the agreement gives no feedback, since it would
    /// tell how far the referral has come (a withdrawal is still taken while it is possible).
    pub allowed_transitions: Vec<ReferralStatus>,
    /// Every step so far, with detailed feedback and consent; absent otherwise and in lists.
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

impl samhandling_domain::version::Versioned for ReferralView {
    fn version(&self) -> i32 {
        match self {
            ReferralView::Centre(centre) => centre.version,
            ReferralView::Referrer(referrer) => referrer.version,
        }
    }
}

/// What a read adds to the bare referral. `person` is absent (lists, referrers), erased, or shown.
#[allow(clippy::option_option)]
#[derive(Debug)]
pub struct Details {
    /// The person: `None` to leave it out, `Some(None)` once erased.
    pub person: Option<Option<Person>>,
    /// The history, or `None` to leave it out.
    pub history: Option<Vec<Transition>>,
}

impl Details {
    /// Neither: what lists and changes show.
    pub const NONE: Details = Details {
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

/// The referral as the caller `access` may see it: the target centre's view, with the erasure due
/// under `retention`, or the referrer's.
pub fn view(
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
    let detailed = referral.shows_referrer_detail();
    let allowed_transitions = if referral.agreed_feedback.shows_coarse() {
        allowed_transitions
    } else {
        Vec::new()
    };
    ReferralView::Referrer(ReferrerReferral {
        feedback: referral.agreed_feedback,
        id: referral.id,
        reference: referral.reference,
        target_centre_id: referral.target_centre_id,
        external_reference: referral.external_reference,
        offer: referral.offer,
        coarse_status,
        status,
        feedback_consent,
        allowed_transitions,
        history: details.history.filter(|_| detailed),
        version: referral.referrer_version,
        created_at: referral.created_at,
        updated_at: referral.referrer_updated_at,
    })
}
