//! Who sees which dialogue meeting, and how much of it. The county governor sees everything in
//! its own county; a municipality sees the meetings it took part in, its own findings (never a
//! risk assessment), evaluations and actions; a partner sees the meetings it took part in,
//! with the findings the governor shares with partners, never a risk. Storage applies the scope
//! in SQL; anything outside it is 404.
//!
//! Who speaks for whom: a municipality is spoken for in the governor's dialogue by its
//! `municipal_contact`s alone, the people it names for the dialogue. Its other staff
//! (`referrer`, `facilitator`) work with referrals and meeting logs and reach none of its
//! dialogue records. A partner is spoken for by the roles its kind of organisation holds: a
//! competence centre's `competence_adviser`s, a user organisation's `facilitator`s.

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
    /// The caller's organisation, when the caller speaks for it as a municipality: the
    /// meetings it took part in as a municipality.
    pub municipality: Option<Uuid>,
    /// The caller's organisation, when the caller speaks for it as a partner: the meetings it
    /// took part in as a partner.
    pub partner: Option<Uuid>,
}

/// How much of a meeting the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogueView {
    /// The county governor of the meeting's county: all of it.
    Governor,
    /// A participating municipality: the meeting, its own findings without the risk assessment,
    /// its evaluations and actions.
    Municipality,
    /// A partner: the meeting, with the findings shared with partners (never a risk).
    Partner,
}

/// What a caller may do with dialogue records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialogueAccess {
    organisation_id: Uuid,
    adviser: bool,
    contact: bool,
    partner: bool,
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
            partner: caller.has_any_role(&[Role::CompetenceAdviser, Role::Facilitator]),
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
            municipality: self.contact.then_some(self.organisation_id),
            partner: self.partner.then_some(self.organisation_id),
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
        } else if self.contact && meeting.municipalities.contains(&self.organisation_id) {
            Some(DialogueView::Municipality)
        } else if self.partner && meeting.partners.contains(&self.organisation_id) {
            Some(DialogueView::Partner)
        } else {
            None
        }
    }

    /// Whether the caller speaks for the municipality `municipality` (its dialogue timeline).
    pub fn speaks_for(&self, municipality: Uuid) -> bool {
        self.contact && self.organisation_id == municipality
    }

    /// Whether the caller speaks for a participating municipality (evaluations, its actions).
    pub fn is_contact_of(&self, meeting: &DialogueMeeting) -> bool {
        self.contact && meeting.municipalities.contains(&self.organisation_id)
    }
}
