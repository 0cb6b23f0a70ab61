//! Intakes: booking one walks its referral to `intake_scheduled`, step by step from where it is,
//! and completing it moves the referral to `intake_completed` and on to where the outcome leads.

use crate::input::{check_languages, check_plain_text, FreeText, LanguageTag};
use crate::{Context, UseCaseError};
use chrono::{DateTime, Utc};
use samhandling_domain::audit::{AuditAction, ResourceType};
use samhandling_domain::chronology::check_happened;
use samhandling_domain::group::CentreAccess;
use samhandling_domain::group::CentreScope;
use samhandling_domain::group::{GroupTheme, Weekday};
use samhandling_domain::intake::{steps_to_scheduled, Completion, Intake, Preferences};
use samhandling_domain::intake::{IntakeFormat, IntakeOutcome};
use samhandling_domain::page::{Page, PageRequest};
use samhandling_domain::referral::{ReferralAccess, ReferralStatus};
use samhandling_domain::Caller;
use samhandling_persistence::intakes::{self as store, ONE_PER_REFERRAL_KEY};
use samhandling_persistence::referrals;
use samhandling_persistence::{matching, PgConnection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

/// What the person would like from a group.
#[derive(Debug, Clone, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesInput {
    /// Themes, most wanted first.
    #[serde(default)]
    #[validate(length(max = 8))]
    #[schema(max_items = 8)]
    pub themes: Vec<GroupTheme>,
    /// Languages, as BCP 47 tags.
    #[serde(default)]
    #[validate(length(max = 5), custom(function = "check_languages"))]
    #[schema(value_type = Vec<LanguageTag>, max_items = 5)]
    pub languages: Vec<String>,
    /// Weekdays the person can meet; none means any.
    #[serde(default)]
    #[validate(length(max = 7))]
    #[schema(max_items = 7)]
    pub weekdays: Vec<Weekday>,
}

impl PreferencesInput {
    /// The preferences, each theme and weekday once.
    fn to_preferences(&self) -> Preferences {
        let mut themes = self.themes.clone();
        themes.dedup();
        let mut weekdays = self.weekdays.clone();
        weekdays.sort();
        weekdays.dedup();
        Preferences {
            themes,
            languages: self.languages.clone(),
            weekdays,
        }
    }
}

/// An intake to book.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "referral_id": "0192f0c1-5b7a-7cc3-9a40-2f1d3c4b5a70",
    "scheduled_at": "2026-12-03T10:00:00Z",
    "format": "in_person",
    "preferences": {"themes": ["anxiety_and_depression"], "languages": ["nb"], "weekdays": ["tuesday", "thursday"]}
}))]
pub struct CreateIntake {
    /// The referral or self-registration, addressed to your centre.
    pub referral_id: Uuid,
    /// When the conversation is booked.
    #[serde(deserialize_with = "crate::input::timestamp")]
    pub scheduled_at: DateTime<Utc>,
    /// How it is held.
    pub format: IntakeFormat,
    /// What the person would like, if already known.
    #[serde(default)]
    #[validate(nested)]
    pub preferences: PreferencesInput,
    /// The centre's notes. Keep to what the group offer needs: no diagnosis.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub notes: Option<FreeText>,
}

/// The outcome of a held intake.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "held_at": "2026-12-03T10:00:00Z",
    "outcome": "specific_group",
    "outcome_theme": "anxiety_and_depression",
    "pseudonym": "Kari",
    "preferences": {"themes": ["anxiety_and_depression"], "languages": ["nb"], "weekdays": ["tuesday"]}
}))]
pub struct CompleteIntake {
    /// When it was held.
    #[serde(deserialize_with = "crate::input::timestamp")]
    pub held_at: DateTime<Utc>,
    /// What it concluded.
    pub outcome: IntakeOutcome,
    /// The theme, for `specific_group` (and only then).
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub outcome_theme: Option<GroupTheme>,
    /// The name the person goes by in a group: a first name or an alias the person chooses.
    /// Required when the outcome is a group.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(length(min = 1, max = 50), custom(function = "check_plain_text"))]
    #[schema(value_type = Option<crate::input::Label>, max_length = 50, nullable = false)]
    pub pseudonym: Option<String>,
    /// What the person would like; replaces what booking recorded when given.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[validate(nested)]
    #[schema(nullable = false)]
    pub preferences: Option<PreferencesInput>,
    /// The centre's notes; replace earlier ones when given.
    #[serde(default, deserialize_with = "crate::input::present")]
    #[schema(nullable = false)]
    pub notes: Option<FreeText>,
}

/// Books the intake `id` for a referral addressed to the caller's centre (one naming another
/// referral names `referral_id`). An erased person, a referral past booking and a second
/// intake are conflicts.
pub fn book_intake(
    ctx: &mut Context<'_>,
    access: ReferralAccess,
    id: Uuid,
    input: &CreateIntake,
) -> Result<Intake, UseCaseError> {
    let now = ctx.now();
    let intake = Intake {
        id,
        referral_id: input.referral_id,
        centre_id: access.organisation_id(),
        scheduled_at: input.scheduled_at,
        format: input.format,
        preferences: input.preferences.to_preferences(),
        completion: None,
        notes: input.notes.as_ref().map(ToString::to_string),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let referral =
        referrals::find_for_update(ctx.conn(), intake.referral_id, access.centre_scope())?
            .ok_or(UseCaseError::MissingReference("referral_id"))?;
    if referral.erased_at.is_some() {
        return Err(UseCaseError::Conflict(
            "the person's data is erased: there is no one to hold an intake with".into(),
        ));
    }
    let steps = steps_to_scheduled(referral.status).ok_or_else(|| {
        UseCaseError::Conflict(format!(
            "a {} referral is past booking an intake",
            referral.status
        ))
    })?;
    let stored = store::insert(ctx.conn(), &intake).map_err(UseCaseError::unique(
        ONE_PER_REFERRAL_KEY,
        "this referral already has an intake",
    ))?;
    for to in steps {
        crate::referrals::move_referral(ctx, access, stored.referral_id, to, None)?;
    }
    ctx.audit(AuditAction::Created, ResourceType::Intake, stored.id)?;
    Ok(stored)
}

/// Records the outcome of the caller's centre's intake `id`: held not before its referral was
/// made and not in the future; completed once, with the fields its outcome needs
/// ([`Completion::check`]). The referral moves on as the outcome says.
pub fn complete_intake(
    ctx: &mut Context<'_>,
    caller: &Caller,
    id: Uuid,
    input: &CompleteIntake,
) -> Result<Intake, UseCaseError> {
    let completion = Completion {
        held_at: input.held_at,
        outcome: input.outcome,
        outcome_theme: input.outcome_theme,
        pseudonym: input.pseudonym.clone(),
    };
    completion.check().map_err(|refusal| {
        UseCaseError::invalid(refusal.field(), "required", refusal.to_string())
    })?;
    let access = CentreAccess::of(caller);
    let referral_access = ReferralAccess::of(caller);
    let intake =
        store::find_for_update(ctx.conn(), id, access.scope())?.ok_or(UseCaseError::NotFound)?;
    if intake.completion.is_some() {
        return Err(UseCaseError::Conflict(
            "the intake is already completed".into(),
        ));
    }
    let referral = referrals::find(
        ctx.conn(),
        intake.referral_id,
        referral_access.centre_scope(),
    )?
    .ok_or(UseCaseError::NotFound)?;
    let now = ctx.now();
    check_happened(
        completion.held_at,
        referral.created_at,
        "its referral was made",
        now,
    )
    .map_err(|refusal| UseCaseError::invalid("held_at", refusal.code(), refusal.to_string()))?;
    let preferences = input
        .preferences
        .as_ref()
        .map(PreferencesInput::to_preferences);
    let preferences = preferences.unwrap_or(intake.preferences);
    let notes = input
        .notes
        .as_ref()
        .map(ToString::to_string)
        .or(intake.notes);
    let completed = store::complete(ctx.conn(), id, &completion, &preferences, notes.as_deref())?;
    let mut steps = vec![(ReferralStatus::IntakeCompleted, None)];
    steps.extend(completion.outcome.referral_next());
    crate::referrals::walk_referral(ctx, referral_access, intake.referral_id, &steps)?;
    ctx.audit(AuditAction::Completed, ResourceType::Intake, id)?;
    Ok(completed)
}

pub use samhandling_persistence::intakes::IntakeFilter;

/// Filters for the list; they combine with AND.
#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IntakeQuery {
    /// Only held (`true`) or only booked (`false`) intakes.
    pub held: Option<bool>,
    /// Only this outcome.
    pub outcome: Option<IntakeOutcome>,
    /// Only intakes booked at or after this time.
    #[serde(default, deserialize_with = "crate::input::optional_timestamp")]
    pub scheduled_after: Option<DateTime<Utc>>,
    /// Only intakes booked before this time.
    #[serde(default, deserialize_with = "crate::input::optional_timestamp")]
    pub scheduled_before: Option<DateTime<Utc>>,
}

impl From<IntakeQuery> for IntakeFilter {
    fn from(query: IntakeQuery) -> Self {
        IntakeFilter {
            held: query.held,
            outcome: query.outcome,
            scheduled_after: query.scheduled_after,
            scheduled_before: query.scheduled_before,
        }
    }
}

pub use samhandling_persistence::matching::{Demand, Suggestion};

/// One page of the intakes in `scope` that pass `filter`.
pub fn list(
    conn: &mut PgConnection,
    scope: CentreScope,
    filter: &IntakeFilter,
    page: PageRequest,
) -> Result<Page<Intake>, UseCaseError> {
    Ok(store::list(conn, scope, filter, page)?)
}

/// The intake `id` in `scope`.
pub fn find(
    conn: &mut PgConnection,
    scope: CentreScope,
    id: Uuid,
) -> Result<Option<Intake>, UseCaseError> {
    Ok(store::find(conn, id, scope)?)
}

/// The caller's centre's groups ranked for the person of its intake `id`, at most `limit`;
/// `None` when the intake is not the centre's.
pub fn suggested_groups(
    conn: &mut PgConnection,
    access: CentreAccess,
    id: Uuid,
    limit: u16,
) -> Result<Option<Vec<Suggestion>>, UseCaseError> {
    let Some(centre) = access.scope().centre else {
        return Ok(None);
    };
    let found = matching::suggested_groups(conn, id, centre, limit)?;
    // No suggestion and no intake look alike to the ranking: tell them apart.
    if found.is_empty() && store::find(conn, id, access.scope())?.is_none() {
        return Ok(None);
    }
    Ok(Some(found))
}

/// What the people waiting at `centre` ask for, that no group of it offers yet.
pub fn waiting_demand(conn: &mut PgConnection, centre: Uuid) -> Result<Vec<Demand>, UseCaseError> {
    Ok(matching::waiting_demand(conn, centre)?)
}
