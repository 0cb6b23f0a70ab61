//! Work the service does on its own, beside requests: delivering webhooks from the outbox and
//! erasing personal data past its retention. Each job keeps its state in PostgreSQL and is safe to
//! run in several instances at once. It depends on the domain, persistence and auth (for webhook
//! signatures): no job knows about HTTP requests, and the API knows nothing of how its outbox is
//! drained.

pub mod delivery;
pub mod retention;

use std::time::Duration;

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
