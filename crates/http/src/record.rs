//! One record of a resource, read or changed the way every resource does it: within the caller's
//! scope (a record outside it is a 404, and that 404 leaves an `access_denied` trace when the
//! record exists), and for a change in one transaction through a use case of
//! `samhandling-usecases`, which writes the change's audit event itself.
//!
//! A resource supplies only what it reads or which use case it runs: a read finds the record in
//! its scope (`None`, or [`UseCaseError::NotFound`], when the caller may not see it). A handler
//! is then parse, one call here, render.

use crate::auth::{Authorized, Policy};
use crate::error::ApiError;
use crate::pagination::{self, Paginated};
use crate::state::AppState;
use actix_web::web;
use samhandling_domain::audit::{Actor, AuditAction, ResourceType};
use samhandling_domain::page::{Keyed, Page};
use samhandling_persistence::PgConnection;
use samhandling_usecases::{Context, SystemClock, UseCaseError};
use uuid::Uuid;

/// Reads the record `id` of `resource_type` with `work`, outside any transaction.
pub async fn read<P, T, F>(
    caller: &Authorized<P>,
    resource_type: ResourceType,
    id: Uuid,
    work: F,
) -> Result<T, ApiError>
where
    P: Policy,
    F: FnOnce(&mut PgConnection) -> Result<Option<T>, UseCaseError> + Send + 'static,
    T: Send + 'static,
{
    let result = crate::db::run(&caller.state().database, move |conn| {
        work(conn)?.ok_or(ApiError::NotFound)
    })
    .await;
    caller.noting_denial(resource_type, id, result).await
}

/// Reads the record `id` like [`read`], and answers only once the caller's `read` event is
/// committed: for records every read of which is audited (meeting logs, enrolments, networks).
pub async fn read_audited<P, T, F>(
    caller: &Authorized<P>,
    resource_type: ResourceType,
    id: Uuid,
    work: F,
) -> Result<T, ApiError>
where
    P: Policy,
    F: FnOnce(&mut PgConnection) -> Result<Option<T>, UseCaseError> + Send + 'static,
    T: Send + 'static,
{
    let found = read(caller, resource_type, id, work).await?;
    caller
        .state()
        .read_audit
        .record(caller.audit(AuditAction::Read, resource_type, id))
        .await?;
    Ok(found)
}

/// Runs the use-case read `work` outside any transaction: for what is no one record (a list, a
/// figure), whose scope the read itself applies.
pub async fn load<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, UseCaseError> + Send + 'static,
    T: Send + 'static,
{
    crate::db::run(&state.database, move |conn| Ok(work(conn)?)).await
}

/// Commits one `read` event per record of the list page `found` before the page is answered:
/// for the lists of records every read of which is audited.
pub async fn note_page_read<P: Policy, T: Keyed>(
    caller: &Authorized<P>,
    resource_type: ResourceType,
    found: &Page<T>,
) -> Result<(), ApiError> {
    let events = found
        .items
        .iter()
        .map(|record| caller.audit(AuditAction::Read, resource_type, record.position().id))
        .collect();
    caller.state().read_audit.record_all(events).await
}

/// Lists one page with the use-case read `work`, and answers it (each record as `show` makes it)
/// only once a `read` event of every record on it is committed (see [`note_page_read`]).
pub async fn list_audited<P, T, U, F>(
    caller: &Authorized<P>,
    resource_type: ResourceType,
    work: F,
    show: impl FnMut(T) -> U,
) -> Result<web::Json<Paginated<U>>, ApiError>
where
    P: Policy,
    F: FnOnce(&mut PgConnection) -> Result<Page<T>, UseCaseError> + Send + 'static,
    T: Keyed + Send + 'static,
{
    let found = load(caller.state(), work).await?;
    note_page_read(caller, resource_type, &found).await?;
    pagination::to_wire(caller.state(), found, show)
}

/// Lists one page of what the record `id` of `resource_type` holds (a group's members, a
/// referral's access log): `work` reads it in the caller's scope, as [`read`] does.
pub async fn list_in<P, T, U, F>(
    caller: &Authorized<P>,
    resource_type: ResourceType,
    id: Uuid,
    work: F,
    show: impl FnMut(T) -> U,
) -> Result<web::Json<Paginated<U>>, ApiError>
where
    P: Policy,
    F: FnOnce(&mut PgConnection) -> Result<Option<Page<T>>, UseCaseError> + Send + 'static,
    T: Send + 'static,
{
    let found = read(caller, resource_type, id, work).await?;
    pagination::to_wire(caller.state(), found, show)
}

/// Runs the use case `work` on the record `id` of `resource_type` as the caller, in one
/// transaction; the use case writes its own audit events. A [`UseCaseError::NotFound`] leaves the
/// trace of a denial, as [`read`] does.
pub async fn operate<P, T, F>(
    caller: &Authorized<P>,
    resource_type: ResourceType,
    id: Uuid,
    work: F,
) -> Result<T, ApiError>
where
    P: Policy,
    F: FnOnce(&mut Context<'_>) -> Result<T, UseCaseError> + Send + 'static,
    T: Send + 'static,
{
    let result = operate_as(caller.state(), caller.actor(), work).await;
    caller.noting_denial(resource_type, id, result).await
}

/// Runs the use case `work` as `actor` in one transaction, for a request no bearer token
/// authorizes: the token endpoint, where the client authenticates itself and acts as itself.
pub async fn operate_as<T, F>(state: &AppState, actor: Actor, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut Context<'_>) -> Result<T, UseCaseError> + Send + 'static,
    T: Send + 'static,
{
    crate::db::transaction(&state.database, move |conn| {
        Ok(work(&mut Context::new(conn, &actor, &SystemClock))?)
    })
    .await
}
