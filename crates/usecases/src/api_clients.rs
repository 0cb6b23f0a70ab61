//! API clients: an administrator registers a client for an organisation (with roles its kind
//! can hold) and revokes it; the organisation approves a client that reads its personal data.

use crate::input::Name;
use crate::{Context, UseCaseError};
use samhandling_domain::api_client::check_client_roles;
use samhandling_domain::api_client::ApiClient;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::role::misfit;
use samhandling_domain::{Caller, OrganisationId, Role};
use samhandling_persistence::api_clients as store;
use samhandling_persistence::{organisations, PgConnection};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;
use validator::Validate;

pub use samhandling_persistence::api_clients::{ApiClientCredentials, NewApiClient};

/// A system to register.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "organisation_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a61",
    "name": "Stjørdal fagsystem",
    "roles": ["referrer"]
}))]
pub struct CreateApiClient {
    /// The organisation its tokens act for.
    pub organisation_id: Uuid,
    /// A name people recognise.
    pub name: Name,
    /// The roles its tokens carry; at least one, never `admin`.
    #[validate(length(min = 1, max = 7))]
    #[schema(value_type = Vec<ClientRole>, min_items = 1, max_items = 7)]
    pub roles: Vec<Role>,
}

/// A role an API client may hold: every role the domain rule admits (all but `admin`). Derived
/// from that rule, so the documented enum cannot drift from what registration accepts.
pub struct ClientRole;

impl PartialSchema for ClientRole {
    fn schema() -> RefOr<Schema> {
        let admitted = Role::ALL
            .into_iter()
            .filter(|role| check_client_roles(&[*role]).is_ok())
            .map(Role::as_str);
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(admitted))
            .into()
    }
}

impl ToSchema for ClientRole {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("ClientRole")
    }
}

/// Registers the client `id` (its secret kept as `secret_hash`) for its organisation: no role is
/// one a client may not hold, the organisation exists (else `organisation_id` names no
/// record), and every role fits its kind.
pub fn register(
    ctx: &mut Context<'_>,
    id: Uuid,
    input: &CreateApiClient,
    secret_hash: &str,
) -> Result<ApiClient, UseCaseError> {
    check_client_roles(&input.roles)
        .map_err(|rule| UseCaseError::invalid("roles", "roles", rule.to_string()))?;
    let client = &NewApiClient {
        id,
        organisation_id: input.organisation_id,
        name: input.name.as_str(),
        roles: &input.roles,
        secret_hash,
    };
    let organisation = organisations::find(ctx.conn(), client.organisation_id)?
        .ok_or(UseCaseError::MissingReference("organisation_id"))?;
    if let Some(role) = misfit(client.roles, organisation.kind) {
        return Err(UseCaseError::invalid(
            "roles",
            "role_not_for_organisation",
            format!(
                "an organisation of kind {} cannot hold the role {role}",
                organisation.kind
            ),
        ));
    }
    let stored = store::insert(ctx.conn(), client)?;
    ctx.audit(AuditAction::Created, ResourceType::ApiClient, client.id)?;
    Ok(stored)
}

/// Revokes the client `id`; revoking twice keeps the first time.
pub fn revoke(ctx: &mut Context<'_>, id: Uuid) -> Result<ApiClient, UseCaseError> {
    let revoked = store::revoke(ctx.conn(), id)?.ok_or(UseCaseError::NotFound)?;
    ctx.audit(AuditAction::Revoked, ResourceType::ApiClient, id)?;
    Ok(revoked)
}

/// The organisation `organisation` (by its coordinator `approver`) approves its client `id` to
/// read its personal data. Another organisation's client is not found; a revoked one cannot be
/// approved.
pub fn approve(
    ctx: &mut Context<'_>,
    organisation: OrganisationId,
    approver: &str,
    id: Uuid,
) -> Result<ApiClient, UseCaseError> {
    let found = store::find(ctx.conn(), id)?
        .filter(|client| client.organisation_id == organisation.uuid())
        .ok_or(UseCaseError::NotFound)?;
    if found.revoked_at.is_some() {
        return Err(UseCaseError::Conflict(
            "a revoked client cannot be approved".into(),
        ));
    }
    let granted =
        store::approve(ctx.conn(), id, organisation, approver)?.ok_or(UseCaseError::NotFound)?;
    ctx.audit(AuditAction::Approved, ResourceType::ApiClient, id)?;
    Ok(granted)
}

/// The clients a caller may see: every organisation's for an administrator, its own otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientScope {
    organisation: Option<Uuid>,
}

impl ClientScope {
    /// The scope of `caller`.
    pub fn of(caller: &Caller) -> ClientScope {
        ClientScope {
            organisation: (!caller.has_role(Role::Admin)).then_some(caller.organisation_id.uuid()),
        }
    }

    /// The scope of a list of the clients of `asked` (of every organisation the scope holds
    /// when `None`); `None` when it can show none, as when a coordinator asks for another
    /// organisation's clients.
    pub fn asking(self, asked: Option<Uuid>) -> Option<ClientScope> {
        match self.organisation {
            Some(own) if asked.is_some_and(|asked| asked != own) => None,
            Some(_) => Some(self),
            None => Some(ClientScope {
                organisation: asked,
            }),
        }
    }

    fn holds(self, client: &ApiClient) -> bool {
        self.organisation
            .is_none_or(|own| client.organisation_id == own)
    }
}

/// A page of the clients in `scope`, in registration order.
pub fn list(
    conn: &mut PgConnection,
    scope: ClientScope,
    page: PageRequest,
) -> Result<Page<ApiClient>, UseCaseError> {
    Ok(store::list(conn, scope.organisation, page)?)
}

/// The client `id`, if in `scope`; never its secret.
pub fn find(
    conn: &mut PgConnection,
    scope: ClientScope,
    id: Uuid,
) -> Result<ApiClient, UseCaseError> {
    store::find(conn, id)?
        .filter(|client| scope.holds(client))
        .ok_or(UseCaseError::NotFound)
}

/// The client `id` with the hash its presented secret is verified against, for the token
/// endpoint; `None` when no client has the id (revoked and pending clients are found).
pub fn credentials(
    conn: &mut PgConnection,
    id: Uuid,
) -> Result<Option<ApiClientCredentials>, UseCaseError> {
    Ok(store::find_credentials(conn, id)?)
}

/// Records that the client `id`, authenticated by its secret, was issued a token: the
/// context's actor is the client itself.
pub fn token_issued(ctx: &mut Context<'_>, id: Uuid) -> Result<(), UseCaseError> {
    ctx.audit(AuditAction::TokenIssued, ResourceType::ApiClient, id)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, organisation: Uuid) -> Caller {
        Caller {
            subject: "someone".into(),
            organisation_id: OrganisationId::new(organisation),
            roles: vec![role],
        }
    }

    #[test]
    fn a_coordinator_lists_only_its_own_organisations_clients() {
        let (own, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let scope = ClientScope::of(&caller(Role::CentreCoordinator, own));
        assert_eq!(scope.asking(Some(other)), None);
        for asked in [None, Some(own)] {
            assert_eq!(
                scope.asking(asked),
                Some(ClientScope {
                    organisation: Some(own)
                })
            );
        }
    }

    #[test]
    fn an_administrator_lists_every_organisations_clients_or_the_one_asked_for() {
        let scope = ClientScope::of(&caller(Role::Admin, Uuid::from_u128(1)));
        let other = Uuid::from_u128(2);
        assert_eq!(scope.asking(None), Some(scope));
        assert_eq!(
            scope.asking(Some(other)),
            Some(ClientScope {
                organisation: Some(other)
            })
        );
    }
}
