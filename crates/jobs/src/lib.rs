//! Work the service does on its own, beside requests: delivering webhooks from the outbox,
//! erasing personal data past its retention, telling owners of their overdue follow-up
//! actions, and applying collaboration agreements whose period starts or runs out. Each job keeps its state in PostgreSQL and is safe to run in several instances at
//! once. It depends on the domain, persistence and auth (for webhook
//! signatures): no job knows about HTTP requests, and the API knows nothing of how its outbox is
//! drained.

pub mod agreement_periods;
pub mod delivery;
pub mod metrics;
pub mod overdue_actions;
pub mod retention;

use samhandling_persistence::{in_transaction, PgConnection, StoreError};
use std::time::Duration;

/// How many rows a sweep handles in one transaction: short transactions, so a sweep holds few
/// locks at a time and never for long.
pub(crate) const BATCH: i64 = 100;

/// Runs `step` in batches of its own transactions until a batch comes back short.
pub(crate) fn in_batches<E: From<StoreError>>(
    conn: &mut PgConnection,
    mut step: impl FnMut(&mut PgConnection) -> Result<usize, E>,
) -> Result<usize, E> {
    let mut total = 0;
    loop {
        let done = in_transaction(conn, &mut step)?;
        total += done;
        if done < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            return Ok(total);
        }
    }
}

/// Runs `work` on a blocking thread every `interval`, logging failures, until the runtime stops.
pub(crate) async fn every<T, E, F>(interval: Duration, name: &'static str, work: F)
where
    F: Fn() -> Result<T, E> + Send + Sync + Clone + 'static,
    T: Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    loop {
        let job = work.clone();
        match tokio::task::spawn_blocking(job).await {
            Ok(Ok(_)) => {}
            Ok(Err(error)) => log::warn!("{name}: {error}"),
            Err(error) => log::error!("{name}: the job's thread failed: {error}"),
        }
        tokio::time::sleep(interval).await;
    }
}
