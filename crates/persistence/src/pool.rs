//! The connection pool. Work runs through [`Db::with_connection`], which never waits longer than
//! the configured checkout timeout for a connection, so a database outage becomes a quick error
//! instead of a hang.

use crate::error::StoreError;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool};
use diesel::RunQueryDsl;
use std::time::{Duration, Instant};

/// A connection checked out of the pool; returned to it when dropped. diesel marks one whose
/// server went away as broken (libpq then reports an unknown transaction status), and the pool
/// closes it instead of handing it out again.
pub type PooledConnection = diesel::r2d2::PooledConnection<ConnectionManager<PgConnection>>;

/// How the pool behaves.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Most connections open at once. Size it to what PostgreSQL can run in parallel, not to the
    /// number of HTTP connections: excess requests queue for a connection instead of for the CPU.
    pub max_size: u32,
    /// Longest wait for a free connection before the request is answered 503.
    pub checkout_timeout: Duration,
    /// Longest a single statement may run before PostgreSQL cancels it.
    pub statement_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        DbOptions {
            max_size: 10,
            checkout_timeout: Duration::from_secs(3),
            statement_timeout: Duration::from_secs(10),
        }
    }
}

/// A shared handle on the pool; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: Pool<ConnectionManager<PgConnection>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("state", &self.pool.state())
            .finish()
    }
}

/// How many connections a pool holds now, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolState {
    /// Connections open, in use or idle.
    pub connections: u32,
    /// Open connections no one has checked out.
    pub idle: u32,
    /// The most the pool opens.
    pub max_size: u32,
}

/// Sets per-session limits on every new connection.
#[derive(Debug)]
struct SessionSettings {
    statement_timeout_ms: u128,
}

impl CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = 60000",
            self.statement_timeout_ms
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

impl Db {
    /// Creates the pool without connecting: connections open on first use, so a server can start
    /// (and report not-ready) while the database is still coming up.
    pub fn new(database_url: &str, options: &DbOptions) -> Db {
        let manager = ConnectionManager::<PgConnection>::new(database_url);
        let pool = Pool::builder()
            .max_size(options.max_size)
            .min_idle(Some(0))
            .connection_timeout(options.checkout_timeout)
            // The default health check costs a `SELECT 1` round trip per checkout; a lost
            // connection is instead detected by the failing query and discarded by diesel.
            .test_on_check_out(false)
            .connection_customizer(Box::new(SessionSettings {
                statement_timeout_ms: options.statement_timeout.as_millis(),
            }))
            .build_unchecked(manager);
        Db { pool }
    }

    /// The most connections the pool opens.
    pub fn max_size(&self) -> u32 {
        self.pool.max_size()
    }

    /// How many connections are open and idle now.
    pub fn state(&self) -> PoolState {
        let state = self.pool.state();
        PoolState {
            connections: state.connections,
            idle: state.idle_connections,
            max_size: self.pool.max_size(),
        }
    }

    /// The longest a caller waits for a connection.
    pub fn checkout_timeout(&self) -> Duration {
        self.pool.connection_timeout()
    }

    /// Checks out a connection, waiting at most the checkout timeout. Blocking: call it from a
    /// blocking thread, never from an async task.
    pub fn connection(&self) -> Result<PooledConnection, StoreError> {
        Ok(self.pool.get()?)
    }

    /// Runs `work` on a pooled connection (blocking), waiting at most the checkout timeout for it.
    pub fn with_connection<T, E>(
        &self,
        work: impl FnOnce(&mut PgConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.with_connection_until(Instant::now() + self.checkout_timeout(), work)
    }

    /// As [`Db::with_connection`], giving up on a connection at `deadline`: for callers that
    /// already spent part of the checkout timeout waiting for their turn.
    pub fn with_connection_until<T, E>(
        &self,
        deadline: Instant,
        work: impl FnOnce(&mut PgConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let wait = deadline.saturating_duration_since(Instant::now());
        let mut conn = self
            .pool
            .get_timeout(wait.max(Duration::from_millis(1)))
            .map_err(StoreError::from)?;
        work(&mut conn)
    }

    /// Whether the database answers a trivial query now.
    pub fn ping(&self) -> Result<(), StoreError> {
        self.with_connection(|conn| {
            diesel::sql_query("SELECT 1").execute(conn)?;
            Ok(())
        })
    }
}

/// The pools of one instance, kept apart so that no party can take a connection another counts
/// on: requests have every connection of theirs (and wait for a turn at exactly that many), the
/// read-audit writer has its own, and background jobs share a small one. A job stuck on a slow
/// statement, or a burst of audited reads, then never makes a request wait. The webhook worker's
/// listening connection is not among them (see `webhooks::OutboxListener`): it is one more.
#[derive(Debug, Clone)]
pub struct Pools {
    /// Requests' connections: `DbOptions::max_size` of them.
    pub requests: Db,
    /// The read-audit writer's one connection.
    pub read_audit: Db,
    /// The background jobs' connections (webhook delivery, retention).
    pub jobs: Db,
}

impl Pools {
    /// Connections the background jobs share: the delivery worker's claims and records (short
    /// statements, never held across a send) and the retention sweep.
    pub const JOB_CONNECTIONS: u32 = 4;

    /// The three pools on `database_url`; requests get `options.max_size` connections.
    pub fn new(database_url: &str, options: &DbOptions) -> Pools {
        let sized = |max_size| DbOptions {
            max_size,
            ..options.clone()
        };
        Pools {
            requests: Db::new(database_url, options),
            read_audit: Db::new(database_url, &sized(1)),
            jobs: Db::new(database_url, &sized(Pools::JOB_CONNECTIONS)),
        }
    }
}
