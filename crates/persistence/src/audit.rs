//! The audit trail in storage: events written in the caller's transaction or, for reads, in batches;
//! and the list administrators read.

use crate::error::{parse_stored, StoreError};
use crate::pagination;
use crate::schema::audit_events;
use crate::statement::statement;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use samhandling_domain::audit::{AuditEvent, AuditFilter, NewAuditEvent, Provenance};
use samhandling_domain::page::{Page, PageRequest};
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
    actor_client: Option<String>,
    actor_organisation_number: Option<String>,
    actor_supplier_number: Option<String>,
    actor_issuer: Option<String>,
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
            actor_client: row.actor_client,
            actor_organisation_number: row.actor_organisation_number,
            actor_supplier_number: row.actor_supplier_number,
            actor_issuer: row.actor_issuer,
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
            audit_events::actor_client.eq(&event.provenance.client),
            audit_events::actor_organisation_number.eq(&event.provenance.organisation_number),
            audit_events::actor_supplier_number.eq(&event.provenance.supplier_number),
            audit_events::actor_issuer.eq(&event.provenance.issuer),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes `event` only if the record it names exists: for a refusal that must not tell the
/// caller whether it exists, but should leave a trace when it does. Returns whether it was
/// written.
pub fn record_if_exists(
    conn: &mut PgConnection,
    event: &NewAuditEvent,
) -> Result<bool, StoreError> {
    use samhandling_domain::audit::ResourceType;
    let table = match event.resource_type {
        // A county's overview is named by its governor's organisation.
        ResourceType::Organisation | ResourceType::CountyOverview => "organisations",
        ResourceType::ApiClient => "api_clients",
        ResourceType::Referral => "referrals",
        ResourceType::WebhookSubscription => "webhook_subscriptions",
        ResourceType::Group => "groups",
        ResourceType::GroupFollowUp => "group_follow_ups",
        ResourceType::Intake => "intakes",
        ResourceType::Membership => "memberships",
        ResourceType::GroupSession => "group_sessions",
        ResourceType::DialogueMeeting => "dialogue_meetings",
        ResourceType::FollowUpAction => "follow_up_actions",
        ResourceType::Course => "courses",
        ResourceType::Enrolment => "enrolments",
        ResourceType::Facilitator => "facilitators",
        ResourceType::NetworkMeeting => "network_meetings",
        ResourceType::SupervisionSession => "supervision_sessions",
        ResourceType::LearningNetwork => "learning_networks",
        ResourceType::Gathering => "gatherings",
        ResourceType::ImprovementTask => "improvement_tasks",
        ResourceType::CollaborationNeed => "collaboration_needs",
        ResourceType::CollaborationAgreement => "collaboration_agreements",
        ResourceType::OutreachMeeting => "outreach_meetings",
        ResourceType::Grant => "grants",
        // Questionnaires are public and keyed by year: there is nothing to probe.
        ResourceType::Questionnaire => return Ok(false),
    };
    let written = diesel::sql_query(format!(
        "INSERT INTO audit_events (id, actor, actor_organisation_id, action, resource_type, \
             resource_id, request_id, actor_client, actor_organisation_number, \
             actor_supplier_number, actor_issuer) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 \
         WHERE EXISTS (SELECT 1 FROM {table} WHERE id = $6)"
    ))
    .bind::<diesel::sql_types::Uuid, _>(Uuid::now_v7())
    .bind::<diesel::sql_types::Text, _>(&event.actor)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(event.actor_organisation_id)
    .bind::<diesel::sql_types::Text, _>(event.action.as_str())
    .bind::<diesel::sql_types::Text, _>(event.resource_type.as_str())
    .bind::<diesel::sql_types::Uuid, _>(event.resource_id)
    .bind::<diesel::sql_types::Text, _>(&event.request_id)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(&event.provenance.client)
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(
        &event.provenance.organisation_number,
    )
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(
        &event.provenance.supplier_number,
    )
    .bind::<diesel::sql_types::Nullable<diesel::sql_types::Text>, _>(&event.provenance.issuer)
    .execute(conn)?;
    Ok(written == 1)
}

/// Many events as one statement of fixed text (its arrays carry the rows), so it stays prepared
/// whatever the number of events.
const RECORD_ALL: &str = "\
INSERT INTO audit_events (id, actor, actor_organisation_id, action, resource_type, resource_id, request_id,
    actor_client, actor_organisation_number, actor_supplier_number, actor_issuer)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::uuid[], $7::text[],
    $8::text[], $9::text[], $10::text[], $11::text[])";

/// Writes `events` in one statement: for the batches of read events, which commit on their own.
pub fn record_all(conn: &mut PgConnection, events: &[NewAuditEvent]) -> Result<(), StoreError> {
    use diesel::sql_types::{Array, Nullable, Text, Uuid as SqlUuid};
    let ids: Vec<Uuid> = events.iter().map(|_| Uuid::now_v7()).collect();
    statement(RECORD_ALL)
        .bind::<Array<SqlUuid>, _>(ids)
        .bind::<Array<Text>, _>(events.iter().map(|e| e.actor.as_str()).collect::<Vec<_>>())
        .bind::<Array<Nullable<SqlUuid>>, _>(
            events
                .iter()
                .map(|e| e.actor_organisation_id)
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            events
                .iter()
                .map(|e| e.resource_type.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<SqlUuid>, _>(events.iter().map(|e| e.resource_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            events
                .iter()
                .map(|e| e.request_id.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Text>>, _>(provenance(events, |p| &p.client))
        .bind::<Array<Nullable<Text>>, _>(provenance(events, |p| &p.organisation_number))
        .bind::<Array<Nullable<Text>>, _>(provenance(events, |p| &p.supplier_number))
        .bind::<Array<Nullable<Text>>, _>(provenance(events, |p| &p.issuer))
        .execute(conn)?;
    Ok(())
}

/// One field of every event's provenance, as a column of [`RECORD_ALL`].
fn provenance<'a>(
    events: &'a [NewAuditEvent],
    field: impl Fn(&'a Provenance) -> &'a Option<String>,
) -> Vec<Option<&'a str>> {
    events
        .iter()
        .map(|event| field(&event.provenance).as_deref())
        .collect()
}

/// The write every batch begins with: a transactional logical-decoding message, which any role
/// may emit at any `wal_level`, writes one small log record and changes no table.
const BATCH_MARK: &str = "SELECT pg_logical_emit_message(true, 'samhandling.read_audit', '')";

/// Commits one batch of the read-audit writer in one transaction: every event of `reads`, and
/// each event of `denials` only if the record it names exists ([`record_if_exists`], each in a
/// savepoint of its own, so that one failing denial costs neither the reads nor the others).
/// Returns, per denial, whether it was written or why it failed.
///
/// The transaction always writes to the write-ahead log first ([`BATCH_MARK`], a transactional
/// logical message that no table keeps), so its commit waits for the log to be flushed whether
/// or not any row is written. PostgreSQL flushes at commit only a transaction that wrote to the
/// log (a transaction id alone is not enough), so without it a batch holding only the denial of
/// an id that never existed would commit without a flush and answer measurably sooner than one
/// holding the denial of a record that exists.
pub fn record_batch(
    conn: &mut PgConnection,
    reads: &[NewAuditEvent],
    denials: &[NewAuditEvent],
) -> Result<Vec<Result<bool, StoreError>>, StoreError> {
    crate::in_transaction(conn, |conn| {
        diesel::sql_query(BATCH_MARK).execute(conn)?;
        if !reads.is_empty() {
            record_all(conn, reads)?;
        }
        Ok(denials
            .iter()
            .map(|denial| crate::in_transaction(conn, |conn| record_if_exists(conn, denial)))
            .collect())
    })
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
    if let Some(number) = &filter.actor_organisation_number {
        query = query.filter(audit_events::actor_organisation_number.eq(number.clone()));
    }
    if let Some(number) = &filter.actor_supplier_number {
        query = query.filter(audit_events::actor_supplier_number.eq(number.clone()));
    }
    if let Some(issuer) = &filter.actor_issuer {
        query = query.filter(audit_events::actor_issuer.eq(issuer.clone()));
    }
    pagination::load_page::<_, AuditEventRow, AuditEvent>(conn, query, "occurred_at", page)
}
