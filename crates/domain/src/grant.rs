//! Grants (tilskudd, driftsmidler, prosjektmidler): money a funder (the county governor, a
//! municipality, a national or regional health authority) gives a recipient (a self-help centre,
//! a competence centre, a user organisation) for a period, and the activities it pays for.
//!
//! Amounts are whole Norwegian kroner held as integers: a float cannot hold every sum exactly,
//! and no grant is given in øre. A grant moves by party: the funder grants, pays and stops; the
//! recipient may withdraw its own application (a stop) and report a paid grant ended; either
//! ends it. Its two parties see it, no one else.

use crate::organisation::OrganisationKind;
use crate::refusal::FieldRefusal;
use crate::wire::wire_enum;
use crate::Role;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

/// The largest amount one grant records: ten billion kroner, far above any grant in the field,
/// so that a slipped key is refused rather than stored.
pub const MAX_AMOUNT_NOK: i64 = 10_000_000_000;

wire_enum! {
    /// Where a grant stands.
    GrantStatus {
        /// Applied for by the recipient; the funder has not decided.
        Applied => "applied",
        /// Granted by the funder.
        Granted => "granted",
        /// Paid out.
        Paid => "paid",
        /// Ended at or after its period's end, its work done.
        Ended => "ended",
        /// Stopped before its time (an application refused or withdrawn, funding cut), with a
        /// reason.
        Stopped => "stopped",
    }
}

crate::lifecycle::lifecycle!(status GrantStatus, "a grant");

/// The two parties to a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantParty {
    /// The organisation that gives the money.
    Funder,
    /// The organisation that receives it.
    Recipient,
}

impl GrantParty {
    /// The roles that act for this party: a funder's kind holds `governor_adviser`,
    /// `municipal_contact` or `programme_adviser`; a recipient's `centre_coordinator`,
    /// `competence_adviser` or (a user organisation) `facilitator`.
    pub const fn roles(self) -> &'static [Role] {
        match self {
            GrantParty::Funder => &[
                Role::GovernorAdviser,
                Role::MunicipalContact,
                Role::ProgrammeAdviser,
            ],
            GrantParty::Recipient => &[
                Role::CentreCoordinator,
                Role::CompetenceAdviser,
                Role::Facilitator,
            ],
        }
    }

    /// The kinds of organisation that can be this party.
    pub const fn kinds(self) -> &'static [OrganisationKind] {
        use OrganisationKind as Kind;
        match self {
            GrantParty::Funder => &[
                Kind::CountyGovernor,
                Kind::Municipality,
                Kind::NationalAuthority,
                Kind::RegionalHealthAuthority,
            ],
            GrantParty::Recipient => &[
                Kind::SelfHelpCentre,
                Kind::CompetenceCentre,
                Kind::UserOrganisation,
            ],
        }
    }

    /// The status a grant this party records starts in: the funder records a grant it gives,
    /// the recipient applies.
    pub const fn records_as(self) -> GrantStatus {
        match self {
            GrantParty::Funder => GrantStatus::Granted,
            GrantParty::Recipient => GrantStatus::Applied,
        }
    }

    /// The wire name of the party's organisation field.
    pub const fn field(self) -> &'static str {
        match self {
            GrantParty::Funder => "funder_organisation_id",
            GrantParty::Recipient => "recipient_organisation_id",
        }
    }
}

impl GrantStatus {
    /// Where `party` may move a grant from here. The funder decides an application, pays a
    /// grant and ends a paid one; it may stop one at any point before the end. The recipient
    /// withdraws its application (a stop) and reports a paid grant ended. Ended and stopped are
    /// final.
    pub fn allowed_for(self, party: GrantParty) -> Vec<GrantStatus> {
        use GrantStatus as S;
        match (party, self) {
            (GrantParty::Funder, S::Applied) => vec![S::Granted, S::Stopped],
            (GrantParty::Funder, S::Granted) => vec![S::Paid, S::Stopped],
            (GrantParty::Funder, S::Paid) => vec![S::Ended, S::Stopped],
            (GrantParty::Recipient, S::Applied) => vec![S::Stopped],
            (GrantParty::Recipient, S::Paid) => vec![S::Ended],
            _ => Vec::new(),
        }
    }

    /// Whether a funded activity shows this grant as funding it: granted or paid, and stopped
    /// (with the day it stopped), since a stop is what an activity's readers need to know of.
    pub const fn shows_as_funding(self) -> bool {
        matches!(
            self,
            GrantStatus::Granted | GrantStatus::Paid | GrantStatus::Stopped
        )
    }
}

wire_enum! {
    /// What kind of activity a grant pays for.
    ActivityKind {
        /// A network-meeting course its recipient organises.
        Course => "course",
        /// A learning network its recipient coordinates.
        LearningNetwork => "learning_network",
        /// The recipient self-help centre's operation: its groups and placements.
        CentreOperation => "centre_operation",
        /// A project, in words.
        Project => "project",
    }
}

/// One activity a grant pays for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// A course.
    Course(Uuid),
    /// A learning network.
    LearningNetwork(Uuid),
    /// The recipient centre's operation.
    CentreOperation,
    /// A project, described.
    Project(String),
}

impl Activity {
    /// Its kind.
    pub const fn kind(&self) -> ActivityKind {
        match self {
            Activity::Course(_) => ActivityKind::Course,
            Activity::LearningNetwork(_) => ActivityKind::LearningNetwork,
            Activity::CentreOperation => ActivityKind::CentreOperation,
            Activity::Project(_) => ActivityKind::Project,
        }
    }
}

/// A grant and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// Identifier.
    pub id: Uuid,
    /// Who gives the money.
    pub funder_organisation_id: Uuid,
    /// Who receives it.
    pub recipient_organisation_id: Uuid,
    /// Whole kroner.
    pub amount_nok: i64,
    /// First day it pays for.
    pub valid_from: NaiveDate,
    /// Last day it pays for; open-ended when absent.
    pub valid_until: Option<NaiveDate>,
    /// What it is for.
    pub purpose: String,
    /// What it pays for, in the order given.
    pub activities: Vec<Activity>,
    /// Where it stands.
    pub status: GrantStatus,
    /// Why it was stopped.
    pub stop_reason: Option<String>,
    /// The day it ended or stopped.
    pub closed_on: Option<NaiveDate>,
    /// Increases with every change; the `ETag`.
    pub version: i32,
    /// Recorded.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

crate::page::keyed_by!(Grant, created_at);

impl Grant {
    /// The last day it pays for: the day it ended or stopped, else its period's last day.
    pub fn last_day(&self) -> Option<NaiveDate> {
        match (self.closed_on, self.valid_until) {
            (Some(closed), Some(until)) => Some(closed.min(until)),
            (closed, until) => closed.or(until),
        }
    }

    /// The quarters its report counts on `today`: every calendar quarter that overlaps its
    /// period and has ended, whole (so no two reports differ by a few days), oldest first.
    pub fn report_quarters(&self, today: NaiveDate) -> Vec<Quarter> {
        let first = Quarter::of(self.valid_from);
        let last_ended = Quarter::of(today).previous();
        let last = self
            .last_day()
            .map_or(last_ended, |day| Quarter::of(day).min(last_ended));
        let mut quarters = Vec::new();
        let mut quarter = first;
        while quarter <= last {
            quarters.push(quarter);
            quarter = quarter.next();
        }
        quarters
    }
}

/// Which grants a caller reaches: those its organisation gives, when it holds a funder's role,
/// and those it receives, when it holds a recipient's. No one else reaches a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GrantScope {
    /// The funder the caller acts for.
    pub funder: Option<Uuid>,
    /// The recipient the caller acts for.
    pub recipient: Option<Uuid>,
}

impl GrantScope {
    /// The grants `caller` reaches, by the roles it holds.
    pub fn of(caller: &crate::Caller) -> GrantScope {
        let organisation = caller.organisation_id.uuid();
        let acts_as = |party: GrantParty| {
            party
                .roles()
                .iter()
                .any(|role| caller.has_role(*role))
                .then_some(organisation)
        };
        GrantScope {
            funder: acts_as(GrantParty::Funder),
            recipient: acts_as(GrantParty::Recipient),
        }
    }

    /// The parties the caller is to `grant`.
    pub fn parties(&self, grant: &Grant) -> Vec<GrantParty> {
        let mut parties = Vec::new();
        if self.funder == Some(grant.funder_organisation_id) {
            parties.push(GrantParty::Funder);
        }
        if self.recipient == Some(grant.recipient_organisation_id) {
            parties.push(GrantParty::Recipient);
        }
        parties
    }

    /// The moves open to the caller on `grant`, over every party it is to it.
    pub fn allowed_moves(&self, grant: &Grant) -> Vec<GrantStatus> {
        crate::lifecycle::open_to_parties(self.parties(grant), |party| {
            grant.status.allowed_for(party)
        })
    }
}

/// A calendar quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    /// The year.
    pub year: i32,
    /// 1 to 4.
    pub number: u32,
}

impl Quarter {
    /// The quarter `day` lies in.
    pub fn of(day: NaiveDate) -> Quarter {
        Quarter {
            year: day.year(),
            number: day.month0() / 3 + 1,
        }
    }

    /// The quarter before.
    #[must_use]
    pub const fn previous(self) -> Quarter {
        if self.number == 1 {
            Quarter {
                year: self.year - 1,
                number: 4,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number - 1,
            }
        }
    }

    /// The quarter after.
    #[must_use]
    pub const fn next(self) -> Quarter {
        if self.number == 4 {
            Quarter {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number + 1,
            }
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, (self.number - 1) * 3 + 1, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The first day of the quarter after it: the end, exclusive.
    pub fn end(self) -> NaiveDate {
        self.next().first_day()
    }

    /// Its label, as the report's columns show it: `2027-Q1`.
    pub fn label(self) -> String {
        format!("{}-Q{}", self.year, self.number)
    }
}

/// Checks an amount: whole kroner, at least 1, at most [`MAX_AMOUNT_NOK`].
pub fn check_amount(amount_nok: i64) -> Result<(), FieldRefusal> {
    if (1..=MAX_AMOUNT_NOK).contains(&amount_nok) {
        Ok(())
    } else {
        Err(FieldRefusal::new(
            "amount_nok",
            "out_of_range",
            format!("must be whole kroner from 1 to {MAX_AMOUNT_NOK}"),
        ))
    }
}

/// Checks a period: it cannot end before it starts.
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

/// Checks that the organisation named for `party` (`None`: no such organisation) is of a kind
/// that can be that party.
pub fn check_party_kind(
    party: GrantParty,
    kind: Option<OrganisationKind>,
) -> Result<(), FieldRefusal> {
    let field = party.field();
    match kind {
        None => Err(FieldRefusal::new(
            field,
            "not_found",
            "names no organisation",
        )),
        Some(kind) if party.kinds().contains(&kind) => Ok(()),
        Some(kind) => Err(FieldRefusal::new(
            field,
            "wrong_kind",
            format!("names an organisation of kind {kind}, which cannot be this party"),
        )),
    }
}

/// Checks what a move carries: a stop needs a reason, the other moves take none.
pub fn check_move(to: GrantStatus, reason: bool) -> Result<(), FieldRefusal> {
    match (to == GrantStatus::Stopped, reason) {
        (true, false) => Err(FieldRefusal::new(
            "reason",
            "required",
            "say why the grant stops",
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

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).expect("a valid day")
    }

    #[test]
    fn the_funder_decides_and_pays_the_recipient_withdraws_or_reports_the_end() {
        use GrantParty::{Funder, Recipient};
        use GrantStatus as S;
        assert_eq!(S::Applied.allowed_for(Funder), vec![S::Granted, S::Stopped]);
        assert_eq!(S::Applied.allowed_for(Recipient), vec![S::Stopped]);
        assert_eq!(S::Granted.allowed_for(Funder), vec![S::Paid, S::Stopped]);
        assert!(S::Granted.allowed_for(Recipient).is_empty());
        assert_eq!(S::Paid.allowed_for(Recipient), vec![S::Ended]);
        for end in [S::Ended, S::Stopped] {
            assert!(end.allowed_for(Funder).is_empty());
            assert!(end.allowed_for(Recipient).is_empty());
        }
    }

    #[test]
    fn amounts_are_whole_kroner_within_bounds() {
        assert!(check_amount(100_000).is_ok());
        assert!(check_amount(0).is_err());
        assert!(check_amount(-5).is_err());
        assert!(check_amount(MAX_AMOUNT_NOK + 1).is_err());
        assert!(check_period(day(2027, 2, 1), Some(day(2027, 1, 1))).is_err());
        assert!(check_move(GrantStatus::Stopped, false).is_err());
        assert!(check_move(GrantStatus::Paid, true).is_err());
    }

    #[test]
    fn a_report_counts_whole_ended_quarters_within_the_period() {
        let grant = Grant {
            id: Uuid::nil(),
            funder_organisation_id: Uuid::nil(),
            recipient_organisation_id: Uuid::nil(),
            amount_nok: 100_000,
            valid_from: day(2027, 2, 15),
            valid_until: Some(day(2027, 12, 31)),
            purpose: "Drift".into(),
            activities: vec![Activity::CentreOperation],
            status: GrantStatus::Paid,
            stop_reason: None,
            closed_on: None,
            version: 1,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        };
        let labels = |today| -> Vec<String> {
            grant
                .report_quarters(today)
                .into_iter()
                .map(Quarter::label)
                .collect()
        };
        assert!(labels(day(2027, 3, 1)).is_empty());
        assert_eq!(labels(day(2027, 8, 1)), vec!["2027-Q1", "2027-Q2"]);
        assert_eq!(labels(day(2029, 1, 1)).len(), 4);
        let stopped = Grant {
            closed_on: Some(day(2027, 4, 2)),
            ..grant.clone()
        };
        assert_eq!(stopped.report_quarters(day(2029, 1, 1)).len(), 2);
        assert_eq!(Quarter::of(day(2027, 12, 31)).end(), day(2028, 1, 1));
    }
}
