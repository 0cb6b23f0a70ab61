//! Referrals (henvisninger) and self-registrations to self-help centres, and the lifecycle a
//! centre moves them through. The offer is low-threshold: free, no diagnosis, no referral needed.
//! So the record asks for no diagnosis, and a referrer sees the person's progress only where the
//! person has consented to feedback.

pub mod access;
pub mod retention;

pub use access::{MoveRefusal, ReferralAccess, ReferralScope};
pub use retention::RetentionPolicy;

use crate::agreement::FeedbackLevel;
use crate::lifecycle::check_among;
pub use crate::lifecycle::IllegalTransition;
use crate::wire::wire_enum;
use chrono::{DateTime, Utc};

wire_enum! {
    /// What the person is referred to. Only self-help groups: a network meeting is offered by
    /// the trained professional who already works with the person, in that person's own service,
    /// and logged without identity (`/api/v1/network-meetings`), so it is never referred.
    Offer {
        /// Selvhjelpsgruppe: a self-organised conversation group.
        SelfHelpGroup => "self_help_group",
    }
}

wire_enum! {
    /// Target groups of the centres' projects; for statistics and matching, never a diagnosis.
    TargetGroup {
        /// Innvandrere og flyktninger.
        ImmigrantOrRefugee => "immigrant_or_refugee",
        /// On work assessment allowance (AAP, arbeidsavklaringspenger).
        WorkAssessmentAllowance => "work_assessment_allowance",
        /// Young adults outside work and study.
        YoungAdultOutsideWorkOrStudy => "young_adult_outside_work_or_study",
        /// Anyone else.
        Other => "other",
    }
}

wire_enum! {
    /// How the person would like to meet.
    PreferredFormat {
        /// At the centre or out in the municipality.
        InPerson => "in_person",
        /// Digitally.
        Digital => "digital",
        /// Either.
        NoPreference => "no_preference",
    }
}

wire_enum! {
    /// How consent was obtained.
    ConsentMethod {
        /// In a meeting.
        InPerson => "in_person",
        /// By phone.
        Phone => "phone",
        /// In a digital form or message.
        Digital => "digital",
        /// On paper, signed.
        Written => "written",
    }
}

wire_enum! {
    /// Whether the person came through a referrer or signed up themselves.
    Source {
        /// Referred by a municipality, NAV or their systems.
        Referral => "referral",
        /// Signed up without a referral.
        SelfRegistration => "self_registration",
    }
}

wire_enum! {
    /// Why a transition was made: a code, never free text, so no personal data enters the history.
    ReasonCode {
        /// The person asked for it.
        PersonRequest => "person_request",
        /// The person could not be reached after several attempts.
        NoContactAfterAttempts => "no_contact_after_attempts",
        /// Another service fits the person better.
        BetterServedElsewhere => "better_served_elsewhere",
        /// No suitable group exists or can be started.
        NoSuitableGroup => "no_suitable_group",
        /// The referral duplicates another.
        Duplicate => "duplicate",
        /// Something else.
        Other => "other",
    }
}

wire_enum! {
    /// Where a referral is in its lifecycle.
    ReferralStatus {
        /// Sent, not yet seen by the centre.
        Submitted => "submitted",
        /// Seen and accepted for follow-up by the centre.
        Received => "received",
        /// The centre has talked to the person.
        Contacted => "contacted",
        /// An intake conversation (inntakssamtale) is booked.
        IntakeScheduled => "intake_scheduled",
        /// The intake conversation took place.
        IntakeCompleted => "intake_completed",
        /// Waiting for a group to start (a group starts at 4–5 participants).
        WaitingForGroup => "waiting_for_group",
        /// The person has joined a group or meeting.
        Placed => "placed",
        /// Done: the follow-up of this referral is complete.
        Closed => "closed",
        /// The person said no.
        DeclinedByPerson => "declined_by_person",
        /// The person could not be reached.
        NotReachable => "not_reachable",
        /// The referrer withdrew the referral.
        Withdrawn => "withdrawn",
        /// Sent on to another service.
        Redirected => "redirected",
        /// Nobody worked on it for the inactivity limit (`RETENTION_INACTIVE_DAYS`): the
        /// retention sweep ended it, after telling the centre, and erased the person.
        Expired => "expired",
    }
}

wire_enum! {
    /// The status a referrer sees without the person's consent to feedback.
    CoarseStatus {
        /// Not yet in progress.
        Received => "received",
        /// Being followed up.
        InProgress => "in_progress",
        /// Followed up to the end.
        Completed => "completed",
        /// Ended without completion.
        Ended => "ended",
    }
}

/// Who moves a referral: the centre it is addressed to, or the organisation that sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The target centre's coordinators.
    Centre,
    /// The referring organisation's referrers.
    Referrer,
}

impl ReferralStatus {
    /// Statuses with no way out.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            ReferralStatus::Closed
                | ReferralStatus::DeclinedByPerson
                | ReferralStatus::NotReachable
                | ReferralStatus::Withdrawn
                | ReferralStatus::Redirected
                | ReferralStatus::Expired
        )
    }

    /// What a referrer sees without feedback consent.
    pub const fn coarse(self) -> CoarseStatus {
        match self {
            ReferralStatus::Submitted | ReferralStatus::Received => CoarseStatus::Received,
            ReferralStatus::Contacted
            | ReferralStatus::IntakeScheduled
            | ReferralStatus::IntakeCompleted
            | ReferralStatus::WaitingForGroup => CoarseStatus::InProgress,
            ReferralStatus::Placed | ReferralStatus::Closed => CoarseStatus::Completed,
            ReferralStatus::DeclinedByPerson
            | ReferralStatus::NotReachable
            | ReferralStatus::Withdrawn
            | ReferralStatus::Redirected
            | ReferralStatus::Expired => CoarseStatus::Ended,
        }
    }

    /// The statuses `party` may move a referral to from this one. The exits are open at every
    /// step before the end; only the referrer withdraws, and only before the person is placed.
    pub fn allowed_transitions(self, party: Party) -> Vec<ReferralStatus> {
        use ReferralStatus as S;
        match party {
            Party::Referrer => match self {
                S::Submitted
                | S::Received
                | S::Contacted
                | S::IntakeScheduled
                | S::IntakeCompleted
                | S::WaitingForGroup => {
                    vec![S::Withdrawn]
                }
                _ => Vec::new(),
            },
            Party::Centre => {
                let mut next = match self {
                    S::Submitted => vec![S::Received],
                    S::Received => vec![S::Contacted],
                    S::Contacted => vec![S::IntakeScheduled],
                    S::IntakeScheduled => vec![S::IntakeCompleted],
                    S::IntakeCompleted => vec![S::WaitingForGroup, S::Placed],
                    S::WaitingForGroup => vec![S::Placed],
                    S::Placed => return vec![S::Closed],
                    _ => return Vec::new(),
                };
                if self == S::Submitted {
                    next.push(S::Redirected);
                } else {
                    next.extend([S::DeclinedByPerson, S::NotReachable, S::Redirected]);
                }
                next
            }
        }
    }
}

crate::lifecycle::lifecycle!(status ReferralStatus, "a referral");

/// Checks that `party` may move a referral from `from` to `to`, through the one lifecycle
/// mechanism: a referral's moves depend on the party as well as the status.
pub fn check_transition(
    from: ReferralStatus,
    to: ReferralStatus,
    party: Party,
) -> Result<(), IllegalTransition> {
    check_among(from, to, &from.allowed_transitions(party))
}

/// What the person agreed to, when and how: checked fail-closed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// The centre may contact the person (required).
    pub contact: bool,
    /// The referrer may be told how it goes.
    pub feedback_to_referrer: bool,
    /// How consent was obtained.
    pub method: ConsentMethod,
    /// When consent was obtained.
    pub obtained_at: DateTime<Utc>,
    /// When the person withdrew consent to feedback, if they did.
    pub feedback_withdrawn_at: Option<DateTime<Utc>>,
}

impl Consent {
    /// Whether the referrer may see the detailed status and history now.
    pub fn allows_feedback(&self) -> bool {
        self.feedback_to_referrer && self.feedback_withdrawn_at.is_none()
    }
}

/// The person a referral is about: everything here is erased on request or after retention.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema, serde::Deserialize)]
pub struct Person {
    /// Fornavn.
    pub given_name: String,
    /// Etternavn.
    pub family_name: String,
    /// Phone number, if given.
    pub phone: Option<String>,
    /// E-mail address, if given.
    pub email: Option<String>,
    /// Preferred language as a BCP 47 tag, e.g. `nb`, `en`, `ar`.
    pub preferred_language: String,
    /// Birth year, if given.
    pub birth_year: Option<i16>,
    /// What the person wishes, in their own words.
    pub wishes: Option<String>,
}

/// A referral without the person: what a tombstone keeps after erasure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// Identifier (UUIDv7).
    pub id: uuid::Uuid,
    /// Short reference to quote on the phone, e.g. `7K3M-Q9X2`.
    pub reference: String,
    /// Referred, or self-registered.
    pub source: Source,
    /// The self-help centre it is addressed to.
    pub target_centre_id: uuid::Uuid,
    /// The organisation that referred, for referrals.
    pub referring_organisation_id: Option<uuid::Uuid>,
    /// The referrer's own case reference.
    pub external_reference: Option<String>,
    /// What the person is referred to.
    pub offer: Offer,
    /// Where it is in its lifecycle.
    pub status: ReferralStatus,
    /// Target groups.
    pub target_groups: Vec<TargetGroup>,
    /// How the person would like to meet.
    pub preferred_format: PreferredFormat,
    /// Kommunenummer of residence.
    pub residence_municipality: Option<String>,
    /// What the person consented to.
    pub consent: Consent,
    /// The feedback the collaboration agreement between the referrer and the centre gives (see
    /// [`crate::agreement`]); referrals from before agreements existed keep `detailed`.
    pub agreed_feedback: FeedbackLevel,
    /// When it reached a terminal status.
    pub ended_at: Option<DateTime<Utc>>,
    /// When the person's data was erased.
    pub erased_at: Option<DateTime<Utc>>,
    /// Increases with every change.
    pub version: i32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Increases with every change its referrer may see, and only then (see
    /// [`Referral::referrer_notices`]).
    pub referrer_version: i32,
    /// When its referrer's view last changed.
    pub referrer_updated_at: DateTime<Utc>,
}

impl Referral {
    /// The status its referrer may see: the coarse status when the agreement gives feedback, and
    /// the detailed status when it gives detailed feedback and the person consents; nothing
    /// beyond the receipt without an agreement that gives feedback.
    pub fn status_for_referrer(&self) -> (Option<CoarseStatus>, Option<ReferralStatus>) {
        self.referrer_sees(self.status)
    }

    /// Whether the referrer may see the detailed status and history now.
    pub fn shows_referrer_detail(&self) -> bool {
        self.agreed_feedback.shows_detailed() && self.consent.allows_feedback()
    }

    fn referrer_sees(
        &self,
        status: ReferralStatus,
    ) -> (Option<CoarseStatus>, Option<ReferralStatus>) {
        let coarse = self
            .agreed_feedback
            .shows_coarse()
            .then_some(status.coarse());
        (coarse, self.shows_referrer_detail().then_some(status))
    }

    /// Whether its referrer's view changes when the referral moves to `to`. Only what the
    /// agreement and consent let it see shows; every counter, time and filter the referrer has
    /// moves with this and nothing else, so none of them counts the centre's steps.
    pub fn referrer_notices(&self, to: ReferralStatus) -> bool {
        self.status_for_referrer() != self.referrer_sees(to)
    }
}

/// One step of a referral's history; none of the organisation for system jobs either.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(
    as = TransitionView,
    description = "One step of a referral's history. Codes only: no free text, no names."
)]
pub struct Transition {
    /// The status before (none for the first step).
    pub from_status: Option<ReferralStatus>,
    /// The status after.
    pub to_status: ReferralStatus,
    /// Why.
    pub reason: Option<ReasonCode>,
    /// The organisation that made the change (the centre or the referrer); none for a
    /// self-registration.
    pub actor_organisation_id: Option<uuid::Uuid>,
    /// When.
    pub occurred_at: DateTime<Utc>,
}

/// A short, unambiguous reference (Crockford base32, no I, L, O or U), from 40 random bits.
pub fn reference_from(random: [u8; 5]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let bits = random
        .iter()
        .fold(0_u64, |acc, byte| (acc << 8) | u64::from(*byte));
    let symbols: Vec<u8> = (0..8)
        .rev()
        .map(|index| ALPHABET[usize::try_from((bits >> (index * 5)) & 31).unwrap_or(0)])
        .collect();
    format!(
        "{}-{}",
        String::from_utf8_lossy(&symbols[..4]),
        String::from_utf8_lossy(&symbols[4..])
    )
}

crate::page::keyed_by!(Referral, created_at);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_centre_walks_the_happy_path() {
        let path = [
            ReferralStatus::Submitted,
            ReferralStatus::Received,
            ReferralStatus::Contacted,
            ReferralStatus::IntakeScheduled,
            ReferralStatus::IntakeCompleted,
            ReferralStatus::WaitingForGroup,
            ReferralStatus::Placed,
            ReferralStatus::Closed,
        ];
        for step in path.windows(2) {
            assert_eq!(
                check_transition(step[0], step[1], Party::Centre),
                Ok(()),
                "{step:?}"
            );
        }
        assert!(ReferralStatus::Closed
            .allowed_transitions(Party::Centre)
            .is_empty());
    }

    #[test]
    fn only_the_referrer_withdraws_and_only_before_placement() {
        assert!(check_transition(
            ReferralStatus::Contacted,
            ReferralStatus::Withdrawn,
            Party::Referrer
        )
        .is_ok());
        assert!(check_transition(
            ReferralStatus::Contacted,
            ReferralStatus::Withdrawn,
            Party::Centre
        )
        .is_err());
        let refused = check_transition(
            ReferralStatus::Placed,
            ReferralStatus::Withdrawn,
            Party::Referrer,
        )
        .expect_err("placed is past withdrawal");
        assert!(refused.allowed.is_empty());
        assert!(check_transition(
            ReferralStatus::Received,
            ReferralStatus::Contacted,
            Party::Referrer
        )
        .is_err());
    }

    #[test]
    fn illegal_transitions_name_the_allowed_ones() {
        let refused = check_transition(
            ReferralStatus::Submitted,
            ReferralStatus::Placed,
            Party::Centre,
        )
        .expect_err("cannot skip intake");
        assert_eq!(refused.allowed, vec!["received", "redirected"]);
    }

    #[test]
    fn every_status_has_a_coarse_face_and_terminals_end_the_lifecycle() {
        for status in ReferralStatus::ALL {
            let _ = status.coarse();
            if status.is_terminal() {
                assert!(status.allowed_transitions(Party::Centre).is_empty());
                assert!(status.allowed_transitions(Party::Referrer).is_empty());
            }
        }
        assert_eq!(
            ReferralStatus::WaitingForGroup.coarse(),
            CoarseStatus::InProgress
        );
        assert_eq!(ReferralStatus::Redirected.coarse(), CoarseStatus::Ended);
    }

    #[test]
    fn without_consent_the_referrer_notices_only_coarse_changes() {
        let mut referral = Referral {
            id: uuid::Uuid::nil(),
            reference: "0000-0000".into(),
            source: Source::Referral,
            target_centre_id: uuid::Uuid::nil(),
            referring_organisation_id: Some(uuid::Uuid::nil()),
            external_reference: None,
            offer: Offer::SelfHelpGroup,
            status: ReferralStatus::Contacted,
            target_groups: Vec::new(),
            preferred_format: PreferredFormat::NoPreference,
            residence_municipality: None,
            consent: Consent {
                contact: true,
                feedback_to_referrer: false,
                method: ConsentMethod::InPerson,
                obtained_at: Utc::now(),
                feedback_withdrawn_at: None,
            },
            agreed_feedback: FeedbackLevel::Detailed,
            ended_at: None,
            erased_at: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
            referrer_version: 1,
            referrer_updated_at: Utc::now(),
        };
        assert!(!referral.referrer_notices(ReferralStatus::IntakeScheduled));
        assert!(referral.referrer_notices(ReferralStatus::Placed));
        referral.consent.feedback_to_referrer = true;
        assert!(referral.referrer_notices(ReferralStatus::IntakeScheduled));

        // The agreement caps what consent allows: coarse shows only coarse changes, none nothing.
        referral.agreed_feedback = FeedbackLevel::Coarse;
        assert_eq!(
            referral.status_for_referrer(),
            (Some(CoarseStatus::InProgress), None)
        );
        assert!(!referral.referrer_notices(ReferralStatus::IntakeScheduled));
        assert!(referral.referrer_notices(ReferralStatus::Placed));
        referral.agreed_feedback = FeedbackLevel::None;
        assert_eq!(referral.status_for_referrer(), (None, None));
        assert!(!referral.referrer_notices(ReferralStatus::Placed));
        assert!(!referral.referrer_notices(ReferralStatus::Withdrawn));
    }

    #[test]
    fn references_are_short_and_unambiguous() {
        assert_eq!(reference_from([0; 5]), "0000-0000");
        assert_eq!(reference_from([255; 5]), "ZZZZ-ZZZZ");
        let reference = reference_from([0x12, 0x34, 0x56, 0x78, 0x9a]);
        assert_eq!(reference.len(), 9);
        assert!(!reference.contains(['I', 'L', 'O', 'U']));
    }

    #[test]
    fn wire_names_are_the_schema_enums() {
        use crate::wire::schema_names;
        let names = |all: &[ReferralStatus]| {
            all.iter()
                .map(|s| s.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(schema_names::<ReferralStatus>(), names(ReferralStatus::ALL));
        assert_eq!(
            schema_names::<TargetGroup>(),
            TargetGroup::ALL
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            schema_names::<CoarseStatus>(),
            CoarseStatus::ALL
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn feedback_needs_consent_that_is_not_withdrawn() {
        let consent = Consent {
            contact: true,
            feedback_to_referrer: true,
            method: ConsentMethod::InPerson,
            obtained_at: Utc::now(),
            feedback_withdrawn_at: None,
        };
        assert!(consent.allows_feedback());
        let withdrawn = Consent {
            feedback_withdrawn_at: Some(Utc::now()),
            ..consent.clone()
        };
        assert!(!withdrawn.allows_feedback());
        let never = Consent {
            feedback_to_referrer: false,
            ..consent
        };
        assert!(!never.allows_feedback());
    }
}
