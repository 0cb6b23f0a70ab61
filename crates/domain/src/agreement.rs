//! Collaboration agreements (samarbeidsavtaler) between a self-help centre and a municipality or
//! NAV office that refers to it: what the partner refers, the feedback it wants on its
//! referrals, who the contacts are, and for how long.
//!
//! An agreement decides how much a referrer is told of its referrals: with none in force, or one
//! saying [`FeedbackLevel::None`], the referrer gets the receipt and nothing more; `coarse` adds
//! the coarse status; `detailed` adds the detailed status and history, and only while the person
//! consents to feedback. The centre proposes an agreement, the partner accepts or declines it, and
//! either of them ends one in force.

use crate::organisation::OrganisationKind;
use crate::refusal::FieldRefusal;
use crate::wire::wire_enum;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

wire_enum! {
    /// How much a referrer is told of its referrals to the centre.
    FeedbackLevel {
        /// The receipt only: that the referral arrived.
        None => "none",
        /// The coarse status (received, in progress, completed, ended).
        Coarse => "coarse",
        /// The detailed status and history, while the person consents to feedback; the coarse
        /// status otherwise.
        Detailed => "detailed",
    }
}

impl FeedbackLevel {
    /// Whether the referrer sees the coarse status.
    pub const fn shows_coarse(self) -> bool {
        !matches!(self, FeedbackLevel::None)
    }

    /// Whether the referrer may see the detailed status, given the person's consent.
    pub const fn shows_detailed(self) -> bool {
        matches!(self, FeedbackLevel::Detailed)
    }
}

wire_enum! {
    /// Where an agreement stands.
    AgreementStatus {
        /// Proposed by the centre; the partner has not answered.
        Proposed => "proposed",
        /// Accepted by the partner: it decides the feedback within its period.
        InForce => "in_force",
        /// The partner said no.
        Declined => "declined",
        /// The centre took its proposal back.
        Withdrawn => "withdrawn",
        /// Ended by either party.
        Ended => "ended",
    }
}

crate::lifecycle::lifecycle!(status AgreementStatus, "a collaboration agreement");

/// The two parties to an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementParty {
    /// The self-help centre, which proposes.
    Centre,
    /// The municipality or NAV office, which accepts or declines.
    Partner,
}

impl AgreementStatus {
    /// Where `party` may move an agreement from here: the partner answers a proposal, the centre
    /// withdraws it, and either ends an agreement in force. Declined, withdrawn and ended are
    /// final: a new agreement is a new proposal.
    pub fn allowed_for(self, party: AgreementParty) -> Vec<AgreementStatus> {
        use AgreementStatus as S;
        match (party, self) {
            (AgreementParty::Partner, S::Proposed) => vec![S::InForce, S::Declined],
            (AgreementParty::Centre, S::Proposed) => vec![S::Withdrawn],
            (_, S::InForce) => vec![S::Ended],
            _ => Vec::new(),
        }
    }
}

/// A collaboration agreement and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollaborationAgreement {
    /// Identifier.
    pub id: Uuid,
    /// The self-help centre.
    pub centre_id: Uuid,
    /// The municipality or NAV office.
    pub partner_organisation_id: Uuid,
    /// What the partner refers, in words.
    pub refers: String,
    /// The feedback the partner gets on its referrals.
    pub feedback: FeedbackLevel,
    /// The centre's contact, as a role ("koordinator").
    pub centre_contact_role: String,
    /// The partner's contact, as a role ("rådgiver psykisk helse").
    pub partner_contact_role: String,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// Last day it applies; open-ended when absent.
    pub valid_until: Option<NaiveDate>,
    /// Where it stands.
    pub status: AgreementStatus,
    /// Why it was ended or declined.
    pub end_reason: Option<String>,
    /// Increases with every change; the `ETag`.
    pub version: i32,
    /// Proposed.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

crate::page::keyed_by!(CollaborationAgreement, created_at);

impl CollaborationAgreement {
    /// The parties `organisation` is to this agreement.
    pub fn parties_of(&self, organisation: Uuid) -> Vec<AgreementParty> {
        let mut parties = Vec::new();
        if self.centre_id == organisation {
            parties.push(AgreementParty::Centre);
        }
        if self.partner_organisation_id == organisation {
            parties.push(AgreementParty::Partner);
        }
        parties
    }

    /// The feedback it gives on `day`: its level while in force and within its period, none
    /// otherwise.
    pub fn feedback_on(&self, day: NaiveDate) -> FeedbackLevel {
        let within = self.valid_from <= day && self.valid_until.is_none_or(|last| day <= last);
        if self.status == AgreementStatus::InForce && within {
            self.feedback
        } else {
            FeedbackLevel::None
        }
    }
}

/// Checks the partner a centre proposes an agreement to (`None`: no such organisation): a
/// municipality or a NAV office, the organisations that refer.
pub fn check_partner(kind: Option<OrganisationKind>) -> Result<(), FieldRefusal> {
    const FIELD: &str = "partner_organisation_id";
    match kind {
        None => Err(FieldRefusal::new(
            FIELD,
            "not_found",
            "names no organisation",
        )),
        Some(OrganisationKind::Municipality | OrganisationKind::NavOffice) => Ok(()),
        Some(kind) => Err(FieldRefusal::new(
            FIELD,
            "not_a_referrer",
            format!(
                "names an organisation of kind {kind}: agreements are made with a municipality or a NAV office"
            ),
        )),
    }
}

/// Checks an agreement's period: it cannot end before it starts.
pub fn check_period(
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
) -> Result<(), FieldRefusal> {
    match valid_until {
        Some(last) if last < valid_from => Err(FieldRefusal::new(
            "valid_until",
            "before_start",
            "is before valid_from",
        )),
        _ => Ok(()),
    }
}

/// Checks what a move carries: ending or declining needs a reason, the other moves take none.
pub fn check_move(to: AgreementStatus, reason: bool) -> Result<(), FieldRefusal> {
    let needs_reason = matches!(to, AgreementStatus::Ended | AgreementStatus::Declined);
    match (needs_reason, reason) {
        (true, false) => Err(FieldRefusal::new(
            "reason",
            "required",
            format!("say why, moving to {to}"),
        )),
        (false, true) => Err(FieldRefusal::new(
            "reason",
            "not_allowed",
            format!("a move to {to} takes no reason"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partner_answers_the_centre_withdraws_and_either_ends() {
        use AgreementParty::{Centre, Partner};
        use AgreementStatus as S;
        assert_eq!(
            S::Proposed.allowed_for(Partner),
            vec![S::InForce, S::Declined]
        );
        assert_eq!(S::Proposed.allowed_for(Centre), vec![S::Withdrawn]);
        assert_eq!(S::InForce.allowed_for(Centre), vec![S::Ended]);
        assert_eq!(S::InForce.allowed_for(Partner), vec![S::Ended]);
        for end in [S::Declined, S::Withdrawn, S::Ended] {
            assert!(end.allowed_for(Centre).is_empty());
            assert!(end.allowed_for(Partner).is_empty());
        }
    }

    fn agreement(status: AgreementStatus, until: Option<NaiveDate>) -> CollaborationAgreement {
        CollaborationAgreement {
            id: Uuid::nil(),
            centre_id: Uuid::nil(),
            partner_organisation_id: Uuid::nil(),
            refers: "Personer med AAP".into(),
            feedback: FeedbackLevel::Detailed,
            centre_contact_role: "Koordinator".into(),
            partner_contact_role: "Veileder".into(),
            valid_from: day(2027, 1, 1),
            valid_until: until,
            status,
            end_reason: None,
            version: 1,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        }
    }

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("a valid day")
    }

    #[test]
    fn feedback_flows_only_in_force_and_within_the_period() {
        let until = Some(day(2027, 12, 31));
        let in_force = agreement(AgreementStatus::InForce, until);
        assert_eq!(in_force.feedback_on(day(2026, 12, 31)), FeedbackLevel::None);
        assert_eq!(
            in_force.feedback_on(day(2027, 1, 1)),
            FeedbackLevel::Detailed
        );
        assert_eq!(
            in_force.feedback_on(day(2027, 12, 31)),
            FeedbackLevel::Detailed
        );
        assert_eq!(in_force.feedback_on(day(2028, 1, 1)), FeedbackLevel::None);
        let proposed = agreement(AgreementStatus::Proposed, None);
        assert_eq!(proposed.feedback_on(day(2027, 6, 1)), FeedbackLevel::None);
    }

    #[test]
    fn only_municipalities_and_nav_offices_are_partners() {
        assert!(check_partner(Some(OrganisationKind::Municipality)).is_ok());
        assert!(check_partner(Some(OrganisationKind::NavOffice)).is_ok());
        let refused = check_partner(Some(OrganisationKind::CompetenceCentre));
        assert_eq!(refused.map_err(|r| r.code), Err("not_a_referrer"));
        assert_eq!(check_partner(None).map_err(|r| r.code), Err("not_found"));
    }

    #[test]
    fn an_end_needs_a_reason_and_an_acceptance_takes_none() {
        assert!(check_move(AgreementStatus::Ended, false).is_err());
        assert!(check_move(AgreementStatus::Ended, true).is_ok());
        assert!(check_move(AgreementStatus::InForce, true).is_err());
        assert!(check_move(AgreementStatus::InForce, false).is_ok());
        assert!(check_period(day(2027, 2, 1), Some(day(2027, 1, 1))).is_err());
    }
}
