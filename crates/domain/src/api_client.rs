//! API clients: third-party systems (a municipality's case-management system, say) that obtain
//! tokens with the OAuth 2.0 client-credentials grant instead of a person logging in.

use crate::role::Role;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A registered system, acting for one organisation with a fixed set of roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a62",
    "organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a61",
    "name": "Stjørdal fagsystem",
    "roles": ["referrer"],
    "created_at": "2026-11-23T10:00:00Z",
    "approval": "not_needed",
    "approved_at": "2026-11-23T10:00:00Z",
    "revoked_at": null
}))]
pub struct ApiClient {
    /// Identifier, also the OAuth `client_id`.
    pub id: Uuid,
    /// The organisation every token of this client acts for.
    pub organisation_id: Uuid,
    /// A name people recognise, e.g. the product and site.
    pub name: String,
    /// The roles its tokens carry.
    pub roles: Vec<Role>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// Whether its organisation must approve it, and has.
    pub approval: Approval,
    /// When it was approved (at registration when no approval is needed).
    pub approved_at: Option<DateTime<Utc>>,
    /// When it was revoked; a revoked client obtains no tokens, and its tokens stop working.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Where a client stands with the organisation whose data it would read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// Its roles read no personal data: registration is enough.
    NotNeeded,
    /// Its roles read personal data: a coordinator of its organisation must approve it first.
    Pending,
    /// Its organisation approved it.
    Approved,
}

impl ApiClient {
    /// Whether the client may obtain tokens, and its tokens act: approved and not revoked.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none() && self.approved_at.is_some()
    }
}

/// Whether a client with `roles` needs its organisation's approval before it acts.
pub fn needs_approval(roles: &[Role]) -> bool {
    roles.iter().any(|role| role.reads_personal_data())
}

/// A rule a client registration would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ApiClientRule {
    /// A client without roles could do nothing.
    #[error("an API client needs at least one role")]
    NoRoles,
    /// Administration is for people, who are accountable by name; a stolen system secret must
    /// never be able to create organisations or read the audit trail.
    #[error("an API client cannot hold the admin role")]
    AdminRole,
}

/// Checks the roles requested for a client.
pub fn check_client_roles(roles: &[Role]) -> Result<(), ApiClientRule> {
    if roles.is_empty() {
        return Err(ApiClientRule::NoRoles);
    }
    if roles.contains(&Role::Admin) {
        return Err(ApiClientRule::AdminRole);
    }
    Ok(())
}

crate::page::keyed_by!(ApiClient, created_at);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_need_roles_but_not_admin() {
        assert_eq!(check_client_roles(&[]), Err(ApiClientRule::NoRoles));
        assert_eq!(
            check_client_roles(&[Role::Referrer, Role::Admin]),
            Err(ApiClientRule::AdminRole)
        );
        assert_eq!(check_client_roles(&[Role::Referrer]), Ok(()));
    }
}
