//! The retention sweep: personal data of referrals that ended more than `RETENTION_DAYS` ago is
//! erased (each erasure audited), and housekeeping tables forget what they no longer need. Runs
//! periodically in the server and on demand with `samhandling retention run`.

use chrono::{TimeDelta, Utc};
use samhandling_domain::audit::{AuditAction, NewAuditEvent, ResourceType};
use samhandling_persistence::{
    audit, idempotency, in_transaction, rate_limits, referrals, Db, PgConnection, StoreError,
};
use std::time::Duration;
use uuid::Uuid;

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Referrals whose personal data was erased.
    pub erased: usize,
    /// Expired idempotency keys forgotten.
    pub idempotency_keys: usize,
    /// Old rate-limit windows forgotten.
    pub rate_limit_windows: usize,
}

/// The actor recorded for erasures by the sweep.
pub const RETENTION_ACTOR: &str = "system:retention";
const BATCH: i64 = 100;

/// Erases the personal data of every referral that ended more than `retention` ago, and purges
/// housekeeping tables. Blocking.
pub fn sweep(db: &Db, retention: TimeDelta) -> Result<SweepReport, StoreError> {
    db.with_connection(|conn| sweep_on(conn, retention))
}

fn sweep_on(conn: &mut PgConnection, retention: TimeDelta) -> Result<SweepReport, StoreError> {
    let cutoff = Utc::now() - retention;
    let request_id = format!("retention-{}", Uuid::now_v7());
    let mut report = SweepReport::default();
    loop {
        let erased = in_transaction(conn, |conn| {
            let due = referrals::due_for_erasure(conn, cutoff, BATCH)?;
            for id in &due {
                referrals::erase(conn, *id)?;
                audit::record(
                    conn,
                    &NewAuditEvent {
                        actor: RETENTION_ACTOR.to_owned(),
                        actor_organisation_id: None,
                        action: AuditAction::Erased,
                        resource_type: ResourceType::Referral,
                        resource_id: *id,
                        request_id: request_id.clone(),
                    },
                )?;
            }
            Ok::<_, StoreError>(due.len())
        })?;
        report.erased += erased;
        if erased < usize::try_from(BATCH).unwrap_or(usize::MAX) {
            break;
        }
    }
    report.idempotency_keys = idempotency::purge_expired(conn)?;
    report.rate_limit_windows = rate_limits::purge_before(conn, Utc::now() - TimeDelta::hours(2))?;
    Ok(report)
}

/// Sweeps every `interval` until the runtime stops; spawn it on the server's runtime.
pub async fn run(db: Db, retention: TimeDelta, interval: Duration) {
    super::every(interval, "retention sweep", move || {
        let report = sweep(&db, retention)?;
        if report.erased > 0 {
            log::info!(
                "retention sweep erased the personal data of {} referrals",
                report.erased
            );
        }
        Ok(report)
    })
    .await;
}
