//! Who may see which group, intake, membership and session. A centre's records are its own:
//! storage turns these scopes into the WHERE clause of every query, so another centre's record is
//! never loaded and answers 404. The one exception is the catalogue, where anyone signed in sees
//! the open groups their centres chose to publish, without their members or a confidential
//! address. An unpublished group is 404 to everyone outside its centre.

use crate::access::Caller;
use crate::role::Role;
use uuid::Uuid;

/// The records of one centre: its intakes, memberships, sessions and follow-ups. An empty scope
/// (a caller who coordinates no centre) matches nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CentreScope {
    /// The centre, when the caller coordinates it.
    pub centre: Option<Uuid>,
}

/// Which groups a caller may see: its centre's, and the catalogue: the published open groups
/// ([`GroupStatus::OPEN`](super::GroupStatus::OPEN): recruiting or starting), full or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GroupScope {
    /// The centre whose groups the caller runs.
    pub centre: Option<Uuid>,
    /// Also every published open (recruiting or starting) group.
    pub catalogue: bool,
}

/// What a caller may do with a centre's groups and intakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CentreAccess {
    organisation_id: Uuid,
    coordinator: bool,
}

impl CentreAccess {
    /// The access of `caller`.
    pub fn of(caller: &Caller) -> CentreAccess {
        CentreAccess {
            organisation_id: caller.organisation_id.uuid(),
            coordinator: caller.has_role(Role::CentreCoordinator),
        }
    }

    /// The caller's organisation.
    pub fn organisation_id(self) -> Uuid {
        self.organisation_id
    }

    /// The centre's own records, when the caller coordinates one.
    pub fn scope(self) -> CentreScope {
        CentreScope {
            centre: self.coordinator.then_some(self.organisation_id),
        }
    }

    /// The groups the caller sees: its centre's, and the catalogue.
    pub fn group_scope(self) -> GroupScope {
        GroupScope {
            centre: self.coordinator.then_some(self.organisation_id),
            catalogue: true,
        }
    }

    /// The groups the caller runs, for changes.
    pub fn own_groups(self) -> GroupScope {
        GroupScope {
            catalogue: false,
            ..self.group_scope()
        }
    }

    /// Whether the caller runs the centre that owns a record of `centre_id`.
    pub fn runs(self, centre_id: Uuid) -> bool {
        self.coordinator && centre_id == self.organisation_id
    }
}
