//! The retention sweep. Personal data is kept no longer than [`RetentionPolicy`] says: for
//! `RETENTION_DAYS` after a referral ended, and for `RETENTION_INACTIVE_DAYS` after the last
//! change of one nobody works on, which the sweep then ends as `expired`. The centre is told
//! `RETENTION_NOTICE_DAYS` before (a `referral_erasure_due` webhook event; the centre's view
//! shows `erasure_due_at` throughout), and nothing is erased sooner than that long after it was
//! told; a change of the referral in between withdraws the notice. Every expiry and erasure is
//! audited. Housekeeping tables forget what they no longer need. Runs periodically in the server
//! and on demand with `samhandling retention run`; instances share the work row by row.

use crate::metrics::RetentionMetrics;
use crate::{in_batches, BATCH};
use chrono::{TimeDelta, Utc};
use samhandling_domain::audit::Actor;
use samhandling_domain::referral::RetentionPolicy;
use samhandling_domain::webhook::{ReferralErasureDue, WebhookEvent};
use samhandling_persistence::{
    dpop_proofs, idempotency, rate_limits, referrals, webhooks, Db, PgConnection, StoreError,
};
use samhandling_usecases::referrals as usecases;
use samhandling_usecases::{Context, SystemClock, UseCaseError};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// What a sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Centres told that a referral's person will be erased.
    pub notices: usize,
    /// Open referrals ended as expired.
    pub expired: usize,
    /// Referrals whose personal data was erased.
    pub erased: usize,
    /// Expired idempotency keys forgotten.
    pub idempotency_keys: usize,
    /// Old rate-limit windows forgotten.
    pub rate_limit_windows: usize,
    /// DPoP proofs past the time they could be replayed, forgotten.
    pub dpop_proofs: usize,
    /// Delivered and abandoned webhook deliveries past [`DELIVERY_LOG_DAYS`] forgotten.
    pub deliveries: usize,
}

/// The actor recorded for the sweep's changes.
pub const RETENTION_ACTOR: &str = "system:retention";
/// How long a subscription's delivery log keeps what was delivered or abandoned.
pub const DELIVERY_LOG_DAYS: i64 = 30;

/// One sweep. Blocking.
pub fn sweep(db: &Db, policy: &RetentionPolicy) -> Result<SweepReport, UseCaseError> {
    db.with_connection(|conn| sweep_on(conn, policy))
}

fn sweep_on(
    conn: &mut PgConnection,
    policy: &RetentionPolicy,
) -> Result<SweepReport, UseCaseError> {
    let retention = Actor {
        actor: RETENTION_ACTOR.to_owned(),
        actor_organisation_id: None,
        request_id: format!("retention-{}", Uuid::now_v7()),
        traceparent: None,
        provenance: samhandling_domain::audit::Provenance::default(),
    };
    let mut report = SweepReport {
        notices: in_batches(conn, |conn| -> Result<usize, StoreError> {
            let notices = referrals::take_erasure_notices(conn, policy, BATCH)?;
            for notice in &notices {
                let due = WebhookEvent::ReferralErasureDue(ReferralErasureDue {
                    referral_id: notice.id,
                    erasure_due_at: notice.due_at,
                });
                webhooks::enqueue(conn, notice.target_centre_id.into(), &due, None)?;
            }
            Ok(notices.len())
        })?,
        ..SweepReport::default()
    };
    let mut expired = 0;
    report.erased = in_batches(conn, |conn| -> Result<usize, UseCaseError> {
        let due = referrals::due_for_erasure(conn, policy, BATCH)?;
        let ctx = &mut Context::new(conn, &retention, &SystemClock);
        for &(id, open) in &due {
            if open {
                usecases::expire(ctx, id)?;
                expired += 1;
            }
            usecases::erase_as_due(ctx, id)?;
        }
        Ok(due.len())
    })?;
    report.expired = expired;
    report.idempotency_keys = idempotency::purge_expired(conn)?;
    report.rate_limit_windows = rate_limits::purge_before(conn, Utc::now() - TimeDelta::hours(2))?;
    report.dpop_proofs = dpop_proofs::purge_expired(conn)?;
    report.deliveries =
        webhooks::purge_finished_before(conn, Utc::now() - TimeDelta::days(DELIVERY_LOG_DAYS))?;
    Ok(report)
}

/// Sweeps every `interval` until the runtime stops, recording each run in `metrics`; spawn it on
/// the server's runtime.
pub async fn run(db: Db, policy: RetentionPolicy, interval: Duration, metrics: RetentionMetrics) {
    super::every(interval, "retention sweep", move || {
        let started = Instant::now();
        let swept = sweep(&db, &policy);
        metrics.swept(swept.as_ref().ok(), started.elapsed());
        let report = swept?;
        if report.erased > 0 || report.notices > 0 {
            log::info!(
                "retention sweep: {} centres told, {} referrals expired, {} erased",
                report.notices,
                report.expired,
                report.erased
            );
        }
        Ok::<_, UseCaseError>(report)
    })
    .await;
}
