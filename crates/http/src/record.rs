//! One record of a resource, read or changed the way every resource does it: within the caller's
//! scope (a record outside it is a 404, and that 404 leaves an `access_denied` trace when the
//! record exists), and for a change in one transaction with its audit event, which this module
//! writes itself so that no handler can forget it.
//!
//! A resource supplies only its own rules: the closure finds the record in its scope (`None`
//! when the caller may not see it) and does the work.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::state::AppState;
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_persistence::{audit, PgConnection};
use uuid::Uuid;

/// Reads the record `id` of `resource_type` with `work`, outside any transaction.
pub async fn read<P, T, F>(
    state: &AppState,
    caller: &Authorized<P>,
    resource_type: ResourceType,
    id: Uuid,
    work: F,
) -> Result<T, ApiError>
where
    P: Policy,
    F: FnOnce(&mut PgConnection) -> Result<Option<T>, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let result = crate::db::run(state, move |conn| work(conn)?.ok_or(ApiError::NotFound)).await;
    caller.noting_denial(state, resource_type, id, result).await
}

/// Changes the record `id` of `resource_type` with `work` and records `action` by the caller
/// in the same transaction: the change and its event commit together or not at all.
pub async fn change<P, T, F>(
    state: &AppState,
    caller: &Authorized<P>,
    resource_type: ResourceType,
    action: AuditAction,
    id: Uuid,
    work: F,
) -> Result<T, ApiError>
where
    P: Policy,
    F: FnOnce(&mut PgConnection) -> Result<Option<T>, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let event = caller.audit(action, resource_type, id);
    let result = crate::db::transaction(state, move |conn| {
        let changed = work(conn)?.ok_or(ApiError::NotFound)?;
        audit::record(conn, &event)?;
        Ok(changed)
    })
    .await;
    caller.noting_denial(state, resource_type, id, result).await
}
