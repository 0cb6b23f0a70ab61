//! Published statistics too costly to compute for every request (every breakdown suppressed and
//! audited for each organisation that knows some of the counts), kept in the database with the
//! version of the counts they were computed at and served while that version stands. Every
//! server instance serves the same kept result.

use crate::UseCaseError;
use samhandling_persistence::{published_statistics, PgConnection, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

/// Where one statistic's result is kept.
pub(crate) trait Keeping {
    /// The kept result, with the version of the counts it was computed at.
    fn kept(&self, conn: &mut PgConnection)
        -> Result<Option<(i64, serde_json::Value)>, StoreError>;

    /// Claims the refresh of the kept result, unless another request holds a recent claim;
    /// whether this one did.
    fn claim_refresh(&self, conn: &mut PgConnection) -> Result<bool, StoreError>;

    /// Keeps `figures`, computed at `version`, unless a result of a later version is kept.
    fn keep(
        &self,
        conn: &mut PgConnection,
        version: i64,
        figures: &serde_json::Value,
    ) -> Result<(), StoreError>;
}

/// The result kept at `place` if it was computed at `version`, the version of its counts now
/// (read before the counts `compute` reads); else computed afresh and kept. An outdated result is
/// refreshed by one request while the others are served it, as it was audited in full on the
/// counts of its time, rather than each computing anew; once refreshed, no request is served the
/// old one. The first request, with nothing kept, computes. Returned with the version it was
/// computed at, which is `version` unless an outdated one was served.
pub(crate) fn kept_or_computed<T>(
    conn: &mut PgConnection,
    place: &impl Keeping,
    version: i64,
    compute: impl FnOnce(&mut PgConnection) -> Result<T, UseCaseError>,
) -> Result<(i64, T), UseCaseError>
where
    T: Serialize + DeserializeOwned,
{
    // A result kept in a shape this release no longer reads is computed anew, as if none were.
    let kept = place.kept(conn)?.and_then(|(kept_version, figures)| {
        Some((kept_version, serde_json::from_value::<T>(figures).ok()?))
    });
    if let Some((kept_version, figures)) = kept {
        if kept_version == version || !place.claim_refresh(conn)? {
            return Ok((kept_version, figures));
        }
    }
    let figures = compute(conn)?;
    // Plain data serializes; were it ever to fail, the figures are only not kept.
    if let Ok(value) = serde_json::to_value(&figures) {
        place.keep(conn, version, &value)?;
    }
    Ok((version, figures))
}

/// The kept results this server instance has read or computed, each with the version it was
/// computed at: a result too large to read and parse on every request (the network meetings'
/// table of every year) is read once per version. Whether one is served is still decided by the
/// version in the database, read on every request, so instances sharing a database answer
/// alike, and a change any of them makes is seen by all on their next request.
#[derive(Debug, Default)]
pub struct ServedResults(Mutex<HashMap<&'static str, Served>>);

#[derive(Debug)]
struct Served {
    version: i64,
    result: Arc<dyn Any + Send + Sync>,
}

impl ServedResults {
    /// The result of `statistic` at `version`, from memory if this instance has it, else from
    /// `read` (which returns it with the version it was computed at) and then remembered.
    pub(crate) fn at_version<T: Any + Send + Sync>(
        &self,
        statistic: &'static str,
        version: i64,
        read: impl FnOnce() -> Result<(i64, T), UseCaseError>,
    ) -> Result<Arc<T>, UseCaseError> {
        let remembered = self
            .lock()
            .get(statistic)
            .filter(|served| served.version == version)
            .and_then(|served| Arc::clone(&served.result).downcast::<T>().ok());
        if let Some(result) = remembered {
            return Ok(result);
        }
        let (computed_at, result) = read()?;
        let result = Arc::new(result);
        let mut served = self.lock();
        // What another request remembered of a later version stays.
        if served
            .get(statistic)
            .is_none_or(|served| served.version <= computed_at)
        {
            served.insert(
                statistic,
                Served {
                    version: computed_at,
                    result: Arc::clone(&result) as Arc<dyn Any + Send + Sync>,
                },
            );
        }
        Ok(result)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, Served>> {
        // A panic while holding the lock leaves a map that is whole: inserts replace entries.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A statistic kept in `published_statistics` under its name.
pub(crate) struct Statistic(pub &'static str);

impl Keeping for Statistic {
    fn kept(
        &self,
        conn: &mut PgConnection,
    ) -> Result<Option<(i64, serde_json::Value)>, StoreError> {
        published_statistics::kept(conn, self.0)
    }

    fn claim_refresh(&self, conn: &mut PgConnection) -> Result<bool, StoreError> {
        published_statistics::claim_refresh(conn, self.0)
    }

    fn keep(
        &self,
        conn: &mut PgConnection,
        version: i64,
        figures: &serde_json::Value,
    ) -> Result<(), StoreError> {
        published_statistics::keep(conn, self.0, version, figures)
    }
}
