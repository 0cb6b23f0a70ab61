//! Who sees which dialogue meeting, and how much of it. The county governor sees everything in
//! its own county; a municipality sees the meetings it took part in, its own findings (never a
//! risk assessment), evaluations and actions; a partner sees the meetings it took part in,
//! without findings. Storage applies the scope in SQL; anything outside it is 404.

use super::DialogueMeeting;
use crate::access::Caller;
use crate::role::Role;
use uuid::Uuid;

/// Which meetings a caller reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DialogueScope {
    /// The caller's organisation, when it is a county governor's adviser: every meeting in the
    /// county this organisation covers.
    pub governor: Option<Uuid>,
    /// The caller's organisation: the meetings it took part in, as a municipality or a partner.
    pub participant: Option<Uuid>,
}

/// How much of a meeting the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogueView {
    /// The county governor of the meeting's county: all of it.
    Governor,
    /// A participating municipality: the meeting, its own findings without the risk assessment,
    /// its evaluations and actions.
    Municipality,
    /// A partner: the meeting, without findings.
    Partner,
}

/// What a caller may do with dialogue records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogueAccess {
    organisation_id: Uuid,
    adviser: bool,
    contact: bool,
    /// The county the caller's organisation covers, when it is a county governor.
    pub county: Option<String>,
}

impl DialogueAccess {
    /// The access of `caller`, whose organisation covers `county` (a county governor's number).
    pub fn of(caller: &Caller, county: Option<String>) -> DialogueAccess {
        DialogueAccess {
            organisation_id: caller.organisation_id.uuid(),
            adviser: caller.has_role(Role::GovernorAdviser),
            contact: caller.has_role(Role::MunicipalContact),
            county,
        }
    }

    /// The caller's organisation.
    pub fn organisation_id(&self) -> Uuid {
        self.organisation_id
    }

    /// The meetings the caller reaches.
    pub fn scope(&self) -> DialogueScope {
        DialogueScope {
            governor: self.adviser.then_some(self.organisation_id),
            participant: Some(self.organisation_id),
        }
    }

    /// The county the caller governs, if it is a governor's adviser.
    pub fn governs(&self) -> Option<&str> {
        self.county.as_deref().filter(|_| self.adviser)
    }

    /// How much of `meeting` the caller sees; `None` outside its scope.
    pub fn view_of(&self, meeting: &DialogueMeeting) -> Option<DialogueView> {
        if self.governs() == Some(meeting.county_number.as_str()) {
            Some(DialogueView::Governor)
        } else if meeting.municipalities.contains(&self.organisation_id) {
            Some(DialogueView::Municipality)
        } else if meeting.partners.contains(&self.organisation_id) {
            Some(DialogueView::Partner)
        } else {
            None
        }
    }

    /// Whether the caller speaks for a participating municipality (evaluations, its actions).
    pub fn is_contact_of(&self, meeting: &DialogueMeeting) -> bool {
        self.contact && meeting.municipalities.contains(&self.organisation_id)
    }
}
