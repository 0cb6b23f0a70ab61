//! API clients: an administrator registers a client for an organisation (with roles its kind
//! can hold) and revokes it; the organisation approves a client that reads its personal data.

use crate::{Context, UseCaseError};
use samhandling_domain::api_client::ApiClient;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::role::misfit;
use samhandling_domain::OrganisationId;
use samhandling_persistence::api_clients::{self as store, NewApiClient};
use samhandling_persistence::organisations;

/// Registers `client` for its organisation: the organisation exists (else `organisation_id`
/// names no record), and every role fits its kind.
pub fn register(
    ctx: &mut Context<'_>,
    client: &NewApiClient<'_>,
) -> Result<ApiClient, UseCaseError> {
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
pub fn revoke(ctx: &mut Context<'_>, id: uuid::Uuid) -> Result<ApiClient, UseCaseError> {
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
    id: uuid::Uuid,
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
