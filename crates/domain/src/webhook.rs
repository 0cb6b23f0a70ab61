//! Webhooks close the loop: a referring organisation is told when a referral it sent changes, a
//! centre when a referral's person is due for erasure, a partner when a municipality's need for
//! help is addressed to it, the municipality when the partner answers, and the owner of a dialogue
//! follow-up action when it becomes overdue, so their case-management systems need not poll. The
//! rules here (what is told to whom, which addresses may be called, when to retry) are pure, so
//! they are tested without a network.

use crate::access::Caller;
use crate::coordination::{CollaborationNeed, NeedStatus};
use crate::dialogue::FollowUpAction;
use crate::referral::{CoarseStatus, Referral, ReferralStatus};
use crate::refusal::FieldRefusal;
use crate::role::Role;
use crate::wire::wire_enum;
use crate::OrganisationId;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use std::net::IpAddr;
use uuid::Uuid;

wire_enum! {
    /// What a subscription can be told about.
    EventType {
        /// A referral's status, as the referrer may see it, changed. For referrers.
        ReferralStatusChanged => "referral_status_changed",
        /// A referral's person will be erased by the retention sweep unless the centre works on
        /// it before `erasure_due_at`. For centres.
        ReferralErasureDue => "referral_erasure_due",
        /// A municipality's need or request for help was addressed to the subscriber. For the
        /// partners that can be asked: competence centres, user organisations and the county
        /// governor.
        CollaborationNeedAddressed => "collaboration_need_addressed",
        /// The partner a municipality asked answered its need (accepted, declined or done). For
        /// the municipality's contacts.
        CollaborationNeedAnswered => "collaboration_need_answered",
        /// A dialogue follow-up action the subscriber owns is still open or in progress after
        /// its due date. For every party that can own one.
        FollowUpActionOverdue => "follow_up_action_overdue",
    }
}

/// Every role that is the audience of some event type: the roles that may manage webhook
/// subscriptions at all. A unit test keeps it equal to the union of [`EventType::audience`].
pub const SUBSCRIBER_ROLES: &[Role] = &[
    Role::Referrer,
    Role::CentreCoordinator,
    Role::MunicipalContact,
    Role::GovernorAdviser,
    Role::CompetenceAdviser,
    Role::Facilitator,
];

impl EventType {
    /// The roles an event is for: a subscriber must hold one of them to be told. Each is the
    /// role through which its organisation takes part in what the event reports, so no one
    /// hears of records their role does not reach.
    pub const fn audience(self) -> &'static [Role] {
        match self {
            EventType::ReferralStatusChanged => &[Role::Referrer],
            EventType::ReferralErasureDue => &[Role::CentreCoordinator],
            // A need is addressed to a competence centre (its advisers), a user organisation
            // (which speaks through its facilitators) or the county governor.
            EventType::CollaborationNeedAddressed => &[
                Role::CompetenceAdviser,
                Role::Facilitator,
                Role::GovernorAdviser,
            ],
            EventType::CollaborationNeedAnswered => &[Role::MunicipalContact],
            // An action is owned by a municipality, the governor or a partner of the meeting.
            // Not `facilitator`: a municipality's facilitators hold it too, and reach none of
            // its dialogue records, so a user organisation's actions are read, not pushed.
            EventType::FollowUpActionOverdue => &[
                Role::MunicipalContact,
                Role::GovernorAdviser,
                Role::CompetenceAdviser,
            ],
        }
    }

    /// Whether `caller` holds one of the roles the event is for.
    pub fn is_for(self, caller: &Caller) -> bool {
        self.audience().iter().any(|role| caller.has_role(*role))
    }
}

/// The webhook subscriptions a caller reaches: its organisation's, and of those only the ones
/// whose every event type the caller could have subscribed to. So a municipality's contact does
/// not read the delivery log of its referrers' subscription (referral ids and case references),
/// nor a centre's facilitator the erasure notices its coordinators receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberScope {
    /// The caller's organisation.
    pub organisation_id: OrganisationId,
    /// The event types the caller may hear of.
    pub event_types: Vec<EventType>,
}

impl SubscriberScope {
    /// The scope of `caller`.
    pub fn of(caller: &Caller) -> SubscriberScope {
        SubscriberScope {
            organisation_id: caller.organisation_id,
            event_types: EventType::ALL
                .iter()
                .copied()
                .filter(|event| event.is_for(caller))
                .collect(),
        }
    }
}

wire_enum! {
    /// What became of an attempt, in words that say what to fix and nothing about the receiver's
    /// network: never transport error text, which would make the delivery log a port scanner.
    DeliveryOutcome {
        /// The receiver answered 2xx.
        Delivered => "delivered",
        /// No answer within `WEBHOOK_TIMEOUT`.
        Timeout => "timeout",
        /// The connection was refused.
        Refused => "refused",
        /// The name did not resolve to an address deliveries may reach, or TLS failed.
        Unreachable => "unreachable",
        /// The receiver answered 4xx (or another status that is not 2xx or 5xx).
        Http4xx => "http_4xx",
        /// The receiver answered 5xx.
        Http5xx => "http_5xx",
    }
}

impl DeliveryOutcome {
    /// The outcome of an HTTP answer with `status`.
    pub fn of_status(status: u16) -> DeliveryOutcome {
        match status {
            200..=299 => DeliveryOutcome::Delivered,
            500..=599 => DeliveryOutcome::Http5xx,
            _ => DeliveryOutcome::Http4xx,
        }
    }

    /// Whether the receiver acknowledged the delivery.
    pub fn is_delivered(self) -> bool {
        self == DeliveryOutcome::Delivered
    }
}

wire_enum! {
    /// Where a subscription stands.
    SubscriptionState {
        /// Deliveries flow.
        Active => "active",
        /// Recent attempts failed: the subscription as a whole waits until `paused_until`
        /// before its next attempt (a circuit breaker), so a broken receiver costs one attempt
        /// per back-off step, not one per queued event.
        Paused => "paused",
        /// Its deliveries were abandoned after failing for longer than the retry window. Nothing
        /// is sent until its owner re-enables it with a replay.
        Failing => "failing",
    }
}

/// A subscription's health, as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SubscriptionHealth {
    /// Where it stands.
    pub state: SubscriptionState,
    /// Failed attempts since the last success.
    pub consecutive_failures: i32,
    /// Until when it waits after failures (while `paused`).
    pub paused_until: Option<DateTime<Utc>>,
    /// The last time a receiver acknowledged a delivery.
    pub last_success_at: Option<DateTime<Utc>>,
    /// What became of the last attempt.
    pub last_outcome: Option<DeliveryOutcome>,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Attempt {
    /// When.
    pub attempted_at: DateTime<Utc>,
    /// The receiver's status, if it answered.
    pub status_code: Option<i16>,
    /// What became of it.
    pub outcome: DeliveryOutcome,
    /// How long it took.
    pub duration_ms: i32,
}

/// An event for one subscription, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Delivery {
    /// Identifier, sent as `webhook-id` (the same on every retry and replay).
    pub id: uuid::Uuid,
    /// The event's type.
    pub event_type: EventType,
    /// What is sent (no personal data), as it would be sent now: a detail the person has since
    /// withdrawn consent to, or an erased reference, is gone from it too.
    pub payload: serde_json::Value,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
    /// When the receiver acknowledged it with a 2xx.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When retrying stopped.
    pub abandoned_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<Attempt>,
}

/// What a subscriber is told, typed: the outbox stores these fields as columns (so erasure and
/// consent withdrawal change columns, not JSON paths), and the body is rendered from them when
/// it is sent or shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WebhookEvent {
    /// A referral's status, as its referrer may see it, changed.
    ReferralStatusChanged(ReferralStatusChanged),
    /// A referral's person is due for erasure; to the centre.
    ReferralErasureDue(ReferralErasureDue),
    /// A need was addressed to a partner; to the partner.
    CollaborationNeedAddressed(NeedNotice),
    /// A partner answered a need; to the municipality.
    CollaborationNeedAnswered(NeedNotice),
    /// A follow-up action is overdue; to its owner.
    FollowUpActionOverdue(ActionOverdue),
}

/// A need as its parties are told of it: ids and its status. Never its topic, description,
/// decline reason or offer, which are free text a receiver reads through the API, under its
/// own access rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedNotice {
    /// The need.
    pub need_id: Uuid,
    /// The municipality that needs the help.
    pub municipality_id: Uuid,
    /// Where it stands.
    pub status: NeedStatus,
}

impl NeedNotice {
    /// The notice of `need` as it stands.
    pub fn of(need: &CollaborationNeed) -> NeedNotice {
        NeedNotice {
            need_id: need.id,
            municipality_id: need.municipality_id,
            status: need.status,
        }
    }
}

/// A follow-up action past its due date: ids and the date, never its description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionOverdue {
    /// The action.
    pub action_id: Uuid,
    /// The dialogue meeting it follows up.
    pub meeting_id: Uuid,
    /// The date it was due.
    pub due_on: NaiveDate,
}

/// The centre is told that a referral's person will be erased unless it acts: ids and a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralErasureDue {
    /// The referral.
    pub referral_id: uuid::Uuid,
    /// When the retention sweep erases it, unless the referral changes first.
    pub erasure_due_at: DateTime<Utc>,
}

/// The referrer's view of a referral's move: ids and statuses, no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralStatusChanged {
    /// The referral.
    pub referral_id: uuid::Uuid,
    /// The referrer's case reference; gone once the referral is erased.
    pub external_reference: Option<String>,
    /// The coarse status after the move.
    pub coarse_status: CoarseStatus,
    /// The detailed status, while the person consents to feedback.
    pub status: Option<ReferralStatus>,
    /// Whether the coarse status changed: an event that told only a detailed step is withdrawn
    /// with the consent that allowed it.
    pub coarse_changed: bool,
}

impl WebhookEvent {
    /// The event for the referrer of a referral that moved from `before` to `after`, with the
    /// referrer's organisation; none when the referrer's view did not change.
    pub fn of_referral_move(
        before: &Referral,
        after: &Referral,
    ) -> Option<(OrganisationId, WebhookEvent)> {
        let referrer = OrganisationId::new(after.referring_organisation_id?);
        if !before.referrer_notices(after.status) {
            return None;
        }
        // A referrer told nothing beyond the receipt notices no move, so it has a coarse status.
        let (Some(coarse_status), status) = after.status_for_referrer() else {
            return None;
        };
        Some((
            referrer,
            WebhookEvent::ReferralStatusChanged(ReferralStatusChanged {
                referral_id: after.id,
                external_reference: after.external_reference.clone(),
                coarse_status,
                status,
                coarse_changed: before.status.coarse() != coarse_status,
            }),
        ))
    }

    /// The event for the partner `need` is addressed to, with that partner's organisation; none
    /// for a need recorded with a partner kind only, which no partner is told of.
    pub fn of_need_addressed(need: &CollaborationNeed) -> Option<(OrganisationId, WebhookEvent)> {
        let partner = OrganisationId::new(need.partner_organisation_id?);
        Some((
            partner,
            WebhookEvent::CollaborationNeedAddressed(NeedNotice::of(need)),
        ))
    }

    /// The event for the municipality of `need` once its partner answered it (its status is
    /// accepted, declined or done), with the municipality's organisation; none for any other
    /// status, which is no answer.
    pub fn of_need_answered(need: &CollaborationNeed) -> Option<(OrganisationId, WebhookEvent)> {
        need.status.is_answer().then(|| {
            (
                OrganisationId::new(need.municipality_id),
                WebhookEvent::CollaborationNeedAnswered(NeedNotice::of(need)),
            )
        })
    }

    /// The event for the owner of `action` when it is overdue on `today`, with the owner's
    /// organisation; none while it is not.
    pub fn of_overdue_action(
        action: &FollowUpAction,
        today: NaiveDate,
    ) -> Option<(OrganisationId, WebhookEvent)> {
        action.is_overdue(today).then(|| {
            (
                OrganisationId::new(action.owner_organisation_id),
                WebhookEvent::FollowUpActionOverdue(ActionOverdue {
                    action_id: action.id,
                    meeting_id: action.meeting_id,
                    due_on: action.due_on,
                }),
            )
        })
    }

    /// Its type.
    pub fn event_type(&self) -> EventType {
        match self {
            WebhookEvent::ReferralStatusChanged(_) => EventType::ReferralStatusChanged,
            WebhookEvent::ReferralErasureDue(_) => EventType::ReferralErasureDue,
            WebhookEvent::CollaborationNeedAddressed(_) => EventType::CollaborationNeedAddressed,
            WebhookEvent::CollaborationNeedAnswered(_) => EventType::CollaborationNeedAnswered,
            WebhookEvent::FollowUpActionOverdue(_) => EventType::FollowUpActionOverdue,
        }
    }

    /// The body a receiver gets, in the envelope Standard Webhooks recommends: `type`,
    /// `timestamp` (when the event happened) and `data`.
    pub fn body(&self, occurred_at: DateTime<Utc>) -> serde_json::Value {
        let data = match self {
            WebhookEvent::ReferralStatusChanged(event) => serde_json::json!({
                "referral": {
                    "id": event.referral_id,
                    "external_reference": event.external_reference,
                    "coarse_status": event.coarse_status,
                    "status": event.status,
                }
            }),
            WebhookEvent::ReferralErasureDue(event) => serde_json::json!({
                "referral": {
                    "id": event.referral_id,
                    "erasure_due_at": event.erasure_due_at,
                }
            }),
            WebhookEvent::CollaborationNeedAddressed(need)
            | WebhookEvent::CollaborationNeedAnswered(need) => serde_json::json!({
                "collaboration_need": {
                    "id": need.need_id,
                    "municipality_id": need.municipality_id,
                    "status": need.status,
                }
            }),
            WebhookEvent::FollowUpActionOverdue(action) => serde_json::json!({
                "follow_up_action": {
                    "id": action.action_id,
                    "meeting_id": action.meeting_id,
                    "due_on": action.due_on,
                }
            }),
        };
        serde_json::json!({
            "type": self.event_type(),
            "timestamp": occurred_at,
            "data": data,
        })
    }
}

/// When to try a failed delivery again: exponential backoff from `base`, capped at `cap`, until
/// `give_up_after` has passed since the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Delay after the first failure; doubled after each further one.
    pub base: TimeDelta,
    /// Longest delay between two attempts.
    pub cap: TimeDelta,
    /// How long after the event the last attempt may start.
    pub give_up_after: TimeDelta,
}

impl Default for RetryPolicy {
    /// 10 s, 20 s, 40 s … capped at an hour, for 25 hours: a receiver that is down for a day
    /// still gets every event.
    fn default() -> Self {
        RetryPolicy {
            base: TimeDelta::seconds(10),
            cap: TimeDelta::hours(1),
            give_up_after: TimeDelta::hours(25),
        }
    }
}

impl RetryPolicy {
    /// When to try again after `failed_attempts` failures of an event created at `created_at`;
    /// `None` to give up.
    pub fn next_attempt(
        self,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
        failed_attempts: u32,
    ) -> Option<DateTime<Utc>> {
        let exponent = failed_attempts.saturating_sub(1).min(30);
        let delay = self
            .base
            .checked_mul(1_i32 << exponent.min(30))
            .map_or(self.cap, |delay| delay.min(self.cap));
        let next = now + delay;
        (next <= created_at + self.give_up_after).then_some(next)
    }
}

/// Whether a delivery may connect to `address`. Private, loopback, link-local and other
/// non-public ranges are refused, so a subscription cannot make the server probe its own network
/// (SSRF).
pub fn is_public_address(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                // IETF protocol assignments (RFC 6890), including DS-Lite and NAT64 discovery.
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_address(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            let [first, second, ..] = segments;
            // An IPv4 address wrapped in IPv6 reaches that IPv4 address: the deprecated
            // IPv4-compatible form (::a.b.c.d) and the NAT64 prefixes (64:ff9b::/96 well-known,
            // 64:ff9b:1::/48 local use) are judged by the address inside.
            let embedded = |segments: [u16; 8]| {
                let [a, b] = segments[6].to_be_bytes();
                let [c, d] = segments[7].to_be_bytes();
                IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d))
            };
            if segments[..6] == [0; 6] && !v6.is_loopback() && !v6.is_unspecified() {
                return is_public_address(embedded(segments));
            }
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                return is_public_address(embedded(segments));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first == 0x64 && second == 0xff9b && segments[2] == 1)
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                // Site-local (deprecated, RFC 3879) still routes inside sites.
                || (first & 0xffc0) == 0xfec0
                || first == 0x2001 && second == 0x0db8)
        }
    }
}

crate::page::keyed_by!(Delivery, created_at);

/// Checks that `caller` may subscribe to every one of `event_types`: each event is for a set of
/// roles (referral events for referrers, erasure notices for centres, a need addressed for the
/// partners' roles, …), and the caller must hold one of each event's.
pub fn check_audience(caller: &Caller, event_types: &[EventType]) -> Result<(), FieldRefusal> {
    match event_types.iter().find(|event| !event.is_for(caller)) {
        Some(event) => {
            let roles: Vec<&str> = event.audience().iter().map(|role| role.as_str()).collect();
            let whom = match roles.as_slice() {
                [one] => format!("the role {one}"),
                many => format!("one of the roles {}", many.join(", ")),
            };
            Err(FieldRefusal::new(
                "event_types",
                "not_for_role",
                format!("{event} is for {whom}"),
            ))
        }
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_called() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b:1::5db8:d822",
            "fec0::1",
            "192.0.0.8",
        ] {
            assert!(
                !is_public_address(refused.parse().expect("address")),
                "{refused}"
            );
        }
        for allowed in [
            "93.184.216.34",
            "151.101.1.1",
            "2a00:1450:4001:80b::200e",
            "64:ff9b::5db8:d822",
        ] {
            assert!(
                is_public_address(allowed.parse().expect("address")),
                "{allowed}"
            );
        }
    }

    fn caller(roles: &[Role]) -> Caller {
        Caller {
            subject: "tester".into(),
            organisation_id: OrganisationId::new(Uuid::now_v7()),
            roles: roles.to_vec(),
        }
    }

    fn need(partner: Option<Uuid>, status: NeedStatus) -> CollaborationNeed {
        let raised = crate::coordination::NewNeed {
            id: Uuid::now_v7(),
            origin: crate::coordination::NeedOrigin::Request,
            municipality_id: Uuid::now_v7(),
            county_number: "50".into(),
            finding: None,
            partner_kind: crate::dialogue::PartnerKind::CompetenceCentre,
            partner_organisation_id: partner,
            topic: Some("Kartlegging".into()),
            description: "Opplæring i kartlegging av rusbruk".into(),
        };
        CollaborationNeed {
            status,
            ..raised.open(Utc::now())
        }
    }

    fn action(status: crate::dialogue::ActionStatus, due_on: NaiveDate) -> FollowUpAction {
        let now = Utc::now();
        FollowUpAction {
            id: Uuid::now_v7(),
            meeting_id: Uuid::now_v7(),
            owner_organisation_id: Uuid::now_v7(),
            description: "Plan for brukermedvirkning".into(),
            due_on,
            follow_up_meeting_on: None,
            follow_up_digital: false,
            status,
            version: 1,
            created_at: now,
            updated_at: now,
        }
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn the_subscriber_roles_are_every_audience_and_no_other_role() {
        let mut audiences: Vec<Role> = EventType::ALL
            .iter()
            .flat_map(|event| event.audience().iter().copied())
            .collect();
        audiences.sort();
        audiences.dedup();
        let mut subscribers = SUBSCRIBER_ROLES.to_vec();
        subscribers.sort();
        assert_eq!(audiences, subscribers);
        assert!(EventType::ALL
            .iter()
            .all(|event| !event.audience().is_empty()));
        assert!(!SUBSCRIBER_ROLES.contains(&Role::Admin));
    }

    #[test]
    fn a_caller_subscribes_to_what_one_of_its_roles_is_the_audience_of() {
        use EventType as E;
        let contact = caller(&[Role::MunicipalContact]);
        check_audience(
            &contact,
            &[E::CollaborationNeedAnswered, E::FollowUpActionOverdue],
        )
        .expect("a municipality's contact hears of answers and overdue actions");
        let refused = check_audience(&contact, &[E::CollaborationNeedAddressed])
            .expect_err("needs are addressed to partners, not municipalities");
        assert_eq!(refused.code, "not_for_role");
        assert_eq!(
            refused.message,
            "collaboration_need_addressed is for one of the roles competence_adviser, \
             facilitator, governor_adviser"
        );
        for partner in [Role::CompetenceAdviser, Role::GovernorAdviser] {
            check_audience(
                &caller(&[partner]),
                &[E::CollaborationNeedAddressed, E::FollowUpActionOverdue],
            )
            .expect("a partner hears of needs addressed to it and of its overdue actions");
        }
        // A facilitator hears of needs (a user organisation's), never of actions: a
        // municipality's facilitators hold the role too, and reach none of its dialogue records.
        let facilitator = caller(&[Role::Facilitator]);
        check_audience(&facilitator, &[E::CollaborationNeedAddressed])
            .expect("a user organisation");
        assert!(check_audience(&facilitator, &[E::FollowUpActionOverdue]).is_err());
        let referrer = caller(&[Role::Referrer]);
        assert_eq!(
            check_audience(&referrer, &[E::FollowUpActionOverdue])
                .expect_err("not a party to dialogue")
                .message,
            "follow_up_action_overdue is for one of the roles municipal_contact, \
             governor_adviser, competence_adviser"
        );
        assert_eq!(
            check_audience(&referrer, &[E::ReferralErasureDue])
                .expect_err("for centres")
                .message,
            "referral_erasure_due is for the role centre_coordinator"
        );
        check_audience(
            &caller(&[Role::Referrer, Role::MunicipalContact]),
            &[E::ReferralStatusChanged, E::FollowUpActionOverdue],
        )
        .expect("each event by one of the caller's roles");
    }

    #[test]
    fn a_caller_reaches_the_subscriptions_of_event_types_its_roles_hear_of() {
        let scope = SubscriberScope::of(&caller(&[Role::MunicipalContact]));
        assert_eq!(
            scope.event_types,
            [
                EventType::CollaborationNeedAnswered,
                EventType::FollowUpActionOverdue
            ]
        );
        assert!(SubscriberScope::of(&caller(&[Role::Admin]))
            .event_types
            .is_empty());
    }

    #[test]
    fn a_need_is_told_to_its_partner_and_an_answer_to_its_municipality_by_ids_and_status() {
        let partner = Uuid::now_v7();
        let open = need(Some(partner), NeedStatus::Open);
        let (to, addressed) = WebhookEvent::of_need_addressed(&open).expect("a partner is named");
        assert_eq!(to.uuid(), partner);
        let at: DateTime<Utc> = "2026-12-06T09:30:00Z".parse().expect("a time");
        assert_eq!(
            addressed.body(at),
            serde_json::json!({
                "type": "collaboration_need_addressed",
                "timestamp": "2026-12-06T09:30:00Z",
                "data": {"collaboration_need": {
                    "id": open.id, "municipality_id": open.municipality_id, "status": "open"}}
            })
        );
        assert_eq!(
            WebhookEvent::of_need_addressed(&need(None, NeedStatus::Open)),
            None,
            "a need recorded with a partner kind only is told to no one"
        );

        assert_eq!(WebhookEvent::of_need_answered(&open), None);
        let declined = need(Some(partner), NeedStatus::Declined);
        let (to, answered) = WebhookEvent::of_need_answered(&declined).expect("an answer");
        assert_eq!(to.uuid(), declined.municipality_id);
        assert_eq!(answered.event_type(), EventType::CollaborationNeedAnswered);
        let body = answered.body(at);
        assert_eq!(
            body["data"],
            serde_json::json!({"collaboration_need": {
                "id": declined.id, "municipality_id": declined.municipality_id,
                "status": "declined"}})
        );
        let text = body.to_string();
        for free_text in ["Kartlegging", "rusbruk"] {
            assert!(!text.contains(free_text), "{free_text} in {text}");
        }
        assert_eq!(
            WebhookEvent::of_need_answered(&need(Some(partner), NeedStatus::Withdrawn)),
            None,
            "a withdrawal is the municipality's own move, no answer"
        );
    }

    #[test]
    fn an_overdue_action_is_told_to_its_owner_by_ids_and_due_date() {
        use crate::dialogue::ActionStatus;
        let today = date("2027-03-02");
        let late = action(ActionStatus::InProgress, date("2027-03-01"));
        let (to, event) = WebhookEvent::of_overdue_action(&late, today).expect("overdue");
        assert_eq!(to.uuid(), late.owner_organisation_id);
        let body = event.body("2027-03-02T02:00:00Z".parse().expect("a time"));
        assert_eq!(
            body,
            serde_json::json!({
                "type": "follow_up_action_overdue",
                "timestamp": "2027-03-02T02:00:00Z",
                "data": {"follow_up_action": {
                    "id": late.id, "meeting_id": late.meeting_id, "due_on": "2027-03-01"}}
            })
        );
        assert!(!body.to_string().contains("brukermedvirkning"));
        assert_eq!(
            WebhookEvent::of_overdue_action(&action(ActionStatus::Open, today), today),
            None,
            "due today is not late yet"
        );
        assert_eq!(
            WebhookEvent::of_overdue_action(&action(ActionStatus::Done, date("2027-01-01")), today),
            None,
            "a done action is not overdue"
        );
    }

    #[test]
    fn retries_back_off_and_stop_after_a_day() {
        let policy = RetryPolicy::default();
        let created = Utc::now();
        let first = policy.next_attempt(created, created, 1).expect("retries");
        assert_eq!(first - created, TimeDelta::seconds(10));
        let second = policy.next_attempt(created, created, 2).expect("retries");
        assert_eq!(second - created, TimeDelta::seconds(20));
        let late = policy
            .next_attempt(created, created, 20)
            .expect("still within a day");
        assert_eq!(late - created, TimeDelta::hours(1));
        let after_a_day = created + TimeDelta::hours(24) + TimeDelta::minutes(30);
        assert_eq!(policy.next_attempt(created, after_a_day, 40), None);
    }
}
