//! Roles a token can carry. Each one maps to a job in the field, so that an operation's
//! permission reads like the organisation chart it serves.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// What a caller may do. A token carries one or more roles for one organisation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Operates the platform: organisations, API clients, the audit trail.
    Admin,
    /// Refers people to self-help centres (kommunal saksbehandler, NAV-veileder).
    Referrer,
    /// Runs intake at a self-help centre (koordinator i LINK-senter).
    CentreCoordinator,
    /// Starts and follows groups or leads network meetings (igangsetter, nettverksmøteleder).
    Facilitator,
    /// Follows up trained professionals at a competence centre (rådgiver i KoRus/NAPHA).
    CompetenceAdviser,
    /// Holds dialogue meetings with municipalities (rådgiver hos Statsforvalteren).
    GovernorAdviser,
    /// A municipality's contact person for dialogue meetings and follow-up.
    MunicipalContact,
}

impl Role {
    /// Every role, in a stable order, for documentation and validation messages.
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Referrer,
        Role::CentreCoordinator,
        Role::Facilitator,
        Role::CompetenceAdviser,
        Role::GovernorAdviser,
        Role::MunicipalContact,
    ];

    /// The wire name, identical to the JSON and token representation.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Referrer => "referrer",
            Role::CentreCoordinator => "centre_coordinator",
            Role::Facilitator => "facilitator",
            Role::CompetenceAdviser => "competence_adviser",
            Role::GovernorAdviser => "governor_adviser",
            Role::MunicipalContact => "municipal_contact",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of [`Role::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role `{0}`")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(
                serde_json::to_value(role).ok(),
                Some(serde_json::Value::from(role.as_str()))
            );
        }
        assert!("superuser".parse::<Role>().is_err());
    }
}
