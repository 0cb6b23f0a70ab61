//! Webhook subscriptions and the outbox in storage. Events are enqueued in the transaction of the
//! change they report; workers claim due deliveries with `FOR UPDATE SKIP LOCKED` and a lease, so
//! any number of instances share the work without delivering one event twice at the same time,
//! and a crashed worker's deliveries come due again when the lease runs out.

use crate::error::{parse_stored, StoreError};
use crate::pagination;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_subscriptions};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Interval, Jsonb, Text, Timestamptz, Uuid as SqlUuid};
use samhandling_domain::page::{Page, PageRequest, Position};
use samhandling_domain::webhook::{Attempt, Delivery, EventType};
use uuid::Uuid;

/// A subscription as its organisation sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Identifier.
    pub id: Uuid,
    /// The subscribing organisation.
    pub organisation_id: Uuid,
    /// Where events are POSTed.
    pub url: String,
    /// What it is told about.
    pub event_types: Vec<EventType>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions, check_for_backend(diesel::pg::Pg))]
struct SubscriptionRow {
    id: Uuid,
    organisation_id: Uuid,
    url: String,
    event_types: Vec<Option<String>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<SubscriptionRow> for Subscription {
    type Error = StoreError;

    fn try_from(row: SubscriptionRow) -> Result<Self, Self::Error> {
        Ok(Subscription {
            id: row.id,
            organisation_id: row.organisation_id,
            url: row.url,
            event_types: row
                .event_types
                .iter()
                .flatten()
                .map(|name| parse_stored(name))
                .collect::<Result<_, _>>()?,
            created_at: row.created_at,
        })
    }
}

/// Stores a subscription.
pub fn insert_subscription(
    conn: &mut PgConnection,
    id: Uuid,
    organisation_id: Uuid,
    url: &str,
    event_types: &[EventType],
    secret: &str,
) -> Result<Subscription, StoreError> {
    let names: Vec<&str> = event_types.iter().map(|event| event.as_str()).collect();
    let row: SubscriptionRow = diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::id.eq(id),
            webhook_subscriptions::organisation_id.eq(organisation_id),
            webhook_subscriptions::url.eq(url),
            webhook_subscriptions::event_types.eq(names),
            webhook_subscriptions::secret.eq(secret),
        ))
        .returning(SubscriptionRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Finds an active subscription of `organisation_id`.
pub fn find_subscription(
    conn: &mut PgConnection,
    id: Uuid,
    organisation_id: Uuid,
) -> Result<Option<Subscription>, StoreError> {
    webhook_subscriptions::table
        .filter(webhook_subscriptions::id.eq(id))
        .filter(webhook_subscriptions::organisation_id.eq(organisation_id))
        .filter(webhook_subscriptions::deleted_at.is_null())
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional()?
        .map(Subscription::try_from)
        .transpose()
}

/// One page of an organisation's active subscriptions.
pub fn list_subscriptions(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    page: PageRequest,
) -> Result<Page<Subscription>, StoreError> {
    let mut query = webhook_subscriptions::table
        .filter(webhook_subscriptions::organisation_id.eq(organisation_id))
        .filter(webhook_subscriptions::deleted_at.is_null())
        .select(SubscriptionRow::as_select())
        .order((webhook_subscriptions::created_at, webhook_subscriptions::id))
        .limit(pagination::overfetch(page.limit))
        .into_boxed();
    if let Some(position) = page.after {
        query = query.filter(pagination::after("created_at", position));
    }
    let rows = query
        .load(conn)?
        .into_iter()
        .map(Subscription::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetched(rows, page.limit, |subscription| {
        Position {
            created_at: subscription.created_at,
            id: subscription.id,
        }
    }))
}

/// Ends a subscription; its pending deliveries are abandoned. `false` when there was none.
pub fn delete_subscription(
    conn: &mut PgConnection,
    id: Uuid,
    organisation_id: Uuid,
) -> Result<bool, StoreError> {
    let deleted = diesel::update(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(id))
            .filter(webhook_subscriptions::organisation_id.eq(organisation_id))
            .filter(webhook_subscriptions::deleted_at.is_null()),
    )
    .set(webhook_subscriptions::deleted_at.eq(diesel::dsl::now))
    .execute(conn)?;
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(id))
            .filter(webhook_deliveries::delivered_at.is_null())
            .filter(webhook_deliveries::abandoned_at.is_null()),
    )
    .set(webhook_deliveries::abandoned_at.eq(diesel::dsl::now))
    .execute(conn)?;
    Ok(deleted == 1)
}

/// Enqueues `payload` for every active subscription of `organisation_id` to `event_type`, in the
/// caller's transaction. Returns how many deliveries were enqueued.
pub fn enqueue(
    conn: &mut PgConnection,
    organisation_id: Uuid,
    event_type: EventType,
    payload: &serde_json::Value,
) -> Result<usize, StoreError> {
    Ok(diesel::sql_query(
        "INSERT INTO webhook_deliveries (id, subscription_id, event_type, payload) \
         SELECT gen_random_uuid(), id, $2, $3 FROM webhook_subscriptions \
         WHERE organisation_id = $1 AND deleted_at IS NULL AND $2 = ANY (event_types)",
    )
    .bind::<SqlUuid, _>(organisation_id)
    .bind::<Text, _>(event_type.as_str())
    .bind::<Jsonb, _>(payload)
    .execute(conn)?)
}

/// A delivery a worker has claimed, with what it needs to send it.
#[derive(Debug, Clone, QueryableByName)]
pub struct ClaimedDelivery {
    /// The delivery.
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    /// The event's type.
    #[diesel(sql_type = Text)]
    pub event_type: String,
    /// The body to send.
    #[diesel(sql_type = Jsonb)]
    pub payload: serde_json::Value,
    /// Attempts including this one.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
    /// When the event was enqueued.
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    /// Where to send it.
    #[diesel(sql_type = Text)]
    pub url: String,
    /// The key to sign it with.
    #[diesel(sql_type = Text)]
    pub secret: String,
}

/// Claims up to `limit` due deliveries for `lease`: until then no other worker takes them.
pub fn claim_due(
    conn: &mut PgConnection,
    lease: std::time::Duration,
    limit: i64,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let lease = diesel::pg::data_types::PgInterval::from_microseconds(
        i64::try_from(lease.as_micros()).unwrap_or(i64::MAX),
    );
    Ok(diesel::sql_query(
        "WITH due AS ( \
             SELECT d.id FROM webhook_deliveries d \
             WHERE d.delivered_at IS NULL AND d.abandoned_at IS NULL AND d.next_attempt_at <= now() \
             ORDER BY d.next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
         UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + $1 \
         FROM due, webhook_subscriptions s \
         WHERE d.id = due.id AND s.id = d.subscription_id \
         RETURNING d.id, d.event_type, d.payload, d.attempts, d.created_at, s.url, s.secret",
    )
    .bind::<Interval, _>(lease)
    .bind::<BigInt, _>(limit)
    .load(conn)?)
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    /// The receiver's status, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed, if it did (never the response body).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

/// What to do with a delivery after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// The receiver acknowledged it.
    Delivered,
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// Stop trying.
    Abandon,
}

/// Records an attempt and its consequence.
pub fn record_attempt(
    conn: &mut PgConnection,
    delivery_id: Uuid,
    outcome: &AttemptOutcome,
    next: NextStep,
) -> Result<(), StoreError> {
    diesel::insert_into(webhook_attempts::table)
        .values((
            webhook_attempts::id.eq(Uuid::now_v7()),
            webhook_attempts::delivery_id.eq(delivery_id),
            webhook_attempts::status_code.eq(outcome
                .status_code
                .and_then(|code| i16::try_from(code).ok())),
            webhook_attempts::error.eq(outcome.error.as_deref()),
            webhook_attempts::duration_ms.eq(outcome.duration_ms),
        ))
        .execute(conn)?;
    let target = webhook_deliveries::table.find(delivery_id);
    match next {
        NextStep::Delivered => diesel::update(target)
            .set(webhook_deliveries::delivered_at.eq(diesel::dsl::now))
            .execute(conn)?,
        NextStep::RetryAt(at) => diesel::update(target)
            .set(webhook_deliveries::next_attempt_at.eq(at))
            .execute(conn)?,
        NextStep::Abandon => diesel::update(target)
            .set(webhook_deliveries::abandoned_at.eq(diesel::dsl::now))
            .execute(conn)?,
    };
    Ok(())
}

type DeliveryRow = (
    Uuid,
    String,
    serde_json::Value,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<DateTime<Utc>>,
    DateTime<Utc>,
);

/// `(delivery, time, status, error, duration)` as stored.
type AttemptRow = (Uuid, DateTime<Utc>, Option<i16>, Option<String>, i32);

/// One page of a subscription's deliveries, oldest first, with their attempts.
pub fn list_deliveries(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    page: PageRequest,
) -> Result<Page<Delivery>, StoreError> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .select((
            webhook_deliveries::id,
            webhook_deliveries::event_type,
            webhook_deliveries::payload,
            webhook_deliveries::created_at,
            webhook_deliveries::delivered_at,
            webhook_deliveries::abandoned_at,
            webhook_deliveries::next_attempt_at,
        ))
        .order((webhook_deliveries::created_at, webhook_deliveries::id))
        .limit(pagination::overfetch(page.limit))
        .into_boxed();
    if let Some(position) = page.after {
        query = query.filter(pagination::after("created_at", position));
    }
    let rows: Vec<DeliveryRow> = query.load(conn)?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.0).collect();
    let attempts: Vec<AttemptRow> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&ids))
        .order((webhook_attempts::attempted_at, webhook_attempts::id))
        .select((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
            webhook_attempts::status_code,
            webhook_attempts::error,
            webhook_attempts::duration_ms,
        ))
        .load(conn)?;
    let deliveries = rows
        .into_iter()
        .map(
            |(id, event_type, payload, created_at, delivered_at, abandoned_at, next_attempt_at)| {
                let pending = delivered_at.is_none() && abandoned_at.is_none();
                Delivery {
                    id,
                    event_type,
                    payload,
                    created_at,
                    delivered_at,
                    abandoned_at,
                    next_attempt_at: pending.then_some(next_attempt_at),
                    attempts: attempts
                        .iter()
                        .filter(|attempt| attempt.0 == id)
                        .map(
                            |(_, attempted_at, status_code, error, duration_ms)| Attempt {
                                attempted_at: *attempted_at,
                                status_code: *status_code,
                                error: error.clone(),
                                duration_ms: *duration_ms,
                            },
                        )
                        .collect(),
                }
            },
        )
        .collect();
    Ok(Page::from_overfetched(deliveries, page.limit, |delivery| {
        Position {
            created_at: delivery.created_at,
            id: delivery.id,
        }
    }))
}
