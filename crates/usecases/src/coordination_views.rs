//! A collaboration need as each party is shown it: whole to its partner, its municipality and,
//! for a need from a finding or one addressed to it, the county governor; to a governor
//! following a municipality's request to another partner, only that it exists and where it
//! stands.

use crate::coordination::NeedAccess;
use chrono::{DateTime, Utc};
use samhandling_domain::coordination::{CollaborationNeed, NeedOrigin, NeedStatus, Offer};
use samhandling_domain::dialogue::PartnerKind;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// How much of a need the caller is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeedDetail {
    /// Everything.
    Full,
    /// Its existence, parties and state, not what it says: a governor's view of a request its
    /// municipality sent another partner.
    StatesOnly,
}

/// A need for help and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedView {
    /// Identifier.
    pub id: Uuid,
    /// How much of it you are shown.
    pub detail: NeedDetail,
    /// Where it comes from.
    pub origin: NeedOrigin,
    /// The municipality that needs the help.
    pub municipality_id: Uuid,
    /// The dialogue meeting it was voiced at, for a need from a finding.
    pub meeting_id: Option<Uuid>,
    /// The kind of partner asked.
    pub partner_kind: PartnerKind,
    /// The partner asked; absent when the need names a kind only, which no partner sees.
    pub partner_organisation_id: Option<Uuid>,
    /// What it is about, for a request; not shown in `states_only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// What is needed; not shown in `states_only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where it stands.
    pub status: NeedStatus,
    /// Where you may move it.
    pub allowed_transitions: Vec<NeedStatus>,
    /// Why it was declined; not shown in `states_only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
    /// What the partner offers; not shown in `states_only`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<Offer>,
    /// When it was last answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Raised.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

samhandling_domain::versioned!(NeedView);

impl NeedView {
    /// `need` as the caller `access` is shown it.
    pub fn of(access: &NeedAccess, need: CollaborationNeed) -> NeedView {
        let full = access.sees_texts(&need);
        let text = |value: Option<String>| value.filter(|_| full);
        NeedView {
            detail: if full {
                NeedDetail::Full
            } else {
                NeedDetail::StatesOnly
            },
            allowed_transitions: access.allowed_transitions(&need),
            id: need.id,
            origin: need.origin,
            municipality_id: need.municipality_id,
            meeting_id: need.meeting_id,
            partner_kind: need.partner_kind,
            partner_organisation_id: need.partner_organisation_id,
            topic: text(need.topic),
            description: text(Some(need.description)),
            status: need.status,
            decline_reason: text(need.decline_reason),
            offer: need.offer.filter(|_| full),
            answered_at: need.answered_at,
            version: need.version,
            created_at: need.created_at,
            updated_at: need.updated_at,
        }
    }
}
