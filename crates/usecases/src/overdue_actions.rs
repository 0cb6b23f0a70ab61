//! Telling the owners of dialogue follow-up actions that an action is overdue: a municipality, the
//! county governor or a partner learns it from its own system instead of polling
//! `GET /follow-up-actions?overdue=true`. Each action is told once, on the first sweep after its
//! due date while it is still open or in progress; moving it between open and in progress later
//! does not tell it again.

use crate::{Context, UseCaseError};
use chrono::NaiveDate;
use samhandling_domain::webhook::WebhookEvent;
use samhandling_persistence::follow_up_actions;

/// Tells the owners of up to `limit` actions overdue on `today` (UTC) that were never told, one
/// `follow_up_action_overdue` event each to the owner's subscriptions, and records that they
/// were told, all in `ctx`'s transaction. Returns how many actions were told; fewer than `limit`
/// means none is left. Instances may run it at once: each action is claimed by one of them.
///
/// No audit event: the action does not change, and the delivery log is the trace of what was
/// sent.
pub fn notify_overdue(
    ctx: &mut Context<'_>,
    today: NaiveDate,
    limit: i64,
) -> Result<usize, UseCaseError> {
    let claimed = follow_up_actions::claim_overdue(ctx.conn(), today, limit)?;
    for action in &claimed {
        if let Some((owner, overdue)) = WebhookEvent::of_overdue_action(action, today) {
            ctx.enqueue(owner, &overdue)?;
        }
    }
    Ok(claimed.len())
}
