//! Typed identifiers, for the places where two ids travel side by side: a subscription's id and
//! its organisation's, say. Swapping them would compile with bare UUIDs; with these it does not.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// The id of an organisation (kommune, NAV-kontor, senter, …): what every caller acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrganisationId(Uuid);

impl OrganisationId {
    /// The organisation with this UUID.
    pub const fn new(id: Uuid) -> OrganisationId {
        OrganisationId(id)
    }

    /// The UUID, for storage and the wire.
    pub const fn uuid(self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for OrganisationId {
    fn from(id: Uuid) -> Self {
        OrganisationId(id)
    }
}

impl fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
