//! What every use case is handed: the connection of the caller's transaction, who acts (for the
//! audit trail), and the clock that says what "now" is.

use chrono::{DateTime, Utc};
use samhandling_domain::audit::{Actor, AuditAction, ResourceType};
use samhandling_domain::webhook::WebhookEvent;
use samhandling_domain::OrganisationId;
use samhandling_persistence::{audit, webhooks, PgConnection, StoreError};
use uuid::Uuid;

/// Where "now" comes from: the system clock in the server and the jobs, a fixed time for the
/// demo's back-dated history and for tests.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> DateTime<Utc>;
}

/// The system's clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still at one time.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// One use case's surroundings, inside a transaction the caller opened.
pub struct Context<'c> {
    conn: &'c mut PgConnection,
    actor: &'c Actor,
    clock: &'c dyn Clock,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Context")
            .field("actor", self.actor)
            .finish_non_exhaustive()
    }
}

impl<'c> Context<'c> {
    /// `actor` acting on `conn`, which should be inside a transaction, at the time `clock` tells.
    pub fn new(conn: &'c mut PgConnection, actor: &'c Actor, clock: &'c dyn Clock) -> Context<'c> {
        Context { conn, actor, clock }
    }

    /// The transaction's connection.
    pub fn conn(&mut self) -> &mut PgConnection {
        self.conn
    }

    /// Who acts.
    pub fn actor(&self) -> &Actor {
        self.actor
    }

    /// Now, by the context's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Records that the actor did `action` to the record `id`, in the same transaction.
    pub fn audit(
        &mut self,
        action: AuditAction,
        resource_type: ResourceType,
        id: Uuid,
    ) -> Result<(), StoreError> {
        audit::record(self.conn, &self.actor.event(action, resource_type, id))
    }

    /// Queues `event` for the webhook subscriptions of `organisation`, in the same transaction,
    /// continuing the actor's trace.
    pub fn enqueue(
        &mut self,
        organisation: OrganisationId,
        event: &WebhookEvent,
    ) -> Result<usize, StoreError> {
        webhooks::enqueue(
            self.conn,
            organisation,
            event,
            self.actor.traceparent.as_deref(),
        )
    }
}
