//! The audit trail: who did what to which record, when, and in which request. Records here concern
//! people's mental health and drug use (GDPR art. 9; Normen), so an event is written in the same
//! transaction as the change or read it describes: there is never a change without its event.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;
use uuid::Uuid;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $unknown:literal { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        // The wire names are the snake_case variant names: serde and utoipa both derive them from
        // `rename_all`, so the documented enum cannot drift from what is sent (a unit test checks
        // that `as_str` agrees).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in a stable order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and storage name.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == s)
                    .ok_or_else(|| UnknownName { what: $unknown, name: s.to_owned() })
            }
        }
    };
}

/// A stored name this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}`")]
pub struct UnknownName {
    /// Which enumeration.
    pub what: &'static str,
    /// The name found.
    pub name: String,
}

wire_enum! {
    /// What was done.
    AuditAction, "audit action" {
        /// A record was created.
        Created => "created",
        /// A record was changed.
        Updated => "updated",
        /// Personal data was shown to the caller.
        Read => "read",
        /// A credential was withdrawn.
        Revoked => "revoked",
        /// An API client obtained an access token.
        TokenIssued => "token_issued",
    }
}

wire_enum! {
    /// What kind of record it was done to.
    ResourceType, "resource type" {
        /// An organisation.
        Organisation => "organisation",
        /// An API client.
        ApiClient => "api_client",
    }
}

/// An event about to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    /// The token subject who acted.
    pub actor: String,
    /// The organisation the actor acted for.
    pub actor_organisation_id: Uuid,
    /// What was done.
    pub action: AuditAction,
    /// To what kind of record.
    pub resource_type: ResourceType,
    /// To which record.
    pub resource_id: Uuid,
    /// The request that did it, to join with access logs.
    pub request_id: String,
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
    "request_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a65"
}))]
pub struct AuditEvent {
    /// Identifier (UUIDv7).
    pub id: Uuid,
    /// When it happened (the transaction's time).
    pub occurred_at: DateTime<Utc>,
    /// The token subject who acted.
    pub actor: String,
    /// The organisation the actor acted for.
    pub actor_organisation_id: Uuid,
    /// What was done.
    pub action: AuditAction,
    /// To what kind of record.
    pub resource_type: ResourceType,
    /// To which record.
    pub resource_id: Uuid,
    /// The request that did it.
    pub request_id: String,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema_names<T: utoipa::PartialSchema>() -> Vec<String> {
        let schema = serde_json::to_value(T::schema()).unwrap_or_default();
        schema["enum"]
            .as_array()
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

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
