//! The short references people quote on the phone, drawn by the server for every new referral
//! and self-registration, by the API and the demo loader alike.

use crate::UseCaseError;
use samhandling_domain::referral::reference_from;
use samhandling_persistence::referrals::Inserted;
use samhandling_persistence::StoreError;
use std::sync::Arc;

/// Where short references come from: random by default; a test injects a sequence that repeats
/// itself to prove that a collision is retried rather than answered.
#[derive(Clone)]
pub struct References(Arc<dyn Fn() -> String + Send + Sync>);

impl References {
    /// 40 random bits from the operating system, as a short reference.
    pub fn random() -> References {
        References(Arc::new(|| {
            let mut random = [0_u8; 5];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut random);
            reference_from(random)
        }))
    }

    /// References drawn from `draw`.
    pub fn from_fn(draw: impl Fn() -> String + Send + Sync + 'static) -> References {
        References(Arc::new(draw))
    }
}

impl std::fmt::Debug for References {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("References")
    }
}

/// How many references a create draws before it gives up. With 2^40 references a second
/// collision in a row is already about as likely as a hardware fault.
const REFERENCE_ATTEMPTS: usize = 8;

/// Runs `insert` under fresh references until one is free, and returns what it stored (`None`
/// when it was not admitted). The server chose the reference, so a collision is retried inside
/// the create and never reaches the client as a 409.
pub fn with_free_reference<T, E: From<UseCaseError>>(
    references: &References,
    mut insert: impl FnMut(&str) -> Result<Inserted<T>, E>,
) -> Result<Option<T>, E> {
    for _ in 0..REFERENCE_ATTEMPTS {
        match insert(&(references.0)())? {
            Inserted::ReferenceTaken => {}
            Inserted::Stored(stored) => return Ok(Some(stored)),
            Inserted::NotAdmitted => return Ok(None),
        }
    }
    // Unavailable, not the client's fault: a retry draws afresh.
    Err(UseCaseError::Store(StoreError::Unavailable(
        "no free referral reference was found; retry".into(),
    ))
    .into())
}
