//! Webhook subscriptions and the outbox in storage.
//!
//! Events are enqueued in the transaction of the change they report, one row per subscription,
//! as typed columns. A subscription is the unit of delivery: a worker claims a subscription (not
//! a delivery) under a lease with `FOR UPDATE SKIP LOCKED`, sends its oldest pending delivery,
//! and records the outcome, which also decides when the subscription may be tried again. So any
//! number of workers and instances share the outbox, a receiver sees its events one at a time
//! and in order, and a receiver that fails or hangs delays only its own subscription.

use crate::error::{parse_stored, parse_stored_all, StoreError};
use crate::pagination;
use crate::record::OptionalRecord;
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_subscriptions};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Bool, Date, Integer, Interval, Nullable, Text, Timestamptz, Uuid as SqlUuid,
};
use samhandling_domain::agreement::FeedbackLevel;
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::webhook::{
    ActionOverdue, Attempt, Delivery, DeliveryOutcome, EventType, NeedNotice, ReferralErasureDue,
    ReferralStatusChanged, SubscriberScope, SubscriptionHealth, SubscriptionState, WebhookEvent,
};
use samhandling_domain::OrganisationId;
use uuid::Uuid;

/// A subscription as its organisation sees it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// Identifier.
    pub id: Uuid,
    /// The subscribing organisation.
    pub organisation_id: OrganisationId,
    /// Where events are POSTed.
    pub url: String,
    /// What it is told about.
    pub event_types: Vec<EventType>,
    /// How its deliveries fare.
    pub health: SubscriptionHealth,
    /// Until when the secret before the last rotation still signs deliveries.
    pub previous_secret_until: Option<DateTime<Utc>>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

samhandling_domain::keyed_by!(Subscription, created_at);

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = webhook_subscriptions, check_for_backend(diesel::pg::Pg))]
struct SubscriptionRow {
    id: Uuid,
    organisation_id: Uuid,
    url: String,
    event_types: Vec<Option<String>>,
    created_at: DateTime<Utc>,
    state: String,
    consecutive_failures: i32,
    paused_until: Option<DateTime<Utc>>,
    last_success_at: Option<DateTime<Utc>>,
    last_outcome: Option<String>,
    previous_secret_until: Option<DateTime<Utc>>,
}

impl TryFrom<SubscriptionRow> for Subscription {
    type Error = StoreError;

    fn try_from(row: SubscriptionRow) -> Result<Self, Self::Error> {
        let now = Utc::now();
        let paused_until = row.paused_until.filter(|until| *until > now);
        let state = match row.state.as_str() {
            "failing" => SubscriptionState::Failing,
            _ if paused_until.is_some() => SubscriptionState::Paused,
            _ => SubscriptionState::Active,
        };
        Ok(Subscription {
            id: row.id,
            organisation_id: row.organisation_id.into(),
            url: row.url,
            event_types: parse_stored_all(&row.event_types)?,
            health: SubscriptionHealth {
                state,
                consecutive_failures: row.consecutive_failures,
                paused_until,
                last_success_at: row.last_success_at,
                last_outcome: row.last_outcome.as_deref().map(parse_stored).transpose()?,
            },
            previous_secret_until: row.previous_secret_until.filter(|until| *until > now),
            created_at: row.created_at,
        })
    }
}

/// Stores a subscription.
pub fn insert_subscription(
    conn: &mut PgConnection,
    id: Uuid,
    organisation_id: OrganisationId,
    url: &str,
    event_types: &[EventType],
    secret: &str,
) -> Result<Subscription, StoreError> {
    let names: Vec<&str> = event_types.iter().map(|event| event.as_str()).collect();
    let row: SubscriptionRow = diesel::insert_into(webhook_subscriptions::table)
        .values((
            webhook_subscriptions::id.eq(id),
            webhook_subscriptions::organisation_id.eq(organisation_id.uuid()),
            webhook_subscriptions::url.eq(url),
            webhook_subscriptions::event_types.eq(names),
            webhook_subscriptions::secret.eq(secret),
        ))
        .returning(SubscriptionRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// A condition on subscriptions.
type Reach = Box<dyn BoxableExpression<webhook_subscriptions::table, Pg, SqlType = Bool>>;

/// The active subscriptions `scope` reaches: its organisation's, of event types all in the
/// scope.
fn reached(scope: &SubscriberScope) -> Reach {
    let audible: Vec<&'static str> = scope
        .event_types
        .iter()
        .map(|event| event.as_str())
        .collect();
    Box::new(
        webhook_subscriptions::organisation_id
            .eq(scope.organisation_id.uuid())
            .and(webhook_subscriptions::deleted_at.is_null())
            .and(webhook_subscriptions::event_types.is_contained_by(audible)),
    )
}

fn reached_by(scope: &SubscriberScope) -> webhook_subscriptions::BoxedQuery<'static, Pg> {
    webhook_subscriptions::table
        .filter(reached(scope))
        .into_boxed()
}

/// Finds an active subscription `scope` reaches.
pub fn find_subscription(
    conn: &mut PgConnection,
    id: Uuid,
    scope: &SubscriberScope,
) -> Result<Option<Subscription>, StoreError> {
    reached_by(scope)
        .filter(webhook_subscriptions::id.eq(id))
        .select(SubscriptionRow::as_select())
        .first(conn)
        .optional_record()
}

/// One page of the active subscriptions `scope` reaches.
pub fn list_subscriptions(
    conn: &mut PgConnection,
    scope: &SubscriberScope,
    page: PageRequest,
) -> Result<Page<Subscription>, StoreError> {
    let query = reached_by(scope)
        .select(SubscriptionRow::as_select())
        .order((webhook_subscriptions::created_at, webhook_subscriptions::id));
    pagination::load_page::<_, SubscriptionRow, Subscription>(conn, query, "created_at", page)
}

/// Ends a subscription; its pending deliveries are abandoned. `false` when there was none.
pub fn delete_subscription(
    conn: &mut PgConnection,
    id: Uuid,
    scope: &SubscriberScope,
) -> Result<bool, StoreError> {
    let deleted = diesel::update(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(id))
            .filter(reached(scope)),
    )
    .set(webhook_subscriptions::deleted_at.eq(diesel::dsl::now))
    .execute(conn)?;
    if deleted == 0 {
        return Ok(false);
    }
    abandon_pending(conn, id)?;
    Ok(true)
}

fn abandon_pending(conn: &mut PgConnection, subscription_id: Uuid) -> Result<usize, StoreError> {
    Ok(diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(subscription_id))
            .filter(webhook_deliveries::delivered_at.is_null())
            .filter(webhook_deliveries::abandoned_at.is_null()),
    )
    .set(webhook_deliveries::abandoned_at.eq(diesel::dsl::now))
    .execute(conn)?)
}

/// Makes `secret` the subscription's signing secret. The one it replaces goes on signing beside
/// it until `overlap` has passed, so receivers can switch without missing a delivery. `None`
/// when `scope` reaches no such subscription.
pub fn rotate_secret(
    conn: &mut PgConnection,
    id: Uuid,
    scope: &SubscriberScope,
    secret: &str,
    overlap: std::time::Duration,
) -> Result<Option<Subscription>, StoreError> {
    diesel::update(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(id))
            .filter(reached(scope)),
    )
    .set((
        webhook_subscriptions::previous_secret.eq(webhook_subscriptions::secret.nullable()),
        webhook_subscriptions::secret.eq(secret),
        webhook_subscriptions::previous_secret_until
            .eq(diesel::dsl::sql::<Nullable<Timestamptz>>("now() + ")
                .bind::<Interval, _>(interval(overlap))),
    ))
    .returning(SubscriptionRow::as_returning())
    .get_result::<SubscriptionRow>(conn)
    .optional_record()
}

/// Re-enables a subscription and queues again what was abandoned since `since`, in the order it
/// happened. Returns how many deliveries were queued, or `None` when `scope` reaches no such
/// subscription.
pub fn replay(
    conn: &mut PgConnection,
    id: Uuid,
    scope: &SubscriberScope,
    since: DateTime<Utc>,
) -> Result<Option<usize>, StoreError> {
    let enabled = diesel::update(
        webhook_subscriptions::table
            .filter(webhook_subscriptions::id.eq(id))
            .filter(reached(scope)),
    )
    .set((
        webhook_subscriptions::state.eq("active"),
        webhook_subscriptions::consecutive_failures.eq(0),
        webhook_subscriptions::paused_until.eq(None::<DateTime<Utc>>),
    ))
    .execute(conn)?;
    if enabled == 0 {
        return Ok(None);
    }
    let queued = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(id))
            .filter(webhook_deliveries::delivered_at.is_null())
            .filter(webhook_deliveries::abandoned_at.is_not_null())
            .filter(webhook_deliveries::created_at.ge(since)),
    )
    .set((
        webhook_deliveries::abandoned_at.eq(None::<DateTime<Utc>>),
        webhook_deliveries::attempts.eq(0),
    ))
    .execute(conn)?;
    if queued > 0 {
        wake_workers(conn)?;
    }
    Ok(Some(queued))
}

/// The columns of `webhook_deliveries` that make its event, in [`EventColumns`]' order: written
/// once for the statements that insert and read them.
macro_rules! event_columns {
    () => {
        "event_type, referral_id, external_reference, coarse_status, detailed_status, \
         coarse_changed, due_at, collaboration_need_id, municipality_id, need_status, \
         follow_up_action_id, meeting_id, due_on"
    };
}

/// Enqueues `event` for every active subscription of `organisation_id` to its type, in the
/// caller's transaction. A failing subscription gets it as abandoned, to be replayed. When any
/// was enqueued, the workers are woken on commit (see [`wake_workers`]). Returns how many
/// deliveries were enqueued. `traceparent` is the W3C trace of the request that caused it, which
/// each delivery continues.
pub fn enqueue(
    conn: &mut PgConnection,
    organisation_id: OrganisationId,
    event: &WebhookEvent,
    traceparent: Option<&str>,
) -> Result<usize, StoreError> {
    let columns = EventColumns::of(event);
    let enqueued = diesel::sql_query(concat!(
        "INSERT INTO webhook_deliveries (id, subscription_id, ",
        event_columns!(),
        ", abandoned_at, traceparent) \
         SELECT gen_random_uuid(), id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             CASE WHEN state = 'failing' THEN now() END, $15 \
         FROM webhook_subscriptions \
         WHERE organisation_id = $1 AND deleted_at IS NULL AND $2 = ANY (event_types)",
    ))
    .bind::<SqlUuid, _>(organisation_id.uuid())
    .bind::<Text, _>(columns.event_type)
    .bind::<Nullable<SqlUuid>, _>(columns.referral_id)
    .bind::<Nullable<Text>, _>(columns.external_reference)
    .bind::<Nullable<Text>, _>(columns.coarse_status)
    .bind::<Nullable<Text>, _>(columns.detailed_status)
    .bind::<Bool, _>(columns.coarse_changed)
    .bind::<Nullable<Timestamptz>, _>(columns.due_at)
    .bind::<Nullable<SqlUuid>, _>(columns.collaboration_need_id)
    .bind::<Nullable<SqlUuid>, _>(columns.municipality_id)
    .bind::<Nullable<Text>, _>(columns.need_status)
    .bind::<Nullable<SqlUuid>, _>(columns.follow_up_action_id)
    .bind::<Nullable<SqlUuid>, _>(columns.meeting_id)
    .bind::<Nullable<Date>, _>(columns.due_on)
    .bind::<Nullable<Text>, _>(traceparent)
    .execute(conn)?;
    if enqueued > 0 {
        wake_workers(conn)?;
    }
    Ok(enqueued)
}

/// The channel on which the outbox announces new deliveries to the workers of every instance.
pub const WAKE_CHANNEL: &str = "webhook_deliveries";

/// Tells the workers listening on [`WAKE_CHANNEL`] that something is due, so that they claim it
/// at once instead of at their next poll. PostgreSQL sends the notification when the caller's
/// transaction commits and never for one rolled back, so a worker is woken only for deliveries
/// it can see; notifications of one transaction are folded into one.
fn wake_workers(conn: &mut PgConnection) -> Result<(), StoreError> {
    diesel::sql_query("SELECT pg_notify($1, '')")
        .bind::<Text, _>(WAKE_CHANNEL)
        .execute(conn)?;
    Ok(())
}

/// How the listening connection names itself in `pg_stat_activity`.
pub const LISTENER_APPLICATION_NAME: &str = "samhandling-webhook-listener";

/// A connection of its own that listens on [`WAKE_CHANNEL`]: not a pooled one, because it stays
/// checked out for the life of the worker and would otherwise be missing from the jobs' pool.
pub struct OutboxListener {
    conn: PgConnection,
}

impl std::fmt::Debug for OutboxListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxListener").finish_non_exhaustive()
    }
}

impl OutboxListener {
    /// Opens the connection and starts listening. Blocking.
    pub fn connect(database_url: &str) -> Result<OutboxListener, StoreError> {
        let mut conn = PgConnection::establish(database_url)?;
        diesel::sql_query("SELECT set_config('application_name', $1, false)")
            .bind::<Text, _>(LISTENER_APPLICATION_NAME)
            .execute(&mut conn)?;
        diesel::sql_query(format!("LISTEN {WAKE_CHANNEL}")).execute(&mut conn)?;
        Ok(OutboxListener { conn })
    }

    /// Whether a notification arrived since the last call, taking all that did. Never waits:
    /// it reads what the server has already sent. An error means the connection is lost.
    pub fn woken(&mut self) -> Result<bool, StoreError> {
        let mut woken = false;
        for notification in self.conn.notifications_iter() {
            notification?;
            woken = true;
        }
        Ok(woken)
    }

    /// A round trip, to find out that a connection which went silent (no reset from a dead
    /// server or network) is lost. Blocking.
    pub fn ping(&mut self) -> Result<(), StoreError> {
        diesel::sql_query("SELECT 1").execute(&mut self.conn)?;
        Ok(())
    }
}

/// The columns of a delivery that make its event. Each event type fills its own and leaves the
/// others empty; a CHECK per type keeps what it needs present.
#[derive(Debug, Clone, Default, QueryableByName, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries, check_for_backend(diesel::pg::Pg))]
struct EventColumns {
    #[diesel(sql_type = Text)]
    event_type: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    referral_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    external_reference: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    coarse_status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    detailed_status: Option<String>,
    #[diesel(sql_type = Bool)]
    coarse_changed: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    due_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    collaboration_need_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    municipality_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    need_status: Option<String>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    follow_up_action_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    meeting_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Date>)]
    due_on: Option<NaiveDate>,
}

impl EventColumns {
    /// The columns that store `event`.
    fn of(event: &WebhookEvent) -> EventColumns {
        let none = EventColumns {
            event_type: event.event_type().as_str().to_owned(),
            // Only a referral's move can tell a detailed step alone, which a withdrawn consent
            // takes back; every other event stays.
            coarse_changed: true,
            ..EventColumns::default()
        };
        match event {
            WebhookEvent::ReferralStatusChanged(change) => EventColumns {
                referral_id: Some(change.referral_id),
                external_reference: change.external_reference.clone(),
                coarse_status: Some(change.coarse_status.as_str().to_owned()),
                detailed_status: change.status.map(|status| status.as_str().to_owned()),
                coarse_changed: change.coarse_changed,
                ..none
            },
            WebhookEvent::ReferralErasureDue(due) => EventColumns {
                referral_id: Some(due.referral_id),
                due_at: Some(due.erasure_due_at),
                ..none
            },
            WebhookEvent::CollaborationNeedAddressed(need)
            | WebhookEvent::CollaborationNeedAnswered(need) => EventColumns {
                collaboration_need_id: Some(need.need_id),
                municipality_id: Some(need.municipality_id),
                need_status: Some(need.status.as_str().to_owned()),
                ..none
            },
            WebhookEvent::FollowUpActionOverdue(action) => EventColumns {
                follow_up_action_id: Some(action.action_id),
                meeting_id: Some(action.meeting_id),
                due_on: Some(action.due_on),
                ..none
            },
        }
    }

    fn event(self) -> Result<WebhookEvent, StoreError> {
        let corrupt =
            || StoreError::Corrupt(format!("a {} delivery lacks its event", self.event_type));
        match parse_stored::<EventType>(&self.event_type)? {
            EventType::ReferralStatusChanged => {
                Ok(WebhookEvent::ReferralStatusChanged(ReferralStatusChanged {
                    referral_id: self.referral_id.ok_or_else(corrupt)?,
                    external_reference: self.external_reference.clone(),
                    coarse_status: parse_stored(
                        self.coarse_status.as_deref().ok_or_else(corrupt)?,
                    )?,
                    status: self
                        .detailed_status
                        .as_deref()
                        .map(parse_stored)
                        .transpose()?,
                    coarse_changed: self.coarse_changed,
                }))
            }
            EventType::ReferralErasureDue => {
                Ok(WebhookEvent::ReferralErasureDue(ReferralErasureDue {
                    referral_id: self.referral_id.ok_or_else(corrupt)?,
                    erasure_due_at: self.due_at.ok_or_else(corrupt)?,
                }))
            }
            EventType::CollaborationNeedAddressed => Ok(WebhookEvent::CollaborationNeedAddressed(
                self.need_notice()?,
            )),
            EventType::CollaborationNeedAnswered => {
                Ok(WebhookEvent::CollaborationNeedAnswered(self.need_notice()?))
            }
            EventType::FollowUpActionOverdue => {
                Ok(WebhookEvent::FollowUpActionOverdue(ActionOverdue {
                    action_id: self.follow_up_action_id.ok_or_else(corrupt)?,
                    meeting_id: self.meeting_id.ok_or_else(corrupt)?,
                    due_on: self.due_on.ok_or_else(corrupt)?,
                }))
            }
        }
    }

    /// The need both need events tell of.
    fn need_notice(&self) -> Result<NeedNotice, StoreError> {
        let corrupt =
            || StoreError::Corrupt(format!("a {} delivery lacks its need", self.event_type));
        Ok(NeedNotice {
            need_id: self.collaboration_need_id.ok_or_else(corrupt)?,
            municipality_id: self.municipality_id.ok_or_else(corrupt)?,
            status: parse_stored(self.need_status.as_deref().ok_or_else(corrupt)?)?,
        })
    }
}

/// A subscription a worker has claimed, with its next delivery and what it needs to send it.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    /// The subscription, leased to this worker.
    pub subscription_id: Uuid,
    /// The delivery: its oldest pending one.
    pub id: Uuid,
    /// What to tell.
    pub event: WebhookEvent,
    /// Earlier attempts of this delivery.
    pub attempts: i32,
    /// Failed attempts of the subscription since its last success.
    pub consecutive_failures: i32,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
    /// Where to send it.
    pub url: String,
    /// The secrets to sign it with, the current one first.
    pub secrets: Vec<String>,
    /// The W3C trace of the request that caused it, if any.
    pub traceparent: Option<String>,
}

#[derive(Debug, QueryableByName)]
struct ClaimedRow {
    #[diesel(sql_type = SqlUuid)]
    subscription_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(embed)]
    event: EventColumns,
    #[diesel(sql_type = Integer)]
    attempts: i32,
    #[diesel(sql_type = Integer)]
    consecutive_failures: i32,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = Text)]
    secret: String,
    #[diesel(sql_type = Nullable<Text>)]
    previous_secret: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    traceparent: Option<String>,
}

fn interval(duration: std::time::Duration) -> diesel::pg::data_types::PgInterval {
    diesel::pg::data_types::PgInterval::from_microseconds(
        i64::try_from(duration.as_micros()).unwrap_or(i64::MAX),
    )
}

/// Claims up to `limit` subscriptions that have a delivery to send now, each for `lease`, with
/// the oldest pending delivery of each. Whether a subscription has one is a probe of one row of
/// the pending index per subscription (a lateral `LIMIT 1`), however the planner's statistics
/// stand: a semi-join could otherwise read every pending delivery of a large backlog per claim.
/// The lock is `FOR NO KEY UPDATE`: a transaction enqueuing a delivery holds a key-share lock on
/// the subscription (its foreign key) until it commits, and a plain `FOR UPDATE ... SKIP LOCKED`
/// would skip a busy subscription for as long as its organisation's referrals keep moving. A subscription is due when it is active, not waiting
/// after failures and not leased to another worker; those tried longest ago come first, so every
/// subscription gets its turn.
pub fn claim_due(
    conn: &mut PgConnection,
    lease: std::time::Duration,
    limit: i64,
) -> Result<Vec<ClaimedDelivery>, StoreError> {
    let rows: Vec<ClaimedRow> = diesel::sql_query(concat!(
        "WITH ready AS ( \
             SELECT s.id FROM webhook_subscriptions s \
             CROSS JOIN LATERAL (SELECT 1 FROM webhook_deliveries d \
                 WHERE d.subscription_id = s.id \
                   AND d.delivered_at IS NULL AND d.abandoned_at IS NULL LIMIT 1) pending \
             WHERE s.deleted_at IS NULL AND s.state = 'active' \
               AND (s.paused_until IS NULL OR s.paused_until <= now()) \
               AND (s.lease_until IS NULL OR s.lease_until <= now()) \
             ORDER BY s.last_attempt_at NULLS FIRST, s.id \
             LIMIT $2 FOR NO KEY UPDATE OF s SKIP LOCKED), \
         leased AS ( \
             UPDATE webhook_subscriptions s SET lease_until = now() + $1, last_attempt_at = now() \
             FROM ready WHERE s.id = ready.id \
             RETURNING s.id, s.url, s.secret, s.consecutive_failures, \
                 CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END AS previous_secret) \
         SELECT l.id AS subscription_id, d.id, ",
        event_columns!(),
        ", d.attempts, \
             l.consecutive_failures, d.created_at, l.url, l.secret, l.previous_secret, \
             d.traceparent \
         FROM leased l CROSS JOIN LATERAL ( \
             SELECT * FROM webhook_deliveries d WHERE d.subscription_id = l.id \
               AND d.delivered_at IS NULL AND d.abandoned_at IS NULL \
             ORDER BY d.created_at, d.id LIMIT 1) d",
    ))
    .bind::<Interval, _>(interval(lease))
    .bind::<BigInt, _>(limit)
    .load(conn)?;
    rows.into_iter()
        .map(|row| {
            Ok(ClaimedDelivery {
                subscription_id: row.subscription_id,
                id: row.id,
                event: row.event.event()?,
                attempts: row.attempts,
                consecutive_failures: row.consecutive_failures,
                created_at: row.created_at,
                url: row.url,
                secrets: std::iter::once(row.secret)
                    .chain(row.previous_secret)
                    .collect(),
                traceparent: row.traceparent,
            })
        })
        .collect()
}

/// What became of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptOutcome {
    /// The receiver's status, if it answered.
    pub status_code: Option<u16>,
    /// What it comes to.
    pub outcome: DeliveryOutcome,
    /// How long it took.
    pub duration_ms: i32,
}

/// What the subscription does after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// The receiver acknowledged the delivery: on to the next one.
    Delivered,
    /// It failed: the subscription waits until then.
    PauseUntil(DateTime<Utc>),
    /// It kept failing past the retry window: every pending delivery of the subscription is
    /// abandoned and the subscription is marked failing.
    Abandon,
}

/// Records an attempt of `claimed`, applies `next` to its delivery and subscription, and
/// releases the lease, in one transaction.
pub fn record_attempt(
    conn: &mut PgConnection,
    claimed: &ClaimedDelivery,
    outcome: &AttemptOutcome,
    next: NextStep,
) -> Result<(), StoreError> {
    crate::in_transaction(conn, |conn| {
        let delivered = next == NextStep::Delivered;
        // The delivery may be gone while it was in flight (consent withdrawn, referral erased):
        // then there is no attempt to keep, but the subscription is still released.
        let still_there = diesel::update(webhook_deliveries::table.find(claimed.id))
            .set((
                webhook_deliveries::attempts.eq(webhook_deliveries::attempts + 1),
                webhook_deliveries::delivered_at.eq(delivered.then(Utc::now)),
            ))
            .execute(conn)?
            == 1;
        if still_there {
            diesel::insert_into(webhook_attempts::table)
                .values((
                    webhook_attempts::id.eq(Uuid::now_v7()),
                    webhook_attempts::delivery_id.eq(claimed.id),
                    webhook_attempts::status_code.eq(outcome
                        .status_code
                        .and_then(|code| i16::try_from(code).ok())),
                    webhook_attempts::outcome.eq(outcome.outcome.as_str()),
                    webhook_attempts::duration_ms.eq(outcome.duration_ms),
                ))
                .execute(conn)?;
        }
        let subscription = webhook_subscriptions::table.find(claimed.subscription_id);
        let recorded = (
            webhook_subscriptions::last_outcome.eq(outcome.outcome.as_str()),
            webhook_subscriptions::lease_until.eq(None::<DateTime<Utc>>),
        );
        match next {
            NextStep::Delivered => diesel::update(subscription)
                .set((
                    recorded,
                    webhook_subscriptions::consecutive_failures.eq(0),
                    webhook_subscriptions::paused_until.eq(None::<DateTime<Utc>>),
                    webhook_subscriptions::last_success_at.eq(diesel::dsl::now),
                ))
                .execute(conn)?,
            NextStep::PauseUntil(until) => diesel::update(subscription)
                .set((
                    recorded,
                    webhook_subscriptions::consecutive_failures
                        .eq(webhook_subscriptions::consecutive_failures + 1),
                    webhook_subscriptions::paused_until.eq(until),
                ))
                .execute(conn)?,
            NextStep::Abandon => {
                abandon_pending(conn, claimed.subscription_id)?;
                diesel::update(subscription)
                    .set((
                        recorded,
                        webhook_subscriptions::consecutive_failures
                            .eq(webhook_subscriptions::consecutive_failures + 1),
                        webhook_subscriptions::paused_until.eq(None::<DateTime<Utc>>),
                        webhook_subscriptions::state.eq("failing"),
                    ))
                    .execute(conn)?
            }
        };
        Ok(())
    })
}

/// The referrer of `referral_ids` may now be told only `left` of them: the person withdrew
/// consent to feedback, or the collaboration agreement changed. What was queued or logged loses
/// the detailed status, and events that told nothing the referrer may still see are withdrawn:
/// those that told a detailed step only, or every one when it is told nothing (still pending or
/// abandoned ones; a delivered one is in the receiver's hands already, and its log keeps only the
/// coarse status).
pub fn redact_referrer_feedback(
    conn: &mut PgConnection,
    referral_ids: &[Uuid],
    left: FeedbackLevel,
) -> Result<(), StoreError> {
    if left.shows_detailed() || referral_ids.is_empty() {
        return Ok(());
    }
    let of_referrals = || webhook_deliveries::referral_id.eq_any(referral_ids);
    // A detailed step only; with nothing left to tell, a coarse change as well.
    let told_nothing_left =
        webhook_deliveries::coarse_changed.eq_any([false, !left.shows_coarse()]);
    diesel::delete(
        webhook_deliveries::table
            .filter(of_referrals())
            .filter(webhook_deliveries::delivered_at.is_null())
            .filter(told_nothing_left),
    )
    .execute(conn)?;
    diesel::update(webhook_deliveries::table.filter(of_referrals()))
        .set(webhook_deliveries::detailed_status.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// The referral was erased: its delivery log goes (a history of its statuses under its id), and
/// what is still to be sent loses the referrer's case reference.
pub fn forget_referral(conn: &mut PgConnection, referral_id: Uuid) -> Result<(), StoreError> {
    let of_referral = webhook_deliveries::referral_id.eq(referral_id);
    diesel::delete(
        webhook_deliveries::table.filter(of_referral).filter(
            webhook_deliveries::delivered_at
                .is_not_null()
                .or(webhook_deliveries::abandoned_at.is_not_null()),
        ),
    )
    .execute(conn)?;
    diesel::update(webhook_deliveries::table.filter(of_referral))
        .set(webhook_deliveries::external_reference.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

/// Forgets delivered and abandoned deliveries that happened before `cutoff`, with their attempts.
pub fn purge_finished_before(
    conn: &mut PgConnection,
    cutoff: DateTime<Utc>,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::created_at.lt(cutoff))
            .filter(
                webhook_deliveries::delivered_at
                    .is_not_null()
                    .or(webhook_deliveries::abandoned_at.is_not_null()),
            ),
    )
    .execute(conn)?)
}

#[derive(Debug, Queryable)]
struct DeliveryRow {
    id: Uuid,
    event: EventColumns,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
    abandoned_at: Option<DateTime<Utc>>,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = StoreError;

    fn try_from(row: DeliveryRow) -> Result<Self, Self::Error> {
        let event = row.event.event()?;
        Ok(Delivery {
            id: row.id,
            event_type: event.event_type(),
            payload: event.body(row.created_at),
            created_at: row.created_at,
            delivered_at: row.delivered_at,
            abandoned_at: row.abandoned_at,
            attempts: Vec::new(),
        })
    }
}

/// `(delivery, time, status, outcome, duration)` as stored.
type AttemptRow = (Uuid, DateTime<Utc>, Option<i16>, String, i32);

/// One page of a subscription's deliveries, oldest first, with their attempts.
pub fn list_deliveries(
    conn: &mut PgConnection,
    subscription_id: Uuid,
    page: PageRequest,
) -> Result<Page<Delivery>, StoreError> {
    let query = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .select((
            webhook_deliveries::id,
            EventColumns::as_select(),
            webhook_deliveries::created_at,
            webhook_deliveries::delivered_at,
            webhook_deliveries::abandoned_at,
        ))
        .order((webhook_deliveries::created_at, webhook_deliveries::id))
        .into_boxed();
    let mut found =
        pagination::load_page::<_, DeliveryRow, Delivery>(conn, query, "created_at", page)?;
    let ids: Vec<Uuid> = found.items.iter().map(|delivery| delivery.id).collect();
    let attempts: Vec<AttemptRow> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&ids))
        .order((webhook_attempts::attempted_at, webhook_attempts::id))
        .select((
            webhook_attempts::delivery_id,
            webhook_attempts::attempted_at,
            webhook_attempts::status_code,
            webhook_attempts::outcome,
            webhook_attempts::duration_ms,
        ))
        .load(conn)?;
    for delivery in &mut found.items {
        delivery.attempts = attempts
            .iter()
            .filter(|attempt| attempt.0 == delivery.id)
            .map(|(_, attempted_at, status_code, outcome, duration_ms)| {
                Ok(Attempt {
                    attempted_at: *attempted_at,
                    status_code: *status_code,
                    outcome: parse_stored(outcome)?,
                    duration_ms: *duration_ms,
                })
            })
            .collect::<Result<_, StoreError>>()?;
    }
    Ok(found)
}

/// How the outbox and the subscriptions stand now, for the metrics: counts only, never an id.
#[derive(Debug, Clone, Copy, Default, PartialEq, QueryableByName)]
pub struct OutboxState {
    /// Deliveries still to be sent.
    #[diesel(sql_type = BigInt)]
    pub pending: i64,
    /// Deliveries acknowledged and still kept in the delivery log.
    #[diesel(sql_type = BigInt)]
    pub delivered: i64,
    /// Deliveries given up on and still kept in the delivery log.
    #[diesel(sql_type = BigInt)]
    pub abandoned: i64,
    /// Seconds since the oldest pending delivery's event (0 when nothing is pending).
    #[diesel(sql_type = diesel::sql_types::Double)]
    pub oldest_pending_seconds: f64,
    /// Subscriptions waiting after failures (`paused_until` ahead).
    #[diesel(sql_type = BigInt)]
    pub subscriptions_paused: i64,
    /// Subscriptions whose deliveries were abandoned, until their owner replays.
    #[diesel(sql_type = BigInt)]
    pub subscriptions_failing: i64,
}

/// The outbox by state and the subscriptions paused or failing, in one statement: the pending
/// count reads the partial pending index, the finished ones the finished index (what the
/// retention sweep keeps, 30 days), the subscriptions' a table of one row per subscription.
pub fn outbox_state(conn: &mut PgConnection) -> Result<OutboxState, StoreError> {
    Ok(diesel::sql_query(
        "SELECT \
             (SELECT count(*) FROM webhook_deliveries \
                 WHERE delivered_at IS NULL AND abandoned_at IS NULL) AS pending, \
             (SELECT count(*) FROM webhook_deliveries WHERE delivered_at IS NOT NULL) AS delivered, \
             (SELECT count(*) FROM webhook_deliveries WHERE abandoned_at IS NOT NULL) AS abandoned, \
             COALESCE((SELECT extract(epoch FROM now() - min(created_at))::float8 \
                 FROM webhook_deliveries \
                 WHERE delivered_at IS NULL AND abandoned_at IS NULL), 0) AS oldest_pending_seconds, \
             count(*) FILTER (WHERE state = 'active' AND paused_until > now()) \
                 AS subscriptions_paused, \
             count(*) FILTER (WHERE state = 'failing') AS subscriptions_failing \
         FROM webhook_subscriptions WHERE deleted_at IS NULL",
    )
    .get_result(conn)?)
}
