//! The one way handlers reach the database: wait for a turn, check out a pooled connection on a
//! blocking thread (diesel is synchronous), run the work, map errors once.
//!
//! Requests queue for a turn here, in async code and in arrival order, rather than as blocked
//! threads inside the pool, whose wake-ups follow no order: with more concurrent requests than
//! connections that gave some requests multi-second waits while others went straight through.
//! Turn and checkout share one deadline (the pool's checkout timeout), after which the answer is
//! 503, never a hang.

use crate::error::ApiError;
use crate::metrics::TurnMetrics;
use actix_web::web;
use samhandling_persistence::{in_transaction, Db, PgConnection};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{Semaphore, SemaphorePermit};

/// Turns at the database, one per pooled connection, granted first come, first served, with
/// the waits counted for the metrics.
#[derive(Debug)]
pub struct Turns {
    semaphore: Semaphore,
    metrics: TurnMetrics,
}

impl Turns {
    /// As many turns as the pool has connections.
    pub fn new(connections: u32, metrics: TurnMetrics) -> Turns {
        Turns {
            semaphore: Semaphore::new(usize::try_from(connections).unwrap_or(usize::MAX)),
            metrics,
        }
    }

    async fn take(&self, deadline: Instant) -> Result<SemaphorePermit<'_>, ApiError> {
        let busy = || ApiError::Unavailable("every database connection stayed busy".into());
        let started = Instant::now();
        self.metrics.waiting.inc();
        let turn = tokio::time::timeout_at(deadline.into(), self.semaphore.acquire()).await;
        self.metrics.waiting.dec();
        self.metrics.wait.observe(started.elapsed().as_secs_f64());
        if turn.is_err() {
            self.metrics.timeouts.inc();
        }
        turn.map_err(|_| busy())?.map_err(|_| busy())
    }
}

/// What a request needs to reach the database: the pool and its turns, one per connection.
/// Requests take this handle, never the whole application state.
#[derive(Debug, Clone)]
pub struct Database {
    pool: Db,
    turns: Arc<Turns>,
}

impl Database {
    /// Requests drawing from `pool`, with one turn per connection of it (nothing else draws from
    /// it, so a turn is a connection).
    pub fn new(pool: Db, metrics: TurnMetrics) -> Database {
        Database {
            turns: Arc::new(Turns::new(pool.max_size(), metrics)),
            pool,
        }
    }

    /// Turns no request holds now.
    pub fn free_turns(&self) -> usize {
        self.turns.semaphore.available_permits()
    }

    /// The pool itself, for what waits for no turn (readiness) and for tests.
    pub fn pool(&self) -> &Db {
        &self.pool
    }
}

/// Runs `work` on a pooled connection, outside any explicit transaction.
pub async fn run<T, F>(database: &Database, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let deadline = Instant::now() + database.pool.checkout_timeout();
    let _turn = database.turns.take(deadline).await?;
    let db = database.pool.clone();
    web::block(move || db.with_connection_until(deadline, work))
        .await
        .map_err(|error| ApiError::Internal(format!("blocking task failed: {error}")))?
}

/// Runs `work` in one transaction on a pooled connection: a change and its audit event commit
/// together or not at all.
pub async fn transaction<T, F>(database: &Database, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run(database, move |conn| in_transaction(conn, work)).await
}
