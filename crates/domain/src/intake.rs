//! The intake conversation (inntakssamtale): the centre meets the person, learns what they look
//! for, and agrees on what comes next. An intake belongs to one referral or self-registration,
//! and moves it through the referral lifecycle: booking walks it to `intake_scheduled`, and
//! completing it moves it to `intake_completed` and on to where the outcome leads.

use crate::group::{GroupTheme, Weekday};
use crate::referral::{ReasonCode, ReferralStatus};
use crate::wire::wire_enum;
use chrono::{DateTime, Utc};
use uuid::Uuid;

wire_enum! {
    /// How the intake conversation is held.
    IntakeFormat {
        /// Face to face.
        InPerson => "in_person",
        /// By phone.
        Phone => "phone",
        /// By video.
        Digital => "digital",
        /// At the person's home: the centre comes to them.
        Home => "home",
    }
}

wire_enum! {
    /// What the intake concluded.
    IntakeOutcome {
        /// A group open to any life situation.
        GeneralGroup => "general_group",
        /// A group on one theme (`outcome_theme`).
        SpecificGroup => "specific_group",
        /// A group is not right for the person now.
        NotSuitableNow => "not_suitable_now",
        /// The person wants to wait before joining; the referral stays at `intake_completed`.
        WantsToWait => "wants_to_wait",
        /// The person said no.
        Declined => "declined",
    }
}

wire_enum! {
    /// One thing a match between a person and a group is judged by.
    MatchCriterion {
        /// The group's theme is what the person needs.
        Theme => "theme",
        /// The group talks in a language the person prefers.
        Language => "language",
        /// The group meets the way the person prefers (in person or digitally).
        Format => "format",
        /// The group meets in the person's municipality, or digitally.
        Municipality => "municipality",
        /// The group meets on a weekday the person can.
        Weekday => "weekday",
    }
}

impl IntakeOutcome {
    /// Whether the person goes on to wait for a group.
    pub const fn wants_a_group(self) -> bool {
        matches!(
            self,
            IntakeOutcome::GeneralGroup | IntakeOutcome::SpecificGroup
        )
    }

    /// Where the referral goes after `intake_completed`, and why: waiting for a group, an exit,
    /// or (the person wants to wait) nowhere yet.
    pub const fn referral_next(self) -> Option<(ReferralStatus, Option<ReasonCode>)> {
        match self {
            IntakeOutcome::GeneralGroup | IntakeOutcome::SpecificGroup => {
                Some((ReferralStatus::WaitingForGroup, None))
            }
            IntakeOutcome::NotSuitableNow => Some((
                ReferralStatus::Redirected,
                Some(ReasonCode::BetterServedElsewhere),
            )),
            IntakeOutcome::Declined => Some((
                ReferralStatus::DeclinedByPerson,
                Some(ReasonCode::PersonRequest),
            )),
            IntakeOutcome::WantsToWait => None,
        }
    }
}

/// The steps that take a referral from `from` to `intake_scheduled`, each a move the state
/// machine allows: an intake booked on the first call takes a `received` referral through
/// `contacted`, so every step stays in the history. `None` when the referral is past booking.
pub fn steps_to_scheduled(from: ReferralStatus) -> Option<Vec<ReferralStatus>> {
    const LINE: [ReferralStatus; 4] = [
        ReferralStatus::Submitted,
        ReferralStatus::Received,
        ReferralStatus::Contacted,
        ReferralStatus::IntakeScheduled,
    ];
    let at = LINE.iter().position(|status| *status == from)?;
    Some(LINE[at + 1..].to_vec())
}

/// What the person would like from a group, as said at intake; drives matching. Themes come
/// most wanted first, languages as BCP 47 tags.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = PreferencesView, description = "What the person would like, as shown.")]
pub struct Preferences {
    /// Themes.
    pub themes: Vec<GroupTheme>,
    /// Languages.
    pub languages: Vec<String>,
    /// Weekdays; none means any.
    pub weekdays: Vec<Weekday>,
}

/// What a completed intake records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// When it was held.
    pub held_at: DateTime<Utc>,
    /// What it concluded.
    pub outcome: IntakeOutcome,
    /// The theme, for `specific_group`.
    pub outcome_theme: Option<GroupTheme>,
    /// The name the person goes by in a group: a first name or an alias.
    pub pseudonym: Option<String>,
}

/// Why a completion is refused, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CompletionRefusal {
    /// `specific_group` names no theme.
    #[error("a specific_group outcome needs its outcome_theme")]
    ThemeMissing,
    /// Another outcome names a theme.
    #[error("only a specific_group outcome has an outcome_theme")]
    ThemeNotExpected,
    /// A person going to a group has no pseudonym.
    #[error("a person going to a group needs a pseudonym (a first name or an alias) to be known by there")]
    PseudonymMissing,
}

impl CompletionRefusal {
    /// The field at fault.
    pub const fn field(self) -> &'static str {
        match self {
            CompletionRefusal::ThemeMissing | CompletionRefusal::ThemeNotExpected => {
                "outcome_theme"
            }
            CompletionRefusal::PseudonymMissing => "pseudonym",
        }
    }
}

impl Completion {
    /// Checks that the outcome and its details agree.
    pub fn check(&self) -> Result<(), CompletionRefusal> {
        match (self.outcome, self.outcome_theme) {
            (IntakeOutcome::SpecificGroup, None) => return Err(CompletionRefusal::ThemeMissing),
            (IntakeOutcome::SpecificGroup, Some(_)) | (_, None) => {}
            (_, Some(_)) => return Err(CompletionRefusal::ThemeNotExpected),
        }
        if self.outcome.wants_a_group() && self.pseudonym.is_none() {
            return Err(CompletionRefusal::PseudonymMissing);
        }
        Ok(())
    }
}

/// An intake. All of it is the person's: erasing the referral deletes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intake {
    /// Identifier.
    pub id: Uuid,
    /// The referral or self-registration.
    pub referral_id: Uuid,
    /// The centre holding it (the referral's target).
    pub centre_id: Uuid,
    /// When it is booked.
    pub scheduled_at: DateTime<Utc>,
    /// How it is held.
    pub format: IntakeFormat,
    /// What the person would like.
    pub preferences: Preferences,
    /// Held time, outcome, theme and pseudonym, once completed.
    pub completion: Option<Completion>,
    /// The centre's notes from the conversation.
    pub notes: Option<String>,
    /// Increases with every change.
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// How one group fits one person: which criteria are met. The score that ranks them is computed
/// with the ranking, in storage; this is its explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(clippy::struct_excessive_bools)]
pub struct MatchCriteria {
    /// The theme fits.
    pub theme: bool,
    /// A language is shared.
    pub language: bool,
    /// The format fits.
    pub format: bool,
    /// The place fits.
    pub municipality: bool,
    /// The weekday fits.
    pub weekday: bool,
}

impl MatchCriteria {
    /// The criteria met and those not, each in the order of [`MatchCriterion::ALL`].
    pub fn explain(self) -> (Vec<MatchCriterion>, Vec<MatchCriterion>) {
        MatchCriterion::ALL
            .iter()
            .partition(|criterion| match criterion {
                MatchCriterion::Theme => self.theme,
                MatchCriterion::Language => self.language,
                MatchCriterion::Format => self.format,
                MatchCriterion::Municipality => self.municipality,
                MatchCriterion::Weekday => self.weekday,
            })
    }
}

crate::page::keyed_by!(Intake, created_at);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_first_call_intake_walks_a_received_referral_through_contacted() {
        assert_eq!(
            steps_to_scheduled(ReferralStatus::Received),
            Some(vec![
                ReferralStatus::Contacted,
                ReferralStatus::IntakeScheduled
            ])
        );
        assert_eq!(
            steps_to_scheduled(ReferralStatus::IntakeScheduled),
            Some(vec![])
        );
        assert_eq!(steps_to_scheduled(ReferralStatus::Placed), None);
        assert_eq!(steps_to_scheduled(ReferralStatus::Withdrawn), None);
    }

    #[test]
    fn outcomes_lead_to_waiting_or_an_exit() {
        assert_eq!(
            IntakeOutcome::SpecificGroup.referral_next(),
            Some((ReferralStatus::WaitingForGroup, None))
        );
        assert_eq!(
            IntakeOutcome::Declined.referral_next().map(|(to, _)| to),
            Some(ReferralStatus::DeclinedByPerson)
        );
        assert_eq!(IntakeOutcome::WantsToWait.referral_next(), None);
    }

    #[test]
    fn a_completion_names_its_theme_and_pseudonym() {
        let completion = Completion {
            held_at: Utc::now(),
            outcome: IntakeOutcome::SpecificGroup,
            outcome_theme: None,
            pseudonym: Some("Kari".into()),
        };
        assert_eq!(completion.check(), Err(CompletionRefusal::ThemeMissing));
        let general = Completion {
            outcome: IntakeOutcome::GeneralGroup,
            pseudonym: None,
            ..completion.clone()
        };
        assert_eq!(general.check(), Err(CompletionRefusal::PseudonymMissing));
        let declined = Completion {
            outcome: IntakeOutcome::Declined,
            outcome_theme: Some(GroupTheme::Grief),
            ..completion
        };
        assert_eq!(declined.check(), Err(CompletionRefusal::ThemeNotExpected));
    }

    #[test]
    fn an_explanation_lists_every_criterion_once() {
        let (met, missed) = MatchCriteria {
            theme: true,
            weekday: true,
            ..MatchCriteria::default()
        }
        .explain();
        assert_eq!(met, vec![MatchCriterion::Theme, MatchCriterion::Weekday]);
        assert_eq!(missed.len(), 3);
    }
}
