//! Who may see and move which referral. The rules live here, beside the state machine they
//! guard; storage turns a [`ReferralScope`] into the WHERE clause of every query, and the HTTP
//! layer only maps a [`MoveRefusal`] to its problem.

use super::{check_transition, Party, Referral, ReferralStatus};
use crate::access::Caller;
use crate::lifecycle::IllegalTransition;
use crate::role::Role;
use uuid::Uuid;

/// Which referrals a caller may see: those addressed to its centre, those it referred, or (for
/// an administrator's erasure and access log only, never for reading) every one. Storage applies
/// it in SQL, so a record outside it is never loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReferralScope {
    /// The caller's organisation, when the caller coordinates a centre.
    pub centre: Option<Uuid>,
    /// The caller's organisation, when the caller refers.
    pub referrer: Option<Uuid>,
    /// Every referral.
    pub everything: bool,
}

impl ReferralScope {
    /// Whether the scope is a referrer's alone: its filters then see only what its view shows.
    pub fn is_referrer_only(self) -> bool {
        self.referrer.is_some() && self.centre.is_none() && !self.everything
    }
}

/// What the caller may do with referrals, from its roles and organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralAccess {
    organisation_id: Uuid,
    coordinator: bool,
    referrer: bool,
    admin: bool,
}

/// Why a move was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoveRefusal {
    /// The caller is no party to this referral: it must look as if it did not exist.
    NotAParty,
    /// Not allowed from here; `detail` says why in words the caller may read, and `allowed`
    /// names what the caller may do instead.
    /// Its `detail` names no status the caller may not know.
    NotAllowed(IllegalTransition),
}

impl ReferralAccess {
    /// The access of `caller`.
    pub fn of(caller: &Caller) -> ReferralAccess {
        ReferralAccess {
            organisation_id: caller.organisation_id.uuid(),
            coordinator: caller.has_role(Role::CentreCoordinator),
            referrer: caller.has_role(Role::Referrer),
            admin: caller.has_role(Role::Admin),
        }
    }

    /// The caller's organisation.
    pub fn organisation_id(self) -> Uuid {
        self.organisation_id
    }

    /// The same caller as the referrer only: the view a creator is answered with, whatever other
    /// roles it holds.
    #[must_use]
    pub fn as_referrer(self) -> ReferralAccess {
        ReferralAccess {
            coordinator: false,
            admin: false,
            ..self
        }
    }

    /// The referrals the caller's roles reach.
    pub fn scope(self) -> ReferralScope {
        ReferralScope {
            centre: self.coordinator.then_some(self.organisation_id),
            referrer: self.referrer.then_some(self.organisation_id),
            everything: false,
        }
    }

    /// The referrals the caller works as a centre.
    pub fn centre_scope(self) -> ReferralScope {
        ReferralScope {
            referrer: None,
            ..self.scope()
        }
    }

    /// The referrals whose person the caller answers for: its centre's, or every one for an
    /// administrator (erasure, access log).
    pub fn stewardship_scope(self) -> ReferralScope {
        ReferralScope {
            everything: self.admin,
            ..self.centre_scope()
        }
    }

    /// Whether the caller coordinates the centre the referral is addressed to.
    pub fn is_centre_of(self, referral: &Referral) -> bool {
        self.coordinator && referral.target_centre_id == self.organisation_id
    }

    /// Whether the caller made the referral.
    pub fn is_referrer_of(self, referral: &Referral) -> bool {
        self.referrer && referral.referring_organisation_id == Some(self.organisation_id)
    }

    /// What the caller may move the referral to, as centre and as referrer.
    pub fn allowed(self, referral: &Referral) -> Vec<ReferralStatus> {
        let mut allowed = Vec::new();
        if self.is_centre_of(referral) {
            allowed.extend(referral.status.allowed_transitions(Party::Centre));
        }
        if self.is_referrer_of(referral) {
            allowed.extend(referral.status.allowed_transitions(Party::Referrer));
        }
        allowed
    }

    /// The party the caller acts as for a move to `to`, if it is a party at all.
    fn party_for(self, referral: &Referral, to: ReferralStatus) -> Option<Party> {
        if self.is_referrer_of(referral) && to == ReferralStatus::Withdrawn {
            Some(Party::Referrer)
        } else if self.is_centre_of(referral) {
            Some(Party::Centre)
        } else if self.is_referrer_of(referral) {
            Some(Party::Referrer)
        } else {
            None
        }
    }

    /// Whether the caller may move `referral` to `to`, and as which party. A referrer is told
    /// the rule, never the detailed status it may not see.
    pub fn check_move(self, referral: &Referral, to: ReferralStatus) -> Result<Party, MoveRefusal> {
        let party = self.party_for(referral, to).ok_or(MoveRefusal::NotAParty)?;
        check_transition(referral.status, to, party).map_err(|refused| {
            MoveRefusal::NotAllowed(IllegalTransition::told_as(
                match party {
                    Party::Centre => refused.detail,
                    Party::Referrer => {
                        "a referrer may only withdraw a referral, and only before the person is placed"
                            .to_owned()
                    }
                },
                &self.allowed(referral),
            ))
        })?;
        Ok(party)
    }
}
