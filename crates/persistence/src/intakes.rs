//! Intake conversations in storage. Only the centre holding the referral reaches an intake
//! ([`CentreScope`] in the WHERE clause of every query). All of it is the person's: erasing the
//! referral deletes it.

use crate::error::{parse_stored, parse_stored_all, StoreError};
use crate::pagination::{self, created_order};
use crate::record::{find_and_lock, one_version_up};
use crate::schema::intakes;
use chrono::{DateTime, Utc};
use diesel::expression::BoxableExpression;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use samhandling_domain::group::{CentreScope, GroupTheme, Weekday};
use samhandling_domain::intake::{Completion, Intake, IntakeOutcome, Preferences};
use samhandling_domain::page::{Page, PageRequest};
use uuid::Uuid;

/// The unique index that gives a referral one intake.
pub const ONE_PER_REFERRAL_KEY: &str = "intakes_referral_key";

type Condition = Box<dyn BoxableExpression<intakes::table, Pg, SqlType = Bool>>;

/// `scope` as a WHERE condition on `intakes`; an empty scope matches nothing.
fn condition(scope: CentreScope) -> Condition {
    match scope.centre {
        Some(centre) => Box::new(intakes::centre_id.eq(centre)),
        None => Box::new(intakes::id.is_null()),
    }
}

#[derive(Debug, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = intakes, check_for_backend(diesel::pg::Pg))]
pub(crate) struct IntakeRow {
    id: Uuid,
    referral_id: Uuid,
    centre_id: Uuid,
    scheduled_at: DateTime<Utc>,
    format: String,
    preferred_themes: Vec<Option<String>>,
    preferred_languages: Vec<Option<String>>,
    preferred_weekdays: Vec<Option<String>>,
    held_at: Option<DateTime<Utc>>,
    outcome: Option<String>,
    outcome_theme: Option<String>,
    pseudonym: Option<String>,
    notes: Option<String>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<IntakeRow> for Intake {
    type Error = StoreError;

    fn try_from(row: IntakeRow) -> Result<Self, Self::Error> {
        let completion = match (row.held_at, row.outcome) {
            (Some(held_at), Some(outcome)) => Some(Completion {
                held_at,
                outcome: parse_stored::<IntakeOutcome>(&outcome)?,
                outcome_theme: row.outcome_theme.as_deref().map(parse_stored).transpose()?,
                pseudonym: row.pseudonym,
            }),
            _ => None,
        };
        Ok(Intake {
            id: row.id,
            referral_id: row.referral_id,
            centre_id: row.centre_id,
            scheduled_at: row.scheduled_at,
            format: parse_stored(&row.format)?,
            preferences: Preferences {
                themes: parse_stored_all(&row.preferred_themes)?,
                languages: row.preferred_languages.into_iter().flatten().collect(),
                weekdays: parse_stored_all(&row.preferred_weekdays)?,
            },
            completion,
            notes: row.notes,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn names<T: Copy>(values: &[T], name: fn(T) -> &'static str) -> Vec<&'static str> {
    values.iter().map(|value| name(*value)).collect()
}

/// Stores a new intake as `intake` describes it (booked, not held).
pub fn insert(conn: &mut PgConnection, intake: &Intake) -> Result<Intake, StoreError> {
    let row: IntakeRow = diesel::insert_into(intakes::table)
        .values((
            intakes::id.eq(intake.id),
            intakes::referral_id.eq(intake.referral_id),
            intakes::centre_id.eq(intake.centre_id),
            intakes::scheduled_at.eq(intake.scheduled_at),
            intakes::format.eq(intake.format.as_str()),
            intakes::preferred_themes.eq(names(&intake.preferences.themes, GroupTheme::as_str)),
            intakes::preferred_languages.eq(&intake.preferences.languages),
            intakes::preferred_weekdays.eq(names(&intake.preferences.weekdays, Weekday::as_str)),
            intakes::notes.eq(intake.notes.as_deref()),
        ))
        .returning(IntakeRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

find_and_lock! {
    /// The intake `id`, if the scope's centre holds it.
    fn find / find_for_update(id: Uuid, scope: CentreScope) -> Intake {
        intakes::table
            .filter(intakes::id.eq(id))
            .filter(condition(scope))
            .select(IntakeRow::as_select())
    }
}

/// Filters for the list; they combine with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntakeFilter {
    /// Only held (`true`) or only booked (`false`) intakes.
    pub held: Option<bool>,
    /// Only this outcome.
    pub outcome: Option<IntakeOutcome>,
    /// Only intakes booked at or after.
    pub scheduled_after: Option<DateTime<Utc>>,
    /// Only intakes booked before.
    pub scheduled_before: Option<DateTime<Utc>>,
}

/// One page of the scope's intakes.
pub fn list(
    conn: &mut PgConnection,
    scope: CentreScope,
    filter: &IntakeFilter,
    page: PageRequest,
) -> Result<Page<Intake>, StoreError> {
    let mut query = created_order!(intakes, IntakeRow).filter(condition(scope));
    if let Some(held) = filter.held {
        query = if held {
            query.filter(intakes::held_at.is_not_null())
        } else {
            query.filter(intakes::held_at.is_null())
        };
    }
    if let Some(outcome) = filter.outcome {
        query = query.filter(intakes::outcome.eq(outcome.as_str()));
    }
    if let Some(after) = filter.scheduled_after {
        query = query.filter(intakes::scheduled_at.ge(after));
    }
    if let Some(before) = filter.scheduled_before {
        query = query.filter(intakes::scheduled_at.lt(before));
    }
    pagination::load_created_page::<_, IntakeRow, Intake>(conn, query, page)
}

/// Records a held intake (already locked and checked), with what the person said.
pub fn complete(
    conn: &mut PgConnection,
    id: Uuid,
    completion: &Completion,
    preferences: &Preferences,
    notes: Option<&str>,
) -> Result<Intake, StoreError> {
    let row: IntakeRow = diesel::update(intakes::table.find(id))
        .set((
            intakes::held_at.eq(completion.held_at),
            intakes::outcome.eq(completion.outcome.as_str()),
            intakes::outcome_theme.eq(completion.outcome_theme.map(GroupTheme::as_str)),
            intakes::pseudonym.eq(completion.pseudonym.as_deref()),
            intakes::preferred_themes.eq(names(&preferences.themes, GroupTheme::as_str)),
            intakes::preferred_languages.eq(&preferences.languages),
            intakes::preferred_weekdays.eq(names(&preferences.weekdays, Weekday::as_str)),
            intakes::notes.eq(notes),
            one_version_up!(intakes),
        ))
        .returning(IntakeRow::as_returning())
        .get_result(conn)?;
    row.try_into()
}

/// Deletes a referral's intake, whose places [`crate::memberships`] has cut loose first; returns
/// its id, if there was one.
pub(crate) fn erase_for_referral(
    conn: &mut PgConnection,
    referral_id: Uuid,
) -> Result<Option<Uuid>, StoreError> {
    Ok(
        diesel::delete(intakes::table.filter(intakes::referral_id.eq(referral_id)))
            .returning(intakes::id)
            .get_result(conn)
            .optional()?,
    )
}
