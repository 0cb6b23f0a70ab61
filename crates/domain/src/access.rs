//! Who is calling. Every query is scoped by the caller's organisation, so the caller is a domain
//! value that storage can take, not an HTTP detail.

use crate::ids::OrganisationId;
use crate::role::Role;

/// An authenticated caller: a person or a system acting for one organisation with some roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The token's subject: a user id from the identity provider, or `client:<id>` for API clients.
    pub subject: String,
    /// The organisation the caller acts for; all scoping is by this id.
    pub organisation_id: OrganisationId,
    /// The roles granted by the token.
    pub roles: Vec<Role>,
}

impl Caller {
    /// Whether the caller holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the caller holds at least one of `roles`; an empty list admits every caller.
    pub fn has_any_role(&self, roles: &[Role]) -> bool {
        roles.is_empty() || roles.iter().any(|role| self.has_role(*role))
    }
}
