//! The audit trail in storage: one function writes an event in the caller's transaction, one
//! lists events for administrators.

use crate::error::{parse_stored, StoreError};
use crate::pagination;
use crate::schema::audit_events;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use samhandling_domain::audit::{AuditEvent, AuditFilter, NewAuditEvent};
use samhandling_domain::page::{Page, PageRequest, Position};
use uuid::Uuid;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = audit_events, check_for_backend(diesel::pg::Pg))]
struct AuditEventRow {
    id: Uuid,
    occurred_at: DateTime<Utc>,
    actor: String,
    actor_organisation_id: Option<Uuid>,
    action: String,
    resource_type: String,
    resource_id: Uuid,
    request_id: String,
}

impl TryFrom<AuditEventRow> for AuditEvent {
    type Error = StoreError;

    fn try_from(row: AuditEventRow) -> Result<Self, Self::Error> {
        Ok(AuditEvent {
            id: row.id,
            occurred_at: row.occurred_at,
            actor: row.actor,
            actor_organisation_id: row.actor_organisation_id,
            action: parse_stored(&row.action)?,
            resource_type: parse_stored(&row.resource_type)?,
            resource_id: row.resource_id,
            request_id: row.request_id,
        })
    }
}

/// Writes `event` in the transaction `conn` is in: it commits with the change it records.
pub fn record(conn: &mut PgConnection, event: &NewAuditEvent) -> Result<(), StoreError> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::id.eq(Uuid::now_v7()),
            audit_events::actor.eq(&event.actor),
            audit_events::actor_organisation_id.eq(event.actor_organisation_id),
            audit_events::action.eq(event.action.as_str()),
            audit_events::resource_type.eq(event.resource_type.as_str()),
            audit_events::resource_id.eq(event.resource_id),
            audit_events::request_id.eq(&event.request_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the audit event of a read, and lets the transaction commit without waiting for its WAL
/// flush, in one round trip. For transactions whose only write is this event: a crash in the
/// fraction of a second before the WAL writer flushes can lose such events, never a change to
/// data (changes commit synchronously). Without it, every audited GET waits for a disk flush.
pub fn record_read(conn: &mut PgConnection, event: &NewAuditEvent) -> Result<(), StoreError> {
    use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
    diesel::sql_query(
        "INSERT INTO audit_events (id, actor, actor_organisation_id, action, resource_type, resource_id, request_id) \
         SELECT $1, $2, $3, $4, $5, $6, $7 \
         FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed",
    )
    .bind::<SqlUuid, _>(Uuid::now_v7())
    .bind::<Text, _>(&event.actor)
    .bind::<Nullable<SqlUuid>, _>(event.actor_organisation_id)
    .bind::<Text, _>(event.action.as_str())
    .bind::<Text, _>(event.resource_type.as_str())
    .bind::<SqlUuid, _>(event.resource_id)
    .bind::<Text, _>(&event.request_id)
    .execute(conn)?;
    Ok(())
}

/// One page of events in `(occurred_at, id)` order.
pub fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    page: PageRequest,
) -> Result<Page<AuditEvent>, StoreError> {
    let mut query = audit_events::table
        .select(AuditEventRow::as_select())
        .order((audit_events::occurred_at, audit_events::id))
        .limit(pagination::overfetch(page.limit))
        .into_boxed();
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(organisation_id) = filter.actor_organisation_id {
        query = query.filter(audit_events::actor_organisation_id.eq(organisation_id));
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_events::action.eq(action.as_str()));
    }
    if let Some(resource_type) = filter.resource_type {
        query = query.filter(audit_events::resource_type.eq(resource_type.as_str()));
    }
    if let Some(resource_id) = filter.resource_id {
        query = query.filter(audit_events::resource_id.eq(resource_id));
    }
    if let Some(after) = filter.occurred_after {
        query = query.filter(audit_events::occurred_at.ge(after));
    }
    if let Some(before) = filter.occurred_before {
        query = query.filter(audit_events::occurred_at.lt(before));
    }
    if let Some(position) = page.after {
        query = query.filter(pagination::after("occurred_at", position));
    }
    let rows = query
        .load(conn)?
        .into_iter()
        .map(AuditEvent::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(rows, page.limit, |event| Position {
        created_at: event.occurred_at,
        id: event.id,
    }))
}
