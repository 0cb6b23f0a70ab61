//! The input a referral and a self-registration share: the person, what they want, and the
//! target centre, validated once here for both; and the two request bodies, which are the use
//! cases' input ([`crate::referrals::register_self`] stores a self-registration).

use crate::input::{
    check_language, check_municipality_number, check_phone, check_plain_text, Label, LanguageTag,
    MunicipalityNumberText, Phone,
};
use crate::UseCaseError;
use chrono::{DateTime, SubsecRound, Utc};
use samhandling_domain::agreement::FeedbackLevel;
use samhandling_domain::referral::{
    CoarseStatus, Consent, ConsentMethod, Offer, Person, PreferredFormat, ReferralScope,
    ReferralStatus, RetentionPolicy, Source, TargetGroup,
};
use samhandling_persistence::referrals::{NewReferral, ReferralFilter};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::{Validate, ValidationError};

/// The person: who to contact and how. At least one of `phone` and `email`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[validate(schema(function = "check_reachable"))]
pub struct PersonInput {
    /// Fornavn.
    pub given_name: Label,
    /// Etternavn.
    pub family_name: Label,
    /// Phone number.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(custom(function = "check_phone"))]
    #[schema(value_type = Option<Phone>, nullable = false)]
    pub phone: Option<String>,
    /// E-mail address.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254, nullable = false)]
    pub email: Option<String>,
    /// Preferred language as a BCP 47 tag (`nb`, `nn`, `en`, `ar`, `so`, `uk` …).
    #[validate(custom(function = "check_language"))]
    #[schema(value_type = LanguageTag)]
    pub preferred_language: String,
    /// Birth year, if the person wants to give it.
    #[serde(default, deserialize_with = "crate::input::integral")]
    #[validate(range(min = 1900, max = 2030))]
    #[schema(minimum = 1900, maximum = 2030, nullable = false)]
    pub birth_year: Option<i16>,
    /// Kommunenummer of the municipality the person lives in.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(custom(function = "check_municipality_number"))]
    #[schema(value_type = Option<MunicipalityNumberText>, nullable = false)]
    pub municipality_number: Option<String>,
}

fn check_reachable(person: &PersonInput) -> Result<(), ValidationError> {
    if person.phone.is_none() && person.email.is_none() {
        return Err(ValidationError::new("contact").with_message(Cow::Borrowed(
            "give a phone number or an e-mail address, or both",
        )));
    }
    Ok(())
}

impl PersonInput {
    /// The person as stored.
    pub fn to_person(&self, wishes: Option<String>) -> Person {
        Person {
            given_name: self.given_name.to_string(),
            family_name: self.family_name.to_string(),
            phone: self.phone.clone(),
            email: self.email.clone(),
            preferred_language: self.preferred_language.clone(),
            birth_year: self.birth_year,
            wishes,
        }
    }
}

/// Declares a request body with the fields referrals and self-registrations share (written once
/// here), plus its own. Flattening would be the obvious tool, but serde cannot combine `flatten`
/// with `deny_unknown_fields`, and a misspelt field must never be dropped silently.
macro_rules! referral_request {
    // The extra fields' types come in parentheses and are passed on as raw tokens, so that
    // derives that read a field's type (validator looks for `Option<…>`) see it as written.
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : ($($ty:tt)+),)* }) => {
        #[derive(Debug, Clone, serde::Deserialize, serde::Serialize, validator::Validate, utoipa::ToSchema)]
        $(#[$meta])*
        #[serde(deny_unknown_fields)]
        pub struct $name {
            /// The self-help centre (an organisation of kind `self_help_centre`).
            pub target_centre_id: uuid::Uuid,
            /// What the person is referred to.
            pub offer: samhandling_domain::referral::Offer,
            /// The person.
            #[validate(nested)]
            pub person: $crate::referral_input::PersonInput,
            /// Target groups the person belongs to, if any.
            #[serde(default)]
            #[validate(length(max = 4))]
            #[schema(max_items = 4)]
            pub target_groups: Vec<samhandling_domain::referral::TargetGroup>,
            /// What the person wishes, in their own words (at most 2000 characters).
            #[serde(default, deserialize_with = "crate::input::present")]
            #[schema(nullable = false)]
            pub wishes: Option<crate::input::FreeText>,
            /// How the person would like to meet (default `no_preference`).
            #[serde(default = "crate::referral_input::no_preference")]
            pub preferred_format: samhandling_domain::referral::PreferredFormat,
            $($(#[$fmeta])* pub $field: $($ty)+,)*
        }

        impl $crate::referral_input::ReferralRequest for $name {
            fn common(&self) -> $crate::referral_input::Common<'_> {
                $crate::referral_input::Common {
                    target_centre_id: self.target_centre_id,
                    offer: self.offer,
                    person: &self.person,
                    target_groups: &self.target_groups,
                    wishes: self.wishes.as_deref(),
                    preferred_format: self.preferred_format,
                }
            }
        }
    };
}

/// The shared fields of a request, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Common<'a> {
    /// See the request.
    pub target_centre_id: Uuid,
    /// See the request.
    pub offer: Offer,
    /// See the request.
    pub person: &'a PersonInput,
    /// See the request.
    pub target_groups: &'a [TargetGroup],
    /// See the request.
    pub wishes: Option<&'a str>,
    /// See the request.
    pub preferred_format: PreferredFormat,
}

/// A request built with [`referral_request!`].
pub trait ReferralRequest {
    /// Its shared fields.
    fn common(&self) -> Common<'_>;
}

/// A request's shared fields, owned and ready to be stored from inside a transaction.
#[derive(Debug, Clone)]
pub struct Prepared {
    person: Person,
    /// The self-help centre it is addressed to.
    pub target_centre_id: Uuid,
    offer: Offer,
    preferred_format: PreferredFormat,
    target_groups: Vec<TargetGroup>,
    residence: Option<String>,
}

impl Prepared {
    /// Takes the shared fields of `request`.
    pub fn from_request(request: &impl ReferralRequest) -> Prepared {
        let common = request.common();
        Prepared {
            person: common.person.to_person(common.wishes.map(str::to_owned)),
            target_centre_id: common.target_centre_id,
            offer: common.offer,
            preferred_format: common.preferred_format,
            target_groups: common.target_groups.to_vec(),
            residence: common.person.municipality_number.clone(),
        }
    }

    /// The referral to store, under `reference`.
    pub fn new_referral<'a>(
        &'a self,
        reference: &'a str,
        source: Source,
        referrer: Option<(Uuid, &'a str)>,
        external_reference: Option<&'a str>,
        consent: &'a Consent,
        agreed_feedback: FeedbackLevel,
    ) -> NewReferral<'a> {
        NewReferral {
            id: Uuid::now_v7(),
            reference,
            source,
            target_centre_id: self.target_centre_id,
            referrer,
            external_reference,
            offer: self.offer,
            target_groups: &self.target_groups,
            preferred_format: self.preferred_format,
            residence_municipality: self.residence.as_deref(),
            consent,
            person: &self.person,
            agreed_feedback,
            // PostgreSQL keeps microseconds: the time shown before storing is the time stored.
            created_at: Utc::now().trunc_subsecs(6),
        }
    }
}

/// The default format.
pub fn no_preference() -> PreferredFormat {
    PreferredFormat::NoPreference
}

/// Consent as the referrer recorded it. Checked fail-closed: without `contact: true` there is
/// no referral.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    /// The person agrees to be contacted by the centre. Must be true.
    pub contact: bool,
    /// The person agrees that the referrer is told how it goes.
    #[serde(default)]
    pub feedback_to_referrer: bool,
    /// How consent was obtained.
    pub obtained_via: ConsentMethod,
    /// When consent was obtained.
    #[serde(deserialize_with = "crate::input::timestamp")]
    pub obtained_at: DateTime<Utc>,
}

impl ConsentInput {
    /// The consent as stored; 422 unless the person agreed to be contacted.
    pub fn to_consent(&self) -> Result<Consent, UseCaseError> {
        if !self.contact {
            return Err(UseCaseError::invalid(
                "consent.contact",
                "required",
                "the person must consent to being contacted by the centre",
            ));
        }
        Ok(Consent {
            contact: true,
            feedback_to_referrer: self.feedback_to_referrer,
            method: self.obtained_via,
            obtained_at: self.obtained_at,
            feedback_withdrawn_at: None,
        })
    }
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
        #[serde(default, deserialize_with = "crate::input::present")]
        #[schema(nullable = false)]
        pub external_reference: (Option<Label>),
        /// The person's consent.
        #[validate(nested)]
        pub consent: (ConsentInput),
    }
}

/// The person's agreement, given in the form itself.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfConsent {
    /// The person agrees to be contacted by the centre. Must be true.
    pub contact: bool,
}

referral_request! {
    /// A person signing themselves up.
    #[schema(example = json!({
        "target_centre_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70",
        "offer": "self_help_group",
        "person": {"given_name": "Ola", "family_name": "Nordmann", "email": "ola@example.no", "preferred_language": "nb"},
        "wishes": "Jeg har mistet en nær venn og vil snakke med andre som har opplevd det samme.",
        "consent": {"contact": true}
    }))]
    pub struct SelfRegistration {
        /// The person's agreement to be contacted.
        #[validate(nested)]
        pub consent: (SelfConsent),
    }
}

/// Filters for the list; they combine with AND.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReferralQuery {
    /// Only this status. A referrer finds by it only the referrals whose detailed status it may
    /// see (with the person's consent to feedback); `coarse_status` works for all of its own.
    pub status: Option<ReferralStatus>,
    /// Only this coarse status.
    pub coarse_status: Option<CoarseStatus>,
    /// Only this offer.
    pub offer: Option<Offer>,
    /// Only referrals tagged with this target group.
    pub target_group: Option<TargetGroup>,
    /// Only people living in this municipality (kommunenummer).
    #[validate(custom(function = "check_municipality_number"))]
    #[param(value_type = Option<MunicipalityNumberText>)]
    pub municipality: Option<String>,
    /// Only referrals created at or after this time.
    #[serde(default, deserialize_with = "crate::input::optional_timestamp")]
    pub created_after: Option<DateTime<Utc>>,
    /// Only referrals created before this time.
    #[serde(default, deserialize_with = "crate::input::optional_timestamp")]
    pub created_before: Option<DateTime<Utc>>,
    /// Only referrals changed after this time: for syncing deltas. For a referrer, changed in
    /// its view (`updated_at` of its view).
    #[serde(default, deserialize_with = "crate::input::optional_timestamp")]
    pub updated_after: Option<DateTime<Utc>>,
    /// Only referrals whose person is due for erasure before this time (for the centre: what
    /// the retention sweep will erase unless someone acts).
    #[serde(default, deserialize_with = "crate::input::optional_timestamp")]
    pub erasure_due_before: Option<DateTime<Utc>>,
    /// Only the referral with this external reference (yours, as referrer).
    #[validate(length(min = 1, max = 100), custom(function = "check_plain_text"))]
    #[param(value_type = Option<Label>)]
    pub external_reference: Option<String>,
}

impl ReferralQuery {
    /// The use case's filter for a caller of `scope`, due dates counted under `retention`.
    /// `erasure_due_before` is the centre's alone: due dates count from the centre's last
    /// change, which a referrer's view hides (422 for a referrer).
    pub fn filter(
        self,
        scope: ReferralScope,
        retention: RetentionPolicy,
    ) -> Result<ReferralFilter, UseCaseError> {
        if self.erasure_due_before.is_some() && scope.is_referrer_only() {
            return Err(UseCaseError::invalid(
                "erasure_due_before",
                "not_for_role",
                "erasure_due_before is for the centre",
            ));
        }
        Ok(ReferralFilter {
            status: self.status,
            coarse_status: self.coarse_status,
            offer: self.offer,
            target_group: self.target_group,
            municipality: self.municipality,
            created_after: self.created_after,
            created_before: self.created_before,
            updated_after: self.updated_after,
            external_reference: self.external_reference,
            erasure_due_before: self.erasure_due_before.map(|before| (before, retention)),
        })
    }
}
