//! The audit trail: who did what to which record, when, and in which request. Records here concern
//! people's mental health and drug use (GDPR art. 9; Normen), so a change's event is written in
//! the transaction of the change (there is never a change without its event), and a read's event
//! is committed, in a batch with other reads', before the data it records leaves the server.

use crate::wire::wire_enum;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

pub use crate::wire::UnknownName;
use uuid::Uuid;

wire_enum! {
    /// What was done.
    AuditAction {
        /// A record was created.
        Created => "created",
        /// A record was changed.
        Updated => "updated",
        /// Personal data was shown to the caller.
        Read => "read",
        /// A credential was withdrawn, or a facilitator ended a centre's link to it.
        Revoked => "revoked",
        /// An API client obtained an access token.
        TokenIssued => "token_issued",
        /// A referral moved to another status.
        Transitioned => "transitioned",
        /// Personal data was erased, on request or by the retention sweep.
        Erased => "erased",
        /// The person withdrew consent to feedback to the referrer.
        ConsentWithdrawn => "consent_withdrawn",
        /// An organisation let an API client read its personal data, or a facilitator confirmed
        /// a centre's link to it (and so let the centre read its logs).
        Approved => "approved",
        /// A subscription was re-enabled and its abandoned deliveries queued again.
        Replayed => "replayed",
        /// A subscription's signing secret was replaced.
        SecretRotated => "secret_rotated",
        /// A caller asked for a record outside what it may see (a 404 it was given): probing
        /// another organisation's ids leaves a trace.
        AccessDenied => "access_denied",
        /// An intake conversation was held and its outcome recorded.
        Completed => "completed",
    }
}

wire_enum! {
    /// What kind of record it was done to.
    ResourceType {
        /// An organisation.
        Organisation => "organisation",
        /// An API client.
        ApiClient => "api_client",
        /// A referral or self-registration.
        Referral => "referral",
        /// A webhook subscription.
        WebhookSubscription => "webhook_subscription",
        /// A self-help group (with its starters and follow-ups).
        Group => "group",
        /// A group's follow-up request and its visit (changes are audited on the group; a denial
        /// names the follow-up).
        GroupFollowUp => "group_follow_up",
        /// An intake conversation.
        Intake => "intake",
        /// A place in a group.
        Membership => "membership",
        /// A group's session log.
        GroupSession => "group_session",
        /// A county governor's dialogue meeting (with its attendees, basis, findings and
        /// evaluations).
        DialogueMeeting => "dialogue_meeting",
        /// A follow-up action after a dialogue meeting.
        FollowUpAction => "follow_up_action",
        /// An IS-24/8 questionnaire version (its id is derived from the report year).
        Questionnaire => "questionnaire",
        /// A network-meeting course.
        Course => "course",
        /// A professional's enrolment on a course.
        Enrolment => "enrolment",
        /// A competence centre's link to a facilitator it follows up.
        Facilitator => "facilitator",
        /// A network meeting's log.
        NetworkMeeting => "network_meeting",
        /// A supervision session.
        SupervisionSession => "supervision_session",
        /// A learning network (with its member services).
        LearningNetwork => "learning_network",
        /// A learning network's gathering (with its attendance).
        Gathering => "gathering",
        /// An improvement task a member service took home from a gathering, and its report.
        ImprovementTask => "improvement_task",
        /// A municipality's need for help, from a dialogue finding or its own request.
        CollaborationNeed => "collaboration_need",
        /// A collaboration agreement between a self-help centre and a municipality or NAV office.
        CollaborationAgreement => "collaboration_agreement",
        /// A grant from a funder to a recipient (with its activities).
        Grant => "grant",
        /// A county's overview, named by the organisation of the county's one governor.
        CountyOverview => "county_overview",
        /// An outreach meeting (kommunemøte, informasjonsmøte), with its invitations.
        OutreachMeeting => "outreach_meeting",
    }
}

/// Who vouched for the actor, when a trusted issuer's token named it: what the issuer said about
/// the client system, the organisation and the vendor acting for it. Empty for Samhandling's own
/// tokens, the public and system jobs. Never holds a national identity number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Provenance {
    /// The client system (`client_id`).
    pub client: Option<String>,
    /// The organisation number the token named.
    pub organisation_number: Option<String>,
    /// The organisation number of the vendor acting for that organisation.
    pub supplier_number: Option<String>,
    /// The token's issuer (`iss`).
    pub issuer: Option<String>,
}

/// An event about to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    /// The token subject who acted.
    pub actor: String,
    /// The organisation the actor acted for; none for the public and for system jobs.
    pub actor_organisation_id: Option<Uuid>,
    /// What was done.
    pub action: AuditAction,
    /// To what kind of record.
    pub resource_type: ResourceType,
    /// To which record.
    pub resource_id: Uuid,
    /// The request that did it, to join with access logs.
    pub request_id: String,
    /// Who vouched for the actor.
    pub provenance: Provenance,
}

/// The audit event of a creation, while the record has no id yet: the id is all that is missing,
/// and [`Creation::of`] is the one way to complete it, so no event is ever written about a
/// placeholder id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creation {
    /// The token subject who acted.
    pub actor: String,
    /// The organisation the actor acted for; none for the public.
    pub actor_organisation_id: Option<Uuid>,
    /// The kind of record created.
    pub resource_type: ResourceType,
    /// The request that did it.
    pub request_id: String,
    /// Who vouched for the actor.
    pub provenance: Provenance,
}

impl Creation {
    /// The event of creating the record `resource_id`.
    pub fn of(&self, resource_id: Uuid) -> NewAuditEvent {
        NewAuditEvent {
            actor: self.actor.clone(),
            actor_organisation_id: self.actor_organisation_id,
            action: AuditAction::Created,
            resource_type: self.resource_type,
            resource_id,
            request_id: self.request_id.clone(),
            provenance: self.provenance.clone(),
        }
    }
}

/// Who acts in a request: what the events of the several records one change touches share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The token subject who acted.
    pub actor: String,
    /// The organisation the actor acted for.
    pub actor_organisation_id: Option<Uuid>,
    /// The request.
    pub request_id: String,
    /// The request's W3C `traceparent`, passed on to the webhook deliveries it causes; none for
    /// the system's own work.
    pub traceparent: Option<String>,
    /// Who vouched for the actor.
    pub provenance: Provenance,
}

impl Actor {
    /// The event of this actor doing `action` to the record `resource_id`.
    pub fn event(
        &self,
        action: AuditAction,
        resource_type: ResourceType,
        resource_id: Uuid,
    ) -> NewAuditEvent {
        NewAuditEvent {
            actor: self.actor.clone(),
            actor_organisation_id: self.actor_organisation_id,
            action,
            resource_type,
            resource_id,
            request_id: self.request_id.clone(),
            provenance: self.provenance.clone(),
        }
    }
}

/// An event as stored. Carries no personal data itself: ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a63",
    "occurred_at": "2026-11-23T10:00:00Z",
    "actor": "admin@samhandling.example",
    "actor_organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a61",
    "action": "created",
    "resource_type": "organisation",
    "resource_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a64",
    "request_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a65",
    "actor_client": "5d3a1f0e-4c2b-4e8a-9f6d-1b2c3d4e5f60",
    "actor_organisation_number": "974760673",
    "actor_supplier_number": "991825827",
    "actor_issuer": "https://maskinporten.no/"
}))]
pub struct AuditEvent {
    /// Identifier (UUIDv7).
    pub id: Uuid,
    /// When it happened (the transaction's time).
    pub occurred_at: DateTime<Utc>,
    /// The token subject who acted (`anonymous` for the public, `system:<job>` for jobs).
    pub actor: String,
    /// The organisation the actor acted for; none for the public and for system jobs.
    pub actor_organisation_id: Option<Uuid>,
    /// What was done.
    pub action: AuditAction,
    /// To what kind of record.
    pub resource_type: ResourceType,
    /// To which record.
    pub resource_id: Uuid,
    /// The request that did it.
    pub request_id: String,
    /// The client system the token's issuer named, when a trusted issuer's token was used.
    pub actor_client: Option<String>,
    /// The organisation number the token named (the organisation above, as the issuer knows it).
    pub actor_organisation_number: Option<String>,
    /// The organisation number of the vendor acting for that organisation, when one did.
    pub actor_supplier_number: Option<String>,
    /// The issuer of the token (`iss`); none for Samhandling's own tokens.
    pub actor_issuer: Option<String>,
}

/// Filters an administrator can apply to the trail; every one is optional and they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this subject's events.
    pub actor: Option<String>,
    /// Only events by callers acting for this organisation.
    pub actor_organisation_id: Option<Uuid>,
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only this kind of record.
    pub resource_type: Option<ResourceType>,
    /// Only this record.
    pub resource_id: Option<Uuid>,
    /// Only events at or after this time.
    pub occurred_after: Option<DateTime<Utc>>,
    /// Only events before this time.
    pub occurred_before: Option<DateTime<Utc>>,
    /// Only events by callers whose token named this organisation number (a trusted issuer's).
    pub actor_organisation_number: Option<String>,
    /// Only events by callers for whom this supplier (a vendor) acted.
    pub actor_supplier_number: Option<String>,
    /// Only events by callers whose token this issuer signed.
    pub actor_issuer: Option<String>,
}

crate::page::keyed_by!(AuditEvent, occurred_at);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::schema_names;

    #[test]
    fn wire_schema_and_storage_names_agree() {
        for action in AuditAction::ALL {
            assert_eq!(
                serde_json::to_value(action).ok(),
                Some(action.as_str().into())
            );
            assert_eq!(action.as_str().parse::<AuditAction>().ok(), Some(*action));
        }
        for resource in ResourceType::ALL {
            assert_eq!(
                serde_json::to_value(resource).ok(),
                Some(resource.as_str().into())
            );
        }
        let actions: Vec<String> = AuditAction::ALL
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect();
        assert_eq!(schema_names::<AuditAction>(), actions);
        let resources: Vec<String> = ResourceType::ALL
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect();
        assert_eq!(schema_names::<ResourceType>(), resources);
    }
}
