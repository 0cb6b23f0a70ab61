//! A group as its running centre is shown it, and as the catalogue shows it to everyone else, and the people who wait as candidates for it:
//! computed from the stored group (where it may move, the seats free) and the ranking.

use crate::groups::{GroupDetails, SeenGroup};
use chrono::{DateTime, Utc};
use samhandling_domain::group::{
    FollowUp, Group, GroupFormat, GroupStatus, GroupTheme, Schedule, SeatBand, Starter, Weekday,
};
use samhandling_domain::intake::{MatchCriteria, MatchCriterion};
use samhandling_persistence::matching::Candidate;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// When a group meets, as shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleView {
    /// The day of the week.
    pub weekday: Weekday,
    /// The local start time, `HH:MM`.
    #[schema(example = "18:00")]
    pub start_time: String,
    /// Every how many weeks.
    pub interval_weeks: i16,
}

impl From<Schedule> for ScheduleView {
    fn from(schedule: Schedule) -> Self {
        ScheduleView {
            weekday: schedule.weekday,
            start_time: schedule.start_time.format("%H:%M").to_string(),
            interval_weeks: schedule.interval_weeks,
        }
    }
}

/// A group as its centre sees it. Lists leave out `starters` and `follow_ups`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CentreGroup {
    /// Identifier.
    pub id: Uuid,
    /// The centre that runs it.
    pub centre_id: Uuid,
    /// What it is called.
    pub title: String,
    /// What it is about.
    pub theme: GroupTheme,
    /// Its languages.
    pub languages: Vec<String>,
    /// Where it meets.
    pub format: GroupFormat,
    /// The municipality it meets in.
    pub municipality_number: String,
    /// When it meets.
    pub schedule: ScheduleView,
    /// The fewest it starts with.
    pub min_members: i16,
    /// The most it takes.
    pub max_members: i16,
    /// The youngest it is for.
    pub age_from: Option<i16>,
    /// The oldest it is for.
    pub age_to: Option<i16>,
    /// Where it meets.
    pub address: Option<String>,
    /// Whether the address is hidden outside the centre.
    pub confidential_location: bool,
    /// Whether the catalogue shows it to other organisations while it recruits or starts.
    pub published: bool,
    /// Where it is in its life.
    pub status: GroupStatus,
    /// Where it may move.
    pub allowed_transitions: Vec<GroupStatus>,
    /// Members placed and not left.
    pub member_count: i16,
    /// Seats free.
    pub open_seats: i16,
    /// When it started meeting.
    pub started_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Its starters; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starters: Option<Vec<Starter>>,
    /// Its follow-up requests and visits; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_ups: Option<Vec<FollowUp>>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl CentreGroup {
    /// The centre's view of `group`, with its starters and follow-ups when `details` are given.
    pub fn of(group: Group, details: Option<GroupDetails>) -> CentreGroup {
        let (starters, follow_ups) = details
            .map(|details| (details.starters, details.follow_ups))
            .unzip();
        CentreGroup {
            allowed_transitions: group.status.allowed_transitions(),
            open_seats: group.open_seats(),
            id: group.id,
            centre_id: group.centre_id,
            title: group.title,
            theme: group.theme,
            languages: group.languages,
            format: group.format,
            municipality_number: group.municipality,
            schedule: group.schedule.into(),
            min_members: group.size.minimum,
            max_members: group.size.maximum,
            age_from: group.age_band.from,
            age_to: group.age_band.to,
            address: group.address,
            confidential_location: group.confidential_location,
            published: group.published,
            status: group.status,
            member_count: group.member_count,
            started_at: group.started_at,
            ended_at: group.ended_at,
            starters,
            follow_ups,
            version: group.version,
            created_at: group.created_at,
            updated_at: group.updated_at,
        }
    }
}

/// A group as the catalogue shows it to anyone signed in: what a referrer or a person needs to
/// know to suggest it, and nothing about who is in it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueGroup {
    /// Identifier.
    pub id: Uuid,
    /// The centre that runs it; ask it for a place.
    pub centre_id: Uuid,
    /// What it is called.
    pub title: String,
    /// What it is about.
    pub theme: GroupTheme,
    /// Its languages.
    pub languages: Vec<String>,
    /// Where it meets.
    pub format: GroupFormat,
    /// The municipality it meets in.
    pub municipality_number: String,
    /// When it meets.
    pub schedule: ScheduleView,
    /// The youngest it is for.
    pub age_from: Option<i16>,
    /// The oldest it is for.
    pub age_to: Option<i16>,
    /// Where it meets; `null` when the location is confidential or the group meets at home.
    pub address: Option<String>,
    /// Whether the location is confidential (ask the centre): always for a group at home.
    pub confidential_location: bool,
    /// Seats free as a band, as they stood at the start of the day (UTC); a full group stays
    /// listed while it recruits or starts.
    pub seats: SeatBand,
}

impl CatalogueGroup {
    /// The catalogue's face of `group`: no counts, no version, no confidential address; its
    /// seats as the band `seats`.
    pub fn of(group: Group, seats: SeatBand) -> CatalogueGroup {
        // A group that meets at home is confidential whatever the centre marked.
        let hidden = group.confidential_location || group.format == GroupFormat::Home;
        CatalogueGroup {
            id: group.id,
            centre_id: group.centre_id,
            title: group.title,
            theme: group.theme,
            languages: group.languages,
            format: group.format,
            municipality_number: group.municipality,
            schedule: group.schedule.into(),
            age_from: group.age_band.from,
            age_to: group.age_band.to,
            address: (!hidden).then_some(group.address).flatten(),
            confidential_location: hidden,
            seats,
        }
    }
}

/// A group as the caller may see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(tag = "view", rename_all = "snake_case")]
pub enum GroupView {
    /// The running centre's view.
    Centre(Box<CentreGroup>),
    /// The catalogue's view, for everyone else.
    Catalogue(CatalogueGroup),
}

impl GroupView {
    /// The centre's view of a group, as lists show it.
    pub fn centre_summary(group: Group) -> Self {
        GroupView::Centre(Box::new(CentreGroup::of(group, None)))
    }
}

impl From<SeenGroup> for GroupView {
    /// The centre's view of its own group, the catalogue's of another's.
    fn from(seen: SeenGroup) -> Self {
        match seen {
            SeenGroup::Own(group, details) => {
                GroupView::Centre(Box::new(CentreGroup::of(group, details)))
            }
            SeenGroup::Catalogue(group, seats) => {
                GroupView::Catalogue(CatalogueGroup::of(group, seats))
            }
        }
    }
}

/// How one match fits, criterion by criterion.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchExplanation {
    /// The rank's score: theme 4, language 2, format 2, municipality 1, weekday 1.
    pub score: i32,
    /// The criteria met.
    pub met: Vec<MatchCriterion>,
    /// The criteria not met.
    pub not_met: Vec<MatchCriterion>,
}

impl MatchExplanation {
    /// The explanation of `criteria` scored `score`.
    pub fn of(criteria: MatchCriteria, score: i32) -> Self {
        let (met, not_met) = criteria.explain();
        MatchExplanation {
            score,
            met,
            not_met,
        }
    }
}

/// A person who waits, as a candidate for a group: known by pseudonym, in the centre only.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    /// The person's intake; place them with `POST /groups/{id}/members`.
    pub intake_id: Uuid,
    /// The name they go by in a group.
    pub pseudonym: Option<String>,
    /// The theme they asked for, for a specific group.
    pub outcome_theme: Option<GroupTheme>,
    /// When they were referred (their wait counts from here).
    pub referred_at: DateTime<Utc>,
    /// How they fit.
    pub fit: MatchExplanation,
}

/// Ranked candidates.
#[derive(Debug, Serialize, ToSchema)]
pub struct Candidates {
    /// Best first.
    pub items: Vec<CandidateView>,
}

impl From<Candidate> for CandidateView {
    fn from(candidate: Candidate) -> Self {
        CandidateView {
            intake_id: candidate.intake_id,
            pseudonym: candidate.pseudonym,
            outcome_theme: candidate.outcome_theme,
            referred_at: candidate.referred_at,
            fit: MatchExplanation::of(candidate.criteria, candidate.score),
        }
    }
}
