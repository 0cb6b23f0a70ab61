//! The overdue sweep: the owner of a dialogue follow-up action is told once, by a
//! `follow_up_action_overdue` webhook event, when the action is still open or in progress after
//! its due date (compared in UTC). Runs periodically in the server (`OVERDUE_SWEEP_INTERVAL`);
//! the business rule is the use case [`notify_overdue`], and instances share the work row by row.

use crate::{in_batches, BATCH};
use chrono::{NaiveDate, Utc};
use samhandling_domain::audit::Actor;
use samhandling_persistence::Db;
use samhandling_usecases::overdue_actions::notify_overdue;
use samhandling_usecases::{Context, SystemClock, UseCaseError};
use std::time::Duration;
use uuid::Uuid;

/// The actor the sweep acts as.
pub const OVERDUE_ACTOR: &str = "system:overdue-actions";

/// One sweep for `today`: tells the owners of every action overdue on it that were never told,
/// [`BATCH`] per transaction. Returns how many were told. Blocking.
pub fn sweep(db: &Db, today: NaiveDate) -> Result<usize, UseCaseError> {
    let actor = Actor {
        actor: OVERDUE_ACTOR.to_owned(),
        actor_organisation_id: None,
        request_id: format!("overdue-actions-{}", Uuid::now_v7()),
        traceparent: None,
        provenance: samhandling_domain::audit::Provenance::default(),
    };
    db.with_connection(|conn| {
        in_batches(conn, |conn| {
            notify_overdue(&mut Context::new(conn, &actor, &SystemClock), today, BATCH)
        })
    })
}

/// Sweeps every `interval`, for the day it is in UTC then, until the runtime stops; spawn it on
/// the server's runtime.
pub async fn run(db: Db, interval: Duration) {
    super::every(interval, "overdue actions sweep", move || {
        let told = sweep(&db, Utc::now().date_naive())?;
        if told > 0 {
            log::info!("overdue actions sweep: told the owners of {told} actions");
        }
        Ok::<_, UseCaseError>(told)
    })
    .await;
}
