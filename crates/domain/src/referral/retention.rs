//! How long a referral keeps the person's data. An ended referral keeps it for `after_end`; one
//! that nobody works on keeps it for `when_inactive` since its last change, and is then ended as
//! `expired`. Either way the centre is told `notice` before, and nothing is erased sooner than
//! `notice` after the centre was told: the limit is a promise to the person, the notice one to
//! the centre.

use super::Referral;
use chrono::{DateTime, TimeDelta, Utc};

/// The limits, set by configuration (`RETENTION_DAYS`, `RETENTION_INACTIVE_DAYS`,
/// `RETENTION_NOTICE_DAYS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// How long after it ended a referral keeps the person.
    pub after_end: TimeDelta,
    /// How long after its last change an open referral keeps the person.
    pub when_inactive: TimeDelta,
    /// How long before the erasure the centre is told, and the least time between telling it and
    /// erasing.
    pub notice: TimeDelta,
}

impl Default for RetentionPolicy {
    /// 180 days after the end, a year of inactivity, 30 days' notice.
    fn default() -> Self {
        RetentionPolicy {
            after_end: TimeDelta::days(180),
            when_inactive: TimeDelta::days(365),
            notice: TimeDelta::days(30),
        }
    }
}

impl RetentionPolicy {
    /// When the person's data is due for erasure, unless something happens first; `None` once
    /// erased.
    pub fn erasure_due_at(&self, referral: &Referral) -> Option<DateTime<Utc>> {
        if referral.erased_at.is_some() {
            return None;
        }
        Some(match referral.ended_at {
            Some(ended) => ended + self.after_end,
            None => referral.updated_at + self.when_inactive,
        })
    }
}
