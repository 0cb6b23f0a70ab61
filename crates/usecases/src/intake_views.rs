//! An intake as its centre is shown it (whole when read on its own, without what the person said
//! in lists), the groups suggested for the person, and what those who wait ask for.

use crate::group_views::{GroupView, MatchExplanation};
use chrono::{DateTime, Utc};
use samhandling_domain::group::GroupTheme;
use samhandling_domain::intake::{Intake, IntakeFormat, IntakeOutcome, Preferences};
use samhandling_persistence::matching::{Demand, Suggestion};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// An intake, as its centre sees it. Lists leave out `preferences`, `pseudonym` and `notes`;
/// reading one intake shows them, and that read is audited.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeView {
    /// Identifier.
    pub id: Uuid,
    /// The referral or self-registration.
    pub referral_id: Uuid,
    /// The centre.
    pub centre_id: Uuid,
    /// When it is booked.
    pub scheduled_at: DateTime<Utc>,
    /// How it is held.
    pub format: IntakeFormat,
    /// When it was held; `null` until then.
    pub held_at: Option<DateTime<Utc>>,
    /// What it concluded.
    pub outcome: Option<IntakeOutcome>,
    /// The theme, for `specific_group`.
    pub outcome_theme: Option<GroupTheme>,
    /// What the person would like; absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferences: Option<Preferences>,
    /// The name the person goes by in a group; absent in lists.
    #[allow(clippy::option_option)]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub pseudonym: Option<Option<String>>,
    /// The centre's notes; absent in lists.
    #[allow(clippy::option_option)]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub notes: Option<Option<String>>,
    /// Version, also the `ETag`.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

samhandling_domain::versioned!(IntakeView);

impl IntakeView {
    /// The view of `intake`: `whole` for one intake read on its own, else as lists show it.
    pub fn of(intake: Intake, whole: bool) -> Self {
        let completion = intake.completion;
        IntakeView {
            id: intake.id,
            referral_id: intake.referral_id,
            centre_id: intake.centre_id,
            scheduled_at: intake.scheduled_at,
            format: intake.format,
            held_at: completion.as_ref().map(|c| c.held_at),
            outcome: completion.as_ref().map(|c| c.outcome),
            outcome_theme: completion.as_ref().and_then(|c| c.outcome_theme),
            preferences: whole.then_some(intake.preferences),
            pseudonym: whole.then(|| completion.and_then(|c| c.pseudonym)),
            notes: whole.then_some(intake.notes),
            version: intake.version,
            created_at: intake.created_at,
            updated_at: intake.updated_at,
        }
    }
}

/// A group suggested for a person.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionView {
    /// The group.
    pub group: GroupView,
    /// How it fits.
    pub fit: MatchExplanation,
}

/// Ranked suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct Suggestions {
    /// Best first.
    pub items: Vec<SuggestionView>,
}

impl From<Vec<Suggestion>> for Suggestions {
    fn from(found: Vec<Suggestion>) -> Self {
        Suggestions {
            items: found
                .into_iter()
                .map(|suggestion| SuggestionView {
                    group: GroupView::centre_summary(suggestion.group),
                    fit: MatchExplanation::of(suggestion.criteria, suggestion.score),
                })
                .collect(),
        }
    }
}

/// What the people who wait ask for, in one theme and municipality.
#[derive(Debug, Serialize, ToSchema)]
pub struct DemandView {
    /// The theme (`general` for a general group).
    pub theme: String,
    /// Where they live; `null` when not given.
    pub municipality_number: Option<String>,
    /// How many wait.
    pub waiting: i64,
    /// The longest wait so far, in days since the referral.
    pub longest_wait_days: i32,
    /// The median wait so far, in days.
    pub median_wait_days: i32,
    /// Open seats in your recruiting and starting groups of the theme there (or digital): when
    /// `waiting` outgrows it, a new group of the theme can start.
    pub open_seats: i64,
}

/// The demand of those who wait.
#[derive(Debug, Serialize, ToSchema)]
pub struct WaitingDemand {
    /// The largest demand first.
    pub items: Vec<DemandView>,
}

impl From<Vec<Demand>> for WaitingDemand {
    fn from(found: Vec<Demand>) -> Self {
        WaitingDemand {
            items: found
                .into_iter()
                .map(|demand| DemandView {
                    theme: demand.theme,
                    municipality_number: demand.municipality,
                    waiting: demand.waiting,
                    longest_wait_days: demand.longest_wait_days,
                    median_wait_days: demand.median_wait_days,
                    open_seats: demand.open_seats,
                })
                .collect(),
        }
    }
}
