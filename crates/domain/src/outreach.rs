//! Outreach meetings (kommunemøter, informasjonsmøter): a self-help centre or a competence
//! centre invites municipalities, NAV offices and others to a programme of speakers, to win them
//! over, and then notes per invited organisation what collaboration it wants (a follow-up).
//!
//! A meeting is planned, then held or cancelled. While planned its date, place, programme and
//! invitations may change; once held, the organiser records who was present and each
//! organisation's follow-up. A follow-up is the organiser's note about one organisation, so an
//! invited organisation sees its own and never another's.

use crate::refusal::FieldRefusal;
use crate::wire::wire_enum;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

wire_enum! {
    /// What kind of outreach meeting.
    OutreachKind {
        /// A kommunemøte: the municipalities of a region, to agree on collaboration.
        MunicipalMeeting => "municipal_meeting",
        /// An informasjonsmøte: telling services what the organiser offers.
        InformationMeeting => "information_meeting",
    }
}

wire_enum! {
    /// Where an outreach meeting stands.
    OutreachStatus {
        /// Planned: date, place, programme and invitations may change.
        Planned => "planned",
        /// Held: presence and follow-ups are recorded.
        Held => "held",
        /// Cancelled: nothing more happens to it.
        Cancelled => "cancelled",
    }
}

impl OutreachStatus {
    /// A planned meeting is held or cancelled; both are final.
    pub fn allowed_transitions(self) -> Vec<OutreachStatus> {
        match self {
            OutreachStatus::Planned => vec![OutreachStatus::Held, OutreachStatus::Cancelled],
            OutreachStatus::Held | OutreachStatus::Cancelled => Vec::new(),
        }
    }
}

crate::lifecycle::lifecycle!(OutreachStatus, "an outreach meeting");

wire_enum! {
    /// What an invited organisation wants after the meeting.
    OutreachOutcome {
        /// It wants to hear more, or to collaborate.
        Interested => "interested",
        /// Not now.
        NotNow => "not_now",
        /// A collaboration agreement was made (or proposed) with it.
        AgreementMade => "agreement_made",
    }
}

/// One item of the programme: who speaks, by organisation and role, never by a person's name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SpeakerItem {
    /// The title.
    pub title: String,
    /// The speaker's organisation.
    pub speaker_organisation_id: Uuid,
    /// The speaker's role ("daglig leder", "deltaker").
    pub speaker_role: Option<String>,
}

/// The organiser's note of what one invited organisation wants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// What it wants.
    pub outcome: OutreachOutcome,
    /// When it said so.
    pub on: NaiveDate,
    /// The agreement made, for `agreement_made`.
    pub agreement_id: Option<Uuid>,
    /// A note.
    pub note: Option<String>,
}

/// One invited organisation: whether it came, and its follow-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Whether it was present.
    pub present: bool,
    /// Its follow-up, once noted.
    pub follow_up: Option<FollowUp>,
}

/// An outreach meeting, with the invitations its reader may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutreachMeeting {
    /// Identifier.
    pub id: Uuid,
    /// The organisation that holds it.
    pub organiser_id: Uuid,
    /// Its kind.
    pub kind: OutreachKind,
    /// What it is called.
    pub title: String,
    /// Its date.
    pub held_on: NaiveDate,
    /// Where, unless digital.
    pub place: Option<String>,
    /// Whether it is held digitally.
    pub digital: bool,
    /// The programme, in order.
    pub programme: Vec<SpeakerItem>,
    /// The invitations: all of them for the organiser, the reader's own for an invitee.
    pub invitations: Vec<Invitation>,
    /// Where it stands.
    pub status: OutreachStatus,
    /// Increases with every change; the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

crate::page::keyed_by!(OutreachMeeting, created_at);

/// Which meetings a caller reaches: those its organisation organises (with an organiser's
/// role) and those it is invited to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutreachScope {
    /// The caller's organisation.
    pub organisation: Uuid,
    /// Whether it reaches the meetings its organisation organises.
    pub organiser: bool,
    /// Whether it reaches the meetings its organisation is invited to.
    pub invited: bool,
}

impl OutreachScope {
    /// The roles that organise: a self-help centre's coordinators and a competence centre's
    /// advisers.
    pub const ORGANISERS: &'static [crate::Role] = &[
        crate::Role::CentreCoordinator,
        crate::Role::CompetenceAdviser,
    ];

    /// What `caller` reads: its organisation's own meetings with an organiser's role, and the
    /// meetings its organisation is invited to.
    pub fn of(caller: &crate::Caller) -> OutreachScope {
        OutreachScope {
            organisation: caller.organisation_id.uuid(),
            organiser: Self::ORGANISERS.iter().any(|role| caller.has_role(*role)),
            invited: true,
        }
    }

    /// What `caller` changes: its organisation's own meetings only.
    pub fn organiser_of(caller: &crate::Caller) -> OutreachScope {
        OutreachScope {
            invited: false,
            ..OutreachScope::of(caller)
        }
    }

    /// Whether the caller organises `meeting` (and so sees every invitation).
    pub fn organises(&self, meeting: &OutreachMeeting) -> bool {
        self.organiser && meeting.organiser_id == self.organisation
    }
}

/// Checks the invited list of a meeting `organiser` holds: no organisation twice, and not the
/// organiser itself; `known` tells which ids name an organisation.
pub fn check_invited(
    organiser: Uuid,
    invited: &[Uuid],
    known: impl Fn(Uuid) -> bool,
) -> Vec<FieldRefusal> {
    let mut refusals: Vec<FieldRefusal> = FieldRefusal::each(
        "invited",
        invited,
        |id| !known(*id),
        "not_found",
        "names no organisation",
    )
    .collect();
    refusals.extend(FieldRefusal::each(
        "invited",
        invited,
        |id| *id == organiser,
        "organiser",
        "the organiser holds the meeting and is not invited to it",
    ));
    for (index, id) in invited.iter().enumerate() {
        if invited[..index].contains(id) {
            refusals.push(FieldRefusal::new(
                format!("invited[{index}]"),
                "duplicate",
                "names an organisation invited already",
            ));
        }
    }
    refusals
}

/// Checks that everyone `present` was invited: each other one is refused as `present[i]`.
pub fn check_present(invited: &[Uuid], present: &[Uuid]) -> Vec<FieldRefusal> {
    FieldRefusal::each(
        "present",
        present,
        |id| !invited.contains(id),
        "not_invited",
        "names an organisation that was not invited",
    )
    .collect()
}

/// Checks what a follow-up carries: an agreement only with `agreement_made`.
pub fn check_follow_up(follow_up: &FollowUp) -> Result<(), FieldRefusal> {
    if follow_up.agreement_id.is_some() && follow_up.outcome != OutreachOutcome::AgreementMade {
        return Err(FieldRefusal::new(
            "follow_up.agreement_id",
            "not_allowed",
            "names an agreement, which only an agreement_made follow-up does",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::Lifecycle;

    #[test]
    fn a_planned_meeting_is_held_or_cancelled_and_that_is_final() {
        use OutreachStatus as S;
        assert!(S::Planned.check_transition(S::Held).is_ok());
        assert!(S::Planned.check_transition(S::Cancelled).is_ok());
        let refused = S::Held.check_transition(S::Cancelled).err();
        assert_eq!(refused.map(|r| r.allowed), Some(Vec::new()));
        assert!(S::Cancelled.allowed_transitions().is_empty());
    }

    #[test]
    fn every_fault_of_the_invited_and_present_lists_is_named() {
        let (organiser, a, b, stranger) = (
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            Uuid::from_u128(3),
            Uuid::from_u128(4),
        );
        let refused = check_invited(organiser, &[a, organiser, a, stranger], |id| id != stranger);
        let fields: Vec<_> = refused.iter().map(|r| (r.field.as_str(), r.code)).collect();
        assert_eq!(
            fields,
            vec![
                ("invited[3]", "not_found"),
                ("invited[1]", "organiser"),
                ("invited[2]", "duplicate"),
            ]
        );
        let refused = check_present(&[a, b], &[b, stranger, organiser]);
        let fields: Vec<_> = refused.iter().map(|r| r.field.as_str()).collect();
        assert_eq!(fields, vec!["present[1]", "present[2]"]);
    }

    #[test]
    fn only_an_agreement_made_names_an_agreement() {
        let mut follow_up = FollowUp {
            outcome: OutreachOutcome::Interested,
            on: NaiveDate::MIN,
            agreement_id: Some(Uuid::nil()),
            note: None,
        };
        assert!(check_follow_up(&follow_up).is_err());
        follow_up.outcome = OutreachOutcome::AgreementMade;
        assert!(check_follow_up(&follow_up).is_ok());
    }
}
