//! Self-help groups (selvhjelpsgrupper) as LINK centres run them: 4 to 8 adults who meet weekly
//! for about two hours, started by a starter (igangsetter) from the centre and then running
//! themselves. Groups are anonymous: members are known by a pseudonym, inside the centre only.

pub mod access;

pub use access::{CentreAccess, CentreScope, GroupScope};

use crate::lifecycle::{IllegalTransition, Lifecycle};
use crate::wire::wire_enum;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use uuid::Uuid;

wire_enum! {
    /// What a group is about; the same words describe what a person asks for at intake.
    GroupTheme {
        /// Open to any life situation.
        General => "general",
        /// After trauma.
        Ptsd => "ptsd",
        /// After a loss.
        Grief => "grief",
        /// Loneliness.
        Loneliness => "loneliness",
        /// Anxiety and depression.
        AnxietyAndDepression => "anxiety_and_depression",
        /// Alcohol, drugs or medication.
        SubstanceUse => "substance_use",
        /// Relatives (pårørende) of someone struggling.
        Relatives => "relatives",
        /// Anything else.
        Other => "other",
    }
}

wire_enum! {
    /// Where a group meets.
    GroupFormat {
        /// At the self-help centre.
        CentrePremises => "centre_premises",
        /// In rooms the municipality lends.
        MunicipalityPremises => "municipality_premises",
        /// Digitally.
        Digital => "digital",
        /// At a participant's home: the centre comes to them. Its address never reaches the
        /// catalogue.
        Home => "home",
    }
}

wire_enum! {
    /// A day of the week.
    Weekday {
        /// Mandag.
        Monday => "monday",
        /// Tirsdag.
        Tuesday => "tuesday",
        /// Onsdag.
        Wednesday => "wednesday",
        /// Torsdag.
        Thursday => "thursday",
        /// Fredag.
        Friday => "friday",
        /// Lørdag.
        Saturday => "saturday",
        /// Søndag.
        Sunday => "sunday",
    }
}

wire_enum! {
    /// Where a group is in its life.
    GroupStatus {
        /// Being prepared: not yet open for members.
        Planned => "planned",
        /// Open for members; shown in the catalogue while it has open seats.
        Recruiting => "recruiting",
        /// Has its minimum and begins meeting, with the starter attending the first meetings;
        /// still open for members, and in the catalogue, while it has open seats.
        Starting => "starting",
        /// Running itself; closed, so new members join only if the group agrees.
        SelfRunning => "self_running",
        /// Not meeting for a while.
        Paused => "paused",
        /// Stopped meeting.
        Ended => "ended",
    }
}

wire_enum! {
    /// Why a member left.
    LeaveReason {
        /// The member felt done.
        Completed => "completed",
        /// The member moved away or could no longer come.
        CouldNotAttend => "could_not_attend",
        /// The member no longer wanted the group.
        NoLongerWanted => "no_longer_wanted",
        /// The group ended.
        GroupEnded => "group_ended",
        /// Something else.
        Other => "other",
    }
}

crate::lifecycle::lifecycle!(GroupStatus, "a group");

impl GroupStatus {
    /// The statuses a group may move to from this one. A group may end at any point; only a
    /// running group pauses, and only a paused one resumes.
    pub fn allowed_transitions(self) -> Vec<GroupStatus> {
        use GroupStatus as S;
        match self {
            S::Planned => vec![S::Recruiting, S::Ended],
            S::Recruiting => vec![S::Starting, S::Ended],
            S::Starting | S::Paused => vec![S::SelfRunning, S::Ended],
            S::SelfRunning => vec![S::Paused, S::Ended],
            S::Ended => Vec::new(),
        }
    }

    /// The statuses in which a group takes new members, while it has an open seat, without
    /// asking the group: recruiting, and starting (it has its minimum and fills its remaining
    /// seats as it begins). The suggested groups, and the catalogue of published groups, show
    /// exactly these; the SQL
    /// of `groups_catalogue`, `groups_open_seats` and the matching queries spells them out.
    pub const OPEN: [GroupStatus; 2] = [GroupStatus::Recruiting, GroupStatus::Starting];

    /// Whether the group takes new members without asking it (one of [`GroupStatus::OPEN`]).
    pub const fn takes_new_members(self) -> bool {
        matches!(self, GroupStatus::Recruiting | GroupStatus::Starting)
    }

    /// Whether the group has started running itself (self-running, or paused since): it is then
    /// closed, and a new member joins only if the group agrees. A starting group has not: it is
    /// still open. An ended group is neither open nor closed: it takes nobody.
    pub const fn has_started(self) -> bool {
        matches!(self, GroupStatus::SelfRunning | GroupStatus::Paused)
    }

    /// Whether the group meets, so that its sessions are logged: from starting (with its starter)
    /// on, and while paused (for the meetings it cancels).
    pub const fn meets(self) -> bool {
        matches!(
            self,
            GroupStatus::Starting | GroupStatus::SelfRunning | GroupStatus::Paused
        )
    }
}

/// Why a group cannot change as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupRefusal {
    /// The lifecycle does not allow the move.
    #[error(transparent)]
    IllegalTransition(IllegalTransition),
    /// Too few members are placed to start.
    #[error("the group needs {minimum} members to start and has {placed}: {missing} missing")]
    TooFewMembers {
        /// The group's minimum.
        minimum: i16,
        /// Members placed now.
        placed: i16,
        /// How many more are needed.
        missing: i16,
    },
    /// Every seat is taken.
    #[error("the group is full: {maximum} of {maximum} seats are taken")]
    Full {
        /// The group's maximum.
        maximum: i16,
    },
    /// The group does not take members in its status.
    #[error("a {status} group takes no new members")]
    NotTakingMembers {
        /// The group's status.
        status: GroupStatus,
    },
    /// The group has started and is closed: a new member needs its agreement.
    #[error("the group has started and is closed: place someone only when the group agrees (group_agreed: true)")]
    NeedsGroupAgreement,
    /// The group is not meeting, so it has no sessions.
    #[error("a {status} group holds no sessions")]
    NotMeeting {
        /// The group's status.
        status: GroupStatus,
    },
}

/// When a group meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// The day of the week.
    pub weekday: Weekday,
    /// The local time a meeting starts.
    pub start_time: NaiveTime,
    /// Every how many weeks it meets (1 is weekly).
    pub interval_weeks: i16,
}

/// How many members a group takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Size {
    /// The fewest it starts with (usually 5, at least 4).
    pub minimum: i16,
    /// The most it takes (at most 8).
    pub maximum: i16,
}

impl Size {
    /// The smallest minimum a group may have: four can be enough.
    pub const LOWEST_MINIMUM: i16 = 4;
    /// The usual minimum: a group usually starts with five.
    pub const DEFAULT_MINIMUM: i16 = 5;
    /// The most members a group may have.
    pub const HIGHEST_MAXIMUM: i16 = 8;

    /// Checks the bounds: `4 <= minimum <= maximum <= 8`.
    pub fn check(self) -> Result<Size, &'static str> {
        if self.minimum < Self::LOWEST_MINIMUM {
            Err("a group needs at least 4 members to start")
        } else if self.maximum > Self::HIGHEST_MAXIMUM {
            Err("a group has at most 8 members")
        } else if self.minimum > self.maximum {
            Err("the minimum cannot exceed the maximum")
        } else {
            Ok(self)
        }
    }
}

wire_enum! {
    /// How many seats a catalogue group has, as a band: the catalogue never shows the count, so
    /// that a referrer who learns its person was placed cannot tell which group took them.
    SeatBand {
        /// Three or more seats free.
        Available => "available",
        /// One or two seats free.
        Few => "few",
        /// No seat free: ask the centre about the next group.
        Full => "full",
    }
}

impl SeatBand {
    /// The band of `open_seats` free seats.
    pub const fn of(open_seats: i64) -> SeatBand {
        match open_seats {
            i64::MIN..=0 => SeatBand::Full,
            1 | 2 => SeatBand::Few,
            _ => SeatBand::Available,
        }
    }
}

/// Adults only; the band narrows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeBand {
    /// The youngest (18 or more).
    pub from: Option<i16>,
    /// The oldest.
    pub to: Option<i16>,
}

/// A self-help group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Identifier (UUIDv7).
    pub id: Uuid,
    /// The self-help centre that runs it.
    pub centre_id: Uuid,
    /// What it is called in the catalogue.
    pub title: String,
    /// What it is about.
    pub theme: GroupTheme,
    /// The languages it talks in, as BCP 47 tags.
    pub languages: Vec<String>,
    /// Where it meets.
    pub format: GroupFormat,
    /// The municipality it meets in (kommunenummer).
    pub municipality: String,
    /// When it meets.
    pub schedule: Schedule,
    /// How many it takes.
    pub size: Size,
    /// Whom it is for.
    pub age_band: AgeBand,
    /// Where it meets; hidden outside the centre when `confidential_location`.
    pub address: Option<String>,
    /// Whether the address is for the centre and the members only.
    pub confidential_location: bool,
    /// Whether its centre shows it in the catalogue (while it is open). Off until the centre
    /// turns it on: the intake decides the group, and a low-threshold offer may want no register.
    pub published: bool,
    /// Where it is in its life.
    pub status: GroupStatus,
    /// Members placed and not left.
    pub member_count: i16,
    /// When it started meeting.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Increases with every change.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Group {
    /// Seats still free.
    pub fn open_seats(&self) -> i16 {
        (self.size.maximum - self.member_count).max(0)
    }

    /// Checks a move to `to`: the lifecycle, and that a group starts with its minimum.
    pub fn check_transition(&self, to: GroupStatus) -> Result<(), GroupRefusal> {
        self.status
            .check_transition(to)
            .map_err(GroupRefusal::IllegalTransition)?;
        if to == GroupStatus::Starting && self.member_count < self.size.minimum {
            return Err(GroupRefusal::TooFewMembers {
                minimum: self.size.minimum,
                placed: self.member_count,
                missing: self.size.minimum - self.member_count,
            });
        }
        Ok(())
    }

    /// Checks a new size against the members placed: the maximum never goes below them.
    pub fn check_resize(&self, size: Size) -> Result<(), String> {
        if size.maximum < self.member_count {
            return Err(format!(
                "the group has {} members: the maximum cannot go below that",
                self.member_count
            ));
        }
        Ok(())
    }

    /// Checks that one more member may join: a recruiting or starting group with a free seat,
    /// or a running one that agreed.
    pub fn check_placement(&self, group_agreed: bool) -> Result<(), GroupRefusal> {
        let status = self.status;
        if status.has_started() && !group_agreed {
            return Err(GroupRefusal::NeedsGroupAgreement);
        }
        if !status.takes_new_members() && !status.has_started() {
            return Err(GroupRefusal::NotTakingMembers { status });
        }
        if self.open_seats() == 0 {
            return Err(GroupRefusal::Full {
                maximum: self.size.maximum,
            });
        }
        Ok(())
    }

    /// Checks that a session may be logged: the group meets (starting, running or paused, the
    /// last for cancelled meetings).
    pub fn check_session(&self) -> Result<(), GroupRefusal> {
        if self.status.meets() {
            Ok(())
        } else {
            Err(GroupRefusal::NotMeeting {
                status: self.status,
            })
        }
    }
}

/// A place in a group, known by the pseudonym the person chose at intake (a first name or an
/// alias); the days waited are kept for statistics.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(
    as = MembershipView,
    description = "A place in a group, as the running centre sees it."
)]
pub struct Membership {
    /// Identifier.
    pub id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The person's referral; `null` once the person is erased.
    pub referral_id: Option<Uuid>,
    /// The intake the person was placed from; `null` once erased.
    pub intake_id: Option<Uuid>,
    /// The name the person goes by in the group; `null` once erased.
    pub pseudonym: Option<String>,
    /// When the person joined.
    pub joined_at: DateTime<Utc>,
    /// Days from the referral to the place.
    pub waited_days: i32,
    /// When the member signed the confidentiality declaration; `null` until then.
    pub confidentiality_signed_at: Option<DateTime<Utc>>,
    /// When the member left; `null` while a member.
    pub left_at: Option<DateTime<Utc>>,
    /// Why.
    pub leave_reason: Option<LeaveReason>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A starter (igangsetter): staff of the centre who attends a group's first meetings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = StarterView, description = "A starter, as shown to the centre.")]
pub struct Starter {
    /// Identifier.
    pub id: Uuid,
    /// The group (the path it is shown under).
    #[serde(skip)]
    pub group_id: Uuid,
    /// The staff member's token subject.
    pub subject: String,
    /// The name the group knows the starter by.
    pub display_name: String,
    /// How many of the first meetings the starter plans to attend.
    pub planned_meetings: i16,
    /// When assigned.
    pub created_at: DateTime<Utc>,
}

/// A group's request for a follow-up visit by its starter, and the visit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FollowUpView, description = "A follow-up request and its visit.")]
pub struct FollowUp {
    /// Identifier.
    pub id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// When the group asked.
    pub requested_on: NaiveDate,
    /// The session log that asked, if any.
    pub session_id: Option<Uuid>,
    /// Why the group asked ("one person takes too much space"), when it said.
    pub reason: Option<String>,
    /// When the visit was made; `null` while it is due.
    pub visited_on: Option<NaiveDate>,
    /// Who made it.
    pub visited_by: Option<String>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// One meeting of a group, held or cancelled. Counts only: the note is never about a person.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = SessionView, description = "A session log.")]
pub struct Session {
    /// Identifier.
    pub id: Uuid,
    /// The group.
    pub group_id: Uuid,
    /// The date.
    pub held_on: NaiveDate,
    /// Whether it took place.
    pub held: bool,
    /// How many came.
    pub present: Option<i16>,
    /// Whether a starter was there.
    pub starter_present: bool,
    /// Where it met.
    pub format: GroupFormat,
    /// Whether the group asked for a follow-up visit.
    pub follow_up_requested: bool,
    /// The note.
    pub note: Option<String>,
    /// Logged.
    pub created_at: DateTime<Utc>,
}

crate::page::keyed_by!(Group, created_at);
crate::page::keyed_by!(Membership, created_at);
crate::versioned!(Membership, FollowUp);
crate::page::keyed_by!(Session, created_at);

#[cfg(test)]
mod tests {
    use super::*;

    fn group(status: GroupStatus, members: i16) -> Group {
        Group {
            id: Uuid::nil(),
            centre_id: Uuid::nil(),
            title: "Samtalegruppe".into(),
            theme: GroupTheme::General,
            languages: vec!["nb".into()],
            format: GroupFormat::CentrePremises,
            municipality: "5001".into(),
            schedule: Schedule {
                weekday: Weekday::Tuesday,
                start_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
                interval_weeks: 1,
            },
            size: Size {
                minimum: 5,
                maximum: 8,
            },
            age_band: AgeBand::default(),
            address: None,
            confidential_location: false,
            published: false,
            status,
            member_count: members,
            started_at: None,
            ended_at: None,
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn starting_one_short_says_how_many_are_missing() {
        let refused = group(GroupStatus::Recruiting, 4).check_transition(GroupStatus::Starting);
        assert_eq!(
            refused,
            Err(GroupRefusal::TooFewMembers {
                minimum: 5,
                placed: 4,
                missing: 1
            })
        );
        assert!(group(GroupStatus::Recruiting, 5)
            .check_transition(GroupStatus::Starting)
            .is_ok());
    }

    #[test]
    fn the_lifecycle_pauses_and_resumes_and_ends_for_good() {
        assert!(group(GroupStatus::SelfRunning, 5)
            .check_transition(GroupStatus::Paused)
            .is_ok());
        assert!(group(GroupStatus::Paused, 5)
            .check_transition(GroupStatus::SelfRunning)
            .is_ok());
        assert!(group(GroupStatus::Planned, 0)
            .check_transition(GroupStatus::Starting)
            .is_err());
        assert!(GroupStatus::Ended.allowed_transitions().is_empty());
    }

    #[test]
    fn a_full_or_closed_group_takes_nobody() {
        assert_eq!(
            group(GroupStatus::Recruiting, 8).check_placement(false),
            Err(GroupRefusal::Full { maximum: 8 })
        );
        assert_eq!(
            group(GroupStatus::SelfRunning, 5).check_placement(false),
            Err(GroupRefusal::NeedsGroupAgreement)
        );
        assert!(group(GroupStatus::SelfRunning, 5)
            .check_placement(true)
            .is_ok());
        assert!(group(GroupStatus::Planned, 0)
            .check_placement(true)
            .is_err());
    }

    #[test]
    fn a_starting_group_is_open_and_meets_and_a_running_one_is_closed() {
        let all = [
            GroupStatus::Planned,
            GroupStatus::Recruiting,
            GroupStatus::Starting,
            GroupStatus::SelfRunning,
            GroupStatus::Paused,
            GroupStatus::Ended,
        ];
        for status in all {
            assert_eq!(
                status.takes_new_members(),
                GroupStatus::OPEN.contains(&status),
                "{status}"
            );
            assert!(
                !(status.takes_new_members() && status.has_started()),
                "{status}"
            );
        }
        let starting = group(GroupStatus::Starting, 5);
        assert!(starting.check_placement(false).is_ok());
        assert!(starting.check_session().is_ok());
        assert!(!GroupStatus::Starting.has_started());
        assert_eq!(
            group(GroupStatus::Paused, 5).check_placement(false),
            Err(GroupRefusal::NeedsGroupAgreement)
        );
        assert_eq!(
            group(GroupStatus::Recruiting, 5).check_session(),
            Err(GroupRefusal::NotMeeting {
                status: GroupStatus::Recruiting
            })
        );
        assert_eq!(
            group(GroupStatus::Ended, 0).check_placement(true),
            Err(GroupRefusal::NotTakingMembers {
                status: GroupStatus::Ended
            })
        );
    }

    #[test]
    fn sizes_stay_between_four_and_eight() {
        assert!(Size {
            minimum: 4,
            maximum: 8
        }
        .check()
        .is_ok());
        assert!(Size {
            minimum: 3,
            maximum: 8
        }
        .check()
        .is_err());
        assert!(Size {
            minimum: 5,
            maximum: 9
        }
        .check()
        .is_err());
        assert!(Size {
            minimum: 6,
            maximum: 5
        }
        .check()
        .is_err());
    }
}

wire_enum! {
    /// What the group statistics count.
    GroupMeasure {
        /// Groups that started meeting in the period.
        GroupsStarted => "groups_started",
        /// Groups that held at least one session in the period (a group meeting in two
        /// quarters counts in each).
        GroupsRunning => "groups_running",
        /// Groups that ended in the period.
        GroupsEnded => "groups_ended",
        /// People placed in a group in the period, with their average wait.
        MembersPlaced => "members_placed",
        /// Sessions held in the period.
        SessionsHeld => "sessions_held",
    }
}

wire_enum! {
    /// What the group statistics break a count down by.
    GroupDimension {
        /// The centre that runs the group (by id).
        Centre => "centre",
        /// The group's theme.
        Theme => "theme",
        /// The municipality the group meets in.
        Municipality => "municipality",
        /// The quarter, as `2026-Q1`.
        Quarter => "quarter",
    }
}
