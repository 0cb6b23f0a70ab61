//! The agreement sweep: on the day a collaboration agreement's period starts or runs out, the
//! referrals of its centre and partner get the feedback it gives from then on (see
//! [`apply_periods`]). Runs periodically in the server (`AGREEMENT_SWEEP_INTERVAL`); moves of an
//! agreement apply their feedback at once and need no sweep. Several instances may sweep at once:
//! a second finds nothing left to change.

use chrono::Utc;
use samhandling_domain::audit::Actor;
use samhandling_persistence::{in_transaction, Db};
use samhandling_usecases::agreements::apply_periods;
use samhandling_usecases::{Context, SystemClock, UseCaseError};
use std::time::Duration;
use uuid::Uuid;

/// The actor the sweep acts as.
pub const AGREEMENT_ACTOR: &str = "system:agreement-periods";

/// One sweep, in one transaction. Returns how many agreements changed their referrals'
/// feedback. Blocking.
pub fn sweep(db: &Db) -> Result<usize, UseCaseError> {
    let actor = Actor {
        actor: AGREEMENT_ACTOR.to_owned(),
        actor_organisation_id: None,
        request_id: format!("agreement-periods-{}", Uuid::now_v7()),
        traceparent: None,
        provenance: samhandling_domain::audit::Provenance::default(),
    };
    db.with_connection(|conn| {
        in_transaction(conn, |conn| {
            apply_periods(&mut Context::new(conn, &actor, &SystemClock))
        })
    })
}

/// Sweeps every `interval` until the runtime stops; spawn it on the server's runtime.
pub async fn run(db: Db, interval: Duration) {
    super::every(interval, "agreement sweep", move || {
        let changed = sweep(&db)?;
        if changed > 0 {
            log::info!(
                "agreement sweep: {changed} agreements started or ran out on {}",
                Utc::now().date_naive()
            );
        }
        Ok::<_, UseCaseError>(changed)
    })
    .await;
}
