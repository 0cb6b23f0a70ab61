//! Optimistic concurrency: a change names the version it was made against (an `If-Match`
//! header), and a record that has moved on since refuses it, so no concurrent change is lost.

/// What the client expects the current version to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// Any current version (`If-Match: *`).
    Any,
    /// This version.
    Version(i32),
    /// A well-formed tag that was never issued: it matches nothing.
    Unmatchable,
}

/// The record has changed since the client read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the record has changed since it was read")]
pub struct StaleVersion;

impl Precondition {
    /// Refuses unless `current` is what the client expects.
    pub fn check(self, current: i32) -> Result<(), StaleVersion> {
        match self {
            Precondition::Any => Ok(()),
            Precondition::Version(expected) if expected == current => Ok(()),
            Precondition::Version(_) | Precondition::Unmatchable => Err(StaleVersion),
        }
    }
}

/// A record or view that knows the version its `ETag` carries.
pub trait Versioned {
    /// The version.
    fn version(&self) -> i32;
}

/// Implements [`Versioned`] for records whose `version` field is their `ETag`.
#[macro_export]
macro_rules! versioned {
    ($($record:ty),+ $(,)?) => {
        $(impl $crate::version::Versioned for $record {
            fn version(&self) -> i32 {
                self.version
            }
        })+
    };
}
